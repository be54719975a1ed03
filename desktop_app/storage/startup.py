"""Opening the database at start: check, back up, migrate, verify.

Order (ARCHITECTURE "Start-up order"): the file is checked before anything
touches it; a database stamped by a newer program is refused untouched; a
verified backup copy is taken before any pending migration; migrations run
with foreign keys off; integrity and foreign keys are checked afterwards.
Only a file that does not exist becomes a new database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import inspect, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from desktop_app.domain import clock
from desktop_app.storage import migrate, postgres, sqlite
from desktop_app.storage.db import Database
from desktop_app.storage.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    NotADatabase,
    StorageError,
)

log = logging.getLogger(__name__)


@dataclass
class OpenResult:
    db: Database
    created: bool
    migrated_from: str | None
    pre_migration_backup: Path | None


def open_database(
    url: str, *, backup_dir: Path | None = None, file_checked: bool = False
) -> OpenResult:
    """Open (creating or migrating) the database at ``url``. ``file_checked``: the
    caller has just run :func:`diagnose` on the file (header and ``quick_check``,
    ≈ 0.1 s on a large database), so it is not checked a second time."""
    db_path = _sqlite_path(url)
    created = False
    stored: str | None = None
    if db_path is not None:
        if db_path.exists():
            if not file_checked:
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
            try:
                with db.engine.connect() as conn:
                    stored = migrate.current_revision(conn)
            except OperationalError as exc:
                raise StorageError(
                    f"无法连接数据库服务器：{hidden_password(url)}\n"
                    "请检查网络、服务器地址、用户名和密码，或联系服务器管理员。"
                    f"（{str(exc.orig or exc).strip().splitlines()[0]}）"
                ) from exc
            migrate.ensure_not_newer(stored)
            created = stored is None and not inspect(db.engine).get_table_names()

        head = migrate.head_revision()
        backup: Path | None = None
        if stored != head:
            if db_path is not None and not created and backup_dir is not None:
                stamp = clock.now().strftime("%Y%m%d-%H%M%S")
                # A run killed after its copy and restarted in the same second
                # finds that name taken: a second copy, never a refusal to start.
                backup = sqlite.backup_file(
                    db_path,
                    sqlite.unused_name(
                        backup_dir / f"pre-migration-{stamp}-{stored or 'empty'}.db"
                    ),
                )
                log.info("pre-migration backup %s", backup)
            elif db_path is None and stored is not None and backup_dir is not None:
                stamp = clock.now().strftime("%Y%m%d-%H%M%S")
                backup_dir.mkdir(parents=True, exist_ok=True)
                name = sqlite.unused_name(backup_dir / f"pre-migration-{stamp}-{stored}.dump")
                backup = postgres.dump_before_migration(url, name)
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


def hidden_password(url: str) -> str:
    """A database URL fit for a message or a log line: no password."""
    return make_url(url).render_as_string(hide_password=True)


def revision_of(url: str) -> str | None:
    """The Alembic revision a (server) database is at, without migrating it."""
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            return migrate.current_revision(conn)
    except SQLAlchemyError as exc:
        raise StorageError(
            f"无法连接数据库 {hidden_password(url)}：{exc.__class__.__name__}"
        ) from exc
    finally:
        db.engine.dispose()


def check_database(url: str) -> list[str]:
    """The headless ``check``: problems found, or an empty list (read-only)."""
    path = _sqlite_path(url)
    if path is None:
        if url.startswith("sqlite"):
            return []
        return _check_server(url)
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


def _check_server(url: str) -> list[str]:
    """A server database has no file to check: its version is what can be wrong
    (the server itself keeps its pages consistent)."""
    stored = revision_of(url)
    head = migrate.head_revision()
    if stored is None:
        return ["数据库没有版本标记，不是本程序创建的数据库（或还没有初始化）。"]
    if stored not in migrate.known_revisions():
        return [f"数据库版本 {stored} 比本程序新（本程序为 {head}）。"]
    if stored != head:
        return [f"数据库版本 {stored} 需要升级到 {head}（下次启动时自动升级）。"]
    return []


# ---------------------------------------------------------------------------
# Recovery at start: what is wrong with the database file, before opening it.

ProblemKind = Literal["missing", "damaged", "locked"]


@dataclass(frozen=True)
class StartupProblem:
    """Why the database cannot be opened as it is; ``message`` is for the clerk."""

    kind: ProblemKind
    message: str
    moved_to: list[Path] = field(default_factory=list)

    @property
    def recoverable(self) -> bool:
        """A backup may be put in its place (a locked file is only waited for)."""
        return self.kind in ("missing", "damaged")


def has_backups(backup_dir: Path | None) -> bool:
    return backup_dir is not None and backup_dir.is_dir() and any(backup_dir.glob("*.db"))


def diagnose(
    db_path: Path, backup_dir: Path | None, *, move_damaged: bool = True
) -> StartupProblem | None:
    """Check the database file before anything opens it.

    * missing, but backups exist: the database existed before and is gone
      (deleted, moved, a sync tool): not silently a first run;
    * empty, not SQLite, truncated, corrupt (``quick_check``): moved aside as
      ``<name>.damaged-<time>`` with its -wal/-shm (when ``move_damaged``),
      never overwritten or deleted;
    * locked by another program: reported, left alone.

    ``None`` means the file is fine, or absent on a genuine first run.
    """
    if not db_path.exists():
        if has_backups(backup_dir):
            return StartupProblem(
                "missing",
                f"找不到数据库文件：{db_path}\n"
                "以前在这台计算机上用过本程序（备份文件夹里有备份），但数据库文件不见了，"
                "可能被删除、移走或改了名。",
            )
        return None
    try:
        sqlite.check_file(db_path)
    except DatabaseLocked as exc:
        return StartupProblem("locked", str(exc))
    except (NotADatabase, DatabaseCorrupt) as exc:
        what = _damage_summary(exc)
        moved: list[Path] = []
        if move_damaged:
            stamp = clock.now().strftime("%Y%m%d-%H%M%S")
            moved = sqlite.move_aside(db_path, stamp)
            log.warning("damaged database moved aside: %s (%s)", moved, exc)
            where = f"\n为保留原样，它已改名另存为：{moved[0]}" if moved else ""
        else:
            where = ""
        return StartupProblem("damaged", f"数据库文件{what}：{db_path}{where}", moved)
    return None


def _damage_summary(exc: StorageError) -> str:
    text = str(exc)
    if "0 字节" in text:
        return "是空的（0 字节，可能上次复制或保存没有完成）"
    if isinstance(exc, NotADatabase):
        return "不是本程序的数据库（内容不是 SQLite 数据库）"
    return "已损坏（可能被截断或部分内容被破坏）"
