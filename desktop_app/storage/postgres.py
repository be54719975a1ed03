"""PostgreSQL-only code (a county-wide instance), the counterpart of ``sqlite.py``.

SQLite lets one writer in at a time (``BEGIN IMMEDIATE``), and the services
are written for that: a number is read as "the highest so far + 1" and written
in the same transaction. On PostgreSQL every writer transaction takes one
transaction-scoped advisory lock first, so writers from any number of
processes run one after another exactly as on SQLite (readers are never
blocked), and numbers stay gap-free and unique without retries.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine, event, make_url
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

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


DUMP_TIMEOUT_S = 3600


def dump_before_migration(url: str, target: Path) -> Path | None:
    """A ``pg_dump`` (custom format, for ``pg_restore``) of the server database into
    ``target`` (a name not yet taken) before this program upgrades its tables: the server's
    counterpart of the SQLite pre-migration copy. Where the PC has no ``pg_dump``
    (an office PC usually has none) or it fails, None: the upgrade goes on, as the
    README asks the administrator to keep a dump of their own; it is logged."""
    exe = shutil.which("pg_dump")
    if exe is None:
        log.warning("pg_dump not found: no copy of the server database before upgrading it")
        return None
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:  # not on the command line, where other users could read it
        env["PGPASSWORD"] = str(parsed.password)
    dsn = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        done = subprocess.run(
            [exe, "--format=custom", f"--file={partial}", f"--dbname={dsn}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=DUMP_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        partial.unlink(missing_ok=True)
        log.warning("pg_dump before the upgrade failed: %s", exc)
        return None
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        log.warning("pg_dump before the upgrade failed: %s", done.stderr.strip()[:500])
        return None
    partial.replace(target)
    log.info("pre-migration dump %s", target)
    return target
