"""The program must end cleanly: no abort while Python tears Qt objects down.

PySide6 6.12.0 aborts at interpreter exit ("Fatal Python error: none_dealloc")
once a QStandardItem or QTableWidgetItem was created from Python; the app
then ends with exit code 134 on Linux and a crash dialog on Windows. This
test runs the real main window over demo data in a child process and
requires a clean exit, so an upgrade that brings such a bug back fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import sys
from PySide6.QtCore import QSettings
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem
from desktop_app.paths import DataPaths
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo
from desktop_app.storage.startup import open_database
from desktop_app.ui.app import configure_application
from desktop_app.ui.main_window import NAVIGATION, MainWindow

app = QApplication(sys.argv)
configure_application(app)
paths = DataPaths(__import__("pathlib").Path(sys.argv[1])).ensure()
result = open_database(f"sqlite:///{paths.database}")
ctx = ServiceContext(result.db, paths)
generate_demo(ctx, records=400, seed=3)
window = MainWindow(ctx.as_operator(1, "管理员"),
                    QSettings(str(paths.root / "ui.ini"), QSettings.Format.IniFormat))
window.show()
for entry in NAVIGATION:
    window.show_page(entry.key)
    app.processEvents()
table = QTableWidget(3000, 7)
for r in range(3000):
    for c in range(7):
        table.setItem(r, c, QTableWidgetItem(f"{r}-{c}"))
model = QStandardItemModel(3000, 7)
for r in range(3000):
    for c in range(7):
        model.setItem(r, c, QStandardItem(f"{r}-{c}"))
window.close()
result.db.close()
print("clean", flush=True)
"""


def test_the_main_window_over_real_data_exits_cleanly(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert "clean" in done.stdout, done.stderr[-2000:]
    assert done.returncode == 0, f"exit code {done.returncode}: {done.stderr[-2000:]}"
    assert "Fatal Python error" not in done.stderr
