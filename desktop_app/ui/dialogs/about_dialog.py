"""关于: the version, where the data is, and the licences of what ships with the
program (fonts in ``resources/fonts``, the libraries in the bundle)."""

from __future__ import annotations

import sys
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME_ZH, __version__
from desktop_app.paths import resource

# (name shown, distribution to read the version from — or "=<version>" —, licence)
BUNDLED: tuple[tuple[str, str, str], ...] = (
    ("界面字体：文泉驿微米黑", "=0.2.0-beta", "Apache-2.0"),
    ("文书替代字体：TownshipSerifSC（由 Noto Serif CJK 转换）", "=2022-01-27", "SIL OFL 1.1"),
    ("Qt / PySide6", "PySide6-Essentials", "LGPL-3.0"),
    ("SQLAlchemy", "SQLAlchemy", "MIT"),
    ("Alembic", "alembic", "MIT"),
    ("ReportLab", "reportlab", "BSD"),
    ("openpyxl", "openpyxl", "MIT"),
    ("holidays", "holidays", "MIT"),
    ("platformdirs", "platformdirs", "MIT"),
    ("argon2-cffi", "argon2-cffi", "MIT"),
    ("cryptography", "cryptography", "Apache-2.0 或 BSD-3-Clause"),
    ("Python", "", "PSF-2.0"),
)


def version_of(distribution: str) -> str:
    if not distribution or distribution.startswith("="):
        return distribution[1:]
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def components() -> list[tuple[str, str, str]]:
    """(component, version, licence) of everything bundled."""
    rows = []
    for name, dist, licence in BUNDLED:
        version = version_of(dist)
        if name == "Python":
            version = sys.version.split()[0]
        elif dist.startswith("PySide6"):
            version = f"{pyside_version}（Qt {qVersion()}）"
        rows.append((name, version, licence))
    return rows


class AboutDialog(QDialog):
    def __init__(self, data_dir: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"关于 {APP_NAME_ZH}")
        self.setMinimumSize(640, 520)
        icon = QLabel()
        pixmap = QPixmap(str(resource("icons", "app-64.png")))
        if not pixmap.isNull():
            icon.setPixmap(pixmap)
        title = QLabel(APP_NAME_ZH)
        title.setObjectName("pageTitle")
        self.version = QLabel(f"版本 {__version__}")
        head = QVBoxLayout()
        head.addWidget(title)
        head.addWidget(self.version)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(head, 1)
        text = QLabel(
            "乡镇综合行政执法协调联动机制的离线工作台：案件移送、投诉举报、信息共享、联合执法协商、"
            "执法协助、争议协调、行刑衔接七项制度，以及职责清单、文书和月度汇总。"
            + (f"\n数据文件夹：{data_dir}" if data_dir else "")
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rows = components()
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["随程序提供的组件", "版本", "许可证"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        note = QLabel(
            "字体许可证全文见程序目录 resources/fonts；办公字体（仿宋、黑体等）不随程序提供。"
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(text)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
