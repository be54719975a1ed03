"""Passwords and keys: nothing here touches the database."""
