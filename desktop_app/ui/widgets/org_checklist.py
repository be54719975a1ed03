"""A filterable list of organisations to tick (meetings, shares, joint actions)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget


class OrganisationChecklist(QWidget):
    """Organisations to tick, with a filter box (an item may concern several)."""

    def __init__(self, choices: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("输入部门名称筛选")
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setFixedHeight(150)
        for org_id, name in choices:
            self._add(org_id, name)
        self.chosen = QLabel()
        self.chosen.setObjectName("hint")
        self.chosen.setWordWrap(True)
        self.list.itemChanged.connect(lambda _i: self._show_chosen())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(self.chosen)
        self._show_chosen()

    def _add(self, org_id: int, name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, org_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        self.list.addItem(item)
        return item

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def _filter(self, text: str) -> None:
        for item in self._items():
            item.setHidden(bool(text) and text.strip() not in item.text())

    def _show_chosen(self) -> None:
        names = [i.text() for i in self._items() if i.checkState() == Qt.CheckState.Checked]
        self.chosen.setText("已选：" + "、".join(names) if names else "尚未选择")

    def ids(self) -> list[int]:
        return [
            int(i.data(Qt.ItemDataRole.UserRole))
            for i in self._items()
            if i.checkState() == Qt.CheckState.Checked
        ]

    def set_ids(self, ids: list[int], names: dict[int, str] | None = None) -> None:
        """Tick ``ids``; one no longer offered (a department deactivated since) is
        added under its name from ``names`` so that an edit keeps it."""
        wanted = set(ids)
        listed = {int(i.data(Qt.ItemDataRole.UserRole)) for i in self._items()}
        for org_id in ids:
            if org_id not in listed and names and org_id in names:
                self._add(org_id, f"{names[org_id]}（已停用）")
        for item in self._items():
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
