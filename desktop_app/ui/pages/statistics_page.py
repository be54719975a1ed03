"""统计报表: figures per ledger for a date range."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.clock import today
from desktop_app.services import stats
from desktop_app.services.context import ServiceContext
from desktop_app.ui import prompts
from desktop_app.ui.pages.base import Page

HEADERS = ("台账", "记录总数", "期间内登记", "正在计时", "已逾期")


def _qdate(d) -> QDate:  # type: ignore[no-untyped-def]
    return QDate(d.year, d.month, d.day)


class StatisticsPage(Page):
    title = "统计报表"

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        t = today()
        self.start = QDateEdit(_qdate(t.replace(day=1)))
        self.end = QDateEdit(_qdate(t))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        go = QPushButton("统计")
        go.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("期间："))
        bar.addWidget(self.start)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.end)
        bar.addWidget(go)
        bar.addStretch(1)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        note = QLabel(
            "“期间内登记”按各台账的发现、受理、形成或召开日期统计；“正在计时”是尚未办结、期限仍在计算的记录。"
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)

    def refresh(self) -> None:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        if end < start:
            prompts.warn(self, "结束日期不能早于开始日期。")
            return
        rows = stats.ledger_figures(self.ctx, start, end)
        self.table.setRowCount(len(rows))
        for r, fig in enumerate(rows):
            for c, value in enumerate(
                (fig.label, fig.total, fig.in_period, fig.running, fig.overdue)
            ):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))
