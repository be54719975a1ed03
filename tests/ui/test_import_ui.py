"""从Excel导入 in the GUI: the columns guessed, the preview with Excel row numbers,
an import of all rows (the mapping remembered), and a bad sheet importing nothing."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select

from desktop_app.services import ledger_import
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import InfoShare
from desktop_app.ui.dialogs.import_dialog import ImportDialog
from desktop_app.ui.pages.info_shares_page import InfoSharesPage

HEADERS = [
    "序号",
    "信息类别",
    "信息名称",
    "共享对象",
    "形成日期",
    "共享日期",
    "共享方式",
    "延期原因",
]


def sheet(tmp_path: Path, rows: list[list[Any]], name: str = "台账.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["赵八镇2025年信息共享台账"])
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


def count(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count()).select_from(InfoShare)).scalar_one())


GOOD = [
    [1, "行政处罚", "赵八镇3月处罚决定", "县水利局", date(2025, 3, 4), "2025-03-04", "平台", None],
    [
        2,
        "统计分析数据",
        "一季度执法数据",
        "县水利局",
        "2025/3/31",
        "2025年4月2日",
        "电子邮件",
        "需汇总各村数据",
    ],
]


def test_import_with_guessed_columns_and_remembered_mapping(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], tmp_path: Path
) -> None:
    d = ImportDialog(ctx, "info_shares")
    qtbot.addWidget(d)
    d.open(sheet(tmp_path, GOOD))
    assert d.columns.rowCount() == len(HEADERS)
    assert d.mapping()[2] == "title" and d.mapping()[4] == "formed_on"
    d.run_preview()
    assert "可以导入 2 行" in d.report.toPlainText()
    d.run_import()
    assert d.imported is not None and d.imported.created == 2
    assert said == ["已导入 2 条。"] and count(ctx) == 2
    remembered = ledger_import.recall_mapping(ctx, "info_shares", HEADERS)
    assert remembered == d.mapping()


def test_a_bad_sheet_imports_nothing(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, said: list[str], tmp_path: Path
) -> None:
    bad = [*GOOD, [3, "不存在的类别", "", "某个不存在的单位", "2025-13-40", None, None, None]]
    d = ImportDialog(ctx, "info_shares")
    qtbot.addWidget(d)
    d.open(sheet(tmp_path, bad))
    d.run_preview()
    assert "第5行" in d.report.toPlainText()  # Excel numbers the rows: title, header, 3 rows
    d.run_import()
    assert d.imported is None and count(ctx) == 0
    assert said and "未导入" in said[-1]


def test_the_page_offers_the_import(qtbot, ctx: ServiceContext) -> None:  # type: ignore[no-untyped-def]
    page = InfoSharesPage(ctx)
    qtbot.addWidget(page)
    assert page.import_button.text() == "从Excel导入…"


def test_a_ledger_with_two_directions_offers_a_menu(
    qtbot, ctx: ServiceContext, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """案件移送 can be filled from the township's own ledger or from the departments'
    transfers in: the button opens a menu with one entry per direction."""
    from desktop_app.ui.pages.referrals_page import ReferralsPage

    incoming = dataclasses.replace(
        ledger_import.TARGETS["referrals"],
        code="referrals_in_test",
        label="案件移送（测试移入）",
        ledger="referrals",
    )
    monkeypatch.setitem(ledger_import.TARGETS, incoming.code, incoming)
    opened: list[str] = []
    monkeypatch.setattr(ReferralsPage, "import_sheet", lambda self, code: opened.append(code))
    page = ReferralsPage(ctx)
    qtbot.addWidget(page)
    menu = page.import_button.menu()
    assert menu is not None
    labels = [a.text() for a in menu.actions()]
    assert labels[0] == "案件移送（本镇移出）" and "案件移送（测试移入）" in labels
    menu.actions()[labels.index("案件移送（测试移入）")].trigger()
    assert opened == ["referrals_in_test"]


def test_cancel_during_the_import_writes_nothing(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, tmp_path: Path, monkeypatch
) -> None:
    """取消 in the progress dialog: the import stops, the transaction rolls back."""
    from desktop_app.ui import workers

    d = ImportDialog(ctx, "info_shares")
    qtbot.addWidget(d)
    d.open(sheet(tmp_path, GOOD * 300))  # 600 rows
    calls = {"n": 0}

    def cancel_after_a_while(self: workers.Progress) -> bool:
        calls["n"] += 1
        return calls["n"] > 650  # all rows checked, part of them stored

    monkeypatch.setattr(workers.Progress, "cancelled", cancel_after_a_while)
    d.run_import()
    assert d.imported is None and count(ctx) == 0
    assert "已取消导入" in d.report.toPlainText()
    assert d.import_button.isEnabled()  # the clerk may try again


def test_preview_runs_behind_a_progress_dialog(  # type: ignore[no-untyped-def]
    qtbot, ctx: ServiceContext, tmp_path: Path
) -> None:
    from desktop_app.ui import workers

    workers.use_synchronous(False)
    try:
        d = ImportDialog(ctx, "info_shares")
        qtbot.addWidget(d)
        d.open(sheet(tmp_path, GOOD * 200))
        d.run_preview()
        assert not d.preview_button.isEnabled()  # busy while the rows are checked
        qtbot.waitUntil(lambda: "可以导入" in d.report.toPlainText(), timeout=20000)
        assert d.preview_button.isEnabled()
        text = d.report.toPlainText()  # the same two rows 200 times
        assert "可以导入 2 行" in text and "有 398 行重复" in text
        assert "第5行 与 本文件第3行 重复" in text
    finally:
        workers.use_synchronous(True)
