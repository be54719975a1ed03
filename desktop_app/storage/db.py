"""The database handle: engines and sessions for readers and the writer."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.storage import postgres, sqlite


class Database:
    """One database, opened by :func:`desktop_app.storage.startup.open_database`.

    ``read()`` gives a session for queries; ``write()`` one whose transaction
    starts with ``BEGIN IMMEDIATE`` on SQLite, so a write never fails half-way
    on a lock; on PostgreSQL with the writer lock (``storage/postgres.py``), so
    writers take turns there too. Only services write.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        if postgres.is_postgres_url(url):
            # pre_ping: a server restarted overnight must not fail the first click
            self.engine: Engine = create_engine(url, pool_pre_ping=True)
            postgres.configure_engine(self.engine)
        else:
            self.engine = create_engine(url)
            if sqlite.is_sqlite(self.engine):
                sqlite.configure_engine(self.engine)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(**{sqlite.IMMEDIATE: True, postgres.SERIALIZED: True}),
            expire_on_commit=False,
        )

    @property
    def shown_url(self) -> str:
        """The URL fit for the screen or a log line: never the password."""
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def path(self) -> Path | None:
        """The database file, when it is SQLite on disk."""
        if self.engine.dialect.name != "sqlite":
            return None
        name = self.engine.url.database
        return Path(name) if name and name != ":memory:" else None

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        session = self._reader()
        try:
            yield session
        finally:
            # close() ends the transaction without expiring what was loaded, so
            # objects read here stay usable (detached) by the caller.
            session.close()

    def write_session(self) -> Session:
        return self._writer()

    def close(self) -> None:
        """Checkpoint (SQLite) and release every connection."""
        if self.path is not None:
            try:
                sqlite.checkpoint(self.engine)
            finally:
                self.engine.dispose()
        else:
            self.engine.dispose()
