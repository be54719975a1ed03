"""SQLite-ONLY CODE LIVES HERE, and nowhere else.

Everything that speaks SQLite's dialect (PRAGMAs, the online backup API,
file-header checks, WAL checkpoints, Alembic's leftover batch tables) is in
this module, so that the rest of the application runs unchanged on
PostgreSQL for a county-wide instance. Findings behind the settings:
``shared/notes/reliability.md`` §1–§2 (WAL + synchronous=FULL lost no
acknowledged commit in simulated power loss; a 0-byte file opens as a valid
empty database; a batch rebuild with foreign keys ON deletes child rows).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection

from desktop_app.storage.errors import (
    BackupFailed,
    DatabaseCorrupt,
    DatabaseLocked,
    NotADatabase,
    StorageError,
)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
IMMEDIATE = "sqlite_begin_immediate"


def is_sqlite(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


def configure_engine(engine: Engine) -> None:
    """Set the durable PRAGMAs on every connection and take over BEGIN.

    pysqlite's own transaction handling is switched off (``isolation_level =
    None``) so that PRAGMAs run outside a transaction and we can emit
    ``BEGIN IMMEDIATE`` for writers (no SQLITE_BUSY on upgrade from a read lock).
    """

    memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if not memory:
                mode = cur.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StorageError(
                        "无法以安全模式（WAL）打开数据库。数据文件夹可能位于网络共享或移动磁盘上，"
                        "请把数据文件夹放在本机硬盘上。"
                    )
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def read_pragma(conn: Connection, name: str) -> Any:
    return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def check_file(path: Path) -> None:
    """Refuse a file that is not a healthy SQLite database.

    Only a file that does not exist may become a new database: an empty,
    truncated or foreign file is never treated as a first run.
    """
    size = path.stat().st_size
    if size == 0:
        raise NotADatabase(
            f"数据库文件是空的（0 字节）：{path}\n可能是上次复制或保存没有完成。"
            "程序不会覆盖它，请从备份恢复。"
        )
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotADatabase(
            f"这个文件不是本程序的数据库：{path}\n程序不会覆盖它，请检查文件或从备份恢复。"
        )
    problems = quick_check(path)
    if problems:
        raise DatabaseCorrupt(
            f"数据库文件已损坏：{path}\n检查结果：{'；'.join(problems[:3])}\n"
            "程序不会覆盖它，请从备份恢复。"
        )


def locked_message(path: Path) -> str:
    return (
        f"数据库文件正被其他程序占用，暂时无法打开：{path}\n"
        "可能是本程序的另一个窗口，或数据库查看工具、杀毒软件、备份软件正在使用它。"
        "请关闭这些程序后再试；如果仍然不行，请重启计算机。数据库没有被改动。"
    )


def _is_lock_error(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def quick_check(path: Path) -> list[str]:
    """``PRAGMA quick_check`` on a file, opened read-only; empty list means healthy.

    A file another program holds locked is not a damaged file: that raises
    :class:`DatabaseLocked` instead of being reported as a problem.
    """
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        rows = [str(r[0]) for r in con.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        if _is_lock_error(exc):
            raise DatabaseLocked(locked_message(path)) from exc
        return [str(exc)]
    finally:
        con.close()
    return [] if rows == ["ok"] else rows


def integrity_problems(conn: Connection) -> list[str]:
    """Full integrity and foreign-key check on an open connection."""
    problems = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
    problems = [] if problems == ["ok"] else problems
    for row in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
        problems.append(f"外键引用无效：表 {row[0]} 第 {row[1]} 行 → {row[2]}")
    return problems


def drop_orphan_batch_tables(conn: Connection) -> list[str]:
    """Drop ``_alembic_tmp_*`` tables a crash in the middle of a batch migration left."""
    names = [
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='table' "
            "AND name LIKE '\\_alembic\\_tmp\\_%' ESCAPE '\\'"
        )
    ]
    for name in names:
        conn.exec_driver_sql(f'DROP TABLE "{name}"')
    return names


def _set_foreign_keys(conn: Connection, on: bool) -> None:
    # Straight on the DB-API connection: through SQLAlchemy the statement would
    # autobegin a transaction first (our BEGIN), and inside one SQLite silently
    # ignores this PRAGMA.
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    state = raw.execute("PRAGMA foreign_keys").fetchone()[0]
    if bool(state) != on:
        raise StorageError(f"无法{'打开' if on else '关闭'}外键检查（PRAGMA foreign_keys）。")


@contextlib.contextmanager
def foreign_keys_off(conn: Connection) -> Iterator[None]:
    """Foreign keys really off for a migration, and on again afterwards.

    The PRAGMA is a no-op inside a transaction, so any transaction the
    connection has open is committed first, and the caller begins its own
    inside this block. (Before this was fixed the PRAGMA ran inside the
    autobegun transaction and did nothing: a batch rebuild of ``staff`` failed
    with "FOREIGN KEY constraint failed" as soon as any record referred to a
    staff member, and a rebuilt parent table would have cascade-deleted its
    children.)
    """
    if conn.in_transaction():
        conn.commit()
    _set_foreign_keys(conn, False)
    try:
        yield
    finally:
        if conn.in_transaction():
            conn.rollback()
        _set_foreign_keys(conn, True)


def user_table_count(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(
            con.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
        )
    finally:
        con.close()


def stored_revision(path: Path) -> str | None:
    """The Alembic revision recorded in a database file, without migrating it."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:  # no such table, or not a database at all
            return None
        return row[0] if row else None
    finally:
        con.close()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


SIDE_FILES = ("-wal", "-shm", "-journal")
PARTIAL_SUFFIX = ".partial"  # a backup being written (see backup_file)


def _remove_quietly(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def failure_reason(exc: BaseException) -> str:
    """What went wrong with a file operation, in words a clerk understands."""
    if isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        if "full" in text:
            return "磁盘空间不足（或U盘已满）"
        if "unable to open" in text or "readonly" in text or "read-only" in text:
            return "无法在目标位置写入文件（没有写入权限，或U盘已拔出）"
        if "disk i/o" in text:
            return "读写磁盘出错（U盘可能已拔出或损坏）"
        return f"数据库出错（{exc}）"
    if isinstance(exc, OSError):
        code = exc.errno
        if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return "磁盘空间不足（或U盘已满）"
        if code in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "没有在目标位置写入的权限（文件夹只读，或U盘有写保护）"
        if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO):
            return "目标位置不可用（U盘可能已拔出，或文件夹已不存在）"
        return f"文件操作失败（{exc.strerror or exc}）"
    return str(exc)


def backup_file(
    source: Path,
    dest: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    overwrite: bool = False,
) -> Path:
    """Copy a live database with SQLite's online backup API, safely.

    Written to a hidden temporary file beside ``dest``, flushed to disk,
    verified with ``quick_check``, then renamed into place, so ``dest`` is
    either complete and healthy or untouched (an existing file is kept unless
    ``overwrite``; even then it is replaced only by a verified copy). Never a
    plain file copy: with WAL the main file alone can hold no data at all.
    On failure nothing is left at the destination.
    """
    dest = Path(dest)
    source = Path(source)
    if dest.exists() and not overwrite:
        raise BackupFailed(f"目标文件已存在，为免覆盖没有备份：{dest}\n请换一个文件名。")
    if dest.exists() and dest.is_dir():
        raise BackupFailed(f"目标是一个文件夹，不是文件：{dest}")
    if dest.resolve() == source.resolve():
        raise BackupFailed("不能把数据库备份到它自己身上。")
    tmp: Path | None = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        needed = source.stat().st_size + sum(
            Path(str(source) + s).stat().st_size
            for s in ("-wal",)
            if Path(str(source) + s).exists()
        )
        free = shutil.disk_usage(dest.parent).free
        if free < needed:
            raise OSError(errno.ENOSPC, "No space left on device", str(dest.parent))
        fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=PARTIAL_SUFFIX, dir=dest.parent)
        os.close(fd)
        tmp = Path(name)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(
                    out,
                    pages=1024,
                    progress=(lambda _s, rem, tot: progress(tot - rem, tot)) if progress else None,
                )
                # A backup must be one self-contained file: no WAL beside it.
                out.execute("PRAGMA journal_mode=DELETE")
            finally:
                out.close()
        finally:
            src.close()
        _fsync_file(tmp)
        problems = quick_check(tmp)
        if problems:
            raise BackupFailed(
                f"备份没有完成：写出的副本校验不通过（{'；'.join(problems[:3])}）。\n"
                f"目标位置：{dest.parent}\n没有留下不完整的文件，原数据库未受影响。"
            )
        if dest.exists() and not overwrite:  # appeared while we were copying
            raise BackupFailed(f"目标文件已存在，为免覆盖没有备份：{dest}\n请换一个文件名。")
        os.replace(tmp, dest)
        tmp = None
        _fsync_dir(dest.parent)
    except DatabaseLocked:
        raise
    except BackupFailed:
        raise
    except (OSError, sqlite3.Error) as exc:
        if isinstance(exc, sqlite3.Error) and _is_lock_error(exc):
            raise BackupFailed(locked_message(source)) from exc
        raise BackupFailed(
            f"备份没有完成：{failure_reason(exc)}。\n目标位置：{dest.parent}\n"
            "没有留下不完整的文件，原数据库未受影响。"
        ) from exc
    finally:
        if tmp is not None:
            _remove_quietly(tmp, *(Path(str(tmp) + s) for s in SIDE_FILES))
    return dest


def unused_name(path: Path) -> Path:
    """``path``, or ``<stem>-2<suffix>``, ``-3`` … if taken (two copies in one second)."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def partial_copies(folder: Path) -> list[Path]:
    """Temporary files :func:`backup_file` leaves when it is killed mid-copy
    (``.<name>.<random>.partial`` and their -journal): never a backup."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.glob(f".*{PARTIAL_SUFFIX}*")
        if p.is_file() and any(p.name.endswith(PARTIAL_SUFFIX + s) for s in ("", *SIDE_FILES))
    )


def move_aside(path: Path, stamp: str, label: str = "damaged") -> list[Path]:
    """Rename a database and its -wal/-shm/-journal to ``<name>.<label>-<stamp>``.

    Never deletes anything: the old files stay beside the new name (the WAL
    keeps the matching name, so the pair can still be opened for salvage).
    Returns the new paths, main file first.
    """
    base = f"{path.name}.{label}-{stamp}"
    n = 1
    while any((path.parent / (base + s)).exists() for s in ("", *SIDE_FILES)):
        n += 1
        base = f"{path.name}.{label}-{stamp}-{n}"
    moved: list[Path] = []
    for suffix in ("", *SIDE_FILES):
        old = Path(str(path) + suffix)
        if old.exists():
            new = path.parent / (base + suffix)
            os.replace(old, new)
            moved.append(new)
    _fsync_dir(path.parent)
    return moved


def replace_database(live: Path, replacement: Path) -> None:
    """Put ``replacement`` in place of the live file (no connection may be open).

    The WAL and shared-memory files of the old database are removed first: an
    old WAL beside a new main file would be replayed into it.
    """
    tmp = live.with_name(live.name + ".restore-tmp")
    tmp.unlink(missing_ok=True)
    backup_file(replacement, tmp, overwrite=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(live) + suffix).unlink(missing_ok=True)
    os.replace(tmp, live)
    _fsync_dir(live.parent)


def checkpoint(engine: Engine) -> None:
    """Fold the WAL back into the main file so that, closed, it is one file."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
