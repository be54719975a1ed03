"""Pointing a record at the transfer, complaint or case it serves: a picker that
searches them by number, matter or party, and the form row that shows the choice."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import assistance, records
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts


class LinkPicker(QDialog):
    """Find the transfer, complaint or case (the complainant is never searched nor shown)."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.choice: assistance.LinkChoice | None = None
        self.setWindowTitle("选择关联的案件移送、投诉举报或立案案件")
        self.resize(620, 420)
        self.search = QLineEdit()
        self.search.setPlaceholderText("输入台账编号、案号、事项或当事人，回车查找")
        self.search.returnPressed.connect(self.find)
        find = QPushButton("查找")
        find.clicked.connect(self.find)
        self.results = QListWidget()
        self.results.itemDoubleClicked.connect(lambda _i: self.pick())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("选定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.pick)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(find)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.results, 1)
        layout.addWidget(buttons)
        self.find()

    def find(self) -> None:
        self.results.clear()
        try:
            found = assistance.linkable(self.ctx, self.search.text().strip())
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        for choice in found:
            item = QListWidgetItem(f"{choice.serial}　{choice.label}")
            item.setData(256, choice)
            self.results.addItem(item)
        if not found:
            self.results.addItem(QListWidgetItem("没有找到。"))

    def pick(self) -> None:
        item = self.results.currentItem()
        choice = item.data(256) if item is not None else None
        if choice is None:
            return
        self.choice = choice
        self.accept()


class LinkField(QWidget):
    """The chosen record's number and title, 选择… and 不关联."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.link: tuple[str, int] | None = None
        self.label = QLabel("（不关联）")
        self.label.setWordWrap(True)
        pick = QPushButton("选择…")
        pick.clicked.connect(self.pick)
        clear = QPushButton("不关联")
        clear.clicked.connect(lambda: self.set_link(None, None))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(pick)
        row.addWidget(clear)

    def set_link(self, record_type: str | None, record_id: int | None, text: str = "") -> None:
        """Show a stored link (its number and title are looked up when not given)."""
        if not record_type or record_id is None:
            self.link = None
            self.label.setText("（不关联）")
            return
        self.link = (record_type, record_id)
        self.label.setText(text or records.describe(self.ctx, record_type, record_id))

    def pick(self) -> None:
        picker = LinkPicker(self.ctx, self)
        if picker.exec() == QDialog.DialogCode.Accepted and picker.choice is not None:
            c = picker.choice
            self.set_link(c.record_type, c.record_id, f"{c.serial}　{c.label}")

    @property
    def linked_type(self) -> str | None:
        return self.link[0] if self.link else None

    @property
    def linked_id(self) -> int | None:
        return self.link[1] if self.link else None
