"""Reading a ledger sheet: values merged down over several data rows."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop_app.services import ledger_import
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import InfoShare

HEADERS = ["序号", "信息类别", "信息名称", "共享部门", "信息形成日期", "共享时间", "备注"]


def merged_book(tmp_path: Path) -> Path:
    """A ledger as offices keep it: the day and the department merged over the rows
    of that day, a note merged across the columns below the table."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["赵八镇信息共享台账"])
    ws.merge_cells("A1:G1")
    ws.append(HEADERS)
    ws.append([1, "行政处罚", "处罚决定一", "县水利局", date(2025, 3, 4), date(2025, 3, 4), None])
    ws.append([2, "行政处罚", "处罚决定二", None, None, date(2025, 3, 4), None])
    ws.append([3, "其他", "其他信息三", None, None, date(2025, 3, 5), "次日共享"])
    ws.append([4, "其他", "其他信息四", "县公安局", date(2025, 3, 6), date(2025, 3, 6), None])
    ws.merge_cells("D3:D5")  # 共享部门 for rows 3–5
    ws.merge_cells("E3:E5")  # 信息形成日期 for rows 3–5
    ws.append([None, None, None, None, None, None, None])
    ws.append(["备注：本表按日登记", None, None, None, None, None, None])
    ws.merge_cells("A8:G8")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    return path


def test_merged_cells_are_carried_down_into_each_row(tmp_path: Path) -> None:
    p = ledger_import.read_sheet(merged_book(tmp_path))
    assert p.total_rows == 4  # the note below the table is not a record
    departments = [row[3] for row in p.rows]
    formed = [row[4] for row in p.rows]
    assert departments == ["县水利局", "县水利局", "县水利局", "县公安局"]
    assert [f.date() if isinstance(f, datetime) else f for f in formed] == [
        date(2025, 3, 4),
        date(2025, 3, 4),
        date(2025, 3, 4),
        date(2025, 3, 6),
    ]
    assert [row[2] for row in p.rows] == ["处罚决定一", "处罚决定二", "其他信息三", "其他信息四"]


def test_a_merged_ledger_imports_every_row(tmp_path: Path, ctx: ServiceContext) -> None:
    path = merged_book(tmp_path)
    mapping = ledger_import.guess_mapping("info_shares", HEADERS)
    mapping[6] = "late_reason"
    preview = ledger_import.preview_import(ctx, "info_shares", path, None, mapping)
    assert preview.problems == [] and preview.ok_rows == 4
    ledger_import.run_import(ctx, "info_shares", path, None, mapping)
    with ctx.read() as s:
        rows = s.execute(select(InfoShare).order_by(InfoShare.id)).scalars().all()
        assert [r.formed_on for r in rows] == [date(2025, 3, 4)] * 3 + [date(2025, 3, 6)]
        assert [len(r.counterparts) for r in rows] == [1, 1, 1, 1]
        assert rows[2].late_reason == "次日共享"


def test_progress_is_reported_and_a_cancel_keeps_nothing(
    tmp_path: Path, ctx: ServiceContext
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS[:6])
    for i in range(450):
        ws.append([i + 1, "其他", f"信息{i + 1}", "县水利局", date(2025, 3, 4), date(2025, 3, 4)])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    mapping = ledger_import.guess_mapping("info_shares", HEADERS[:6])
    seen: list[tuple[int, int]] = []
    preview = ledger_import.preview_import(
        ctx, "info_shares", path, None, mapping, progress=lambda d, t: seen.append((d, t))
    )
    assert preview.ok_rows == 450
    assert seen == [(200, 450), (400, 450), (450, 450)]
    polls: list[int] = []

    def cancel_while_storing() -> bool:
        polls.append(1)
        return len(polls) > 450 + 50  # every row checked, 50 stored

    with pytest.raises(ledger_import.ImportCancelled, match="未写入"):
        ledger_import.run_import(
            ctx, "info_shares", path, None, mapping, cancelled=cancel_while_storing
        )
    with ctx.read() as s:
        assert s.execute(select(InfoShare)).first() is None
    ledger_import.run_import(ctx, "info_shares", path, None, mapping)
    with ctx.read() as s:
        assert len(s.execute(select(InfoShare)).all()) == 450
