"""The panels every record's detail dialog shows: its fields, its letters (with
出具文书) and its history."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.record_history import HistoryRow
from desktop_app.storage.models import Document


def fill_details(form: QFormLayout, fields: Iterable[tuple[str, str]]) -> None:
    """(label, text) rows, selectable, wrapping; replaces what the form held."""
    while form.rowCount():
        form.removeRow(0)
    for label, text in fields:
        value = QLabel(text)
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(QLabel(f"{label}："), value)


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
