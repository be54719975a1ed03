"""Headless backup, backups, prune, restore --latest and the recovery advice of check."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.__main__ import main
from desktop_app.paths import DataPaths
from desktop_app.storage import sqlite as sqlite_tools

pytestmark = pytest.mark.sqlite_only

STAMP = "20261129-200000"


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), *args])


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    cli._open(DataPaths(folder)).db.close()
    return folder


def test_backup_into_the_backups_folder_and_list_it(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data, "backups") == 0
    assert "还没有备份" in capsys.readouterr().out
    assert run(data, "backup") == 0
    out = capsys.readouterr().out
    assert f"manual-{STAMP}.db" in out and "已校验" in out
    assert run(data, "backups") == 0
    out = capsys.readouterr().out
    assert "共 1 份" in out and "2026-11-29 20:00:00" in out and "手动" in out and "KB" in out


def test_backup_to_a_usb_folder_gets_a_dated_name_and_the_unplug_hint(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    usb = tmp_path / "U盘"
    usb.mkdir()
    assert run(data, "backup", "-o", str(usb)) == 0
    copy = usb / f"执法协调数据备份-{STAMP}.db"
    assert sqlite_tools.quick_check(copy) == []
    out = capsys.readouterr().out
    assert "安全删除硬件" in out
    # the same again: refused, the first copy untouched
    before = copy.read_bytes()
    assert run(data, "backup", "-o", str(usb)) == 1
    assert "已存在" in capsys.readouterr().err
    assert copy.read_bytes() == before


def test_failed_backup_says_what_happened_and_leaves_nothing(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()

    def pulled(path: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))

    monkeypatch.setattr(sqlite_tools, "_fsync_file", pulled)
    assert run(data, "backup", "-o", str(usb / "a.db")) == 1
    err = capsys.readouterr().err
    assert "备份没有完成" in err and "U盘可能已拔出" in err and "Traceback" not in err
    assert list(usb.iterdir()) == []


def test_prune_keeps_the_rotation(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    backups = data / "backups"
    for day in range(1, 29):
        (backups / f"exit-202611{day:02d}-180000.db").write_bytes(b"x")
    (backups / "pre-migration-20250101-080000-0001.db").write_bytes(b"x")
    assert run(data, "prune") == 0
    out = capsys.readouterr().out
    assert "已清理旧备份" in out
    left = sorted(p.name for p in backups.iterdir())
    assert "pre-migration-20250101-080000-0001.db" in left
    assert "exit-20261128-180000.db" in left and "exit-20261122-180000.db" in left
    assert "exit-20261120-180000.db" not in left  # neither a day, week nor month kept
    assert len(left) <= 1 + 7 + 4 + 12


def test_restore_latest_and_check_advice_for_a_corrupt_database(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data, "backup") == 0
    capsys.readouterr()
    db = data / "enforcement.db"
    db.write_text("不是数据库" * 500, encoding="utf-8")
    damaged = db.read_bytes()

    assert run(data, "check") == 1
    err = capsys.readouterr().err
    assert "不是本程序的数据库" in err
    assert "最近的可用备份是 2026年11月29日 20:00 的手动备份" in err
    assert "restore --latest" in err
    assert db.read_bytes() == damaged  # check is read-only

    assert run(data, "restore", "--latest") == 0
    out = capsys.readouterr().out
    assert f"manual-{STAMP}.db" in out and "原来损坏的数据库文件已改名保留" in out
    assert (data / f"enforcement.db.damaged-{STAMP}").read_bytes() == damaged
    assert run(data, "check") == 0
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM audit_log WHERE action='restore'").fetchone() == (1,)
    con.close()


def test_missing_database_with_backups_is_not_a_first_run(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data, "backup") == 0
    (data / "enforcement.db").unlink()
    capsys.readouterr()
    assert run(data, "check") == 1
    err = capsys.readouterr().err
    assert "找不到数据库文件" in err and "restore --latest" in err
    # other commands refuse to create an empty database in its place
    assert run(data, "export-catalog", str(data / "x.xlsx")) == 1
    assert "不会新建空数据库" in capsys.readouterr().err
    assert not (data / "enforcement.db").exists()
    assert run(data, "restore", "--latest") == 0
    assert run(data, "check") == 0


def test_restore_latest_without_backups_and_usage(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data, "restore", "--latest") == 1
    assert "没有可用的备份" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        run(data, "restore")
    assert info.value.code == 2


def test_check_reports_a_locked_database(
    data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_tools, "BUSY_TIMEOUT_MS", 100)
    holder = sqlite3.connect(data / "enforcement.db")
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert run(data, "check") == 3
        assert "正被其他程序占用" in capsys.readouterr().err
    finally:
        holder.rollback()
        holder.close()
