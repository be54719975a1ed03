"""全部台账搜索: every ledger and the document register searched at once, results
grouped by ledger; double-click (or Enter) opens the record in its page."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import search
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts, workers

ROLE = Qt.ItemDataRole.UserRole


class SearchDialog(QDialog):
    def __init__(
        self,
        ctx: ServiceContext,
        text: str,
        open_record: Callable[[str, int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.open_record = ctx, open_record
        self.setWindowTitle("搜索全部台账")
        self.resize(860, 600)
        self.box = QLineEdit(text)
        self.box.setPlaceholderText("编号、文号、当事人、事项、地点……（多个词用空格分开）")
        self.box.returnPressed.connect(self.run)
        go = QPushButton("搜索")
        go.clicked.connect(self.run)
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["编号", "名称", "说明"])
        self.tree.setColumnWidth(0, 200)
        self.tree.setColumnWidth(1, 360)
        self.tree.itemActivated.connect(self.activate)
        row = QHBoxLayout()
        row.addWidget(self.box, 1)
        row.addWidget(go)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        self.groups: list[search.SearchGroup] = []
        self.generation = 0  # results of an older search that ends later are dropped
        if text.strip():
            self.run()

    def run(self) -> None:
        text = self.box.text().strip()
        self.tree.clear()
        if not text:
            self.status.setText("请输入要搜索的内容。")
            return
        self.status.setText("正在搜索……")
        self.generation += 1
        mine = self.generation

        def done(groups: list[search.SearchGroup]) -> None:
            if mine == self.generation:
                self.show_groups(groups)

        workers.run(lambda: search.search_all(self.ctx, text), done, self.failed)

    def failed(self, exc: BaseException) -> None:
        self.status.setText("")
        prompts.warn(self, str(exc) if isinstance(exc, ServiceError) else f"搜索失败：{exc}")

    def show_groups(self, groups: list[search.SearchGroup]) -> None:
        self.groups = groups
        self.tree.clear()
        total = sum(g.total for g in groups)
        self.status.setText(
            f"共找到 {total} 条记录。双击一条打开。" if total else "没有找到相关记录。"
        )
        for g in groups:
            shown = f"（显示最新 {len(g.hits)} 条）" if g.total > len(g.hits) else ""
            head = QTreeWidgetItem([f"{g.label}　{g.total} 条{shown}", "", ""])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(head)
            for h in g.hits:
                item = QTreeWidgetItem([h.serial, h.title, h.detail])
                item.setData(0, ROLE, (h.ledger_key, h.record_id))
                item.setToolTip(1, h.title)
                head.addChild(item)
            head.setExpanded(True)

    def activate(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, ROLE)
        if not target:
            return
        self.accept()
        self.open_record(*target)
