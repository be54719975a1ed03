"""执法协助 (seed 三（五）): the request, its department, sending and the clock.

The form and its bad input (nothing half-saved), the department rule, the
record a request serves, the letter before sending, the 5-working-day clock
over holidays and make-up days, officers at once when urgent, extensions the
department told in advance, and the clocks on the dashboard and after an
office calendar change. Replies, refusals, reminders and the letters are in
test_assistance_replies.py; both use assistance_helpers.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from assistance_helpers import (
    COURT,
    NATURE,
    NOW,
    POLICE_STATION,
    SCJG_STATION,
    SUBJECT,
    TEAM,
    TOWNSHIP,
    WATER,
    at,
    audit_count,
    counts,
    end,
    get,
    last_audit,
    org,
    request,
    sent,
    set_now,
)
from complaint_helpers import NAME, PHONE, complaint
from referral_helpers import incoming, outgoing
from sqlalchemy import select

from desktop_app.domain.terms import AssistanceStatus, AuditAction, DueBucket, RecordType
from desktop_app.services import (
    assistance,
    calendar,
    complaints,
    dashboard,
    ledgers,
    letters,
    records,
    referrals,
)
from desktop_app.services.assistance_common import clock_of
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo
from desktop_app.services.errors import Conflict, InvalidInput, RuleViolation
from desktop_app.storage.models import (
    AssistanceExtension,
    AssistanceRequest,
    Complaint,
    Organisation,
)

S = AssistanceStatus


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    set_now(monkeypatch, NOW)


# --- the request form ----------------------------------------------------------------------


def test_a_draft_has_its_serial_and_no_clock(ctx: ServiceContext) -> None:
    rid = assistance.create(ctx, request(ctx, note="请尽快"))
    a = get(ctx, rid)
    assert a.serial == "助2026-0001" and a.status == S.DRAFT
    assert a.deadline_at is None and a.deadline_what is None and a.requested_on is None
    assert a.department.name == WATER and a.extensions == []
    entry = last_audit(ctx)
    assert entry.action == AuditAction.CREATE and entry.record_id == rid
    assert entry.summary == f"助2026-0001 新增执法协助请求：{SUBJECT}"
    data, version = assistance.load_input(ctx, rid)
    assert data == request(ctx, note="请尽快", kind="technical") and version == 1
    assert assistance.create(ctx, request(ctx)) == rid + 1
    assert get(ctx, rid + 1).serial == "助2026-0002"


BAD_INPUT: list[tuple[dict[str, Any], str, str]] = [
    ({"department_id": None}, "department_id", "请选择被请求的县级职能部门"),
    ({"subject": "  "}, "subject", "「协助事项」不能为空"),
    ({"subject": "认" * 101}, "subject", "不能超过100个字"),
    ({"questions": "问" * 5001}, "questions", "不能超过5000个字"),
    ({"materials_sent": "材" * 2001}, "materials_sent", "不能超过2000个字"),
    ({"note": "备\x07注"}, "note", "控制字符"),
    ({"kind": "survey"}, "kind", "「协助类型」的取值无效"),
    ({"kind": None}, "kind", "请选择「协助类型」"),
    ({"linked_type": "case", "linked_id": 9999}, "linked_id", "不存在或已被删除"),
    ({"linked_type": "referral", "linked_id": None}, "linked_id", "请选择关联的案件移送记录"),
    ({"linked_type": "dispute", "linked_id": 1}, "linked_type", "不能是「管辖争议」"),
    ({"linked_type": None, "linked_id": 3}, "linked_type", "请选择关联记录所在的台账"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_nothing_saved(
    ctx: ServiceContext, changes: dict[str, Any], field: str, message: str
) -> None:
    before, logged = counts(ctx), audit_count(ctx)
    data = request(ctx, **changes)
    assert message in assistance.validate_request(ctx, data)[field]
    with pytest.raises(InvalidInput) as err:
        assistance.create(ctx, data)
    assert message in err.value.problems[field]
    assert counts(ctx) == before and audit_count(ctx) == logged


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (TOWNSHIP, "是本乡镇。执法协助是本镇书面函告县级职能部门"),
        (TEAM, "是本乡镇的内设机构"),
        (SCJG_STATION, "请向其所属的「深泽县市场监督管理局」函告"),
        (COURT, "执法协助应书面函告县级职能部门（机制 三（五）），「深泽县人民法院」是人民法院"),
        ("深泽县人民政府", "是县人民政府"),
    ],
)
def test_the_department_must_be_a_county_department_acting_in_its_own_name(
    ctx: ServiceContext, name: str, message: str
) -> None:
    before, logged = counts(ctx), audit_count(ctx)
    data = request(ctx, department_id=org(ctx, name))
    assert message in assistance.validate_request(ctx, data)["department_id"]
    with pytest.raises(RuleViolation, match=message.replace("（", r"\（").replace("）", r"\）")):
        assistance.create(ctx, data)
    assert counts(ctx) == before and audit_count(ctx) == logged


def test_departments_that_may_be_asked(ctx: ServiceContext) -> None:
    for name in (WATER, "深泽县公安局", POLICE_STATION):  # the station has a legal basis
        assert assistance.validate_request(ctx, request(ctx, department_id=org(ctx, name))) == {}
    with ctx.uow() as uow:
        water = uow.session.get(Organisation, org(ctx, WATER))
        assert water is not None
        water.active = False
    with pytest.raises(RuleViolation, match="已停用"):
        assistance.create(ctx, request(ctx))
    with pytest.raises(RuleViolation, match="不存在"):
        assistance.create(ctx, request(ctx, department_id=99999))


def test_on_site_disposal_is_urgent_by_nature(ctx: ServiceContext) -> None:
    rid = assistance.create(ctx, request(ctx, kind="on_site", urgent=False))
    assert get(ctx, rid).urgent is True
    plain = assistance.create(ctx, request(ctx, kind="archive"))
    assert get(ctx, plain).urgent is False


def test_update_only_a_draft_at_its_version(ctx: ServiceContext) -> None:
    rid = assistance.create(ctx, request(ctx))
    data, version = assistance.load_input(ctx, rid)
    data.subject = "对采砂坑深度进行测量"
    assistance.update(ctx, rid, data, version)
    assert get(ctx, rid).subject == "对采砂坑深度进行测量"
    entry = last_audit(ctx)
    assert entry.action == AuditAction.UPDATE and entry.after == {"subject": "对采砂坑深度进行测量"}
    with pytest.raises(Conflict):
        assistance.update(ctx, rid, data, version)
    logged = audit_count(ctx)
    assistance.update(ctx, rid, data)  # nothing changed: nothing written
    assert audit_count(ctx) == logged
    with pytest.raises(InvalidInput):
        assistance.update(ctx, rid, request(ctx, subject=""))
    assert get(ctx, rid).subject == "对采砂坑深度进行测量"
    letters.issue(ctx, "assistance_letter", rid, on=NOW.date())
    assistance.mark_sent(ctx, rid, NOW.date(), NOW, "mail")
    with pytest.raises(RuleViolation, match="当前状态为「已发函」，不能修改"):
        assistance.update(ctx, rid, request(ctx))


def test_the_picker_finds_cases_transfers_and_complaints_never_the_complainant(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    rin = referrals.register_incoming(ctx, incoming(ctx))
    case_id = referrals.file_case(ctx, rin, "赵八综执立字〔2026〕第015号", date(2026, 11, 3))
    rout = referrals.create_outgoing(ctx, outgoing(ctx))
    cid = complaints.register(op, complaint())
    hits = assistance.linkable(ctx, "焚烧")
    assert {(h.record_type, h.record_id) for h in hits} == {("referral", rout), ("complaint", cid)}
    by_number = assistance.linkable(ctx, "第015号")
    assert [(h.record_type, h.record_id) for h in by_number] == [("case", case_id)]
    assert "赵八综执立字〔2026〕第015号" in by_number[0].label
    assert {h.record_type for h in assistance.linkable(ctx, "建材 倾倒")} == {"case", "referral"}
    assert assistance.linkable(ctx, NAME) == [] and assistance.linkable(ctx, PHONE) == []
    everything = assistance.linkable(ctx, "")
    assert len(everything) == 4 and len(assistance.linkable(ctx, "", limit=2)) == 2
    for hit in everything:
        assert NAME not in hit.label and PHONE not in hit.label
    complaint_hit = next(h for h in everything if h.record_type == "complaint")
    assert (
        complaint_hit.label.startswith("投诉举报 诉2026-0001：") and "王建国" in complaint_hit.label
    )
    with ctx.uow() as uow:  # text from before the identity checks: the label still hides it
        found = uow.session.get(Complaint, cid)
        assert found is not None
        found.content = f"{NAME}（电话{PHONE}）反映村东农田有人露天焚烧秸秆"
    (legacy,) = [h for h in assistance.linkable(ctx, "秸秆") if h.record_type == "complaint"]
    assert NAME not in legacy.label and PHONE not in legacy.label and "投诉举报人" in legacy.label
    rid = assistance.create(ctx, request(ctx, linked_type="case", linked_id=case_id))
    data, _ = assistance.load_input(ctx, rid)
    shown = assistance.link_choice(ctx, data.linked_type, data.linked_id)
    assert shown is not None and shown.serial == "案2026-0001"
    assert assistance.link_choice(ctx, "case", 9999) is None


# --- sending: the letter first --------------------------------------------------------------


def test_sending_needs_the_issued_letter_for_this_department_and_subject(
    ctx: ServiceContext,
) -> None:
    rid = assistance.create(ctx, request(ctx))
    day = date(2026, 11, 25)
    with pytest.raises(RuleViolation, match="还没有出具执法协助函"):
        assistance.mark_sent(ctx, rid, day, at(day), "in_person")
    issued = letters.issue(ctx, "assistance_letter", rid, on=day)
    letters.void(ctx, issued.id, "协助事项写错")
    with pytest.raises(RuleViolation, match="还没有出具执法协助函"):
        assistance.mark_sent(ctx, rid, day, at(day), "in_person")
    letters.issue(ctx, "assistance_letter", rid, on=day)
    assistance.update(ctx, rid, request(ctx, department_id=org(ctx, "深泽县自然资源和规划局")))
    with pytest.raises(RuleViolation, match="被请求部门或协助事项不一致"):
        assistance.mark_sent(ctx, rid, day, at(day), "in_person")
    assistance.update(ctx, rid, request(ctx, subject="对采砂坑进行测量"))
    with pytest.raises(RuleViolation, match="被请求部门或协助事项不一致"):
        assistance.mark_sent(ctx, rid, day, at(day), "in_person")
    assert get(ctx, rid).status == S.DRAFT
    again = letters.issue(ctx, "assistance_letter", rid, on=day)
    assistance.mark_sent(ctx, rid, day, at(day), "in_person", "李收发")
    a = get(ctx, rid)
    assert a.status == S.SENT and a.requested_on == day and a.sent_at == at(day)
    assert a.sent_method == "in_person"
    entry = last_audit(ctx)
    assert entry.action == AuditAction.STATUS
    assert entry.summary == (
        f"助2026-0001 登记发函（{again.number}，直接送达，接收人：李收发）；"
        "应于2026年12月2日前书面答复"
    )
    with pytest.raises(RuleViolation, match="不能登记发函"):
        assistance.mark_sent(ctx, rid, day, at(day), "in_person")


SEND_PROBLEMS: list[tuple[dict[str, Any], str, str]] = [
    ({"requested_on": date(2026, 11, 24)}, "requested_on", "不能早于执法协助函的成文日期"),
    ({"requested_on": date(2026, 12, 1)}, "requested_on", "不能是将来的日期"),
    ({"requested_on": None}, "requested_on", "请填写「发函日期」"),
    ({"sent_at": datetime(2026, 11, 24, 17, 0)}, "sent_at", "「发送时间」不能早于「发函日期」"),
    ({"sent_at": NOW + timedelta(minutes=6)}, "sent_at", "不能是将来的时间"),
    ({"method": "pigeon"}, "method", "「送达方式」的取值无效"),
    ({"person": "人" * 41}, "person", "不能超过40个字"),
]


@pytest.mark.parametrize(("changes", "field", "message"), SEND_PROBLEMS)
def test_send_checks_its_dates_and_method(
    ctx: ServiceContext, changes: dict[str, Any], field: str, message: str
) -> None:
    rid = assistance.create(ctx, request(ctx))
    letters.issue(ctx, "assistance_letter", rid, on=date(2026, 11, 25))
    args: dict[str, Any] = {
        "requested_on": date(2026, 11, 25),
        "sent_at": at(date(2026, 11, 25)),
        "method": "mail",
        "person": None,
    }
    args.update(changes)
    logged = audit_count(ctx)
    with pytest.raises(InvalidInput) as err:
        assistance.mark_sent(ctx, rid, **args)
    assert message in err.value.problems[field]
    a = get(ctx, rid)
    assert a.status == S.DRAFT and a.requested_on is None and a.deadline_at is None
    assert audit_count(ctx) == logged


def test_a_pc_clock_a_little_behind_is_not_the_future(ctx: ServiceContext) -> None:
    rid = assistance.create(ctx, request(ctx))
    letters.issue(ctx, "assistance_letter", rid, on=NOW.date())
    assistance.mark_sent(ctx, rid, NOW.date(), NOW + timedelta(minutes=4), "electronic")
    assert get(ctx, rid).sent_at == NOW + timedelta(minutes=4)


# --- the 5-working-day clock -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "due"),
    [
        (date(2026, 9, 30), date(2026, 10, 13)),  # Wednesday before 国庆: 10/8 9 10(调休) 12 13
        (date(2026, 9, 28), date(2026, 10, 10)),  # ends on the make-up Saturday
        (date(2026, 10, 10), date(2026, 10, 16)),  # asked on the make-up Saturday itself
        (date(2026, 9, 24), date(2026, 10, 9)),  # before 中秋 (9/25) and 国庆: 28 29 30 10/8 9
        (date(2026, 2, 14), date(2026, 2, 28)),  # make-up Saturday before 春节 → the next one
        (date(2026, 11, 27), date(2026, 12, 4)),  # an ordinary Friday
    ],
)
def test_five_working_days_over_holidays_and_make_up_days(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch, requested: date, due: date
) -> None:
    set_now(monkeypatch, at(requested, 17, 0))
    rid = sent(ctx, requested)
    a = get(ctx, rid)
    assert a.deadline_at == end(due) and a.deadline_what == "书面答复期限"
    assert f"应于{due.year}年{due.month}月{due.day}日前书面答复" in (last_audit(ctx).summary or "")
    preview = assistance.deadline_preview(ctx, requested)
    assert preview.due_at == end(due) and "5个工作日" in preview.rule


# --- urgent: officers at once -----------------------------------------------------------------


@pytest.mark.parametrize("changes", [{"urgent": True}, {"kind": "on_site"}])
def test_urgent_or_on_site_officers_are_due_at_once(
    ctx: ServiceContext, changes: dict[str, Any]
) -> None:
    sent_at = datetime(2026, 11, 30, 8, 40)
    rid = sent(ctx, NOW.date(), sent_at, **changes)
    a = get(ctx, rid)
    assert a.deadline_at == sent_at and a.deadline_what == "立即派员现场处置"
    assert "请部门立即派执法人员现场处置" in (last_audit(ctx).summary or "")
    board = dashboard.build(ctx, NOW)
    item = next(i for i in board.items if i.ledger_key == "assistance")
    assert item.bucket == DueBucket.OVERDUE and item.what == "立即派员现场处置"


def test_arrival_stops_the_on_site_clock_and_the_written_answer_runs_on(
    ctx: ServiceContext,
) -> None:
    day = date(2026, 11, 27)
    rid = sent(ctx, day, datetime(2026, 11, 27, 9, 10), kind="on_site")
    with pytest.raises(InvalidInput, match="「执法人员到场时间」不能早于「发送时间」"):
        assistance.record_arrival(ctx, rid, datetime(2026, 11, 27, 9, 0))
    with pytest.raises(InvalidInput, match="将来"):
        assistance.record_arrival(ctx, rid, NOW + timedelta(hours=1))
    assert get(ctx, rid).deadline_what == "立即派员现场处置"
    assistance.record_arrival(ctx, rid, datetime(2026, 11, 27, 10, 35))
    a = get(ctx, rid)
    assert a.officers_arrived_at == datetime(2026, 11, 27, 10, 35)
    assert a.deadline_at == end(date(2026, 12, 4)) and a.deadline_what == "书面答复期限"
    assert last_audit(ctx).summary == (
        "助2026-0001 登记执法人员到场（发函后1小时25分钟）；现场处置完成，"
        "书面意见和证据材料应于2026年12月4日前移交"
    )
    with pytest.raises(RuleViolation, match="已登记执法人员于2026-11-27 10:35到场"):
        assistance.record_arrival(ctx, rid, datetime(2026, 11, 27, 11, 0))
    plain = sent(ctx, day)
    with pytest.raises(RuleViolation, match="不需要登记执法人员到场"):
        assistance.record_arrival(ctx, plain, datetime(2026, 11, 27, 11, 0))


def test_arrival_may_be_recorded_after_the_reply_but_not_after_its_day(
    ctx: ServiceContext,
) -> None:
    rid = sent(ctx, date(2026, 11, 25), urgent=True)
    assistance.record_reply(ctx, rid, date(2026, 11, 26), "已现场固定证据", None)
    with pytest.raises(InvalidInput, match="不能晚于「答复日期」"):
        assistance.record_arrival(ctx, rid, datetime(2026, 11, 27, 9, 0))
    assistance.record_arrival(ctx, rid, datetime(2026, 11, 25, 11, 0))
    a = get(ctx, rid)
    assert a.status == S.REPLIED and a.deadline_at is None
    assert a.officers_arrived_at == datetime(2026, 11, 25, 11, 0)


# --- extensions (情况特殊，事先告知) -------------------------------------------------------------


def test_an_extension_replaces_the_deadline_and_keeps_the_old_one(ctx: ServiceContext) -> None:
    rid = sent(ctx, date(2026, 11, 20))  # due 2026-11-27
    assistance.extend(ctx, rid, date(2026, 12, 4), "需委托第三方机构检测", date(2026, 11, 26))
    a = get(ctx, rid)
    assert a.deadline_at == end(date(2026, 12, 4)) and a.deadline_what == "书面答复期限（已延期）"
    (ext,) = a.extensions
    assert ext.old_deadline_at == end(date(2026, 11, 27))
    assert ext.new_deadline_at == end(date(2026, 12, 4))
    assert ext.told_on == date(2026, 11, 26) and ext.reason == "需委托第三方机构检测"
    # a second one, told before the extended date
    assistance.extend(ctx, rid, date(2026, 12, 11), "检测机构排期", date(2026, 11, 30))
    rows = assistance.extensions(ctx, rid)
    assert [(r.old_deadline_at, r.new_deadline_at) for r in rows] == [
        (end(date(2026, 11, 27)), end(date(2026, 12, 4))),
        (end(date(2026, 12, 4)), end(date(2026, 12, 11))),
    ]
    assert get(ctx, rid).deadline_at == end(date(2026, 12, 11))
    history = assistance.history(ctx, rid)
    first = next(h for h in history if "延长答复期限" in h.summary)
    assert first.summary == (
        "助2026-0001 延长答复期限：由2026年11月27日延长至2026年12月4日"
        "（部门于2026年11月26日事先告知；理由：需委托第三方机构检测）"
    )
    assert ("当前期限", "2026-11-27", "2026-12-04") in first.changes


EXTENSION_PROBLEMS: list[tuple[dict[str, Any], str, str]] = [
    ({"told_on": date(2026, 11, 30)}, "told_on", "部门应在答复期限（2026-11-27）届满前事先告知"),
    ({"told_on": date(2026, 11, 19)}, "told_on", "「部门告知日期」不能早于「发函日期」"),
    ({"told_on": date(2026, 12, 1)}, "told_on", "不能是将来的日期"),
    ({"new_due": date(2026, 11, 27)}, "new_due", "应晚于现在的答复期限（2026-11-27）"),
    ({"new_due": date(2026, 11, 25)}, "new_due", "应晚于现在的答复期限"),
    ({"new_due": date(2027, 12, 1)}, "new_due", "超过一年"),
    ({"new_due": None}, "new_due", "请填写延长后的答复期限"),
    ({"reason": " "}, "reason", "「延期理由」不能为空"),
    ({"reason": "因" * 1001}, "reason", "不能超过1000个字"),
]


@pytest.mark.parametrize(("changes", "field", "message"), EXTENSION_PROBLEMS)
def test_extension_rules(
    ctx: ServiceContext, changes: dict[str, Any], field: str, message: str
) -> None:
    rid = sent(ctx, date(2026, 11, 20))  # due 2026-11-27
    args: dict[str, Any] = {
        "new_due": date(2026, 12, 4),
        "reason": "需委托第三方机构检测",
        "told_on": date(2026, 11, 26),
    }
    args.update(changes)
    before, logged = counts(ctx), audit_count(ctx)
    with pytest.raises(InvalidInput) as err:
        assistance.extend(ctx, rid, **args)
    assert message in err.value.problems[field]
    assert counts(ctx) == before and audit_count(ctx) == logged
    assert get(ctx, rid).deadline_at == end(date(2026, 11, 27))


def test_no_extension_of_at_once_nor_outside_the_sent_state(ctx: ServiceContext) -> None:
    args = (date(2026, 12, 11), "需检测", date(2026, 11, 27))
    urgent = sent(ctx, date(2026, 11, 27), urgent=True)
    with pytest.raises(RuleViolation, match="不能延期"):
        assistance.extend(ctx, urgent, *args)
    assistance.record_arrival(ctx, urgent, datetime(2026, 11, 27, 10, 0))
    assistance.extend(ctx, urgent, *args)  # the written opinion may take longer
    assert get(ctx, urgent).deadline_at == end(date(2026, 12, 11))
    draft = assistance.create(ctx, request(ctx))
    with pytest.raises(RuleViolation, match="当前状态为「草稿」，不能延长答复期限"):
        assistance.extend(ctx, draft, *args)
    replied = sent(ctx, date(2026, 11, 27))
    assistance.record_reply(ctx, replied, date(2026, 11, 30), "认定意见", None)
    with pytest.raises(RuleViolation, match="不能延长答复期限"):
        assistance.extend(ctx, replied, *args)
    with ctx.read() as s:
        assert len(s.execute(select(AssistanceExtension)).scalars().all()) == 1


# --- the office calendar and the dashboard ------------------------------------------------------


def test_an_office_calendar_change_moves_only_the_five_working_day_clocks(
    ctx: ServiceContext,
) -> None:
    day = date(2026, 11, 23)  # due 2026-11-30
    normal = sent(ctx, day)
    reminded = sent(ctx, date(2026, 11, 16))  # due 2026-11-23, chased
    letters.issue(ctx, "reminder_letter", reminded, on=date(2026, 11, 25))
    assistance.record_reminder(ctx, reminded, date(2026, 11, 25))
    extended = sent(ctx, day)
    assistance.extend(ctx, extended, date(2026, 12, 7), "需检测", date(2026, 11, 24))
    waiting = sent(ctx, day, urgent=True)
    arrived = sent(ctx, day, kind="on_site")
    assistance.record_arrival(ctx, arrived, datetime(2026, 11, 23, 11, 0))
    replied = sent(ctx, day)
    assistance.record_reply(ctx, replied, date(2026, 11, 25), "认定意见", None)
    before = {rid: get(ctx, rid).deadline_at for rid in (extended, waiting, replied)}
    assert calendar.set_override(ctx, date(2026, 11, 18), False, "防汛") == 1  # the reminded
    assert calendar.set_override(ctx, date(2026, 11, 25), False, "停电") == 2  # normal, arrived
    assert get(ctx, normal).deadline_at == end(date(2026, 12, 1))
    assert get(ctx, arrived).deadline_at == end(date(2026, 12, 1))
    assert get(ctx, arrived).deadline_what == "书面答复期限"
    moved = get(ctx, reminded)
    assert moved.deadline_at == end(date(2026, 11, 24)) and moved.deadline_what == (
        "书面答复期限（已催办）"
    )
    assert {rid: get(ctx, rid).deadline_at for rid in before} == before
    assert calendar.remove_override(ctx, date(2026, 11, 25)) == 2
    assert get(ctx, normal).deadline_at == end(date(2026, 11, 30))


def test_the_dashboard_shows_sent_requests_with_their_clock(ctx: ServiceContext) -> None:
    soon = sent(ctx, date(2026, 11, 25))  # due 2026-12-02
    late = sent(ctx, date(2026, 11, 16))  # due 2026-11-23
    later = sent(ctx, NOW.date())  # due 2026-12-07: not yet shown
    assistance.create(ctx, request(ctx))  # a draft has no clock
    items = {
        i.record_id: i for i in dashboard.build(ctx, NOW).items if i.ledger_key == "assistance"
    }
    assert set(items) == {soon, late} and later not in items
    assert items[late].bucket == DueBucket.OVERDUE and items[soon].bucket == DueBucket.SOON
    assert items[soon].what == "书面答复期限" and items[soon].due_text == "2026-12-02"
    assert items[soon].counterpart == "县水利局" and items[soon].title == SUBJECT
    assert items[soon].record_type == RecordType.ASSISTANCE.value
    assistance.record_reply(ctx, late, date(2026, 11, 30), "认定意见", None)
    items = {
        i.record_id: i for i in dashboard.build(ctx, NOW).items if i.ledger_key == "assistance"
    }
    assert set(items) == {soon}


# --- the demo data ends where the services would ------------------------------------------


def test_demo_requests_are_in_states_the_services_produce(ctx: ServiceContext) -> None:
    generate_demo(ctx, records=1500, seed=5, today=NOW.date())
    with ctx.read() as s:
        cal = calendar.load(s)
        rows = list(s.execute(select(AssistanceRequest)).scalars())
        assert {a.status for a in rows} >= {S.DRAFT, S.SENT, S.REPLIED, S.REFUSED}
        for a in rows:
            assert (a.deadline_at, a.deadline_what) == clock_of(a, cal), a.serial
            assert a.urgent or a.kind != "on_site", a.serial
            if a.status != S.DRAFT:
                assert a.requested_on and a.sent_at and a.sent_at.date() >= a.requested_on
            if a.reminder_sent_on is not None:
                assert (
                    a.reminder_sent_on
                    > (
                        a.extensions[-1].new_deadline_at
                        if a.extensions
                        else end(cal.add_working_days(a.requested_on, 5))
                    ).date()
                ), a.serial
            for e in a.extensions:
                assert e.told_on is not None and e.old_deadline_at is not None
                assert (
                    a.requested_on
                    <= e.told_on
                    <= e.old_deadline_at.date()
                    < e.new_deadline_at.date()
                )
            if a.status == S.REFUSED:
                assert re.match(r"\d{4}年\d{1,2}月\d{1,2}日：", a.refusal_note or ""), a.serial
            if a.officers_arrived_at is not None:
                assert a.sent_at is not None and a.officers_arrived_at >= a.sent_at


def test_ledger_filters_by_kind_and_department(ctx: ServiceContext) -> None:
    water = assistance.create(ctx, request(ctx))
    archive = assistance.create(ctx, request(ctx, kind="archive", department_id=org(ctx, NATURE)))
    on_site = assistance.create(ctx, request(ctx, kind="on_site"))

    def ids(**filters: Any) -> set[int]:
        q = ledgers.Query(filters=tuple(filters.items()))
        return {r["id"] for r in ledgers.page(ctx, "assistance", q)}

    assert ids(kind="archive") == {archive}
    assert ids(department=org(ctx, WATER)) == {water, on_site}
    assert ids(department=org(ctx, WATER), kind="on_site") == {on_site}
    with pytest.raises(InvalidInput, match="无效的筛选条件"):
        ids(kind="favour")


def test_detail_names_the_department_asked_and_the_kind(ctx: ServiceContext) -> None:
    rid = assistance.create(ctx, request(ctx))
    rows = dict(records.detail(ctx, "assistance", rid))
    assert rows["被请求部门"] == WATER and rows["协助事项"] == SUBJECT
    assert rows["协助类型"] == "技术支撑/认定"
    assert rows["登记单位"] == "深泽县赵八镇人民政府"  # who registered it, by name
