"""导入已有台账 — 管辖争议: statuses, rounds, serials, clocks, audit, refusals, duplicates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from ledger_import_helpers import ledger_book, row_counts
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from desktop_app.domain.terms import AuditAction, DisputeStatus
from desktop_app.services import ledger_import
from desktop_app.services.context import ServiceContext
from desktop_app.services.dispute_forms import WAITING
from desktop_app.services.errors import InvalidInput
from desktop_app.storage.models import AuditEntry, Dispute, NegotiationRound, Organisation

HEADERS = [
    "序号",
    "争议事项",
    "争议各方",
    "发生日期",
    "协商日期",
    "参加人员",
    "双方意见",
    "协商结果",
    "负责查处单位",
    "报请日期",
    "决定日期",
    "县人民政府决定",
    "备注",
]
PEOPLE = "赵八镇：张三、李四；对方：王五"
POSITIONS = "镇方认为该事项未划转乡镇；部门认为该事项已划转乡镇。"

GOOD: list[list[Any]] = [
    [
        1,
        "赵八村河道内非法采砂的管辖争议",
        "赵八镇、县水利局",
        date(2025, 3, 4),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "县水利局口头表示不予接收",
    ],
    [
        2,
        "赵八村集市占道经营的管辖争议",
        "深泽县城市管理综合行政执法局",
        "2025/4/1",
        "2025-04-03",
        PEOPLE,
        POSITIONS,
        "协商一致，由县城管执法局查处",
        "县城管执法局",
        None,
        None,
        None,
        None,
    ],
    [
        3,
        "西马村违法占用耕地建房的管辖争议",
        "县自然资源和规划局",
        "2025年5月6日",
        datetime(2025, 5, 8),
        PEOPLE,
        POSITIONS,
        "双方未达成一致意见",
        None,
        "2025.5.20",
        None,
        None,
        None,
    ],
    [
        4,
        "东马村无照经营食品的管辖争议",
        "县市场监管局",
        "2024-12-01",
        "2024-12-03",
        PEOPLE,
        POSITIONS,
        "未达成一致",
        "县市场监管局",
        "2024-12-10",
        date(2024, 12, 20),
        "由县市场监督管理局负责查处",
        None,
    ],
]


def book(
    tmp_path: Path, rows: list[list[Any]], headers: list[str] = HEADERS, name: str = "争议.xlsx"
) -> Path:
    return ledger_book(
        tmp_path / name, "管辖争议", "赵八镇管辖争议台账（2024—2025年）", headers, rows
    )


def mapping(headers: list[str] = HEADERS) -> dict[int, str | None]:
    return ledger_import.guess_mapping("disputes", headers)


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    return row_counts(ctx, Dispute, NegotiationRound, AuditEntry)


def org_id(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def test_guess_mapping_office_and_export_headers() -> None:
    m = mapping()
    assert m == {
        0: None,
        1: "matter",
        2: "department",
        3: "opened_on",
        4: "held_on",
        5: "people",
        6: "positions",
        7: "outcome",
        8: "handler",
        9: "escalated_on",
        10: "decided_on",
        11: "decision",
        12: "note",
    }
    # the app's own ledger export (ledger_defs) maps column for column
    export = ["台账编号", "状态", "争议事项", "争议部门", "发生日期", "提请县政府日期", "决定日期"]
    assert list(mapping(export).values()) == [
        None,
        "status",
        "matter",
        "department",
        "opened_on",
        "escalated_on",
        "decided_on",
    ]


def test_historical_disputes_imported(ctx: ServiceContext, tmp_path: Path) -> None:
    path = book(tmp_path, GOOD)
    preview = ledger_import.preview_import(ctx, "disputes", path, None, mapping())
    assert preview.ok_rows == 4 and not preview.problems and not preview.duplicates
    result = ledger_import.run_import(ctx, "disputes", path, None, mapping())
    assert result.serials == ["争2025-0001", "争2025-0002", "争2025-0003", "争2024-0001"]
    with ctx.read() as s:
        got = {
            d.serial: d
            for d in s.execute(select(Dispute).options(selectinload(Dispute.rounds))).scalars()
        }
        water, cg = org_id(ctx, "深泽县水利局"), org_id(ctx, "深泽县城市管理综合行政执法局")
        scjg = org_id(ctx, "深泽县市场监督管理局")

        one = got["争2025-0001"]
        assert one.status == DisputeStatus.NEGOTIATING and one.department_id == water
        assert one.opened_on == date(2025, 3, 4) and one.rounds == []
        assert one.deadline_at is None and one.deadline_what is None
        assert one.note == "县水利局口头表示不予接收"

        two = got["争2025-0002"]
        assert two.status == DisputeStatus.AGREED and two.department_id == cg
        assert two.agreed_handler_id == cg and two.agreed_on == date(2025, 4, 3)
        assert [(r.held_on, r.people, r.outcome) for r in two.rounds] == [
            (date(2025, 4, 3), PEOPLE, "协商一致，由县城管执法局查处")
        ]
        assert two.deadline_at is None and two.deadline_what is None

        three = got["争2025-0003"]
        assert three.status == DisputeStatus.ESCALATED
        assert three.escalated_on == date(2025, 5, 20) and len(three.rounds) == 1
        assert three.deadline_at is None and three.deadline_what == WAITING

        four = got["争2024-0001"]
        assert four.status == DisputeStatus.DECIDED and four.decided_handler_id == scjg
        assert four.escalated_on == date(2024, 12, 10) and four.decided_on == date(2024, 12, 20)
        assert four.decision == "由县市场监督管理局负责查处" and four.deadline_what is None

        entries = list(
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.record_type == "dispute")
                .order_by(AuditEntry.id)
            ).scalars()
        )
    creates = [e for e in entries if e.action == AuditAction.CREATE]
    assert len(creates) == 4
    assert "从台账导入（争议.xlsx 第3行）" in (creates[0].summary or "")
    assert "提请决定函未在本系统出具" in (creates[2].summary or "")
    imports = [e for e in entries if e.action == AuditAction.IMPORT]
    assert len(imports) == 1 and "新增4条" in (imports[0].summary or "")
    assert (imports[0].after or {})["serials"] == result.serials


def test_status_column_must_agree(ctx: ServiceContext, tmp_path: Path) -> None:
    headers = [*HEADERS, "状态"]
    rows = [[*GOOD[0], "协商中"], [*GOOD[1], "协商中"], [*GOOD[2], "已提请县人民政府决定"]]
    path = book(tmp_path, rows, headers)
    preview = ledger_import.preview_import(ctx, "disputes", path, None, mapping(headers))
    assert [(p.row_number, p.field) for p in preview.problems] == [(4, "status")]
    assert "协商一致" in preview.problems[0].message


def test_bad_rows_refused_with_row_numbers_and_nothing_written(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    def row(**changes: Any) -> list[Any]:
        r = list(GOOD[1])
        for i, value in changes.items():
            r[int(i[1:])] = value
        return r

    bad = [
        GOOD[0],
        row(c3="2025-13-40"),  # row 4: no such date
        row(c4="2025-03-01"),  # row 5: negotiated before the dispute arose
        row(c2="县不存在局"),  # row 6: unknown department
        row(c1=None),  # row 7: blank 争议事项
        row(c2="深泽县人民法院"),  # row 8: a court is no county department
        row(c4=None, c5=None, c6=None, c7=None),  # row 9: agreed without any negotiation
        row(c8="县水利局"),  # row 10: the handler is not a party
        row(c2="赵八镇"),  # row 11: only the township
        row(c9="2025-04-05", c8=None, c12=None),  # row 12: escalated… and a later decision?
        row(c10="2025-04-20", c8=None),  # row 13: decided without escalation
    ]
    path = book(tmp_path, bad)
    preview = ledger_import.preview_import(ctx, "disputes", path, None, mapping())
    got = {(p.row_number, p.field) for p in preview.problems}
    assert {
        (4, "opened_on"),
        (5, "held_on"),
        (6, "department"),
        (7, "matter"),
        (8, "department"),
        (9, "held_on"),
        (10, "handler"),
        (11, "department"),
        (13, "escalated_on"),
    } <= got
    assert not any(p.row_number == 12 for p in preview.problems)  # a fine escalated row
    assert preview.ok_rows == 2
    messages = {(p.row_number, p.field): p.message for p in preview.problems}
    assert "不能早于「发生日期」" in messages[(5, "held_on")]
    assert "找不到单位「县不存在局」" in messages[(6, "department")]
    assert "不能为空" in messages[(7, "matter")]
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        ledger_import.run_import(ctx, "disputes", path, None, mapping())
    text = str(err.value)
    assert "第4行" in text and "第13行" in text and "未导入任何数据" in text
    assert counts(ctx) == before


def test_missing_required_column_refused(ctx: ServiceContext, tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "争议各方"]
    rows = [r[:2] + r[3:] for r in GOOD]
    path = book(tmp_path, rows, headers)
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        ledger_import.run_import(ctx, "disputes", path, None, mapping(headers))
    assert "请为「争议部门」指定对应的列" in str(err.value)
    assert counts(ctx) == before


def test_duplicates_in_file_and_database(ctx: ServiceContext, tmp_path: Path) -> None:
    ledger_import.run_import(
        ctx, "disputes", book(tmp_path, GOOD[:1], name="a.xlsx"), None, mapping()
    )
    same_again = list(GOOD[0])
    same_again[2] = "深泽县水利局"  # the same department written in full, no township
    path = book(tmp_path, [same_again, GOOD[1], GOOD[1]], name="b.xlsx")
    preview = ledger_import.preview_import(ctx, "disputes", path, None, mapping())
    assert preview.duplicates == [(3, "争2025-0001"), (5, "本文件第4行")]
    assert preview.ok_rows == 1
    before = counts(ctx)
    with pytest.raises(InvalidInput, match="重复"):
        ledger_import.run_import(ctx, "disputes", path, None, mapping(), skip_duplicates=False)
    assert counts(ctx) == before
    result = ledger_import.run_import(ctx, "disputes", path, None, mapping())
    assert result.created == 1 and result.skipped_duplicates == 2
    assert result.serials == ["争2025-0002"]
