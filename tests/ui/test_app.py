"""GUI start-up: first run, cancelled operator choice, bad database, second instance."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dbkit
import pytest
from PySide6.QtWidgets import QApplication, QDialog

from desktop_app.paths import DataPaths
from desktop_app.ui import app as gui
from desktop_app.ui import prompts
from desktop_app.ui.dialogs.login_dialog import SetupDialog

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(prompts, "error", lambda parent, text, title="": shown.append(text))
    return shown


def test_first_start_creates_and_seeds_the_database_and_records_the_operator(
    qtbot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],  # type: ignore[no-untyped-def]
    auto_login: list[str],
) -> None:
    paths = DataPaths(tmp_path / "data")
    monkeypatch.setattr(QApplication, "exec", lambda self=None: 0)
    assert gui.run_gui(paths) == 0
    assert errors == [] and auto_login == ["setup", "recovery"]
    con = dbkit.connect(paths.root)
    assert con.execute("SELECT count(*) FROM organisations").fetchone()[0] > 20
    assert con.execute("SELECT count(*) FROM penalty_matters").fetchone()[0] > 20
    assert con.execute("SELECT login_name, role FROM accounts").fetchall() == [("admin", "admin")]
    con.close()
    if not dbkit.on_postgres():
        assert not Path(str(paths.database) + "-wal").exists()  # checkpointed on exit
    assert gui.run_gui(paths) == 0  # the next start asks for the log-in
    assert auto_login == ["setup", "recovery", "login"]
    con = dbkit.connect(paths.root)
    login = con.execute(
        "SELECT operator_name, summary FROM audit_log WHERE action='login'"
    ).fetchall()
    out = con.execute("SELECT count(*) FROM audit_log WHERE action='logout'").fetchone()[0]
    con.close()
    assert login == [
        ("管理员", "管理员（admin，管理员）首次登录"),
        ("管理员", "管理员（admin，管理员）登录"),
    ]
    assert out == 2  # each session's end is in the audit trail


def test_cancelling_the_operator_choice_exits_cleanly(
    qtbot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],  # type: ignore[no-untyped-def]
) -> None:
    paths = DataPaths(tmp_path / "data")
    monkeypatch.setattr(SetupDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert gui.run_gui(paths) == 0
    assert errors == []
    # The lock is released: a second start works.
    assert gui.run_gui(paths) == 0


@pytest.mark.sqlite_only
def test_a_damaged_database_is_reported_and_kept_aside(
    qtbot,
    tmp_path: Path,
    errors: list[str],  # type: ignore[no-untyped-def]
) -> None:
    """Never overwritten: moved aside untouched; with no backup there is nothing to offer."""
    paths = DataPaths(tmp_path / "data").ensure()
    paths.database.write_bytes(b"")
    assert gui.run_gui(paths) == 1
    assert errors and "空的" in errors[0] and "没有可用的备份" in errors[0]
    assert (paths.root / "enforcement.db.damaged-20261129-200000").read_bytes() == b""


def test_second_instance_is_refused_while_another_holds_the_folder(
    qtbot,
    tmp_path: Path,
    errors: list[str],  # type: ignore[no-untyped-def]
) -> None:
    paths = DataPaths(tmp_path / "data").ensure()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time, pathlib\n"
            "from desktop_app.instance import InstanceLock\n"
            "from desktop_app.paths import DataPaths\n"
            f"lock = InstanceLock(DataPaths(pathlib.Path({str(paths.root)!r})))\n"
            "assert lock.acquire()\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert gui.run_gui(paths) == 3
        assert errors and "已经在运行" in errors[0]
    finally:
        holder.kill()
        holder.wait()


def test_the_bundled_chinese_font_is_the_application_font() -> None:
    # In a fresh process, as at a real start: with PySide6 6.9 (the build for older
    # systems) the font database of a long-lived test process can lose the
    # application fonts after other tests, which says nothing about the app.
    probe = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from desktop_app.ui import app as gui\n"
        "a = QApplication(sys.argv)\n"
        "gui.configure_application(a)\n"
        "print('|'.join(a.font().families()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "WenQuanYi Micro Hei" in done.stdout.strip().split("|")


def test_application_is_configured_in_chinese(qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    gui.configure_application(app)
    assert app.applicationDisplayName() == "乡镇综合行政执法协调联动系统"
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Yes
    )
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == sorted(["取消", "是(&Y)"])


def test_a_damaged_database_ini_is_reported_and_nothing_is_opened(
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
) -> None:
    from desktop_app.paths import DATABASE_URL_ENV

    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)  # (set by the PostgreSQL test run)
    paths = DataPaths(tmp_path / "data").ensure()
    (paths.root / "database.ini").write_bytes(b"url = postgresql://x@y/z\n")  # no [database]
    assert gui.run_gui(paths) == 1
    assert len(errors) == 1 and "无法读取数据库连接设置" in errors[0]
    assert not paths.database.exists()


@pytest.mark.sqlite_only
def test_a_start_checks_the_database_file_once(
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[str],
    auto_login: list[str],
) -> None:
    from desktop_app.storage import sqlite

    paths = DataPaths(tmp_path / "data")
    monkeypatch.setattr(QApplication, "exec", lambda self=None: 0)
    assert gui.run_gui(paths) == 0  # first start: creates it
    checked: list[Path] = []
    real = sqlite.quick_check

    def counting(path: Path) -> list[str]:
        checked.append(path)
        return real(path)

    monkeypatch.setattr(sqlite, "quick_check", counting)
    assert gui.run_gui(paths) == 0
    assert errors == []
    # quick_check takes ~0.1 s on a large file: diagnose runs it, open_database not again
    # (the backups check their own copies)
    assert checked.count(paths.database) == 1


def test_open_database_still_checks_the_file_when_nobody_did(tmp_path: Path) -> None:
    from desktop_app.storage.errors import StorageError
    from desktop_app.storage.startup import open_database

    bad = tmp_path / "enforcement.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)  # a truncated file
    with pytest.raises(StorageError):
        open_database(f"sqlite:///{bad}")
