"""紧急情况通知 (seed 三（四）): notified at once, officers at once, and a refusal
without reason reported to the county government.

The form and its bad input (nothing half-saved), the department rule, every
step of a notice and its clock (on the dashboard too), the 拒不处理情况报告
issued and read back before the report is recorded, corrections with
optimistic locking, the history, and the demo data in the same states.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from assistance_helpers import pdf_text
from notice_helpers import (
    COUNTY,
    COURT,
    FOUND,
    HAZARD,
    NOTIFIED,
    NOW,
    PLACE,
    POLICE,
    POLICE_STATION,
    SAFETY,
    SAFETY_SHORT,
    SCJG_STATION,
    TEAM,
    TODAY,
    TOWNSHIP,
    WATER,
    at,
    counts,
    deactivate,
    end,
    get,
    last_audit,
    notice,
    notified,
    org,
    refused,
)

from desktop_app.domain.terms import AuditAction, DueBucket, UrgentNoticeStatus
from desktop_app.services import dashboard, letters, records, urgent_notices
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, RuleViolation

S = UrgentNoticeStatus
AT_ONCE = "立即派员处置"
REPORT = "报告县人民政府"
AWAITING = "等待县人民政府处理"


def board_item(ctx: ServiceContext, nid: int, now: datetime = NOW) -> Any:
    found = [
        i
        for i in dashboard.build(ctx, now).items
        if i.ledger_key == "urgent_notices" and i.record_id == nid
    ]
    return found[0] if found else None


def unchanged(ctx: ServiceContext, nid: int, call: Any, error: type[Exception]) -> Exception:
    """``call`` fails with ``error`` and leaves the notice and every table as they were."""
    before, row = counts(ctx), get(ctx, nid)
    with pytest.raises(error) as err:
        call()
    after = get(ctx, nid)
    assert counts(ctx) == before
    assert (after.status, after.version, after.deadline_at, after.deadline_what) == (
        row.status,
        row.version,
        row.deadline_at,
        row.deadline_what,
    )
    return err.value


# --- the notice: at once ------------------------------------------------------------------------


def test_a_notice_has_its_serial_and_the_at_once_clock(ctx: ServiceContext) -> None:
    nid = notified(ctx, note="现场已拉警戒线")
    n = get(ctx, nid)
    assert n.serial == "急2026-0001" and n.status == S.NOTIFIED
    assert n.department.name == SAFETY and n.hazard == HAZARD and n.place == PLACE
    assert (n.found_at, n.notified_at, n.notice_method) == (FOUND, NOTIFIED, "电话通知")
    assert n.deadline_at == NOTIFIED and n.deadline_what == AT_ONCE
    entry = last_audit(ctx)
    assert entry.action == AuditAction.CREATE and entry.record_id == nid
    assert entry.summary.startswith("急2026-0001 登记紧急情况通知：赵八村东一加工作坊")
    assert f"通知{SAFETY_SHORT}，电话通知，发现后10分钟通知" in entry.summary
    data, version = urgent_notices.load_input(ctx, nid)
    assert data == notice(ctx, note="现场已拉警戒线") and version == 1
    assert urgent_notices.allowed_actions(ctx, nid) == {"edit", "respond", "refuse"}
    assert urgent_notices.create(ctx, notice(ctx)) == nid + 1
    assert get(ctx, nid + 1).serial == "急2026-0002"


def test_the_dashboard_shows_a_notice_overdue_until_the_department_answers(
    ctx: ServiceContext,
) -> None:
    nid = notified(ctx)
    item = board_item(ctx, nid)
    assert item.bucket == DueBucket.OVERDUE and item.what == AT_ONCE
    assert item.due_at == NOTIFIED and item.counterpart == SAFETY_SHORT
    assert item.title.startswith("赵八村东一加工作坊")
    text, late = records.deadline_note(ctx, "urgent_notices", nid)
    assert text.startswith(f"{AT_ONCE}：2026-11-29 09:20") and late
    urgent_notices.record_response(ctx, nid, at(TODAY, 10, 5), None)
    assert board_item(ctx, nid) is None
    assert records.deadline_note(ctx, "urgent_notices", nid) == ("", False)


def test_rare_characters_and_emoji_are_kept_intact(ctx: ServiceContext) -> None:
    hazard = "𠀀村🔥废品站着火，现场浓烟𡈼"
    nid = notified(ctx, hazard=hazard, place="𠀀村", notified_person="王𠀀")
    n = get(ctx, nid)
    assert (n.hazard, n.place, n.notified_person) == (hazard, "𠀀村", "王𠀀")


BAD_INPUT: list[tuple[dict[str, Any], str, str]] = [
    ({"hazard": "  "}, "hazard", "「隐患或违法情况」不能为空"),
    ({"hazard": "险" * 2001}, "hazard", "不能超过2000个字"),
    ({"place": ""}, "place", "「地点」不能为空"),
    ({"notice_method": None}, "notice_method", "「通知方式」不能为空"),
    ({"notice_method": "电" * 41}, "notice_method", "不能超过40个字"),
    ({"notified_person": "人" * 41}, "notified_person", "不能超过40个字"),
    ({"note": "备\x07注"}, "note", "控制字符"),
    ({"found_at": None}, "found_at", "请填写「发现时间」"),
    ({"notified_at": None}, "notified_at", "请填写「通知时间」"),
    (
        {"notified_at": datetime(2026, 11, 29, 9, 0)},
        "notified_at",
        "「通知时间」不能早于「发现时间」",
    ),
    ({"found_at": datetime(2026, 11, 30, 8, 0)}, "found_at", "不能是将来的时间"),
    ({"notified_at": NOW + timedelta(minutes=30)}, "notified_at", "不能是将来的时间"),
    ({"found_at": datetime(1999, 12, 31, 8, 0)}, "found_at", "不能早于2000年"),
    ({"found_at": "昨天"}, "found_at", "应为日期和时间"),
    ({"department_id": None}, "department_id", "请选择有管辖权的部门"),
    ({"department_id": 9999}, "department_id", "所选部门不存在"),
    ({"linked_type": "case", "linked_id": 9999}, "linked_id", "不存在或已被删除"),
    ({"linked_type": "referral", "linked_id": None}, "linked_id", "请选择关联的案件移送记录"),
    ({"linked_type": "document", "linked_id": 1}, "linked_type", "不能是「文书」"),
    ({"linked_type": None, "linked_id": 3}, "linked_type", "请选择关联记录所在的台账"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_nothing_saved(
    ctx: ServiceContext, changes: dict[str, Any], field: str, message: str
) -> None:
    before = counts(ctx)
    data = notice(ctx, **changes)
    assert message in urgent_notices.validate_notice(ctx, data)[field]
    with pytest.raises(InvalidInput) as err:
        urgent_notices.create(ctx, data)
    assert message in err.value.problems[field]
    assert counts(ctx) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (TOWNSHIP, "是本乡镇或其内设机构"),
        (TEAM, "是本乡镇或其内设机构"),
        (COUNTY, "「深泽县人民政府」是县人民政府，不能作为通知部门"),
        (COURT, "是人民法院，不能作为通知部门"),
        (SCJG_STATION, "请通知其所属的「深泽县市场监督管理局」"),
    ],
)
def test_the_department_must_be_another_department_that_can_send_officers(
    ctx: ServiceContext, name: str, message: str
) -> None:
    before = counts(ctx)
    data = notice(ctx, department_id=org(ctx, name))
    assert message in urgent_notices.validate_notice(ctx, data)["department_id"]
    with pytest.raises(InvalidInput):
        urgent_notices.create(ctx, data)
    assert counts(ctx) == before


def test_a_deactivated_department_is_refused_but_stays_on_its_notices(
    ctx: ServiceContext,
) -> None:
    nid = notified(ctx)
    deactivate(ctx, SAFETY)
    with pytest.raises(InvalidInput, match="已停用"):
        urgent_notices.create(ctx, notice(ctx))
    data, version = urgent_notices.load_input(ctx, nid)
    data.place = "赵八村东头"
    urgent_notices.update(ctx, nid, data, version)
    assert get(ctx, nid).place == "赵八村东头"
    assert "深泽县应急管理局" in pdf_text(letters.preview(ctx, "urgent_notice", nid).pdf)


def test_county_bureaus_and_a_police_station_with_a_legal_basis_are_accepted(
    ctx: ServiceContext,
) -> None:
    for name in (WATER, POLICE, POLICE_STATION):
        nid = notified(ctx, department_id=org(ctx, name))
        assert get(ctx, nid).department.name == name
    text = pdf_text(letters.preview(ctx, "urgent_notice", nid).pdf)
    assert f"{POLICE_STATION}：" in text  # the letter's rule is the form's rule


def test_a_link_to_another_ledger_record_is_kept(ctx: ServiceContext) -> None:
    first = notified(ctx)
    nid = notified(ctx, linked_type="urgent_notice", linked_id=first)
    assert (get(ctx, nid).linked_type, get(ctx, nid).linked_id) == ("urgent_notice", first)
    data, version = urgent_notices.load_input(ctx, first)
    data.linked_type, data.linked_id = "urgent_notice", first
    with pytest.raises(InvalidInput, match="不能关联记录自身"):
        urgent_notices.update(ctx, first, data, version)


# --- the department's answer -------------------------------------------------------------------


def test_officers_on_site_stop_the_clock(ctx: ServiceContext) -> None:
    nid = notified(ctx)
    urgent_notices.record_response(ctx, nid, at(TODAY, 11, 0), "执法人员3人到场，已查封危化品。")
    n = get(ctx, nid)
    assert n.status == S.RESPONDED and n.officers_arrived_at == at(TODAY, 11, 0)
    assert n.response_note == "执法人员3人到场，已查封危化品。"
    assert n.deadline_at is None and n.deadline_what is None
    entry = last_audit(ctx)
    assert entry.action == AuditAction.STATUS
    assert entry.summary == (
        f"急2026-0001 登记{SAFETY_SHORT}执法人员到场（通知后1小时40分钟）："
        "执法人员3人到场，已查封危化品。"
    )
    assert urgent_notices.allowed_actions(ctx, nid) == {"edit"}
    unchanged(
        ctx,
        nid,
        lambda: urgent_notices.record_response(ctx, nid, at(TODAY, 12, 0), None),
        RuleViolation,
    )
    unchanged(ctx, nid, lambda: urgent_notices.record_refusal(ctx, nid, NOW, None), RuleViolation)


@pytest.mark.parametrize(
    ("arrived", "message"),
    [
        (datetime(2026, 11, 29, 9, 15), "「执法人员到场时间」不能早于「通知时间」"),
        (NOW + timedelta(hours=1), "不能是将来的时间"),
        (None, "请填写「执法人员到场时间」"),
    ],
)
def test_the_arrival_time_is_checked(
    ctx: ServiceContext, arrived: datetime | None, message: str
) -> None:
    nid = notified(ctx)
    err = unchanged(
        ctx,
        nid,
        lambda: urgent_notices.record_response(ctx, nid, arrived, None),  # type: ignore[arg-type]
        InvalidInput,
    )
    assert message in str(err)


def test_a_refusal_with_a_reason_is_closed_and_not_reported(ctx: ServiceContext) -> None:
    nid = notified(ctx)
    urgent_notices.record_refusal(
        ctx, nid, at(TODAY, 10, 0), "该事项属消防救援大队职责，已建议转告"
    )
    n = get(ctx, nid)
    assert n.status == S.REFUSED_WITH_REASON
    assert n.refusal_reason == "该事项属消防救援大队职责，已建议转告"
    assert (
        n.response_note
        == f"2026年11月29日10时00分，{SAFETY_SHORT}答复不派执法人员处理，并说明了理由。"
    )
    assert n.deadline_at is None and n.deadline_what is None
    assert urgent_notices.allowed_actions(ctx, nid) == {"edit"}
    assert board_item(ctx, nid) is None
    with pytest.raises(RuleViolation, match="已说明不处理的理由"):
        letters.preview(ctx, "refusal_report", nid)
    unchanged(ctx, nid, lambda: urgent_notices.record_report(ctx, nid, NOW), RuleViolation)


@pytest.mark.parametrize("reason", ["无", "  没有 ", "/"])
def test_a_placeholder_is_not_a_reason(ctx: ServiceContext, reason: str) -> None:
    nid = notified(ctx)
    err = unchanged(
        ctx, nid, lambda: urgent_notices.record_refusal(ctx, nid, NOW, reason), InvalidInput
    )
    assert "请留空" in err.problems["reason"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_refusal_without_reason_must_be_reported_the_same_day(
    ctx: ServiceContext, reason: str | None
) -> None:
    nid = notified(ctx)
    urgent_notices.record_refusal(ctx, nid, at(TODAY, 11, 0), reason)
    n = get(ctx, nid)
    assert n.status == S.REFUSED and n.refusal_reason is None
    assert n.response_note == (
        f"截至2026年11月29日11时00分，{SAFETY_SHORT}接到通知后未说明理由，拒不派执法人员处理。"
    )
    assert n.deadline_at == end(TODAY) and n.deadline_what == REPORT
    assert "应于当日（2026年11月29日）报告县人民政府" in last_audit(ctx).summary
    assert urgent_notices.allowed_actions(ctx, nid) == {"edit", "report"}
    item = board_item(ctx, nid)
    assert item.bucket == DueBucket.TODAY and item.what == REPORT and item.due_text == "2026-11-29"


def test_a_refusal_yesterday_not_reported_is_overdue(ctx: ServiceContext) -> None:
    nid = refused(
        ctx,
        at(TODAY - timedelta(days=1), 16, 0),
        found_at=at(TODAY - timedelta(days=1), 9, 0),
        notified_at=at(TODAY - timedelta(days=1), 9, 5),
    )
    assert get(ctx, nid).deadline_at == end(TODAY - timedelta(days=1))
    assert board_item(ctx, nid).bucket == DueBucket.OVERDUE


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (datetime(2026, 11, 29, 9, 0), "「拒不处理时间」不能早于「通知时间」"),
        (NOW + timedelta(hours=2), "不能是将来的时间"),
        (None, "请填写「拒不处理时间」"),
    ],
)
def test_the_refusal_time_is_checked(
    ctx: ServiceContext, on: datetime | None, message: str
) -> None:
    nid = notified(ctx)
    err = unchanged(
        ctx,
        nid,
        lambda: urgent_notices.record_refusal(ctx, nid, on, None),  # type: ignore[arg-type]
        InvalidInput,
    )
    assert message in str(err)
