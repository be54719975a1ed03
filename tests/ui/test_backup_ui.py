"""设置 → 备份与恢复, and the recovery prompt at start."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.paths import DataPaths
from desktop_app.services import backup
from desktop_app.storage import sqlite as sqlite_tools
from desktop_app.ui import app as gui
from desktop_app.ui import prompts
from desktop_app.ui.pages import settings_backup
from desktop_app.ui.pages.settings_backup import BackupTab
from desktop_app.ui.pages.settings_page import SettingsPage

pytestmark = pytest.mark.sqlite_only

STAMP = "20261129-200000"


class Answers(list[bool]):
    """Scripted answers to prompts.confirm; the questions asked are in ``asked``."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    queue = Answers()

    def confirm(_parent, text, title="请确认"):  # type: ignore[no-untyped-def]
        queue.asked.append(text)
        return queue.pop(0)

    monkeypatch.setattr(prompts, "confirm", confirm)
    return queue


def rows(tab: BackupTab) -> list[list[str]]:
    return [
        [tab.table.item(r, c).text() for c in range(tab.table.columnCount())]
        for r in range(tab.table.rowCount())
    ]


def test_settings_page_has_the_tab(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    labels = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert "备份与恢复" in labels


def test_list_and_backup_now(qtbot, ctx, said: list[str]) -> None:  # type: ignore[no-untyped-def]
    backup.backup(ctx, ctx.paths.backups / "exit-20261128-180000.db", kind=backup.EXIT)
    tab = BackupTab(ctx)
    qtbot.addWidget(tab)
    assert rows(tab)[0][:2] == ["2026-11-28 18:00:00", "自动（退出时）"]
    assert rows(tab)[0][2].endswith("KB")
    assert not tab.restore_button.isEnabled()  # nothing selected
    for text in ("立即备份", "备份到U盘/其他位置…", "从所选备份恢复…"):
        assert text in [tab.backup_button.text(), tab.usb_button.text(), tab.restore_button.text()]

    tab.backup_button.click()
    assert said and said[-1].startswith("备份完成并已校验：")
    assert rows(tab)[0] == ["2026-11-29 20:00:00", "手动", rows(tab)[0][2], f"manual-{STAMP}.db"]
    assert tab.count.text() == "共 2 份"


def test_backup_to_usb_asks_before_replacing_a_file(
    qtbot, ctx, tmp_path: Path, said: list[str], answers: Answers, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "U盘" / "备份"
    target.parent.mkdir()
    monkeypatch.setattr(settings_backup, "choose_target", lambda _p, _s: target)
    tab = BackupTab(ctx)
    qtbot.addWidget(tab)
    tab.usb_button.click()
    copy = target.with_suffix(".db")
    assert sqlite_tools.quick_check(copy) == []
    assert "安全删除硬件" in said[-1]

    copy.write_bytes(b"user's file")
    answers.append(False)
    tab.usb_button.click()
    assert "已经有同名文件" in answers.asked[-1]
    assert copy.read_bytes() == b"user's file"
    answers.append(True)
    tab.usb_button.click()
    assert sqlite_tools.quick_check(copy) == []


def test_failed_usb_backup_says_so_and_leaves_nothing(
    qtbot, ctx, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    monkeypatch.setattr(prompts, "error", lambda _p, text, title="": errors.append(text))
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(settings_backup, "choose_target", lambda _p, _s: usb / "a.db")

    def full(path: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(sqlite_tools, "_fsync_file", full)
    tab = BackupTab(ctx)
    qtbot.addWidget(tab)
    tab.usb_button.click()
    assert errors and "磁盘空间不足" in errors[0] and "没有留下不完整的文件" in errors[0]
    assert list(usb.iterdir()) == []
    assert tab.usb_button.isEnabled()


def test_restore_from_the_selected_backup_asks_and_restarts(
    qtbot, ctx, answers: Answers, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    made = backup.backup(ctx, ctx.paths.backups / "exit-20261128-180000.db", kind=backup.EXIT)
    exits: list[int] = []
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: exits.append(code)))
    tab = BackupTab(ctx)
    qtbot.addWidget(tab)
    tab.table.selectRow(0)
    assert tab.restore_button.isEnabled()
    answers.append(False)
    tab.restore_button.click()
    assert exits == [] and settings_backup.take_pending_restore() is None
    answers.append(True)
    tab.restore_button.click()
    question = answers.asked[-1]
    assert "2026年11月28日 18:00" in question and "恢复前的安全副本" in question
    assert "自动重新打开" in question
    assert exits == [gui.RESTART]
    assert settings_backup.take_pending_restore() == made


def test_only_an_administrator_may_restore(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    backup.backup(ctx)
    for role, allowed in (("officer", False), ("viewer", False), ("admin", True)):
        tab = BackupTab(ctx.as_operator(None, "某人", role, 1))
        qtbot.addWidget(tab)
        tab.table.selectRow(0)
        assert tab.restore_button.isEnabled() is allowed, role
        if not allowed:
            assert "管理员" in tab.restore_button.toolTip()


# -- start-up ----------------------------------------------------------------------


def click(box: QMessageBox, label: str) -> int:
    for button in box.buttons():
        if button.text() == label:
            button.click()
            return 0
    raise AssertionError(f"no button {label}: {[b.text() for b in box.buttons()]}")


@pytest.fixture
def started(qtbot, tmp_path: Path, monkeypatch, auto_login) -> DataPaths:  # type: ignore[no-untyped-def]
    """A data folder after one day's use: database, a start and an exit backup."""
    paths = DataPaths(tmp_path / "data")
    monkeypatch.setattr(QApplication, "exec", lambda self=None: 0)
    assert gui.run_gui(paths) == 0
    names = sorted(p.name for p in paths.backups.iterdir())
    assert names == [f"exit-{STAMP}.db", f"start-{STAMP}.db"]
    return paths


def test_damaged_database_at_start_offers_the_latest_backup(
    started: DataPaths, said: list[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []

    def answer(box: QMessageBox) -> int:
        shown.append(box.text() + "\n" + box.informativeText())
        return click(box, "恢复最近的备份")

    monkeypatch.setattr(QMessageBox, "exec", answer)
    db = started.database
    with db.open("r+b") as fh:
        fh.seek(4096 * 2)
        fh.write(os.urandom(8192))
    damaged = db.read_bytes()

    assert gui.run_gui(started) == 0
    assert "已损坏" in shown[0] and "最近的可用备份是 2026年11月29日 20:00" in shown[0]
    assert (started.root / f"enforcement.db.damaged-{STAMP}").read_bytes() == damaged
    assert sqlite_tools.quick_check(db) == []
    assert any(m.startswith("已从备份恢复") and "程序已重新打开" in m for m in said)
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM audit_log WHERE action='restore'").fetchone() == (1,)
    con.close()


def test_quitting_the_recovery_prompt_leaves_the_files_aside(
    started: DataPaths, said: list[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QMessageBox, "exec", lambda box: click(box, "退出"))
    started.database.write_bytes(b"")
    assert gui.run_gui(started) == 1
    assert not started.database.exists()
    assert (started.root / f"enforcement.db.damaged-{STAMP}").read_bytes() == b""


def test_missing_database_with_backups_is_offered_a_restore(
    started: DataPaths, said: list[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: shown.append(box.text()) or click(box, "恢复最近的备份")
    )
    started.database.unlink()
    assert gui.run_gui(started) == 0
    assert "找不到数据库文件" in shown[0]
    assert sqlite_tools.quick_check(started.database) == []


def test_locked_database_at_start_gets_a_clear_message(
    started: DataPaths, said: list[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sqlite_tools, "BUSY_TIMEOUT_MS", 100)
    holder = sqlite3.connect(started.database)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert gui.run_gui(started) == 1
    finally:
        holder.rollback()
        holder.close()
    assert said and "正被其他程序占用" in said[0]
    assert started.database.exists()


def test_restore_chosen_in_settings_restarts_with_the_backup(
    started: DataPaths, said: list[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(started.database)
    con.execute("UPDATE organisations SET note='备份之后的修改' WHERE id=1")
    con.commit()
    con.close()
    source = started.backups / f"start-{STAMP}.db"
    runs: list[int] = []

    def event_loop(self=None) -> int:  # type: ignore[no-untyped-def]
        runs.append(1)
        if len(runs) == 1:
            settings_backup.request_restore(source)
            return gui.RESTART
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: None))
    assert gui.run_gui(started) == 0
    assert len(runs) == 2
    con = sqlite3.connect(started.database)
    assert con.execute("SELECT note FROM organisations WHERE id=1").fetchone() == (None,)
    con.close()
    safety = started.backups / f"before-restore-{STAMP}.db"
    con = sqlite3.connect(safety)
    assert con.execute("SELECT note FROM organisations WHERE id=1").fetchone() == (
        "备份之后的修改",
    )
    con.close()
    assert any("恢复前的数据库已另存为" in m for m in said)
