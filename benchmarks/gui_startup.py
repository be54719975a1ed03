"""Start-up of the GUI on the 100,000-record demo database, against a bare window.

Each run spawns a child process (``QT_QPA_PLATFORM=offscreen``) and measures the
wall time from the spawn until the child reports the first paint of its main
window (an event filter on ``QEvent.Paint`` of the window; the report is sent
once that paint pass has finished):

* ``--child bare``: ``import PySide6``, a ``QApplication``, a ``QMainWindow``
  shown and painted — the baseline, measured in the same run;
* ``--child login``: the same start up to the first dialog painted — the
  log-in (or, on a database without accounts, the first administrator's set-up),
  i.e. what the clerk waits for before typing the password;
* ``--child app``: the app's own start (``desktop_app.ui.app.run_gui``: style,
  fonts, instance lock, database checks, opening, the main window with the
  工作台 dashboard). The log-in dialog (a password typed by a person, argon2
  hashing) is replaced by an operator chosen in code, and messages are not shown.

The child works on a copy of the data folder (the app writes its start-of-day
backup and a lock file there). A later start of the day finds today's backup
(``painted main window``); the first start of the day makes it (``first of the
day``: the backups folder is emptied before those runs). The copy itself is
also measured on its own as ``start-of-day backup`` (``backup.automatic_backup``
on the same database). Runs are interleaved (bare, later, first, bare, …) so
they share the machine's load; the first run of each kind is a warm-up that
writes the bytecode cache and is not counted.

    uv run python benchmarks/gui_startup.py [--data-dir DIR] [--runs 5] [--json FILE]

Not a test: it prints figures (medians) and never asserts.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common

READY = "PAINTED"


# --- the child processes --------------------------------------------------------------


def _report_first_paint(window_type: type) -> None:
    """Print READY (and exit) once the first paint pass of a ``window_type`` is done."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                not self.done
                and event.type() == QEvent.Type.Paint
                and isinstance(watched, window_type)
            ):
                self.done = True
                QTimer.singleShot(0, finish)  # after the whole paint pass
            return False

    def finish() -> None:
        profile = getattr(sys, "_gui_bench_profile", None)
        if profile is not None:  # --profile FILE: cProfile of the child's start
            profile.disable()
            profile.dump_stats(os.environ["GUI_BENCH_PROFILE"])
        print(READY, flush=True)
        os._exit(0)  # no tear-down (exit backup, log-out): not part of the start

    app = QApplication.instance()
    assert app is not None
    spy = FirstPaint(app)
    app.installEventFilter(spy)
    app._first_paint_spy = spy  # type: ignore[attr-defined]  # keep it alive


def child_bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    _report_first_paint(QMainWindow)
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    app.exec()


def child_app(data_dir: Path, until_log_in: bool = False) -> None:
    from desktop_app.__main__ import setup_logging
    from desktop_app.paths import data_paths

    paths = data_paths(data_dir)
    setup_logging(paths)
    from PySide6.QtWidgets import QApplication

    QApplication(sys.argv[:1])
    from desktop_app.ui import app as gui
    from desktop_app.ui import prompts

    def log_in(ctx, _ui):  # an operator chosen in code: no dialog, no argon2
        from sqlalchemy import select

        from desktop_app.storage.models.reference import Staff

        with ctx.read() as s:
            staff = s.execute(select(Staff).order_by(Staff.id).limit(1)).scalar_one()
            return ctx.as_operator(staff.id, staff.name, "admin", None)

    for name in ("info", "warn", "error"):
        setattr(prompts, name, lambda *a, **k: None)
    if until_log_in:  # the real log-in: the first dialog (log-in, or setup) painted
        from PySide6.QtWidgets import QDialog

        _report_first_paint(QDialog)
    else:
        from desktop_app.ui.main_window import MainWindow

        gui.log_in_at_start = log_in
        _report_first_paint(MainWindow)
    gui.run_gui(paths)


# --- the parent ----------------------------------------------------------------------------


def child_env(data_dir: Path) -> dict[str, str]:
    """Offscreen Qt, and compiled bytecode as an installed program has it: written
    once (warm-up run) to a cache beside the copied data, whatever
    PYTHONDONTWRITEBYTECODE says — otherwise each start compiles ~1,400 modules."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(data_dir / "pycache")
    return env


def spawn(kind: str, data_dir: Path, extra: list[str] | None = None) -> float:
    """Seconds from the spawn of a child until it reports its first paint."""
    env = child_env(data_dir)
    cmd = [sys.executable, *(extra or []), __file__, "--child", kind, "--data-dir", str(data_dir)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == READY:
            elapsed = time.perf_counter() - start
            break
    else:
        proc.wait()
        raise SystemExit(f"{kind}: the child ended without painting (code {proc.returncode})")
    proc.wait()
    return elapsed


def copy_data(source: Path) -> Path:
    from desktop_app.paths import DataPaths

    common.demo_database(source)
    work = Path(tempfile.mkdtemp(prefix="gui-bench-"))
    shutil.copy2(DataPaths(source).database, DataPaths(work).database)
    return work


def backup_cost(data_dir: Path, runs: int) -> float:
    """Median of the start-of-day copy (``automatic_backup``) on this database."""
    from desktop_app.paths import DataPaths
    from desktop_app.services import backup
    from desktop_app.services.context import ServiceContext
    from desktop_app.storage.startup import open_database

    paths = DataPaths(data_dir)
    result = open_database(f"sqlite:///{paths.database}", backup_dir=paths.backups)
    ctx = ServiceContext(result.db, paths)
    times = []
    try:
        for _ in range(runs):
            shutil.rmtree(paths.backups, ignore_errors=True)
            paths.backups.mkdir()
            start = time.perf_counter()
            backup.automatic_backup(ctx, backup.START)
            times.append(time.perf_counter() - start)
    finally:
        result.db.close()
    return statistics.median(times)


def main() -> None:
    p = common.parser(__doc__)
    p.add_argument("--child", choices=("app", "login", "bare"), help=argparse_hidden())
    args = p.parse_args()
    if args.child and os.environ.get("GUI_BENCH_PROFILE"):
        import cProfile

        sys._gui_bench_profile = cProfile.Profile()  # type: ignore[attr-defined]
        sys._gui_bench_profile.enable()  # type: ignore[attr-defined]
    if args.child == "bare":
        child_bare()
        return
    if args.child in ("app", "login"):
        child_app(args.data_dir, until_log_in=args.child == "login")
        return

    work = copy_data(args.data_dir)
    backups = work / "backups"
    try:
        backup = backup_cost(work, max(1, min(args.runs, 3)))
        spawn("app", work)  # warm-up: the bytecode cache, and today's backup
        spawn("bare", work)
        today = next(backups.glob("start-*.db"))
        kept = today.rename(work / today.name)

        def backups_of(day: str) -> None:
            """'today': today's copy is there (a later start); 'none': the first start."""
            shutil.rmtree(backups, ignore_errors=True)
            backups.mkdir()
            if day == "today":
                os.link(kept, backups / kept.name)

        bare, app, first, log_in, log_in_first = [], [], [], [], []
        for _ in range(args.runs):  # interleaved: all see the same machine load
            bare.append(spawn("bare", work))
            backups_of("today")
            app.append(spawn("app", work))
            log_in.append(spawn("login", work))
            backups_of("none")
            first.append(spawn("app", work))
            backups_of("none")
            log_in_first.append(spawn("login", work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    b, a, f = statistics.median(bare), statistics.median(app), statistics.median(first)
    target = "≤ 1.5 × baseline, and under 2 s"
    rows = [
        common.row("start: bare QMainWindow painted", b, "s"),
        common.row(
            "start: painted main window (dashboard)",
            a,
            "s",
            baseline=b,
            target=target,
            limit=2.0,
            max_ratio=1.5,
        ),
        common.row(
            "start: first of the day (with its backup)",
            f,
            "s",
            baseline=b,
            target=target,
            limit=2.0,
            max_ratio=1.5,
        ),
        common.row(
            "start: log-in dialog painted",
            statistics.median(log_in),
            "s",
            baseline=b,
            target="(reported)",
        ),
        common.row(
            "start: log-in dialog, first of the day",
            statistics.median(log_in_first),
            "s",
            baseline=b,
            target="(reported)",
        ),
        common.row("start-of-day backup (100k db)", backup, "s", target="(reported)"),
    ]
    common.finish(rows, args.json)


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
