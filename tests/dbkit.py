"""Which database the tests run on: SQLite files (default) or a PostgreSQL server.

``TOWNSHIP_TEST_DATABASE_URL=postgresql+psycopg://user@host:port/postgres`` runs
the suite against that server: each test gets a fresh database of its own,
cloned from a template (``CREATE DATABASE … TEMPLATE``), migrated and seeded
once per session, and dropped after the test. Tests that are about the SQLite
file itself (backup API, recovery of a damaged file, PRAGMAs, killed writers)
carry ``@pytest.mark.sqlite_only`` and are skipped there.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url

PG_ENV = "TOWNSHIP_TEST_DATABASE_URL"
PREFIX = f"township_t{os.getpid()}_"


def server_url() -> str | None:
    """The PostgreSQL server the tests use, or None for SQLite."""
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        return None
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def on_postgres() -> bool:
    return server_url() is not None


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class PgServer:
    """Creates and drops the per-test databases on one server (AUTOCOMMIT)."""

    def __init__(self, url: str) -> None:
        self.base: URL = make_url(url)
        self.admin: Engine = create_engine(
            self.base.set(database="postgres"), isolation_level="AUTOCOMMIT", pool_size=1
        )
        self._names = itertools.count(1)
        self.templates: dict[str, str] = {}

    def url_of(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _exec(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def create(self, template: str | None = None) -> str:
        """A new database (empty, or a copy of ``template``); returns its URL."""
        name = f"{PREFIX}{next(self._names)}"
        self._exec(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url_of(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        assert name and name.startswith(PREFIX), name
        self._exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            names = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                {"p": PREFIX.replace("_", r"\_") + "%"},
            ).scalars()
            for name in list(names):
                conn.execute(text(f'ALTER DATABASE "{name}" IS_TEMPLATE false'))
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


_server: PgServer | None = None


def server() -> PgServer:
    global _server
    url = server_url()
    assert url is not None, f"{PG_ENV} is not set"
    if _server is None:
        _server = PgServer(url)
    return _server


def fresh_url(path: Path) -> str:
    """A new, empty database for a test: the SQLite file ``path``, or a new
    database on the PostgreSQL server (dropped by :func:`release`)."""
    return server().create() if on_postgres() else sqlite_url(path)


# A test's database is dropped a few tests later, not at its teardown: a widget's
# timer left running by a GUI test may still query it, as it may an SQLite file
# that stays in the test's folder.
KEEP = 3
_finished: list[str] = []


def release(url: str) -> None:
    if url.startswith("postgresql") and _server is not None:
        _finished.append(url)
        while len(_finished) > KEEP:
            _server.drop(_finished.pop(0))


class RawConnection:
    """A plain DB-API connection to the program's database of a data folder, as a
    test pokes at it from outside: ``execute(sql, params)`` with ``?`` placeholders
    on either database (write booleans as TRUE/FALSE: PostgreSQL has no 0/1)."""

    def __init__(self, data_dir: Path) -> None:
        self.pg = on_postgres()
        if self.pg:
            import psycopg

            url = os.environ["TOWNSHIP_DATABASE_URL"].replace(
                "postgresql+psycopg://", "postgresql://"
            )
            self.con: Any = psycopg.connect(url)
        else:
            import sqlite3

            self.con = sqlite3.connect(Path(data_dir) / "enforcement.db")

    def execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:
        if self.pg:
            sql = sql.replace("%", "%%").replace("?", "%s")
        return self.con.execute(sql, tuple(params))

    def commit(self) -> None:
        self.con.commit()

    def close(self) -> None:
        self.con.close()


def connect(data_dir: Path) -> RawConnection:
    return RawConnection(data_dir)
