"""导入已有台账: header detection, mapping, preview, all-or-nothing, duplicates, audit."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop_app.domain.terms import AssistanceStatus, AuditAction, ReferralStatus
from desktop_app.services import info_shares, ledger_import
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.storage.models import AssistanceRequest, AuditEntry, InfoShare, Referral

HEADERS = [
    "序号",
    "信息类别",
    "信息名称",
    "共享部门",
    "信息形成日期",
    "共享时间",
    "共享方式",
    "延期原因",
]


def book(
    tmp_path: Path, rows: list[list[Any]], headers: list[str] = HEADERS, name: str = "t.xlsx"
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2025年"
    ws.append(["赵八镇2025年信息共享台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for r in rows:
        ws.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


GOOD = [
    [
        1,
        "行政处罚",
        "赵八镇𠀀月处罚决定😀",
        "县水利局",
        date(2025, 3, 4),
        "2025-03-04",
        "平台",
        None,
    ],
    [
        2,
        "统计分析数据",
        "统计数据",
        "深泽县水利局、县生态环境分局",
        "2025/3/4",
        "2025年3月6日",
        "电子邮件",
        "需汇总各村上报数据",
    ],
    [3, "其他", "其他信息", "县公安局", "2025.3.4", "2025.3.4", "会议通报", None],
]


def mapping(headers: list[str] = HEADERS) -> dict[int, str | None]:
    return ledger_import.guess_mapping("info_shares", headers)


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(m)).scalar() or 0)
            for m in (InfoShare, AuditEntry, Referral, AssistanceRequest)
        )


def test_header_found_below_merged_title(tmp_path: Path) -> None:
    p = ledger_import.read_sheet(book(tmp_path, GOOD))
    assert p.sheets == ["2025年"] and p.header_row == 2
    assert p.headers == HEADERS
    assert p.total_rows == 3 and p.rows[0][2] == "赵八镇𠀀月处罚决定😀"


def test_bad_files(tmp_path: Path) -> None:
    empty = tmp_path / "e.xlsx"
    empty.write_bytes(b"")
    text = tmp_path / "t.xlsx"
    text.write_text("序号,名称", encoding="utf-8")
    ole = tmp_path / "p.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"))
    for f, words in ((empty, "空文件"), (text, "不是 .xlsx"), (ole, "密码")):
        with pytest.raises(InvalidInput) as err:
            ledger_import.read_sheet(f)
        assert words in str(err.value)
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "blank.xlsx")
    with pytest.raises(InvalidInput, match="空的"):
        ledger_import.read_sheet(tmp_path / "blank.xlsx")


def test_guess_mapping_synonyms() -> None:
    m = mapping()
    assert m == {
        0: None,
        1: "category",
        2: "title",
        3: "counterparts",
        4: "formed_on",
        5: "shared_on",
        6: "method",
        7: "late_reason",
    }
    assert ledger_import.guess_mapping("info_shares", ["形成时间"]) == {0: "formed_on"}


def test_remembered_mapping_recalled(ctx: ServiceContext) -> None:
    headers = ["甲", "乙", "丙", "丁"]
    assert ledger_import.recall_mapping(ctx, "info_shares", headers) is None
    chosen = {0: "title", 1: "category", 2: "counterparts", 3: "formed_on"}
    ledger_import.remember_mapping(ctx, "info_shares", headers, chosen)
    assert ledger_import.recall_mapping(ctx, "info_shares", headers) == chosen
    assert ledger_import.recall_mapping(ctx, "info_shares", [*headers, "戊"]) is None


def test_successful_import_read_back(ctx: ServiceContext, tmp_path: Path) -> None:
    path = book(tmp_path, GOOD)
    preview = ledger_import.preview_import(ctx, "info_shares", path, None, mapping())
    assert preview.ok_rows == 3 and not preview.problems and not preview.duplicates
    result = ledger_import.run_import(ctx, "info_shares", path, None, mapping())
    assert result.created == 3 and result.serials == ["享2025-0001", "享2025-0002", "享2025-0003"]
    with ctx.read() as s:
        ids = {sh.serial: sh.id for sh in s.execute(select(InfoShare)).scalars()}
    first = info_shares.get(ctx, ids["享2025-0001"])
    assert first.title == "赵八镇𠀀月处罚决定😀" and first.category == "penalty_decision"
    assert first.formed_on == first.shared_on == date(2025, 3, 4) and first.method == "platform"
    second = info_shares.get(ctx, ids["享2025-0002"])
    assert [o.name for o in second.counterparts] == [
        "石家庄市生态环境局深泽县分局",
        "深泽县水利局",
    ] or {o.name for o in second.counterparts} == {"深泽县水利局", "石家庄市生态环境局深泽县分局"}
    assert second.shared_on == date(2025, 3, 6) and second.late_reason == "需汇总各村上报数据"
    with ctx.read() as s:
        entries = list(
            s.execute(
                select(AuditEntry).where(
                    AuditEntry.action == AuditAction.IMPORT, AuditEntry.record_type == "info_share"
                )
            ).scalars()
        )
    assert len(entries) == 1
    assert "t.xlsx" in (entries[0].summary or "") and "新增3条" in (entries[0].summary or "")
    assert entries[0].after["created"] == 3


def test_problems_with_excel_rows_and_nothing_written(ctx: ServiceContext, tmp_path: Path) -> None:
    bad = [
        GOOD[0],
        [2, "行政处罚", "坏日期", "县水利局", "2025-13-40", "2025-03-04", "平台", None],
        [3, "行政处罚", "坏单位", "不存在局", "2025-03-04", "2025-03-04", "平台", None],
        [4, "乱七八糟", "坏类别", "县水利局", "2025-03-04", "2025-03-04", "平台", None],
        [5, "行政处罚", None, "县水利局", "2025-03-04", "2025-03-04", "平台", None],
        [6, "行政处罚", "先共享后形成", "县水利局", "2025-03-05", "2025-03-04", "平台", None],
    ]
    path = book(tmp_path, bad)
    preview = ledger_import.preview_import(ctx, "info_shares", path, None, mapping())
    got = {(p.row_number, p.field) for p in preview.problems}
    assert {
        (4, "formed_on"),
        (5, "counterparts"),
        (6, "category"),
        (7, "title"),
        (8, "shared_on"),
    } <= got
    assert preview.ok_rows == 1
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        ledger_import.run_import(ctx, "info_shares", path, None, mapping())
    assert "第4行" in str(err.value) and "未导入任何数据" in str(err.value)
    assert counts(ctx) == before


def test_duplicates_in_file_and_database(ctx: ServiceContext, tmp_path: Path) -> None:
    ledger_import.run_import(
        ctx, "info_shares", book(tmp_path, GOOD[:1], name="a.xlsx"), None, mapping()
    )
    rows = [GOOD[0], GOOD[2], GOOD[2]]
    path = book(tmp_path, rows, name="b.xlsx")
    preview = ledger_import.preview_import(ctx, "info_shares", path, None, mapping())
    assert preview.duplicates == [(3, "享2025-0001"), (5, "本文件第4行")]
    assert preview.ok_rows == 1
    before = counts(ctx)
    with pytest.raises(InvalidInput, match="重复"):
        ledger_import.run_import(ctx, "info_shares", path, None, mapping(), skip_duplicates=False)
    assert counts(ctx) == before
    result = ledger_import.run_import(ctx, "info_shares", path, None, mapping())
    assert result.created == 1 and result.skipped_duplicates == 2


def test_assistance_historical(ctx: ServiceContext, tmp_path: Path) -> None:
    headers = ["序号", "协助类型", "被请求部门", "协助事项", "发函日期", "答复日期", "答复情况"]
    rows = [
        [1, "技术支撑", "县市场监管局", "认定假冒商品", "2025年3月4日", "2025-03-08", "确认为假冒"],
        [
            2,
            "查阅档案",
            "县自然资源和规划局",
            "查阅宅基地审批档案",
            datetime(2025, 4, 1),
            None,
            None,
        ],
    ]
    path = book(tmp_path, rows, headers)
    m = ledger_import.guess_mapping("assistance", headers)
    assert m[6] == "opinion_summary" and m[2] == "department"
    result = ledger_import.run_import(ctx, "assistance", path, None, m)
    assert result.serials == ["助2025-0001", "助2025-0002"]
    with ctx.read() as s:
        got = {a.serial: a for a in s.execute(select(AssistanceRequest)).scalars()}
    assert got["助2025-0001"].status == AssistanceStatus.REPLIED
    assert got["助2025-0001"].deadline_at is None
    assert got["助2025-0002"].status == AssistanceStatus.SENT
    assert got["助2025-0002"].deadline_at is not None


def test_referrals_historical(ctx: ServiceContext, tmp_path: Path) -> None:
    headers = [
        "序号",
        "案由",
        "当事人",
        "违法地点",
        "发现时间",
        "接收部门",
        "移送日期",
        "处理结果",
        "反馈日期",
    ]
    rows = [
        [
            1,
            "露天焚烧秸秆",
            "王建国",
            "赵八村",
            "2025-03-04 10:30",
            "县生态环境分局",
            "2025-03-04",
            "已立案处罚",
            "2025-03-20",
        ],
        [2, "占道经营", None, "赵八村集市", "2025/5/6", "县城管执法局", None, None, None],
    ]
    path = book(tmp_path, rows, headers)
    m = ledger_import.guess_mapping("referrals", headers)
    assert m[1] == "matter" and m[5] == "receiver" and m[6] == "sent_at"
    result = ledger_import.run_import(ctx, "referrals", path, None, m)
    assert result.serials == ["移2025-0001", "移2025-0002"]
    with ctx.read() as s:
        got = {r.serial: r for r in s.execute(select(Referral)).scalars()}
    one = got["移2025-0001"]
    assert one.status == ReferralStatus.RESULT and one.found_at == datetime(2025, 3, 4, 10, 30)
    assert one.sent_at == datetime(2025, 3, 4, 10, 30) and one.result_summary == "已立案处罚"
    assert got["移2025-0002"].status == ReferralStatus.DRAFT
