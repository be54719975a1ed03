"""The administrator the start-up tests log in as (tests/ui/conftest.py ``auto_login``)."""

ADMIN_LOGIN, ADMIN_PASSWORD = "admin", "zhao2026ba"
