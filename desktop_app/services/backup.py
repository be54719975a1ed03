"""Backups and restore of the SQLite database (the file-level work is in storage.sqlite)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_app.domain.clock import now
from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.paths import DataPaths
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.storage import migrate, sqlite
from desktop_app.storage.errors import StorageError


def _stamp() -> str:
    return now().strftime("%Y%m%d-%H%M%S")


def backup(
    ctx: ServiceContext,
    dest: Path | None = None,
    *,
    kind: str = "manual",
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Copy the live database to ``dest`` (default: the backups folder), verified."""
    source = ctx.db.path
    if source is None:
        raise ServiceError("只有本机数据库（SQLite）可以用本功能备份。")
    if dest is None:
        if ctx.paths is None:
            raise ServiceError("未指定备份文件。")
        dest = ctx.paths.backups / f"{kind}-{_stamp()}.db"
    dest = Path(dest)
    if dest.suffix == "":
        dest = dest.with_suffix(".db")
    try:
        result = sqlite.backup_file(source, dest, progress=progress)
    except StorageError as exc:
        raise ServiceError(str(exc)) from exc
    with ctx.uow() as uow:
        uow.audit(AuditAction.BACKUP, RecordType.DATABASE, None, f"备份数据库到：{result}")
    return result


@dataclass(frozen=True)
class RestoreResult:
    safety_copy: Path | None
    restored_from: Path
    revision: str | None


def validate_backup(path: Path) -> str:
    """A backup file we can restore: a healthy database of ours, not newer than us."""
    path = Path(path)
    if not path.exists():
        raise ServiceError(f"备份文件不存在：{path}")
    try:
        sqlite.check_file(path)
    except StorageError as exc:
        raise ServiceError(str(exc)) from exc
    revision = sqlite.stored_revision(path)
    if revision is None:
        raise ServiceError(f"这个文件不是本程序的数据库备份：{path}")
    try:
        migrate.ensure_not_newer(revision)
    except StorageError as exc:
        raise ServiceError(str(exc)) from exc
    return revision


def restore(paths: DataPaths, source: Path) -> RestoreResult:
    """Replace the live database with ``source``; a safety copy of the current one first.

    No connection to the live database may be open (the caller holds the
    single-instance lock and has closed the app's database).
    """
    source = Path(source)
    revision = validate_backup(source)
    live = paths.database
    if source.resolve() == live.resolve():
        raise ServiceError("不能用正在使用的数据库文件恢复它自己。")
    paths.ensure()
    safety: Path | None = None
    try:
        if live.exists():
            safety = sqlite.backup_file(live, paths.backups / f"before-restore-{_stamp()}.db")
        sqlite.replace_database(live, source)
    except StorageError as exc:
        raise ServiceError(str(exc)) from exc
    return RestoreResult(safety, source, revision)


def list_backups(paths: DataPaths) -> list[Path]:
    if not paths.backups.exists():
        return []
    return sorted(paths.backups.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True)
