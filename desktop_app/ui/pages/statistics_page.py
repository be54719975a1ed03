"""统计报表: figures per ledger for a date range."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QPointF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
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

from desktop_app.domain.clock import today
from desktop_app.services import stats, stats_trends
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.services.info_share_report import RateRow, same_day_report
from desktop_app.ui import prompts
from desktop_app.ui.pages.base import Page

HEADERS = ("台账", "记录总数", "期间内登记", "正在计时", "已逾期")
TIMING_HEADERS = ("工作制度", "按时", "逾期完成", "逾期未完成", "按时率", "口径")
SHARE_HEADERS = ("信息类别", "形成", "当日共享", "延期共享", "未共享", "当日共享率")
# a line per system, in colours told apart in print and by colour-blind readers
LINE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf")


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
        self.month_button = QPushButton("导出月度汇总…")
        self.month_button.setToolTip("按开始日期所在月份导出各台账和统计表（Excel）")
        self.month_button.clicked.connect(lambda: self.export("month"))
        self.year_button = QPushButton("导出年度汇总…")
        self.year_button.setToolTip("按开始日期所在年份导出逐月统计和各台账（Excel）")
        self.year_button.clicked.connect(lambda: self.export("year"))
        bar.addWidget(self.month_button)
        bar.addWidget(self.year_button)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(self.open_cell)
        self.rows: list[stats.LedgerFigures] = []
        self.period: tuple[object, object] = (None, None)
        self.timing = QTableWidget(0, len(TIMING_HEADERS))
        self.timing.setHorizontalHeaderLabels(TIMING_HEADERS)
        self.timing.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timing.verticalHeader().setVisible(False)
        self.timing.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.timing.cellDoubleClicked.connect(self.open_timing)
        self.timing_rows: list[stats.TimingRow] = []
        self.departments = QTableWidget(0, 1)
        self.departments.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.departments.verticalHeader().setVisible(False)
        self.departments.setMinimumHeight(160)
        self.chart_view = QChartView()
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(300)
        self.trend_view = QChartView()
        self.trend_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.trend: stats_trends.MonthlyCounts | None = None
        self.sharing = QTableWidget(0, len(SHARE_HEADERS))
        self.sharing.setHorizontalHeaderLabels(SHARE_HEADERS)
        self.sharing.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sharing.verticalHeader().setVisible(False)
        self.sharing.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.sharing.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.sharing.horizontalHeaderItem(5).setToolTip(
            "当日共享 ÷（已共享 + 形成当日已过仍未共享）；今天形成、尚未共享的不计入"
        )
        self.sharing.cellDoubleClicked.connect(lambda _r, _c: self.open_figure("info_shares"))

        note = QLabel(
            "“期间内登记”按各台账的发现、受理、形成或召开日期统计；“正在计时”是尚未办结、期限仍在计算的"
            "记录。双击表中的数字或点击图中的柱子，可打开对应的记录。"
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("按时办理情况（与月度汇总“统计”表的口径相同）："))
        layout.addWidget(self.timing)
        self.lower = QTabWidget()
        self.lower.addTab(self.chart_view, "图表")
        self.lower.addTab(self.trend_view, "逐月趋势")
        self.lower.addTab(self.sharing, "当日共享率（按信息类别）")
        self.lower.addTab(self.departments, "各部门按时率（本镇与该部门之间的事项）")
        layout.addWidget(self.lower, 1)
        layout.addWidget(note)

    def refresh(self) -> None:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        if end < start:
            prompts.warn(self, "结束日期不能早于开始日期。")
            return
        rows = stats.ledger_figures(self.ctx, start, end)
        self.rows = rows
        self.period = (start, end)
        self._chart(rows)
        self._timing(start, end)
        self._trend(stats_trends.monthly_counts(self.ctx, start, end))
        report = same_day_report(self.ctx, start, end)
        self._sharing([*report.by_category, report.total])
        self.table.setRowCount(len(rows))
        for r, fig in enumerate(rows):
            for c, value in enumerate(
                (fig.label, fig.total, fig.in_period, fig.running, fig.overdue)
            ):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))

    def export(self, kind: str) -> None:
        """Month or year of the start date; the work runs off the GUI thread with a
        progress bar and 取消."""
        from desktop_app.services import summary
        from desktop_app.ui import workers

        start = self.start.date().toPython()
        if kind == "month":
            name = f"月度汇总_{start:%Y年%m月}.xlsx"
        else:
            name = f"年度汇总_{start:%Y}年.xlsx"
        path = prompts.save_file(self, "导出汇总表", name)
        if path is None:
            return

        def work(progress: workers.Progress) -> object:
            # the save dialog has asked before replacing an existing file
            if kind == "month":
                return summary.export_month(
                    self.ctx,
                    start.year,
                    start.month,
                    path,
                    overwrite=True,
                    progress=progress.report,
                    cancelled=progress.cancelled,
                )
            return summary.export_year(
                self.ctx,
                start.year,
                path,
                overwrite=True,
                progress=progress.report,
                cancelled=progress.cancelled,
            )

        def done(written: object) -> None:
            prompts.info(self, f"已导出：{written}")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, summary.ExportCancelled):
                prompts.info(self, "已取消导出，未写入文件。")
            elif isinstance(exc, ServiceError):
                prompts.warn(self, str(exc))
            else:
                prompts.warn(self, f"导出失败：{exc}")

        self.export_progress = workers.run_with_progress(
            self, "导出汇总表", "正在导出……", work, done, failed
        )

    def _chart(self, rows: list[stats.LedgerFigures]) -> None:
        """期间内登记 and 已逾期 per ledger; a click on a bar opens those records."""
        chart = QChart()
        chart.setTitle("各台账期间内登记和已逾期记录数")
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        series = QBarSeries()
        dated, overdue = QBarSet("期间内登记"), QBarSet("已逾期")
        overdue.setColor(QColor("#c0392b"))
        for fig in rows:
            dated.append(fig.in_period)
            overdue.append(fig.overdue)
        series.append(dated)
        series.append(overdue)
        series.clicked.connect(lambda index, bar_set: self.open_bar(index, bar_set.label()))
        chart.addSeries(series)
        names = QBarCategoryAxis()
        names.append([fig.label for fig in rows])
        chart.addAxis(names, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(names)
        counts = QValueAxis()
        counts.setLabelFormat("%d")
        counts.setRange(0, max([1] + [max(f.in_period, f.overdue) for f in rows]))
        chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(counts)
        self.chart_view.setChart(chart)
        self.chart = chart

    def open_bar(self, index: int, label: str) -> None:
        if 0 <= index < len(self.rows):
            self.open_figure(self.rows[index].ledger_key, overdue=label == "已逾期")

    def open_cell(self, row: int, column: int) -> None:
        if 0 <= row < len(self.rows) and column > 0:
            self.open_figure(self.rows[row].ledger_key, overdue=column == 4, whole=column in (1, 3))

    def open_figure(self, ledger_key: str, overdue: bool = False, whole: bool = False) -> None:
        """The records behind a figure, in their ledger's list."""
        start, end = (None, None) if (overdue or whole) else self.period
        self.open_list.emit(ledger_key, start, end, overdue)

    def _timing(self, start: object, end: object) -> None:
        figures = stats.timing_figures(self.ctx, start, end)  # type: ignore[arg-type]
        self.timing_rows = figures.systems
        self._departments(figures)
        self.timing.setRowCount(len(self.timing_rows))
        for r, t in enumerate(self.timing_rows):
            rate = "—" if t.rate is None else f"{t.rate:.1%}"
            for c, text in enumerate(
                (t.label, str(t.on_time), str(t.late), str(t.overdue), rate, t.rule)
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.timing.setItem(r, c, item)
        self.timing.resizeColumnsToContents()
        self.timing.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.timing.resizeRowsToContents()
        self.timing.setFixedHeight(  # every system visible without scrolling
            self.timing.horizontalHeader().sizeHint().height()
            + self.timing.verticalHeader().length()
            + 2 * self.timing.frameWidth()
            + 2
        )

    def open_timing(self, row: int, column: int) -> None:
        """逾期未完成 opens the overdue records of that system; other cells its period."""
        if 0 <= row < len(self.timing_rows):
            self.open_figure(self.timing_rows[row].ledger_key, overdue=column == 3)

    def _departments(self, figures: stats.TimingFigures) -> None:
        keys = [t.ledger_key for t in figures.systems]
        keys = [k for k in keys if any(k in per for _d, per in figures.departments)]
        labels = {t.ledger_key: t.label for t in figures.systems}
        table = self.departments
        table.setColumnCount(1 + len(keys))
        table.setHorizontalHeaderLabels(["部门", *(labels[k] for k in keys)])
        table.setRowCount(len(figures.departments))
        for r, (dept, per) in enumerate(figures.departments):
            table.setItem(r, 0, QTableWidgetItem(dept))
            for c, key in enumerate(keys, start=1):
                rate = per.get(key)
                text = "" if key not in per else ("—" if rate is None else f"{rate:.1%}")
                table.setItem(r, c, QTableWidgetItem(text))
        table.resizeColumnsToContents()

    def _trend(self, counts: stats_trends.MonthlyCounts) -> None:
        """Records per month of each system; a click on a point opens that month."""
        self.trend = counts
        chart = QChart()
        first, last = counts.months[0], counts.months[-1]
        chart.setTitle(f"各工作制度逐月登记数（{first:%Y年%m月}—{last:%Y年%m月}）")
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        months = QCategoryAxis()
        # month i is the band [i - ½, i + ½], its label centred under its points
        months.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionCenter)
        months.setStartValue(-0.5)
        for i, m in enumerate(counts.months):
            label = f"{m.year}年{m.month}月" if i == 0 or m.month == 1 else f"{m.month}月"
            months.append(label, i + 0.5)
        months.setRange(-0.5, len(counts.months) - 0.5)
        values = QValueAxis()
        values.setLabelFormat("%d")
        values.setRange(0, max([4] + [max(line.counts) for line in counts.lines]))
        values.applyNiceNumbers()
        chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        for n, line in enumerate(counts.lines):
            series = QLineSeries()
            series.setName(line.label)
            series.setColor(QColor(LINE_COLOURS[n % len(LINE_COLOURS)]))
            series.setPointsVisible(True)
            for i, value in enumerate(line.counts):
                series.append(i, value)
            series.clicked.connect(lambda point, key=line.ledger_key: self.open_month(key, point))
            chart.addSeries(series)
            series.attachAxis(months)
            series.attachAxis(values)
        self.trend_view.setChart(chart)
        self.trend_chart = chart

    def open_month(self, ledger_key: str, point: QPointF) -> None:
        if self.trend is None:
            return
        index = min(max(round(point.x()), 0), len(self.trend.months) - 1)
        start, end = self.trend.month_range(index)
        self.open_list.emit(ledger_key, start, end, False)

    def _sharing(self, rows: list[RateRow]) -> None:
        """当日共享率 per category (seed 三（三）: shared the day the item is formed)."""
        self.sharing.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = (row.name, row.total, row.same_day, row.late, row.unshared, row.rate_text)
            for c, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.sharing.setItem(r, c, item)
