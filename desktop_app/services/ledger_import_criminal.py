"""Ledger import target(s) for this ledger: see :mod:`ledger_import_base`."""

from __future__ import annotations

from desktop_app.services.ledger_import_base import Target

TARGETS: dict[str, Target] = {}
