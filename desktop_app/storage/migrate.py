"""Alembic, driven from code: revisions, upgrade, and the newer-database refusal."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from desktop_app.paths import MIGRATIONS_DIR
from desktop_app.storage import postgres, sqlite
from desktop_app.storage.errors import DatabaseTooNew


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have one head, found {heads}")
    return heads[0]


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def ensure_not_newer(revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise DatabaseTooNew(
            f"这个数据库由更新版本的程序创建（数据库版本 {revision}），本程序无法打开。"
            "请安装最新版本的程序后再打开，数据不会被修改。"
        )


def upgrade(engine: Engine, target: str = "head") -> None:
    """Run pending migrations on one connection.

    On SQLite: foreign keys off (a batch rebuild drops and re-creates tables),
    leftover ``_alembic_tmp_*`` tables of a crashed run dropped, and every
    pending migration in ONE transaction, so that a crash or an error leaves
    the database exactly at its old revision, never half-way.
    """
    with engine.connect() as conn:
        if sqlite.is_sqlite(conn):
            with sqlite.foreign_keys_off(conn), conn.begin():
                sqlite.drop_orphan_batch_tables(conn)
                _upgrade(conn, target)
        elif postgres.is_postgres(conn):
            # DDL is transactional on PostgreSQL: all pending revisions in one
            # transaction as well, one program at a time.
            postgres.lock_migrations(conn)
            conn.commit()
            try:
                with conn.begin():
                    _upgrade(conn, target)
            finally:
                postgres.unlock_migrations(conn)
                conn.commit()
        else:
            _upgrade(conn, target)
            if conn.in_transaction():
                conn.commit()


def _upgrade(conn: Connection, target: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, target)


def new_revision(message: str) -> None:
    """Autogenerate a revision from the models (developers only)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'head.db'}"
        cfg = alembic_config(url)
        command.upgrade(cfg, "head")
        command.revision(cfg, message=message, autogenerate=True)


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        raise SystemExit('usage: python -m desktop_app.storage.migrate "message"')
    new_revision(sys.argv[1])
