"""Recovery at start and safe backups: damaged files moved aside, never overwritten."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from desktop_app.paths import DataPaths
from desktop_app.services import backup
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.storage import sqlite
from desktop_app.storage.errors import DatabaseLocked
from desktop_app.storage.startup import diagnose, open_database

pytestmark = pytest.mark.sqlite_only

STAMP = "20261129-200000"  # the frozen clock


def make_db(paths: DataPaths) -> None:
    result = open_database(f"sqlite:///{paths.database}", backup_dir=paths.backups)
    with result.db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO settings (key, value, updated_at) "
            "VALUES ('county_name', '\"深泽县𠀀\"', '2026-01-01 00:00:00')"
        )
    result.db.close()


def garbage_mid_file(path: Path) -> None:
    size = path.stat().st_size
    assert size >= 4096 * 4
    with path.open("r+b") as fh:
        fh.seek(4096 * 2)
        fh.write(os.urandom(4096 * 2))


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def text(path: Path) -> None:
    path.write_text("这是一份会议记录，不是数据库。\n" * 200, encoding="utf-8")


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    return DataPaths(tmp_path / "data").ensure()


@pytest.mark.parametrize(
    "damage, words",
    [
        (empty, "是空的"),
        (truncate, "已损坏"),
        (text, "不是本程序的数据库"),
        (garbage_mid_file, "已损坏"),
    ],
)
def test_damaged_database_is_moved_aside_with_its_wal_never_overwritten(
    paths: DataPaths, damage, words: str
) -> None:  # type: ignore[no-untyped-def]
    make_db(paths)
    damage(paths.database)
    before = paths.database.read_bytes()
    Path(str(paths.database) + "-wal").write_bytes(b"wal")
    Path(str(paths.database) + "-shm").write_bytes(b"shm")

    problem = diagnose(paths.database, paths.backups)
    assert problem is not None and problem.kind == "damaged" and problem.recoverable
    assert words in problem.message
    aside = paths.root / f"enforcement.db.damaged-{STAMP}"
    assert problem.moved_to[0] == aside
    assert aside.read_bytes() == before
    assert Path(str(aside) + "-wal").read_bytes() == b"wal"
    # the shared-memory index is rebuilt by any reader; it only has to move along
    assert Path(str(aside) + "-shm").exists()
    assert not paths.database.exists()
    assert str(aside) in problem.message


def test_move_aside_twice_in_a_second_keeps_both(paths: DataPaths) -> None:
    paths.database.write_bytes(b"one")
    first = sqlite.move_aside(paths.database, STAMP)
    paths.database.write_bytes(b"two")
    second = sqlite.move_aside(paths.database, STAMP)
    assert first[0] != second[0]
    assert first[0].read_bytes() == b"one" and second[0].read_bytes() == b"two"


def test_check_only_does_not_move(paths: DataPaths) -> None:
    paths.database.write_bytes(b"")
    problem = diagnose(paths.database, paths.backups, move_damaged=False)
    assert problem is not None and problem.kind == "damaged" and problem.moved_to == []
    assert paths.database.exists()


def test_missing_database_is_a_first_run_only_without_backups(paths: DataPaths) -> None:
    assert diagnose(paths.database, paths.backups) is None
    (paths.backups / f"exit-{STAMP}.db").write_bytes(b"x")
    problem = diagnose(paths.database, paths.backups)
    assert problem is not None and problem.kind == "missing"
    assert "找不到数据库文件" in problem.message


def test_healthy_database_has_no_problem(paths: DataPaths) -> None:
    make_db(paths)
    assert diagnose(paths.database, paths.backups) is None


def test_locked_database_is_reported_and_left_alone(
    paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_db(paths)
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_MS", 100)
    holder = sqlite3.connect(paths.database)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        problem = diagnose(paths.database, paths.backups)
        assert problem is not None and problem.kind == "locked" and not problem.recoverable
        assert "正被其他程序占用" in problem.message
        assert paths.database.exists()
        with pytest.raises(DatabaseLocked):
            sqlite.check_file(paths.database)
    finally:
        holder.rollback()
        holder.close()
    assert diagnose(paths.database, paths.backups) is None


# -- backups -------------------------------------------------------------------


@pytest.fixture
def app_ctx(paths: DataPaths):  # type: ignore[no-untyped-def]
    result = open_database(f"sqlite:///{paths.database}", backup_dir=paths.backups)
    ctx = ServiceContext(result.db, paths, None, "测试员")
    yield ctx
    result.db.close()


def test_backup_while_open_is_complete_even_with_data_in_the_wal(app_ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with app_ctx.db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO settings (key, value, updated_at) VALUES ('k', '\"𠀀\"', '2026-01-01')"
        )
    dest = backup.backup(app_ctx, tmp_path / "usb")  # an existing folder? no: a new file
    assert dest == tmp_path / "usb.db"
    assert sqlite.quick_check(dest) == []
    con = sqlite3.connect(dest)
    assert con.execute("SELECT value FROM settings WHERE key='k'").fetchone() == ('"𠀀"',)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    con.close()
    folder = tmp_path / "U盘"
    folder.mkdir()
    inside = backup.backup(app_ctx, folder)
    assert inside.parent == folder and inside.name == f"执法协调数据备份-{STAMP}.db"


def test_existing_file_is_never_overwritten_silently(app_ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mine = tmp_path / "我的文件.db"
    mine.write_bytes(b"the user's own file")
    with pytest.raises(ServiceError, match="已存在"):
        backup.backup(app_ctx, mine)
    assert mine.read_bytes() == b"the user's own file"
    backup.backup(app_ctx, mine, overwrite=True)  # only when the user agreed
    assert sqlite.quick_check(mine) == []


def _no_leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir()]


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, "磁盘空间不足"),
        (errno.EACCES, "没有在目标位置写入的权限"),
        (errno.EIO, "U盘可能已拔出"),
    ],
)
def test_failed_backup_leaves_no_partial_file_and_says_why(
    app_ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:  # type: ignore[no-untyped-def]
    usb = tmp_path / "usb"
    usb.mkdir()

    def pulled(path: Path) -> None:  # the copy is written, then flushing it fails
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(sqlite, "_fsync_file", pulled)
    with pytest.raises(ServiceError) as info:
        backup.backup(app_ctx, usb / "备份.db")
    message = str(info.value)
    assert words in message and "没有留下不完整的文件" in message and str(usb) in message
    assert _no_leftovers(usb) == []


def test_unwritable_destination_and_disk_full_before_copying(
    app_ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    usb = tmp_path / "usb"
    usb.mkdir()
    real_mkstemp = sqlite.tempfile.mkstemp

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(errno.EACCES, "Permission denied", str(usb))

    monkeypatch.setattr(sqlite.tempfile, "mkstemp", refuse)
    with pytest.raises(ServiceError, match="没有在目标位置写入的权限"):
        backup.backup(app_ctx, usb / "a.db")
    monkeypatch.setattr(sqlite.tempfile, "mkstemp", real_mkstemp)
    monkeypatch.setattr(
        sqlite.shutil, "disk_usage", lambda _p: sqlite.shutil._ntuple_diskusage(10, 10, 0)
    )
    with pytest.raises(ServiceError, match="磁盘空间不足"):
        backup.backup(app_ctx, usb / "b.db")
    assert _no_leftovers(usb) == []


def test_sqlite_error_in_the_copy_is_cleaned_up(
    app_ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    usb = tmp_path / "usb"
    usb.mkdir()
    real_connect = sqlite3.connect

    class Source:
        def __init__(self, con: sqlite3.Connection) -> None:
            self.con = con

        def backup(self, target: sqlite3.Connection, **kwargs: object) -> None:
            target.execute("CREATE TABLE half (x)")
            raise sqlite3.OperationalError("database or disk is full")

        def close(self) -> None:
            self.con.close()

    def connect(database, *args, **kwargs):  # type: ignore[no-untyped-def]
        con = real_connect(database, *args, **kwargs)
        return Source(con) if "mode=ro" in str(database) else con

    monkeypatch.setattr(sqlite.sqlite3, "connect", connect)
    with pytest.raises(ServiceError, match="磁盘空间不足"):
        backup.backup(app_ctx, usb / "a.db")
    assert _no_leftovers(usb) == []


def test_automatic_backup_once_a_day_at_start_and_at_every_exit(app_ctx) -> None:  # type: ignore[no-untyped-def]
    paths = app_ctx.paths
    first = backup.automatic_backup(app_ctx, backup.START)
    assert first is not None and first.name == f"start-{STAMP}.db"
    assert backup.automatic_backup(app_ctx, backup.START) is None  # already one today
    (paths.backups / first.name).unlink()
    (paths.backups / "exit-20261128-180000.db").write_bytes(b"x")
    assert backup.daily_backup_due(paths)
    exit_copy = backup.automatic_backup(app_ctx, backup.EXIT)
    assert exit_copy is not None and exit_copy.name == f"exit-{STAMP}.db"
    assert not backup.daily_backup_due(paths)
    listed = backup.list_backups(paths)
    assert [b.kind_label for b in listed] == ["自动（退出时）", "自动（退出时）"]


def test_latest_good_backup_skips_broken_ones_and_restore_keeps_a_safety_copy(
    app_ctx, paths: DataPaths
) -> None:  # type: ignore[no-untyped-def]
    good = backup.backup(app_ctx, paths.backups / "exit-20261128-180000.db", kind=backup.EXIT)
    (paths.backups / "exit-20261129-180000.db").write_bytes(b"")  # a newer, empty one
    latest = backup.latest_good_backup(paths)
    assert latest is not None and latest.path == good
    app_ctx.db.close()
    result = backup.restore_latest(paths)
    assert result.restored_from == good
    assert result.safety_copy is not None and result.safety_copy.name.startswith("before-restore-")
    assert sqlite.quick_check(paths.database) == []
    assert "恢复前的数据库已另存为" in result.message()


def test_restore_over_a_damaged_database_moves_it_aside(app_ctx, paths: DataPaths) -> None:  # type: ignore[no-untyped-def]
    good = backup.backup(app_ctx, paths.backups / "manual-20261128-180000.db")
    app_ctx.db.close()
    garbage_mid_file(paths.database)
    damaged = paths.database.read_bytes()
    result = backup.restore(paths, good)
    assert result.safety_copy is None and result.damaged_moved_to
    assert result.damaged_moved_to[0].read_bytes() == damaged
    assert sqlite.quick_check(paths.database) == []
    assert "损坏的数据库文件已改名保留" in result.message()
