"""工作台: what is overdue, due today and due soon across all ledgers."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.clock import now
from desktop_app.domain.terms import DueBucket
from desktop_app.services import calendar as calendar_service
from desktop_app.services import dashboard
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.pages.base import Page

BUCKET_COLOURS = {
    DueBucket.OVERDUE: "#b3261e",
    DueBucket.TODAY: "#c25e00",
    DueBucket.SOON: "#1d5fa8",
}
WEEKDAYS = "一二三四五六日"
COLUMNS = ("状态", "期限", "台账", "编号", "事项", "期限事项", "对方单位")
ROOT = QModelIndex()


class BucketCard(QPushButton):
    """A large count a clerk sees at a glance; clicking filters the list."""

    def __init__(self, bucket: DueBucket, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bucket = bucket
        self.setCheckable(True)
        self.setObjectName("bucketCard")
        self.setMinimumHeight(72)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        colour = BUCKET_COLOURS[bucket]
        self.setStyleSheet(
            f"QPushButton#bucketCard {{ border: 1px solid #d0d5dd; border-left: 6px solid {colour};"
            " border-radius: 6px; background: white; text-align: left; padding: 8px 16px;"
            f" font-size: 15px; color: #222; }}"
            f"QPushButton#bucketCard:checked {{ background: #eef3fb; border-color: {colour}; }}"
        )
        self.set_count(0)

    def set_count(self, n: int) -> None:
        self.setText(f"{self.bucket.label}\n{n} 项")


class DueItemsModel(QAbstractTableModel):
    """The due items as table rows; a cell is made only when the view paints it
    (thousands of items on a large database: no widget item per cell)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[dashboard.DueItem] = []

    def set_items(self, items: list[dashboard.DueItem]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        item, column = self.items[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.ToolTipRole and column != 4:
                return None
            return (
                item.bucket.label,
                item.due_text,
                item.ledger_label,
                item.serial,
                item.title,
                item.what,
                item.counterpart,
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QBrush(QColor(BUCKET_COLOURS[item.bucket]))
        return None

    def text(self, row: int, column: int) -> str:
        return str(self.data(self.index(row, column)))


class DashboardPage(Page):
    title = "工作台"

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.items: list[dashboard.DueItem] = []
        self.filter: DueBucket | None = None

        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        self.today_label = QLabel()
        self.today_label.setObjectName("pageIntro")
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.today_label)
        top.addStretch(1)
        top.addWidget(refresh)

        self.banner = QLabel()
        self.banner.setObjectName("warningBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)

        self.cards = {b: BucketCard(b) for b in BUCKET_COLOURS}
        cards = QHBoxLayout()
        for card in self.cards.values():
            card.toggled.connect(lambda on, b=card.bucket: self._toggle(b, on))
            cards.addWidget(card)

        self.model = DueItemsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, w in enumerate((72, 140, 100, 110, 420, 130)):
            self.table.setColumnWidth(i, w)
        self.table.doubleClicked.connect(lambda idx: self._open(idx.row()))

        self.empty = QLabel("没有逾期、今日到期或即将到期的事项。")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("pageIntro")
        self.empty.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addLayout(cards)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        hint = QLabel("双击一行查看该记录。期限按工作日历计算（法定节假日不计，调休上班日计入）。")
        hint.setObjectName("hint")
        layout.addWidget(hint)

    def refresh(self) -> None:
        moment = now()
        try:
            board = dashboard.build(self.ctx, moment)
            cal = calendar_service.get_calendar(self.ctx)
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        day = moment.date()
        kind = "工作日" if cal.is_working_day(day) else "休息日"
        name = cal.holiday_name(day)
        self.today_label.setText(
            f"今天是 {day.year}年{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}"
            f"（{name or kind}）"
        )
        self.banner.setText("\n".join(board.warnings))
        self.banner.setVisible(bool(board.warnings))
        self.items = board.items
        for bucket, card in self.cards.items():
            card.set_count(board.counts.get(bucket, 0))
        self._fill()

    def _toggle(self, bucket: DueBucket, on: bool) -> None:
        if on:
            for b, card in self.cards.items():
                if b != bucket and card.isChecked():
                    card.blockSignals(True)
                    card.setChecked(False)
                    card.blockSignals(False)
            self.filter = bucket
        elif self.filter == bucket:
            self.filter = None
        self._fill()

    def visible_items(self) -> list[dashboard.DueItem]:
        return [i for i in self.items if self.filter is None or i.bucket == self.filter]

    def _fill(self) -> None:
        rows = self.visible_items()
        self.model.set_items(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)

    def _open(self, row: int) -> None:
        item = self.visible_items()[row]
        if item.record_id is not None:
            self.open_record.emit(item.ledger_key, item.record_id)
