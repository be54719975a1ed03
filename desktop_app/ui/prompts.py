"""Every message box and file dialog of the application, in one place.

Tests patch these functions (one name each) instead of fighting modal dialogs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

TITLE = "乡镇综合行政执法协调联动系统"


def info(parent: QWidget | None, text: str, title: str = "提示") -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, text: str, title: str = "注意") -> None:
    QMessageBox.warning(parent, title, text)


def error(parent: QWidget | None, text: str, title: str = "出错了") -> None:
    QMessageBox.critical(parent, title, text)


def confirm(parent: QWidget | None, text: str, title: str = "请确认") -> bool:
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value if ok else None


def open_file(
    parent: QWidget | None, title: str, filter_: str = "Excel 工作簿 (*.xlsx)", folder: str = ""
) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, folder, filter_)
    return Path(name) if name else None


def save_file(
    parent: QWidget | None, title: str, suggested: str, filter_: str = "Excel 工作簿 (*.xlsx)"
) -> Path | None:
    """Qt's own dialog asks before overwriting an existing file."""
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, filter_)
    return Path(name) if name else None


def choose_printer(parent: QWidget | None, printer: QPrinter) -> bool:
    """Qt's print dialog (in Chinese); False when the user cancels."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    return dialog.exec() == QDialog.DialogCode.Accepted
