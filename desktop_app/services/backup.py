"""Backups and restore of the SQLite database (the file-level work is in storage.sqlite).

* automatic copies in ``<data>/backups``: at the first start of a day and at
  every exit, thinned by :func:`backups_to_keep` (7 daily, 4 weekly, 12
  monthly); copies taken before a migration or a restore, and files the
  program did not name, are never deleted;
* a manual copy to any chosen place (a USB stick): the online backup API,
  fsync, ``quick_check`` on the copy, atomic rename, never over an existing
  file unless the user agreed;
* restore, with a safety copy of the current database (or, when it is
  damaged, the damaged file moved aside) first.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.paths import DataPaths
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.storage import migrate, sqlite
from desktop_app.storage.errors import DatabaseCorrupt, NotADatabase, StorageError

log = logging.getLogger(__name__)

STAMP_FORMAT = "%Y%m%d-%H%M%S"

# Kinds of copy in the backups folder, by the prefix of their file name.
START, EXIT, MANUAL = "start", "exit", "manual"
PRE_MIGRATION, BEFORE_RESTORE = "pre-migration", "before-restore"
KIND_LABELS = {
    START: "每日自动（启动时）",
    EXIT: "自动（退出时）",
    MANUAL: "手动",
    PRE_MIGRATION: "升级前自动",
    BEFORE_RESTORE: "恢复前的安全副本",
}
ROTATED_KINDS = frozenset({START, EXIT, MANUAL})
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12

_NAME = re.compile(r"^(?P<kind>[a-z]+(?:-[a-z]+)*)-(?P<stamp>\d{8}-\d{6})(?:-[^/\\]*)?\.db$")

USB_HINT = "拔出U盘前，请先在任务栏右下角点「安全删除硬件并弹出媒体」，等提示可以安全移除后再拔。"


def _stamp() -> str:
    return clock.now().strftime(STAMP_FORMAT)


def may_restore(ctx: ServiceContext) -> bool:
    """Whether this operator may replace the database from a backup: an
    administrator (or a headless command run by whoever holds the data folder)."""
    return ctx.is_admin


# ---------------------------------------------------------------------------
# Rotation: a pure decision on timestamps


def backups_to_keep(
    stamps: Iterable[datetime],
    *,
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
) -> set[datetime]:
    """Which of these backup times to keep: 7 daily, 4 weekly, 12 monthly.

    Counted over the days, ISO weeks and months that *have* backups (so a PC
    that was switched off for a month still keeps its last seven days of
    work), newest first; in each kept day, week or month the newest backup
    is the one kept. The newest backup of all is always kept. Nothing is
    decided from the current clock, so a wrong PC date never empties the
    folder.
    """
    ordered = sorted(set(stamps), reverse=True)
    keep: set[datetime] = set(ordered[:1])
    rules: tuple[tuple[int, Callable[[datetime], object]], ...] = (
        (daily, lambda t: t.date()),
        (weekly, lambda t: tuple(t.isocalendar())[:2]),
        (monthly, lambda t: (t.year, t.month)),
    )
    for count, period in rules:
        seen: set[object] = set()
        for t in ordered:
            if len(seen) >= count:
                break
            key = period(t)
            if key not in seen:
                seen.add(key)
                keep.add(t)
    return keep


# ---------------------------------------------------------------------------
# The backups folder


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    kind: str
    size: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, "其他")

    @property
    def size_text(self) -> str:
        return size_text(self.size)


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size, 1) / 1024:.0f} KB" if size else "0 KB"
    return f"{size / 1024 / 1024:.1f} MB"


def describe(path: Path) -> BackupInfo:
    stat = path.stat()
    found = _NAME.match(path.name)
    if found:
        kind = found["kind"]
        taken = datetime.strptime(found["stamp"], STAMP_FORMAT)
    else:
        kind = "other"
        taken = datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0)
    return BackupInfo(path, taken, kind, stat.st_size)


def list_backups(paths: DataPaths) -> list[BackupInfo]:
    """Every backup in the backups folder, newest first."""
    if not paths.backups.is_dir():
        return []
    found = []
    for p in paths.backups.glob("*.db"):
        if p.name.startswith("."):  # a temporary file, never a finished copy
            continue
        try:
            found.append(describe(p))
        except OSError:  # vanished meanwhile
            continue
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


PARTIAL_MAX_AGE_S = 3600  # a copy still being written is minutes old at most


def remove_stale_partials(paths: DataPaths) -> list[Path]:
    """Delete the temporary files of copies that were killed mid-way (power cut,
    program ended): an hour old or more, so a copy still running is never hit.
    They are never listed as backups (:func:`list_backups` takes ``*.db``)."""
    removed = []
    for p in sqlite.partial_copies(paths.backups):
        try:
            if time.time() - p.stat().st_mtime < PARTIAL_MAX_AGE_S:
                continue
            p.unlink()
        except OSError as exc:
            log.warning("could not remove unfinished copy %s: %s", p, exc)
            continue
        removed.append(p)
    return removed


def prune(paths: DataPaths) -> list[Path]:
    """Delete the automatic/manual copies the rotation no longer keeps; returns them.

    Unfinished temporary copies left by a killed backup go too (not returned).
    """
    remove_stale_partials(paths)
    rotated = [b for b in list_backups(paths) if b.kind in ROTATED_KINDS]
    keep = backups_to_keep(b.taken_at for b in rotated)
    removed: list[Path] = []
    for b in rotated:
        if b.taken_at not in keep:
            try:
                b.path.unlink()
            except OSError as exc:
                log.warning("could not remove old backup %s: %s", b.path, exc)
                continue
            removed.append(b.path)
    return removed


def latest_good_backup(paths: DataPaths) -> BackupInfo | None:
    """The newest backup that passes the checks a restore makes."""
    for b in list_backups(paths):
        try:
            validate_backup(b.path)
        except ServiceError as exc:
            log.warning("backup %s not usable: %s", b.path, exc)
            continue
        return b
    return None


# ---------------------------------------------------------------------------
# Making copies


def default_name(at: datetime | None = None) -> str:
    """The suggested file name of a copy to take away (a USB stick)."""
    return f"执法协调数据备份-{(at or clock.now()).strftime(STAMP_FORMAT)}.db"


def backup(
    ctx: ServiceContext,
    dest: Path | None = None,
    *,
    kind: str = MANUAL,
    progress: Callable[[int, int], None] | None = None,
    overwrite: bool = False,
) -> Path:
    """Copy the live database to ``dest`` (default: the backups folder), verified.

    ``dest`` may be an existing folder (the copy gets :func:`default_name`).
    An existing file is never replaced unless ``overwrite``. On failure a
    :class:`ServiceError` says what happened and nothing is left at ``dest``.
    """
    source = ctx.db.path
    if source is None:
        raise ServiceError("只有本机数据库（SQLite）可以用本功能备份。")
    if dest is None:
        if ctx.paths is None:
            raise ServiceError("未指定备份文件。")
        dest = sqlite.unused_name(ctx.paths.backups / f"{kind}-{_stamp()}.db")
    dest = Path(dest)
    if dest.is_dir():
        dest = dest / default_name()
    elif dest.suffix == "":
        dest = dest.with_suffix(".db")
    try:
        result = sqlite.backup_file(source, dest, progress=progress, overwrite=overwrite)
    except StorageError as exc:
        raise ServiceError(str(exc)) from exc
    if kind in (START, EXIT):
        log.info("automatic backup %s", result)
    else:
        with ctx.uow() as uow:
            uow.audit(AuditAction.BACKUP, RecordType.DATABASE, None, f"备份数据库到：{result}")
    return result


def daily_backup_due(paths: DataPaths, today: date | None = None) -> bool:
    """True when the backups folder has no copy taken today (first start of the day)."""
    day = today or clock.today()
    return not any(b.taken_at.date() == day for b in list_backups(paths))


def automatic_backup(ctx: ServiceContext, kind: str) -> Path | None:
    """The copy at start (once a day) or at exit, then the rotation.

    ``None`` when none was due (start, already one today) or the database is
    not a local file. Failures raise :class:`ServiceError` (the caller shows it
    and carries on: a failed automatic copy must not stop the work).
    """
    paths = ctx.paths
    if paths is None or ctx.db.path is None:
        return None
    if kind == START and not daily_backup_due(paths):
        return None
    paths.backups.mkdir(parents=True, exist_ok=True)
    dest = paths.backups / f"{kind}-{_stamp()}.db"
    if dest.exists():  # two in the same second: the existing one is as good
        return dest
    result = backup(ctx, dest, kind=kind)
    removed = prune(paths)
    if removed:
        log.info("rotation removed %d old backups", len(removed))
    return result


# ---------------------------------------------------------------------------
# Restore


@dataclass(frozen=True)
class RestoreResult:
    safety_copy: Path | None
    restored_from: Path
    revision: str | None
    damaged_moved_to: list[Path] | None = None

    def message(self) -> str:
        lines = [f"已从备份恢复：{self.restored_from}"]
        if self.safety_copy:
            lines.append(f"恢复前的数据库已另存为：{self.safety_copy}")
        if self.damaged_moved_to:
            lines.append(f"原来损坏的数据库文件已改名保留：{self.damaged_moved_to[0]}")
        return "\n".join(lines)


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

    A current database that is itself damaged cannot be copied: it is moved
    aside (``<name>.damaged-<time>``) instead, never deleted.

    No connection to the live database may be open (the caller holds the
    single-instance lock and has closed the app's database).
    """
    source = Path(source)
    revision = validate_backup(source)
    live = paths.database
    if live.exists() and source.resolve() == live.resolve():
        raise ServiceError("不能用正在使用的数据库文件恢复它自己。")
    paths.ensure()
    safety: Path | None = None
    moved: list[Path] | None = None
    try:
        if live.exists():
            try:
                sqlite.check_file(live)
            except (NotADatabase, DatabaseCorrupt):
                moved = sqlite.move_aside(live, _stamp())
            else:
                safety = sqlite.backup_file(live, paths.backups / f"{BEFORE_RESTORE}-{_stamp()}.db")
        sqlite.replace_database(live, source)
    except StorageError as exc:
        raise ServiceError(str(exc)) from exc
    return RestoreResult(safety, source, revision, moved)


def restore_latest(paths: DataPaths) -> RestoreResult:
    latest = latest_good_backup(paths)
    if latest is None:
        raise ServiceError(f"备份文件夹里没有可用的备份：{paths.backups}")
    return restore(paths, latest.path)


def record_restore(ctx: ServiceContext, result: RestoreResult) -> None:
    """The restore on record, in the restored database (opened afterwards)."""
    note = f"从备份恢复：{result.restored_from}"
    if result.safety_copy:
        note += f"；恢复前的数据库已另存为：{result.safety_copy}"
    if result.damaged_moved_to:
        note += f"；损坏的数据库已改名保留：{result.damaged_moved_to[0]}"
    with ctx.uow() as uow:
        uow.audit(AuditAction.RESTORE, RecordType.DATABASE, None, note)


def recovery_advice(paths: DataPaths, latest: BackupInfo | None) -> str:
    """What to do about a missing or damaged database, in plain words."""
    if latest is None:
        return (
            f"备份文件夹里没有可用的备份（{paths.backups}）。\n"
            "请不要删除任何文件，联系技术人员帮助修复。"
        )
    when = latest.taken_at.strftime("%Y年%m月%d日 %H:%M")
    return (
        f"最近的可用备份是 {when} 的{latest.kind_label}备份：{latest.path.name}\n"
        "可以用它恢复数据库；这次备份之后录入的内容需要重新录入。"
    )
