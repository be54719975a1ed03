"""Fixtures shared by the service tests (the database itself comes from tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalog_books import good_rows, official

from desktop_app.services import catalog
from desktop_app.services.context import ServiceContext


@pytest.fixture
def loaded(ctx: ServiceContext, tmp_path: Path) -> ServiceContext:
    """A catalogue is already there, so "nothing written" is a real check."""
    catalog.import_catalogue(ctx, official(tmp_path, good_rows(), "good.xlsx"))
    return ctx
