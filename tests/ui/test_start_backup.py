"""The first start of the day's copy runs beside the log-in, not before it."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtNetwork import QLocalServer
from PySide6.QtWidgets import QApplication

from desktop_app.paths import DataPaths
from desktop_app.services import backup as backup_service
from desktop_app.services.errors import ServiceError
from desktop_app.ui import app as gui
from desktop_app.ui import prompts, workers

# the automatic backups copy the SQLite file; a server is backed up with pg_dump
pytestmark = pytest.mark.sqlite_only


def session(paths: DataPaths) -> int:
    """One session as ``run_gui`` runs it (without restyling the whole application)."""
    paths.ensure()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    server = QLocalServer()
    try:
        return gui._session(app, paths, server, None)
    finally:
        server.close()


def test_the_start_of_day_copy_does_not_hold_up_the_log_in(
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    auto_login: list[str],
) -> None:
    workers.use_synchronous(False)  # the real thread pool: the copy runs in a worker
    paths = DataPaths(tmp_path / "data")
    monkeypatch.setattr(QApplication, "exec", lambda self=None: 0)
    reached_log_in = threading.Event()
    seen: list[str] = []
    real_copy = backup_service.automatic_backup

    def copy(ctx: Any, kind: str) -> Any:
        if kind == backup_service.START:  # held until the log-in is on screen
            assert reached_log_in.wait(20)
        seen.append(kind)
        return real_copy(ctx, kind)

    real_log_in = gui.log_in_at_start

    def log_in(ctx: Any, ui: Any) -> Any:
        seen.append("log-in")
        reached_log_in.set()
        return real_log_in(ctx, ui)

    monkeypatch.setattr(backup_service, "automatic_backup", copy)
    monkeypatch.setattr(gui, "log_in_at_start", log_in)
    assert session(paths) == 0
    # the exit copy waited for the start copy; both were made before the file was closed
    assert seen == ["log-in", backup_service.START, backup_service.EXIT]
    kinds = sorted(b.kind for b in backup_service.list_backups(paths))
    assert kinds == [backup_service.EXIT, backup_service.START]


def test_the_start_up_objects_are_kept_out_of_the_collectors_sight_while_the_window_is_up(
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    auto_login: list[str],
) -> None:
    frozen: list[int] = []
    monkeypatch.setattr(
        QApplication, "exec", lambda self=None: frozen.append(gc.get_freeze_count()) or 0
    )
    assert session(DataPaths(tmp_path / "data")) == 0
    assert frozen and frozen[0] > 0  # frozen once the window was shown
    assert gc.get_freeze_count() == 0  # and given back when the session ended


def test_a_failed_start_of_day_copy_is_told_and_the_work_goes_on(
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    auto_login: list[str],
) -> None:
    paths = DataPaths(tmp_path / "data")
    monkeypatch.setattr(QApplication, "exec", lambda self=None: 0)
    warned: list[str] = []
    monkeypatch.setattr(prompts, "warn", lambda parent, text, title="": warned.append(text))

    def copy(ctx: Any, kind: str) -> None:
        if kind == backup_service.START:
            raise ServiceError("磁盘已满")

    monkeypatch.setattr(backup_service, "automatic_backup", copy)
    assert session(paths) == 0
    assert auto_login[0] == "setup"  # the log-in went ahead
    assert any("今天的自动备份没有完成" in w and "磁盘已满" in w for w in warned)
