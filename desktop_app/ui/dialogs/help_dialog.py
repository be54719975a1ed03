"""帮助: the user guide (resources/help/manual.md, with its screenshots)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop_app import APP_NAME_ZH
from desktop_app.paths import resource

MANUAL = ("help", "manual.md")


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME_ZH} — 用户手册")
        self.resize(900, 720)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        path = resource(*MANUAL)
        self.browser.setSearchPaths([str(path.parent)])  # images/… next to the manual
        try:
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        except OSError:
            self.browser.setPlainText(f"找不到用户手册：{path}。请重新安装本程序。")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
