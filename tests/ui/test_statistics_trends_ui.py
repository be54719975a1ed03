"""统计报表: the monthly trend chart and the same-day sharing rate by category."""

from __future__ import annotations

from datetime import date

import dbkit
from PySide6.QtCharts import QLineSeries
from PySide6.QtCore import QDate, QPointF

from desktop_app.domain.terms import InfoCategory
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo
from desktop_app.ui.pages.statistics_page import StatisticsPage


def test_trend_chart_and_sharing_by_category(qtbot, ctx: ServiceContext) -> None:  # type: ignore[no-untyped-def]
    generate_demo(ctx, records=400, seed=7, today=date(2026, 11, 29))
    page = StatisticsPage(ctx)
    qtbot.addWidget(page)
    page.start.setDate(QDate(2026, 11, 1))
    page.end.setDate(QDate(2026, 11, 29))
    page.refresh()

    tabs = [page.lower.tabText(i) for i in range(page.lower.count())]
    assert "逐月趋势" in tabs and "当日共享率（按信息类别）" in tabs
    lines = [s for s in page.trend_chart.series() if isinstance(s, QLineSeries)]
    assert [s.name() for s in lines] == [
        "案件移送",
        "投诉举报",
        "信息共享",
        "联合执法协商",
        "执法协助",
        "管辖争议",
        "行刑衔接",
    ]
    assert all(s.count() == 12 for s in lines)  # a month's period shows the year up to it
    assert ctx.paths is not None
    con = dbkit.connect(ctx.paths.root)
    november = con.execute(
        "SELECT count(*) FROM referrals WHERE found_at >= '2026-11-01' AND found_at < '2026-12-01'"
    ).fetchone()[0]
    assert lines[0].at(11).y() == november > 0

    rows = page.sharing.rowCount()
    assert rows == len(InfoCategory) + 1
    assert page.sharing.item(rows - 1, 0).text() == "合计"
    formed, same_day = con.execute(
        "SELECT count(*), sum(CASE WHEN shared_on <= formed_on THEN 1 ELSE 0 END) FROM info_shares "
        "WHERE formed_on BETWEEN '2026-11-01' AND '2026-11-29'"
    ).fetchone()
    con.close()
    assert page.sharing.item(rows - 1, 1).text() == str(formed)
    assert page.sharing.item(rows - 1, 2).text() == str(same_day)
    assert page.sharing.item(rows - 1, 5).text().endswith("%")

    opened: list[tuple[object, ...]] = []
    page.open_list.connect(lambda *a: opened.append(a))
    lines[0].clicked.emit(QPointF(10.2, 3))  # October 2026
    assert opened == [("referrals", date(2026, 10, 1), date(2026, 10, 31), False)]
    lines[3].clicked.emit(QPointF(11, 0))
    assert opened[-1] == ("meetings", date(2026, 11, 1), date(2026, 11, 30), False)
