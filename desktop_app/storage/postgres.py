"""PostgreSQL-only code (a county-wide instance), the counterpart of ``sqlite.py``.

SQLite lets one writer in at a time (``BEGIN IMMEDIATE``), and the services
are written for that: a number is read as "the highest so far + 1" and written
in the same transaction. On PostgreSQL every writer transaction takes one
transaction-scoped advisory lock first, so writers from any number of
processes run one after another exactly as on SQLite (readers are never
blocked), and numbers stay gap-free and unique without retries.
"""

from __future__ import annotations

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection

# Any constant of our own: "TWNS" as a 32-bit number.
WRITER_LOCK_KEY = 0x54574E53
MIGRATION_LOCK_KEY = WRITER_LOCK_KEY + 1
SERIALIZED = "pg_serialized_writer"


def is_postgres(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "postgresql"


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql", "postgres:"))


def configure_engine(engine: Engine) -> None:
    """The writer's transactions (execution option ``SERIALIZED``) wait for the
    writer lock before their first statement; it is released at commit/rollback."""

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(SERIALIZED, False):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})")


def lock_migrations(conn: Connection) -> None:
    """Two programs starting at once against a new database: one migrates, the
    other waits and then finds nothing to do (released at the end of the session)."""
    conn.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")


def unlock_migrations(conn: Connection) -> None:
    conn.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")


def sync_id_sequences(conn: Connection, tables: list[str]) -> None:
    """After rows were written with explicit ids (the demo generator numbers its
    rows itself), move each table's id sequence past the highest id, or the next
    ordinary insert would collide. SQLite needs nothing: it uses max(id) + 1."""
    if not is_postgres(conn):
        return
    for table in tables:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f'COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)'
        )
