"""Opening the database at start: check, back up, migrate, verify.

Order (ARCHITECTURE "Start-up order"): the file is checked before anything
touches it; a database stamped by a newer program is refused untouched; a
verified backup copy is taken before any pending migration; migrations run
with foreign keys off; integrity and foreign keys are checked afterwards.
Only a file that does not exist becomes a new database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect

from desktop_app.domain.clock import now
from desktop_app.storage import migrate, sqlite
from desktop_app.storage.db import Database
from desktop_app.storage.errors import DatabaseCorrupt, NotADatabase, StorageError

log = logging.getLogger(__name__)


@dataclass
class OpenResult:
    db: Database
    created: bool
    migrated_from: str | None
    pre_migration_backup: Path | None


def open_database(url: str, *, backup_dir: Path | None = None) -> OpenResult:
    """Open (creating or migrating) the database at ``url``."""
    db_path = _sqlite_path(url)
    created = False
    stored: str | None = None
    if db_path is not None:
        if db_path.exists():
            sqlite.check_file(db_path)
            stored = sqlite.stored_revision(db_path)
            if stored is None and sqlite.user_table_count(db_path) > 0:
                raise NotADatabase(
                    f"这个文件是 SQLite 数据库，但不是本程序的数据库：{db_path}\n"
                    "程序不会修改它，请检查数据文件夹。"
                )
            migrate.ensure_not_newer(stored)
        else:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            created = True

    db = Database(url)
    try:
        if db_path is None:
            with db.engine.connect() as conn:
                stored = migrate.current_revision(conn)
            migrate.ensure_not_newer(stored)
            created = stored is None and not inspect(db.engine).get_table_names()

        head = migrate.head_revision()
        backup: Path | None = None
        if stored != head:
            if db_path is not None and not created and backup_dir is not None:
                stamp = now().strftime("%Y%m%d-%H%M%S")
                backup = sqlite.backup_file(
                    db_path, backup_dir / f"pre-migration-{stamp}-{stored or 'empty'}.db"
                )
                log.info("pre-migration backup %s", backup)
            migrate.upgrade(db.engine)
            if db_path is not None:
                with db.engine.connect() as conn:
                    problems = sqlite.integrity_problems(conn)
                if problems:
                    raise DatabaseCorrupt(
                        "升级数据库后检查未通过："
                        + "；".join(problems[:3])
                        + (f"\n升级前的备份在：{backup}" if backup else "")
                    )
        return OpenResult(db=db, created=created, migrated_from=stored, pre_migration_backup=backup)
    except BaseException:
        db.engine.dispose()
        raise


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path == ":memory:":
        return None
    return Path(path)


def check_database(url: str) -> list[str]:
    """The headless ``check``: problems found, or an empty list (read-only)."""
    path = _sqlite_path(url)
    if path is None:
        return []
    if not path.exists():
        return [f"数据库文件不存在：{path}"]
    try:
        sqlite.check_file(path)
    except StorageError as exc:
        return [str(exc)]
    stored = sqlite.stored_revision(path)
    head = migrate.head_revision()
    problems: list[str] = []
    if stored is None:
        problems.append("数据库没有版本标记，不是本程序创建的数据库。")
    elif stored not in migrate.known_revisions():
        problems.append(f"数据库版本 {stored} 比本程序新（本程序为 {head}）。")
    elif stored != head:
        problems.append(f"数据库版本 {stored} 需要升级到 {head}（下次启动时自动升级）。")
    db = Database(f"sqlite:///{path}")
    try:
        with db.engine.connect() as conn:
            problems += sqlite.integrity_problems(conn)
    finally:
        db.engine.dispose()
    return problems
