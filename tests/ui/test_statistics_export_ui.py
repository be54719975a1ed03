"""统计报表: the month and year summaries exported from the page (off the GUI thread,
inline in tests), read back; a cancelled export writes nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate

from desktop_app.domain import clock
from desktop_app.services import summary
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo
from desktop_app.ui import prompts, workers
from desktop_app.ui.pages.statistics_page import StatisticsPage


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 29, 20, 0))


def test_month_and_year_export_from_the_page(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_demo(ctx, records=120, seed=7)
    page = StatisticsPage(ctx)
    qtbot.addWidget(page)
    page.start.setDate(QDate(2026, 11, 1))
    target = tmp_path / "月度汇总.xlsx"
    monkeypatch.setattr(prompts, "save_file", lambda *a, **k: target)
    page.export("month")
    assert said and said[-1].startswith("已导出")
    wb = load_workbook(target)
    assert wb.sheetnames == summary.sheet_names()
    assert "2026年11月" in str(wb["统计"]["A1"].value)
    year = tmp_path / "年度汇总.xlsx"
    monkeypatch.setattr(prompts, "save_file", lambda *a, **k: year)
    page.export("year")
    assert load_workbook(year).sheetnames == summary.sheet_names(year=True)


def test_a_cancelled_export_writes_nothing(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_demo(ctx, records=60, seed=3)
    page = StatisticsPage(ctx)
    qtbot.addWidget(page)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "取消.xlsx"
    monkeypatch.setattr(prompts, "save_file", lambda *a, **k: target)
    monkeypatch.setattr(workers.Progress, "cancelled", lambda self: True)
    page.export("month")
    assert said == ["已取消导出，未写入文件。"] and not target.exists()
    assert not list(out.iterdir())  # no temporary file left either


def test_a_figure_opens_the_records_behind_it(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from desktop_app.services import ledgers
    from desktop_app.ui.main_window import MainWindow

    generate_demo(ctx, records=120, seed=7)
    window = MainWindow(ctx, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    page = window.show_page("statistics")
    assert isinstance(page, StatisticsPage)
    page.start.setDate(QDate(2026, 11, 1))
    page.end.setDate(QDate(2026, 11, 29))
    page.refresh()
    assert page.chart.series()[0].barSets()[0].count() == len(page.rows)
    row = next(i for i, f in enumerate(page.rows) if f.ledger_key == "info_shares")
    expected = page.rows[row].in_period
    page.open_cell(row, 2)  # 期间内登记
    shares = window.pages["info_shares"]
    assert window.stack.currentWidget() is shares
    lst = shares.list_for("info_shares")
    q = lst.current_query()
    assert (q.date_from, q.date_to) == (page.period[0], page.period[1])
    assert ledgers.count(ctx, "info_shares", q) == expected
    overdue_row = next(i for i, f in enumerate(page.rows) if f.ledger_key == "complaints")
    page.open_bar(overdue_row, "已逾期")
    complaints = window.pages["complaints"].list_for("complaints")
    q = complaints.current_query()
    assert ("overdue", True) in q.filters and q.date_from is None
    assert ledgers.count(ctx, "complaints", q) == page.rows[overdue_row].overdue


def test_on_time_rates_on_the_page(qtbot, ctx: ServiceContext, said: list[str]) -> None:  # type: ignore[no-untyped-def]
    """An info share shared the day it was formed is on time, one shared two days
    later is late: 50 %; the rule is shown beside the figure."""
    from datetime import date

    from desktop_app.services import info_shares

    water = next(o.id for o in info_shares.counterpart_choices(ctx) if o.name == "深泽县水利局")
    for title, formed, shared, reason in (
        ("当日", date(2026, 11, 20), date(2026, 11, 20), None),
        ("延期", date(2026, 11, 20), date(2026, 11, 22), "需汇总各村数据"),
    ):
        info_shares.create(
            ctx,
            info_shares.ShareInput(
                direction="shared",
                category="statistics",
                title=title,
                summary=None,
                counterpart_ids=[water],
                formed_on=formed,
                shared_on=shared,
                method="platform",
                late_reason=reason,
            ),
        )
    page = StatisticsPage(ctx)
    qtbot.addWidget(page)
    page.start.setDate(QDate(2026, 11, 1))
    page.end.setDate(QDate(2026, 11, 29))
    page.refresh()
    row = next(i for i, t in enumerate(page.timing_rows) if t.ledger_key == "info_shares")
    cells = [page.timing.item(row, c).text() for c in range(6)]
    assert cells[:5] == ["信息共享", "1", "1", "0", "50.0%"]
    assert "当日" in cells[5]
    heads = [
        page.departments.horizontalHeaderItem(c).text()
        for c in range(page.departments.columnCount())
    ]
    col = heads.index("信息共享")
    rows = {
        page.departments.item(r, 0).text(): page.departments.item(r, col).text()
        for r in range(page.departments.rowCount())
    }
    assert any(rate == "50.0%" for name, rate in rows.items() if "水利" in name), rows
