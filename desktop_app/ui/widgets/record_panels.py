"""The panels every record's detail dialog shows: its fields, its letters (with
出具文书) and its history."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import attachments
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.services.record_history import HistoryRow
from desktop_app.storage.models import Attachment, Document
from desktop_app.ui import prompts


def fill_details(form: QFormLayout, fields: Iterable[tuple[str, str]]) -> None:
    """(label, text) rows, selectable, wrapping; replaces what the form held."""
    while form.rowCount():
        form.removeRow(0)
    for label, text in fields:
        value = QLabel(text)
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(QLabel(f"{label}："), value)


class DeadlineBanner(QLabel):
    """The record's running clock above its tabs: amber while time is left, red once late."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningBanner")
        self.setWordWrap(True)

    def show_note(self, text: str, overdue: bool) -> None:
        self.setObjectName("overdueBanner" if overdue else "warningBanner")
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.setVisible(bool(text))


class LettersPanel(QWidget):
    """The record's letters as buttons that open them, then 出具文书… with a menu."""

    def __init__(self, on_open: Callable[..., None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_open = on_open  # on_open(code=…) for a new letter, on_open(document_id=…)
        self.box = QVBoxLayout(self)
        self.menu = QMenu(self)

    def fill(self, issued: Sequence[Document], types: Iterable[tuple[str, str]]) -> None:
        """``types``: (code, name) of the letters that may be issued here."""
        while self.box.count():
            item = self.box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for doc in issued:
            state = "（已作废）" if str(doc.status) == "voided" else ""
            button = QPushButton(f"{doc.title}  {doc.number or ''}{state}")
            button.setStyleSheet("text-align: left; padding: 6px;")
            button.clicked.connect(lambda _=False, d=doc.id: self.on_open(document_id=d))
            self.box.addWidget(button)
        if not issued:
            self.box.addWidget(QLabel("尚未出具文书。"))
        new = QPushButton("出具文书…")
        self.menu = QMenu(new)
        for code, name in types:
            action = self.menu.addAction(name)
            action.triggered.connect(lambda _=False, c=code: self.on_open(code=c))
        new.setMenu(self.menu)
        self.box.addWidget(new)
        self.box.addStretch(1)


class HistoryTable(QTableWidget):
    """时间 / 操作人 / 操作 / 内容, with the field changes in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels(["时间", "操作人", "操作", "内容"])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setVisible(False)

    def fill(self, rows: Sequence[HistoryRow]) -> None:
        self.setRowCount(len(rows))
        for r, h in enumerate(rows):
            changes = "；".join(f"{f}：{b or '（空）'} → {a or '（空）'}" for f, b, a in h.changes)
            text = h.summary + (f"（{changes}）" if changes else "")
            for c, value in enumerate((f"{h.at:%Y-%m-%d %H:%M}", h.operator, h.action_label, text)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.setItem(r, c, item)
        self.resizeColumnsToContents()


class AttachmentsPanel(QWidget):
    """A record's files: name, size, when added; double-click opens one with the
    system viewer; 添加文件… when ``on_add`` is given (the caller stores them)."""

    def __init__(
        self,
        ctx: ServiceContext,
        on_add: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[Attachment] = []
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["文件名", "大小", "添加时间"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(lambda index: self.open(index.row()))
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        hint = QLabel("双击文件可用本机程序打开。")
        hint.setObjectName("hint")
        bar.addWidget(hint, 1)
        self.add_button = QPushButton("添加文件…")
        self.add_button.setVisible(on_add is not None)
        if on_add is not None:
            self.add_button.clicked.connect(on_add)
        bar.addWidget(self.add_button)
        layout.addLayout(bar)
        layout.addWidget(self.table)

    def fill(self, rows: Sequence[Attachment]) -> None:
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        for r, a in enumerate(self.rows):
            for c, text in enumerate(
                (a.original_name, attachments.human_size(a.size), f"{a.added_at:%Y-%m-%d %H:%M}")
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def open(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        try:
            path = attachments.path_of(self.ctx, self.rows[row].id)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
