"""信息共享: quick entry, the ledger, and how much was shared on the day it was
formed (per department and per category, with the late items and reasons)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import ShareDirection
from desktop_app.services import info_shares
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.ui import prompts
from desktop_app.ui.pages.system_page import SystemPage

RATE_COLUMNS = ["名称", "条数", "当日共享", "延期共享", "尚未共享", "当日共享率"]


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return t


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


class SameDayReportView(QWidget):
    """当日共享情况 for a period."""

    def __init__(self, ctx: ServiceContext, open_item: object, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.open_item = open_item
        today = clock.today()
        self.start = QDateEdit(date(today.year, 1, 1))
        self.end = QDateEdit(today)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.direction = QComboBox()
        self.direction.addItem("全部方向", None)
        for code, label in ShareDirection.choices():
            self.direction.addItem(label, code)
        run = QPushButton("统计")
        run.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("形成日期："))
        bar.addWidget(self.start)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.end)
        bar.addWidget(self.direction)
        bar.addWidget(run)
        bar.addStretch(1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.by_department = _table(["部门", *RATE_COLUMNS[1:]])
        self.by_category = _table(["信息类别", *RATE_COLUMNS[1:]])
        self.late = _table(
            ["台账编号", "信息名称", "类别", "共享对象", "形成日期", "共享日期", "延后天数", "原因"]
        )
        self.late.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.late.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.late.doubleClicked.connect(self._open_late)
        tables = QHBoxLayout()
        for title, table in (("按部门", self.by_department), ("按信息类别", self.by_category)):
            box = QVBoxLayout()
            box.addWidget(QLabel(title))
            box.addWidget(table)
            tables.addLayout(box)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addLayout(tables, 3)
        layout.addWidget(QLabel("延期共享和尚未共享的信息（双击打开）"))
        layout.addWidget(self.late, 2)
        self.late_ids: list[int] = []

    def refresh(self) -> None:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        try:
            report = info_shares.same_day_report(
                self.ctx,
                start,
                end,
                self.direction.currentData(),
            )
        except ServiceError as exc:
            prompts.warn(self, str(exc))
            return
        t = report.total
        self.summary.setText(
            f"共 {t.total} 条：当日共享 {t.same_day} 条，延期共享 {t.late} 条，"
            f"尚未共享 {t.unshared} 条；当日共享率 {rate_text(t.rate)}"
            "（当日共享条数 ÷ 已共享和过了形成当日仍未共享的条数）。"
        )
        for table, rows in (
            (self.by_department, report.by_department),
            (self.by_category, report.by_category),
        ):
            table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                cells = (
                    row.name,
                    str(row.total),
                    str(row.same_day),
                    str(row.late),
                    str(row.unshared),
                    rate_text(row.rate),
                )
                for c, text in enumerate(cells):
                    table.setItem(r, c, QTableWidgetItem(text))
            table.resizeColumnsToContents()
        items = [*report.late_items, *report.unshared_items]
        self.late_ids = [item.id for item in items]
        self.late.setRowCount(len(items))
        for r, item in enumerate(items):
            row_cells: tuple[str, ...] = (
                item.serial,
                item.title,
                item.category_label,
                item.counterparts,
                f"{item.formed_on:%Y-%m-%d}",
                f"{item.shared_on:%Y-%m-%d}" if item.shared_on else "尚未共享",
                f"{item.days_late} 天" if item.shared_on else f"已超 {item.days_late} 天",
                item.reason or "",
            )
            for c, text in enumerate(row_cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.late.setItem(r, c, cell)

    def _open_late(self, index: object) -> None:
        row = index.row()  # type: ignore[attr-defined]
        if 0 <= row < len(self.late_ids):
            self.open_item(self.late_ids[row])  # type: ignore[operator]


class InfoSharesPage(SystemPage):
    title = "信息共享"
    ledger_key = "info_shares"
    intro = (
        "县级职能部门与乡镇在各自行政执法过程中互相通报、共享行政执法和相关行政管理信息。"
        "原则上自形成当日共享；因收集、整理等原因不能当日共享的，可适当延长，须说明原因。"
    )

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.new_button = self.add_button("登记共享信息…", self.new_item)
        self.report = SameDayReportView(ctx, self.open_item)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.list, "台账")
        self.tabs.addTab(self.report, "当日共享情况")
        self.tabs.currentChanged.connect(lambda i: self.report.refresh() if i == 1 else None)
        self.set_body(self.tabs)

    def refresh(self) -> None:
        self.list.refresh()
        if self.tabs.currentIndex() == 1:
            self.report.refresh()

    def show_record(self, ledger_key: str, record_id: int) -> None:
        self.tabs.setCurrentIndex(0)
        super().show_record(ledger_key, record_id)

    def view(self, record_id: int) -> QDialog:
        from desktop_app.ui.dialogs.info_share_view import InfoShareView

        return InfoShareView(self.ctx, record_id, self)

    def new_item(self) -> None:
        from desktop_app.ui.dialogs.info_share_dialog import InfoShareDialog

        dialog = InfoShareDialog(self.ctx, self)
        dialog.exec()
        if dialog.saved:
            self.written(dialog.saved[-1])
