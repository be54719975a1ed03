"""Shared fixtures: a fresh database per test, Qt offscreen, no real dialogs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Letters use the bundled fonts in tests, so output does not depend on the machine.
os.environ.setdefault("TOWNSHIP_ENFORCEMENT_FONTS", "bundled")

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from desktop_app.domain import clock
from desktop_app.paths import DataPaths
from desktop_app.security import passwords
from desktop_app.services.context import ServiceContext
from desktop_app.services.seed import seed_reference_data
from desktop_app.storage.startup import open_database

# argon2id at its real cost (≈0.3 s a hash) would make every log-in test slow; the
# real profile is checked once in tests/services/test_accounts.py.
passwords.use_fast_hashing()


@pytest.fixture
def data_paths(tmp_path: Path) -> DataPaths:
    return DataPaths(tmp_path / "data").ensure()


@pytest.fixture
def ctx(data_paths: DataPaths) -> Iterator[ServiceContext]:
    """A new database with the seed organisations (no catalogue), operator = 管理员."""
    result = open_database(f"sqlite:///{data_paths.database}", backup_dir=data_paths.backups)
    context = ServiceContext(result.db, data_paths, None, "测试员")
    seed_reference_data(context, catalogue=False)
    yield context
    result.db.close()


# Tests are written against late November 2026; a fixed "now" keeps defaults
# such as "立案日期 = today" and "not in the future" checks from drifting with the
# machine's date.
FROZEN_NOW = datetime(2026, 11, 29, 20, 0, 0)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)
    return FROZEN_NOW
