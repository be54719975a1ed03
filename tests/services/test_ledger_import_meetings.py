"""导入已有台账 — 联合执法协商（会商）: statuses, clocks, serials, audit, refusals, duplicates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from ledger_import_helpers import ledger_book, row_counts
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from desktop_app.domain.terms import AuditAction, MeetingKind, MeetingStatus
from desktop_app.services import ledger_import
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.services.meeting_forms import CLOCK
from desktop_app.storage.models import AuditEntry, Meeting

S = MeetingStatus

HEADERS = [
    "序号",
    "会议日期",
    "议题",
    "参加单位",
    "会议地点",
    "主持人",
    "形成意见",
    "落实情况",
    "备注",
]

GOOD: list[list[Any]] = [
    [
        1,
        date(2025, 3, 4),
        "春季河道非法采砂联合整治协商",
        "县水利局、县自然资源和规划局、赵八镇",
        "镇政府三楼会议室",
        "王镇长",
        "由县水利局牵头，3月底前开展联合执法",
        "已于3月25日开展联合行动",
        None,
    ],
    [
        2,
        "2025/6/10 14:30",
        "夏季食品安全联合检查会商",
        "县市场监管局",
        "县市场监管局二楼",
        "李副镇长",
        "6月底前对辖区小餐饮开展联合检查",
        None,
        "纪要另存",
    ],
    [
        3,
        "2026-12-05 09:00",
        "冬季燃气安全专项整治会商",
        "县应急管理局；县住建局",
        None,
        None,
        None,
        None,
        None,
    ],
    [
        4,
        "2024年12月20日",
        "年终联合执法工作总结会商",
        "深泽县城市管理综合行政执法局",
        "镇政府会议室",
        "王镇长",
        "明年继续每季度召开一次",
        None,
        None,
    ],
]


def book(
    tmp_path: Path, rows: list[list[Any]], headers: list[str] = HEADERS, name: str = "会商.xlsx"
) -> Path:
    return ledger_book(tmp_path / name, "会商台账", "赵八镇联合执法协商会议台账", headers, rows)


def mapping(headers: list[str] = HEADERS) -> dict[int, str | None]:
    return ledger_import.guess_mapping("meetings", headers)


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    return row_counts(ctx, Meeting, AuditEntry)


def test_guess_mapping_office_and_export_headers() -> None:
    assert list(mapping().values()) == [
        None,
        "held_at",
        "subject",
        "organisations",
        "place",
        "host",
        "decisions",
        "follow_up",
        "note",
    ]
    export = ["台账编号", "会议类型", "状态", "召开时间", "会议名称", "地点", "主持人", "议定事项"]
    assert list(mapping(export).values()) == [
        None,
        "kind",
        "status",
        "held_at",
        "subject",
        "place",
        "host",
        "decisions",
    ]


def test_historical_meetings_imported(ctx: ServiceContext, tmp_path: Path) -> None:
    path = book(tmp_path, GOOD)
    preview = ledger_import.preview_import(ctx, "meetings", path, None, mapping())
    assert preview.ok_rows == 4 and not preview.problems and not preview.duplicates
    result = ledger_import.run_import(ctx, "meetings", path, None, mapping())
    assert result.serials == ["会2025-0001", "会2025-0002", "会2026-0001", "会2024-0001"]
    with ctx.read() as s:
        got = {
            m.serial: m
            for m in s.execute(select(Meeting).options(selectinload(Meeting.organisations)))
            .scalars()
            .all()
        }
        one = got["会2025-0001"]
        assert one.status == S.HELD and one.kind == MeetingKind.REGULAR
        assert one.held_at == datetime(2025, 3, 4) and one.topics == ["general"]
        assert {o.name for o in one.organisations} == {
            "深泽县水利局",
            "深泽县自然资源和规划局",
            "深泽县赵八镇人民政府",
        }
        assert one.decisions == "由县水利局牵头，3月底前开展联合执法"
        assert one.note == "落实情况：已于3月25日开展联合行动"
        assert one.deadline_at is None and one.deadline_what is None

        two = got["会2025-0002"]
        assert two.held_at == datetime(2025, 6, 10, 14, 30) and two.note == "纪要另存"
        assert two.host == "李副镇长" and two.status == S.HELD

        planned = got["会2026-0001"]  # ahead of the frozen 2026-11-29: a plan
        assert planned.status == S.PLANNED and planned.deadline_what == CLOCK
        assert planned.deadline_at == datetime(2026, 12, 5, 9, 0)
        assert len(planned.organisations) == 2

        assert got["会2024-0001"].held_at == datetime(2024, 12, 20)
        entries = list(
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.record_type == "meeting")
                .order_by(AuditEntry.id)
            ).scalars()
        )
    creates = [e for e in entries if e.action == AuditAction.CREATE]
    assert len(creates) == 4 and "从台账导入（会商.xlsx 第6行）" in (creates[3].summary or "")
    imports = [e for e in entries if e.action == AuditAction.IMPORT]
    assert len(imports) == 1 and "新增4条" in (imports[0].summary or "")


def test_kind_topics_and_cancelled_status(ctx: ServiceContext, tmp_path: Path) -> None:
    headers = ["会议类型", "会议名称", "召开时间", "参会单位", "议题类别", "状态", "取消原因"]
    rows: list[list[Any]] = [
        [
            "即时会议",
            "突发污染事件即时会商",
            "2025-08-01 16:00",
            None,
            "热点、法律适用",
            None,
            None,
        ],
        [
            "定期",
            "三季度例会",
            "2025-09-30",
            "县水利局",
            "普遍性问题",
            "已取消",
            "主要部门有防汛任务，改期召开",
        ],
    ]
    path = book(tmp_path, rows, headers)
    result = ledger_import.run_import(ctx, "meetings", path, None, mapping(headers))
    with ctx.read() as s:
        got = {m.serial: m for m in s.execute(select(Meeting)).scalars()}
    adhoc, cancelled = got[result.serials[0]], got[result.serials[1]]
    assert adhoc.kind == MeetingKind.AD_HOC and adhoc.topics == ["hotspot", "supervision_law"]
    assert adhoc.status == S.HELD
    assert cancelled.status == S.CANCELLED and cancelled.deadline_at is None
    assert cancelled.note == "取消会议，原因：主要部门有防汛任务，改期召开"


def test_bad_rows_refused_with_row_numbers_and_nothing_written(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    headers = [*HEADERS, "会议类型", "议题类别", "状态", "关联记录编号"]

    def row(**changes: Any) -> list[Any]:
        r = [*GOOD[1], "定期会议", "普遍性问题", None, None]
        for i, value in changes.items():
            r[int(i[1:])] = value
        return r

    bad: list[list[Any]] = [
        row(),
        row(c1="2025-02-30"),  # row 4: no such date
        row(c3="县不存在局"),  # row 5: unknown department
        row(c2=None),  # row 6: blank 议题
        row(c3="赵八镇、执法队"),  # row 7: a regular meeting of the township alone
        row(c1="2026-12-10", c11="已召开"),  # row 8: "held" in the future
        row(c10="乱七八糟"),  # row 9: no such topic
        row(c9="专题会议"),  # row 10: special meeting without the case it studies
        row(c12="移2025-9999"),  # row 11: no record with that serial
        row(c11="已取消"),  # row 12: cancelled without a reason
        row(c1="2026-12-10"),  # row 13: planned, but minutes already written
        row(c1="2028-01-10"),  # row 14: planned more than a year ahead
    ]
    path = book(tmp_path, bad, headers)
    preview = ledger_import.preview_import(ctx, "meetings", path, None, mapping(headers))
    got = {(p.row_number, p.field) for p in preview.problems}
    assert {
        (4, "held_at"),
        (5, "organisations"),
        (6, "subject"),
        (7, "organisations"),
        (8, "held_at"),
        (9, "topics"),
        (10, "linked"),
        (11, "linked"),
        (12, "cancel_reason"),
        (13, "decisions"),
        (14, "held_at"),
    } <= got
    assert preview.ok_rows == 1
    messages = {(p.row_number, p.field): p.message for p in preview.problems}
    assert "找不到单位「县不存在局」" in messages[(5, "organisations")]
    assert "不能为空" in messages[(6, "subject")]
    assert "移2025-9999" in messages[(11, "linked")]
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        ledger_import.run_import(ctx, "meetings", path, None, mapping(headers))
    text = str(err.value)
    assert "第4行" in text and "第14行" in text and "未导入任何数据" in text
    assert counts(ctx) == before


def test_missing_required_column_refused(ctx: ServiceContext, tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "会议日期"]
    path = book(tmp_path, [r[:1] + r[2:] for r in GOOD], headers)
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        ledger_import.run_import(ctx, "meetings", path, None, mapping(headers))
    assert "请为「召开时间」指定对应的列" in str(err.value)
    assert counts(ctx) == before


def test_duplicates_in_file_and_database(ctx: ServiceContext, tmp_path: Path) -> None:
    ledger_import.run_import(
        ctx, "meetings", book(tmp_path, GOOD[:1], name="a.xlsx"), None, mapping()
    )
    again = list(GOOD[0])
    again[1] = "2025-03-04 09:00"  # the same day, with its time
    path = book(tmp_path, [again, GOOD[1], GOOD[1]], name="b.xlsx")
    preview = ledger_import.preview_import(ctx, "meetings", path, None, mapping())
    assert preview.duplicates == [(3, "会2025-0001"), (5, "本文件第4行")]
    assert preview.ok_rows == 1
    before = counts(ctx)
    with pytest.raises(InvalidInput, match="重复"):
        ledger_import.run_import(ctx, "meetings", path, None, mapping(), skip_duplicates=False)
    assert counts(ctx) == before
    result = ledger_import.run_import(ctx, "meetings", path, None, mapping())
    assert result.created == 1 and result.skipped_duplicates == 2
    assert result.serials == ["会2025-0002"]
