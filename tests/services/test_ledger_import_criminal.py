"""导入已有台账 — 行刑衔接: statuses, clocks, serials, audit, refusals, duplicates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from ledger_import_helpers import ledger_book, row_counts
from sqlalchemy import select

from desktop_app.domain.terms import AuditAction, CriminalTransferStatus, PoliceDecision
from desktop_app.services import ledger_import
from desktop_app.services.context import ServiceContext
from desktop_app.services.criminal_common import HANDOVER_CLOCK, POLICE_CLOCK, RECONSIDER_CLOCK
from desktop_app.services.errors import InvalidInput
from desktop_app.storage.models import AuditEntry, CriminalTransfer, Organisation

S = CriminalTransferStatus

HEADERS = [
    "序号",
    "案件名称",
    "当事人",
    "涉嫌罪名",
    "发现时间",
    "负责人决定时间",
    "移送日期",
    "接收机关",
    "抄送检察院",
    "立案/不立案决定",
    "立案日期",
    "备注",
]

GOOD: list[list[Any]] = [
    [
        1,
        "王某涉嫌非法采矿案",
        "王某",
        "非法采矿罪",
        "2025-03-01 09:00",
        "2025-03-03",
        date(2025, 3, 6),  # more than 24 hours after the approval
        "县公安局",
        "县检察院",
        "立案",
        "2025-03-07",
        None,
    ],
    [
        2,
        "李某涉嫌生产销售伪劣产品案",
        "李某",
        "生产、销售伪劣产品罪",
        datetime(2025, 6, 2, 10, 30),
        None,
        "2025年6月5日",
        "深泽县公安局",
        None,
        "不予立案",
        "2025/6/9",
        "货值金额约6万元",
    ],
    [
        3,
        "张某涉嫌非法经营案",
        "张某",
        "非法经营罪",
        "2025-10-10",
        "2025-10-11 15:00",
        "2025-10-12 09:30",
        "县公安局",
        "县检察院",
        None,
        None,
        None,
    ],
    [
        4,
        "赵某涉嫌污染环境案",
        "某化工有限公司",
        "污染环境罪",
        None,
        None,
        "2024-12-20",
        "县公安局",
        None,
        "已立案",
        "2024-12-25",
        None,
    ],
    [
        5,
        "孙某涉嫌非法占用农用地案",
        "孙某",
        "非法占用农用地罪",
        "2026-11-20",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],
]


def book(
    tmp_path: Path, rows: list[list[Any]], headers: list[str] = HEADERS, name: str = "行刑.xlsx"
) -> Path:
    return ledger_book(tmp_path / name, "行刑衔接", "赵八镇涉嫌犯罪案件移送台账", headers, rows)


def mapping(headers: list[str] = HEADERS) -> dict[int, str | None]:
    return ledger_import.guess_mapping("criminal_transfers", headers)


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    return row_counts(ctx, CriminalTransfer, AuditEntry)


def org_id(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def test_guess_mapping_office_and_export_headers() -> None:
    assert list(mapping().values()) == [
        None,
        "title",
        "party",
        "crime",
        "flagged_at",
        "decision_at",
        "transferred_at",
        "police_org",
        "procuratorate",
        "police_decision",
        "police_decision_at",
        "note",
    ]
    export = [
        "台账编号",
        "案件名称",
        "状态",
        "发现涉嫌犯罪时间",
        "书面报告时间",
        "负责人决定时间",
        "移送公安时间",
        "公安机关决定",
        "当前期限",
    ]
    assert list(mapping(export).values()) == [
        None,
        "title",
        "status",
        "flagged_at",
        "report_at",
        "decision_at",
        "transferred_at",
        "police_decision",
        None,
    ]


def test_historical_transfers_imported(ctx: ServiceContext, tmp_path: Path) -> None:
    path = book(tmp_path, GOOD)
    preview = ledger_import.preview_import(ctx, "criminal_transfers", path, None, mapping())
    assert preview.ok_rows == 5 and not preview.problems and not preview.duplicates
    result = ledger_import.run_import(ctx, "criminal_transfers", path, None, mapping())
    assert result.serials == [
        "刑2025-0001",
        "刑2025-0002",
        "刑2025-0003",
        "刑2024-0001",
        "刑2026-0001",
    ]
    police, proc = org_id(ctx, "深泽县公安局"), org_id(ctx, "深泽县人民检察院")
    with ctx.read() as s:
        got = {t.serial: t for t in s.execute(select(CriminalTransfer)).scalars()}
        entries = list(
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.record_type == "criminal_transfer")
                .order_by(AuditEntry.id)
            ).scalars()
        )

    one = got["刑2025-0001"]
    assert one.status == S.FILED and one.police_decision == PoliceDecision.FILED
    assert one.flagged_at == datetime(2025, 3, 1, 9, 0) and one.approved is True
    assert one.transferred_at == datetime(2025, 3, 6) and one.police_org_id == police
    assert one.procuratorate_org_id == proc and one.procuratorate_informed_at == one.transferred_at
    assert one.reason == "涉嫌罪名：非法采矿罪；当事人：王某" and one.source_type is None
    assert one.deadline_what == HANDOVER_CLOCK and one.deadline_at is not None
    assert one.deadline_at.date() == date(2025, 3, 10)  # 3 日 from the filing notice
    assert one.late_reason is None

    two = got["刑2025-0002"]
    assert two.status == S.NOT_FILED and two.police_decision_at == datetime(2025, 6, 9)
    assert two.deadline_what == RECONSIDER_CLOCK and two.note == "货值金额约6万元"
    assert two.procuratorate_org_id is None and two.procuratorate_informed_at is None

    three = got["刑2025-0003"]
    assert three.status == S.TRANSFERRED and three.deadline_what == POLICE_CLOCK
    assert three.transferred_at == datetime(2025, 10, 12, 9, 30)

    four = got["刑2024-0001"]  # no 发现时间: the transfer's day stands for it
    assert four.status == S.FILED and four.flagged_at == datetime(2024, 12, 20)
    assert four.reason == "涉嫌罪名：污染环境罪；当事人：某化工有限公司"

    five = got["刑2026-0001"]
    assert five.status == S.FLAGGED and five.deadline_at is None and five.deadline_what is None

    creates = [e for e in entries if e.action == AuditAction.CREATE]
    assert len(creates) == 5
    assert "从台账导入（行刑.xlsx 第3行）" in (creates[0].summary or "")
    assert "逾期移送，原台账未记录逾期原因" in (creates[0].summary or "")
    assert "逾期" not in (creates[2].summary or "")
    imports = [e for e in entries if e.action == AuditAction.IMPORT]
    assert len(imports) == 1 and "新增5条" in (imports[0].summary or "")


def test_status_column_closes_or_disagrees(ctx: ServiceContext, tmp_path: Path) -> None:
    headers = [*HEADERS, "状态"]
    rows = [[*GOOD[1], "已办结"], [*GOOD[2], "已办结"], [*GOOD[4], "涉嫌犯罪，待组成专案组"]]
    path = book(tmp_path, rows, headers)
    preview = ledger_import.preview_import(ctx, "criminal_transfers", path, None, mapping(headers))
    assert [(p.row_number, p.field) for p in preview.problems] == [(4, "status")]
    result = ledger_import.run_import(
        ctx,
        "criminal_transfers",
        book(tmp_path, [rows[0]], headers, "b.xlsx"),
        None,
        mapping(headers),
    )
    with ctx.read() as s:
        t = s.execute(
            select(CriminalTransfer).where(CriminalTransfer.serial == result.serials[0])
        ).scalar_one()
        assert t.status == S.CLOSED and t.deadline_at is None and t.deadline_what is None


def test_bad_rows_refused_with_row_numbers_and_nothing_written(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    def row(**changes: Any) -> list[Any]:
        r = list(GOOD[2])
        for i, value in changes.items():
            r[int(i[1:])] = value
        return r

    bad = [
        GOOD[0],
        row(c6="2025-02-30"),  # row 4: no such date
        row(c9="立案", c10="2025-10-11"),  # row 5: police decided before the transfer
        row(c7="县不存在局"),  # row 6: unknown organ
        row(c1=None),  # row 7: blank 案件名称
        row(c7="县水利局"),  # row 8: not a public security organ
        row(c9="立案"),  # row 9: a decision without its date
        row(c4=None, c5=None, c6=None, c7=None, c8=None),  # row 10: no date at all
        row(c2=None, c3=None),  # row 11: neither crime nor party nor reason
        row(c5="2025-10-09"),  # row 12: approved before it was found
    ]
    path = book(tmp_path, bad)
    preview = ledger_import.preview_import(ctx, "criminal_transfers", path, None, mapping())
    got = {(p.row_number, p.field) for p in preview.problems}
    assert {
        (4, "transferred_at"),
        (5, "police_decision_at"),
        (6, "police_org"),
        (7, "title"),
        (8, "police_org"),
        (9, "police_decision_at"),
        (10, "flagged_at"),
        (11, "reason"),
        (12, "decision_at"),
    } <= got
    assert preview.ok_rows == 1
    messages = {(p.row_number, p.field): p.message for p in preview.problems}
    assert "不能早于「移送公安时间」" in messages[(5, "police_decision_at")]
    assert "找不到单位「县不存在局」" in messages[(6, "police_org")]
    assert "不是公安机关" in messages[(8, "police_org")]
    assert "涉嫌罪名" in messages[(11, "reason")]
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        ledger_import.run_import(ctx, "criminal_transfers", path, None, mapping())
    text = str(err.value)
    assert "第4行" in text and "第12行" in text and "未导入任何数据" in text
    assert counts(ctx) == before


def test_missing_required_column_refused(ctx: ServiceContext, tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "案件名称"]
    path = book(tmp_path, [r[:1] + r[2:] for r in GOOD], headers)
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        ledger_import.run_import(ctx, "criminal_transfers", path, None, mapping(headers))
    assert "请为「案件名称」指定对应的列" in str(err.value)
    assert counts(ctx) == before


def test_duplicates_in_file_and_database(ctx: ServiceContext, tmp_path: Path) -> None:
    ledger_import.run_import(
        ctx, "criminal_transfers", book(tmp_path, GOOD[2:3], name="a.xlsx"), None, mapping()
    )
    again = list(GOOD[2])
    again[4] = datetime(2025, 10, 10, 16, 0)  # same day, a time now given
    path = book(tmp_path, [again, GOOD[1], GOOD[1]], name="b.xlsx")
    preview = ledger_import.preview_import(ctx, "criminal_transfers", path, None, mapping())
    assert preview.duplicates == [(3, "刑2025-0001"), (5, "本文件第4行")]
    assert preview.ok_rows == 1
    before = counts(ctx)
    with pytest.raises(InvalidInput, match="重复"):
        ledger_import.run_import(
            ctx, "criminal_transfers", path, None, mapping(), skip_duplicates=False
        )
    assert counts(ctx) == before
    result = ledger_import.run_import(ctx, "criminal_transfers", path, None, mapping())
    assert result.created == 1 and result.skipped_duplicates == 2
    assert result.serials == ["刑2025-0002"]
