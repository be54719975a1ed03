"""Fixtures for the letter tests: one demo database shared by the module, bundled fonts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from desktop_app.documents.fonts import FONT_MODE_ENV
from desktop_app.paths import DataPaths
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo
from desktop_app.storage.models import Staff
from desktop_app.storage.startup import open_database

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def bundled_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled fonts, whatever the machine has: the same PDF everywhere."""
    monkeypatch.setenv(FONT_MODE_ENV, "bundled")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceContext]:
    """A demo database (every ledger filled) with a data folder for issued letters."""
    paths = DataPaths(tmp_path_factory.mktemp("letters")).ensure()
    result = open_database(f"sqlite:///{paths.database}", backup_dir=paths.backups)
    context = ServiceContext(result.db, paths, 1, "管理员")
    generate_demo(context, records=1500, seed=2, today=TODAY)
    with context.uow() as uow:  # may issue the letters that show a complainant
        admin = uow.session.get(Staff, 1)
        assert admin is not None
        admin.sees_complainants = True
    yield context
    result.db.close()
