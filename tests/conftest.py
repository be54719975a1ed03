"""Shared fixtures: a fresh database per test, Qt offscreen, no real dialogs."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Letters use the bundled fonts in tests, so output does not depend on the machine.
os.environ.setdefault("TOWNSHIP_ENFORCEMENT_FONTS", "bundled")

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import dbkit
import pytest

from desktop_app.domain import clock
from desktop_app.paths import DATABASE_URL_ENV, DataPaths
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


# ---------------------------------------------------------------------------
# SQLite (default) or PostgreSQL (TOWNSHIP_TEST_DATABASE_URL): see tests/dbkit.py.

# Folders whose tests never open a database: no server database is made for them.
NO_DATABASE = ("unit", "installer")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not dbkit.on_postgres():
        return
    skip = pytest.mark.skip(reason="SQLite-only: about the SQLite file itself (PostgreSQL run)")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if dbkit.on_postgres() and dbkit._server is not None:
        dbkit._server.drop_all()


@pytest.fixture(scope="session")
def _pg_migrated_template() -> str:
    """A database migrated to head, cloned by each ``ctx``. Not seeded: tests pin
    the clocks the seed's audit entries read before ``ctx`` seeds."""
    server = dbkit.server()
    url = server.create()
    open_database(url).db.close()
    name = url.rsplit("/", 1)[1]
    with server.admin.connect() as conn:
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" IS_TEMPLATE true')
    return name


@pytest.fixture(scope="session")
def _sqlite_migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once, copied by each ``ctx``: running the ten
    migrations (table rebuilds on SQLite) for every test took half a second each."""
    path = tmp_path_factory.mktemp("template") / "enforcement.db"
    open_database(dbkit.sqlite_url(path)).db.close()  # checkpointed: one file
    return path


@pytest.fixture
def database_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """This test's database: the data folder's SQLite file, or a new database on
    the PostgreSQL server (migrated when the test uses ``ctx``, else empty) that
    the program's own start-up (CLI, GUI) finds through the environment."""
    if not dbkit.on_postgres():
        database = request.getfixturevalue("data_paths").database
        if "ctx" in request.fixturenames:
            shutil.copyfile(request.getfixturevalue("_sqlite_migrated_template"), database)
        yield dbkit.sqlite_url(database)
        return
    template = (
        request.getfixturevalue("_pg_migrated_template") if "ctx" in request.fixturenames else None
    )
    url = dbkit.server().create(template)
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    yield url
    dbkit.release(url)


@pytest.fixture(autouse=True)
def _server_database(request: pytest.FixtureRequest) -> None:
    """On PostgreSQL every test that may open the program's database gets one."""
    if dbkit.on_postgres() and request.path.parent.name not in NO_DATABASE:
        request.getfixturevalue("database_url")


@pytest.fixture
def ctx(data_paths: DataPaths, database_url: str) -> Iterator[ServiceContext]:
    """A new database with the seed organisations (no catalogue), operator = 管理员."""
    result = open_database(database_url, backup_dir=data_paths.backups)
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
