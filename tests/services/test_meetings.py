"""协商会议 (seed 三（四）): planned → held (or cancelled), recorded afterwards, the
rules of the form, the regular-meeting reminder, the minutes letter and history."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from complaint_helpers import complaint
from meeting_helpers import (
    ENV,
    HELD_AT,
    NOW,
    PLANNED_AT,
    POLICE,
    SUBJECT,
    TEAM,
    TOWNSHIP,
    WATER,
    action,
    add_case,
    audits,
    bucket_of,
    counts,
    deactivate,
    held,
    meeting,
    org,
    refused,
    set_now,
)
from sqlalchemy import select

from desktop_app.domain.terms import DueBucket, MeetingStatus
from desktop_app.services import complaints, meetings
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import Conflict, InvalidInput, NotFound, RuleViolation
from desktop_app.services.info_share_forms import own_units
from desktop_app.storage.models import Referral

S = MeetingStatus


@pytest.fixture(autouse=True)
def monday(monkeypatch: pytest.MonkeyPatch) -> None:
    set_now(monkeypatch, NOW)


# --- planning -------------------------------------------------------------------------------


def test_a_planned_meeting_runs_its_clock_on_the_dashboard(ctx: ServiceContext) -> None:
    before = counts(ctx)
    mid = meetings.plan(ctx, meeting(ctx))
    m = meetings.get(ctx, mid)
    assert m.serial == "会2026-0001" and m.status == S.PLANNED
    assert (m.deadline_at, m.deadline_what) == (PLANNED_AT, "计划召开")
    assert {o.name for o in m.organisations} == {TOWNSHIP, WATER, ENV}  # loaded, detached
    assert m.topics == ["general", "hotspot"] and m.discussion is None
    assert counts(ctx) == (before[0] + 1, before[1] + 3, before[2], before[3] + 1)
    (entry,) = audits(ctx, mid)
    assert entry.summary == f"会2026-0001 计划召开定期会议：{SUBJECT}（2026-12-02 09:00）"
    assert bucket_of(ctx, mid) == DueBucket.SOON
    assert meetings.allowed_actions(ctx, mid) == {"edit", "hold", "cancel"}
    assert meetings.allowed_actions(ctx, mid) <= meetings.ACTIONS
    data, version = meetings.load_input(ctx, mid)
    assert data.organisation_ids == sorted(meeting(ctx).organisation_ids)
    data.organisation_ids = meeting(ctx).organisation_ids
    assert data == meeting(ctx) and version == m.version


def test_a_planned_time_is_now_or_later_within_a_year(ctx: ServiceContext) -> None:
    why = refused(
        lambda: meetings.plan(ctx, meeting(ctx, held_at=NOW - timedelta(hours=1))), ctx, "held_at"
    )
    assert "不能早于现在" in why and "已召开的会议" in why
    why = refused(
        lambda: meetings.plan(ctx, meeting(ctx, held_at=datetime(2028, 1, 5, 9))), ctx, "held_at"
    )
    assert "一年以后" in why
    why = refused(
        lambda: meetings.plan(ctx, meeting(ctx, held_at=date(2026, 12, 2))), ctx, "held_at"
    )
    assert "日期和时间" in why
    # a PC clock a few minutes behind is not "the past"
    mid = meetings.plan(ctx, meeting(ctx, held_at=NOW - timedelta(minutes=3)))
    assert meetings.get(ctx, mid).status == S.PLANNED


def test_a_passed_planned_meeting_stays_overdue_until_held(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    mid = meetings.plan(ctx, meeting(ctx))
    later = datetime(2026, 12, 3, 10, 0)
    set_now(monkeypatch, later)
    assert bucket_of(ctx, mid, later) == DueBucket.OVERDUE
    # editing something else keeps its (passed) time and its overdue clock
    data, version = meetings.load_input(ctx, mid)
    data.place = "赵八镇人民政府一楼会议室"
    meetings.update(ctx, mid, data, version)
    assert bucket_of(ctx, mid, later) == DueBucket.OVERDUE
    # moving it to a new time is a new plan: from now on, and the clock follows
    data, version = meetings.load_input(ctx, mid)
    data.held_at = datetime(2026, 12, 2, 15, 0)
    with pytest.raises(InvalidInput, match="不能早于现在"):
        meetings.update(ctx, mid, data, version)
    data.held_at = datetime(2026, 12, 4, 9, 0)
    meetings.update(ctx, mid, data, version)
    m = meetings.get(ctx, mid)
    assert m.deadline_at == datetime(2026, 12, 4, 9, 0)
    assert "改期：2026-12-02 09:00 → 2026-12-04 09:00" in (audits(ctx, mid)[-1].summary or "")
    set_now(monkeypatch, datetime(2026, 12, 4, 11, 30))
    meetings.hold(
        ctx,
        mid,
        datetime(2026, 12, 4, 9, 10),
        "县水利局：王海",
        [org(ctx, TOWNSHIP), org(ctx, WATER)],
        "通报第四季度案件移送情况",
        "1.县水利局牵头整治非法采砂；2.执法队加强巡查。",
    )
    m = meetings.get(ctx, mid)
    assert m.status == S.HELD and (m.deadline_at, m.deadline_what) == (None, None)
    assert m.held_at == datetime(2026, 12, 4, 9, 10)
    assert {o.name for o in m.organisations} == {TOWNSHIP, WATER}
    assert m.decisions == "1.县水利局牵头整治非法采砂；2.执法队加强巡查。"
    assert bucket_of(ctx, mid, datetime(2026, 12, 4, 11, 30)) is None
    assert "原计划2026-12-04 09:00" in (audits(ctx, mid)[-1].summary or "")
    assert meetings.allowed_actions(ctx, mid) == {"edit", "minutes_edit", "add_action"}


def test_holding_checks_time_topics_and_organisations(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    mid = meetings.plan(ctx, meeting(ctx, topics=[]))  # topics may wait while planned
    orgs = [org(ctx, TOWNSHIP), org(ctx, WATER)]

    def hold(when: datetime, ids: list[int] = orgs, **kw: object) -> None:
        meetings.hold(ctx, mid, when, None, ids, None, None, **kw)  # type: ignore[arg-type]

    set_now(monkeypatch, datetime(2026, 12, 2, 12, 0))
    assert "将来" in refused(lambda: hold(datetime(2026, 12, 2, 15)), ctx, "held_at")
    why = refused(lambda: hold(datetime(2026, 11, 27, 9)), ctx, "held_at")
    assert "登记会议计划的日期" in why  # planned on 30 November: it cannot have met before
    why = refused(lambda: hold(datetime(2026, 12, 2, 9)), ctx, "topics")
    assert "请先“修改”会议" in why
    why = refused(
        lambda: hold(datetime(2026, 12, 2, 9), [org(ctx, TOWNSHIP)], topics=["general"]),
        ctx,
        "organisation_ids",
    )
    assert "本乡镇或其内设机构" in why
    assert "无效" in refused(
        lambda: hold(datetime(2026, 12, 2, 9), topics=["weather"]), ctx, "topics"
    )
    hold(datetime(2026, 12, 2, 9), topics=["major_joint", "general", "general"])
    m = meetings.get(ctx, mid)
    assert m.status == S.HELD and m.topics == ["general", "major_joint"]  # seed order, once
    with pytest.raises(RuleViolation, match="已召开"):
        hold(datetime(2026, 12, 2, 9), topics=["general"])


def test_cancel_needs_a_reason_and_stops_the_clock(ctx: ServiceContext) -> None:
    mid = meetings.plan(ctx, meeting(ctx, note="请各部门准备季度情况"))
    assert "请填写" in refused(lambda: meetings.cancel(ctx, mid, "  "), ctx, "reason")
    assert "不足以说明" in refused(lambda: meetings.cancel(ctx, mid, "无"), ctx, "reason")
    meetings.cancel(ctx, mid, "主要参会部门有紧急任务，改期召开")
    m = meetings.get(ctx, mid)
    assert m.status == S.CANCELLED and m.deadline_at is None and m.deadline_what is None
    assert (
        m.note == "请各部门准备季度情况\n2026-11-30取消会议，原因：主要参会部门有紧急任务，改期召开"
    )
    entry = audits(ctx, mid)[-1]
    assert "取消会议（原定2026-12-02 09:00）：主要参会部门有紧急任务" in (entry.summary or "")
    assert entry.after is not None and entry.after["status"] == "cancelled"
    assert bucket_of(ctx, mid) is None
    assert meetings.allowed_actions(ctx, mid) == set()
    with pytest.raises(RuleViolation, match="已取消"):
        meetings.cancel(ctx, mid, "再次取消会议")
    with pytest.raises(RuleViolation, match="不能登记为已召开"):
        meetings.hold(ctx, mid, NOW, None, [org(ctx, WATER)], None, None)
    data, version = meetings.load_input(ctx, mid)
    with pytest.raises(RuleViolation, match="不能修改"):
        meetings.update(ctx, mid, data, version)
    held_id = meetings.record(ctx, held(ctx), None, None)
    with pytest.raises(RuleViolation, match="不能取消"):
        meetings.cancel(ctx, held_id, "会议已开过，误操作")


# --- recorded afterwards ---------------------------------------------------------------------


def test_a_meeting_recorded_afterwards_has_no_clock(ctx: ServiceContext) -> None:
    why = refused(
        lambda: meetings.record(ctx, held(ctx, held_at=NOW + timedelta(hours=2)), None, None),
        ctx,
        "held_at",
    )
    assert "将来" in why
    why = refused(lambda: meetings.record(ctx, held(ctx, topics=[]), None, None), ctx, "topics")
    assert "请至少选择一项议题类别" in why
    mid = meetings.record(ctx, held(ctx), "通报第四季度工作情况", "1.甲；2.乙。")
    m = meetings.get(ctx, mid)
    assert m.status == S.HELD and m.deadline_at is None and m.held_at == HELD_AT
    assert (m.discussion, m.decisions) == ("通报第四季度工作情况", "1.甲；2.乙。")
    assert "登记已召开的定期会议" in (audits(ctx, mid)[0].summary or "")
    assert meetings.validate_meeting(ctx, held(ctx)) == {}
    assert "held_at" in meetings.validate_meeting(ctx, held(ctx), held=False)
    assert "topics" in meetings.validate_meeting(ctx, meeting(ctx, topics=[]), held=True)
    assert meetings.validate_meeting(ctx, meeting(ctx, topics=[])) == {}
    assert (
        "日期和时间"
        in meetings.validate_meeting(ctx, meeting(ctx, held_at=date(2026, 12, 2)))["held_at"]
    )
    # an edit is checked by the rules of the meeting's status
    planned = meetings.plan(ctx, meeting(ctx))
    assert meetings.validate_meeting(ctx, meeting(ctx, topics=[]), meeting_id=planned) == {}
    assert "topics" in meetings.validate_meeting(ctx, held(ctx, topics=[]), meeting_id=mid)


# --- the rules of the form -------------------------------------------------------------------


def test_a_special_meeting_is_linked_to_the_case_clue(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    special = {"kind": "special", "subject": "关于张三非法采砂重大案件线索的专题会议"}
    why = refused(lambda: meetings.record(ctx, held(ctx, **special), None, None), ctx, "linked_id")
    assert "专题会议" in why and "重大案件线索" in why
    why = refused(
        lambda: meetings.record(
            ctx, held(ctx, **special, linked_type="case", linked_id=4242), None, None
        ),
        ctx,
        "linked_id",
    )
    assert "不存在" in why
    why = refused(
        lambda: meetings.plan(ctx, meeting(ctx, **special, linked_type="dispute", linked_id=1)),
        ctx,
        "linked_type",
    )
    assert "不能是「管辖争议」" in why
    case_id = add_case(ctx)
    mid = meetings.record(
        ctx, held(ctx, **special, linked_type="case", linked_id=case_id), None, None
    )
    assert (meetings.get(ctx, mid).linked_type, meetings.get(ctx, mid).linked_id) == (
        "case",
        case_id,
    )
    shown = meetings.link_choice(ctx, "case", case_id)
    assert shown is not None and shown.serial == "案2026-0001"
    # a complaint does too; any kind may be linked, but only to a record that exists
    cid = complaints.register(op, complaint())
    meetings.plan(ctx, meeting(ctx, **special, linked_type="complaint", linked_id=cid))
    refused(
        lambda: meetings.plan(ctx, meeting(ctx, linked_type="referral", linked_id=77)),
        ctx,
        "linked_id",
    )
    # unlinking a special meeting is refused on edit too
    data, version = meetings.load_input(ctx, mid)
    data.linked_type = data.linked_id = None
    refused(lambda: meetings.update(ctx, mid, data, version), ctx, "linked_id")
    with ctx.read() as s:
        assert s.execute(select(Referral)).first() is None


def test_regular_and_special_meetings_need_a_department_not_only_own_units(
    ctx: ServiceContext,
) -> None:
    with ctx.read() as s:
        mine = own_units(s)
    assert {org(ctx, TOWNSHIP), org(ctx, TEAM)} <= mine
    own = [org(ctx, TOWNSHIP), org(ctx, TEAM)]
    why = refused(
        lambda: meetings.plan(ctx, meeting(ctx, organisation_ids=own)), ctx, "organisation_ids"
    )
    assert f"「{TOWNSHIP}」、「{TEAM}」是本乡镇或其内设机构" in why and "定期会议" in why
    why = refused(
        lambda: meetings.plan(ctx, meeting(ctx, organisation_ids=[])), ctx, "organisation_ids"
    )
    assert "请至少选择一个参会的县级职能部门" in why
    case_id = add_case(ctx)
    special = meeting(
        ctx, kind="special", organisation_ids=own, linked_type="case", linked_id=case_id
    )
    assert "专题会议" in refused(lambda: meetings.plan(ctx, special), ctx, "organisation_ids")
    # an ad-hoc meeting may be called before its participants are settled
    adhoc = meetings.plan(ctx, meeting(ctx, kind="ad_hoc", organisation_ids=own))
    assert meetings.get(ctx, adhoc).kind == "ad_hoc"
    assert meetings.plan(ctx, meeting(ctx, kind="ad_hoc", organisation_ids=[]))
    # a police station (another body's internal unit) counts as from outside
    station = org(ctx, "深泽县公安局赵八派出所")
    assert meetings.plan(ctx, meeting(ctx, organisation_ids=[org(ctx, TOWNSHIP), station]))


def test_organisations_must_exist_and_be_active_unless_kept(ctx: ServiceContext) -> None:
    mid = meetings.plan(ctx, meeting(ctx))
    assert "不存在" in refused(
        lambda: meetings.plan(ctx, meeting(ctx, organisation_ids=[org(ctx, WATER), 9999])),
        ctx,
        "organisation_ids",
    )
    deactivate(ctx, ENV)
    assert "已停用" in refused(lambda: meetings.plan(ctx, meeting(ctx)), ctx, "organisation_ids")
    data, version = meetings.load_input(ctx, mid)
    data.subject = "第四季度定期会议（调整议程）"
    meetings.update(ctx, mid, data, version)  # the department already on it may stay
    assert ENV in {o.name for o in meetings.get(ctx, mid).organisations}


LONG = "字" * 201


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"subject": "  "}, "subject", "「会议名称」不能为空"),
        ({"subject": LONG}, "subject", "不能超过200个字"),
        ({"kind": "annual"}, "kind", "「会议类型」的取值无效"),
        ({"kind": None}, "kind", "请选择「会议类型」"),
        ({"held_at": None}, "held_at", "请填写"),
        ({"topics": ["general", "weather"]}, "topics", "「议题类别」的取值无效：weather"),
        ({"participants": "人" * 2001}, "participants", "不能超过2000个字"),
        ({"host": "主" * 61}, "host", "不能超过60个字"),
        ({"organisation_ids": ["水利局"]}, "organisation_ids", "参会单位的取值无效"),
        ({"note": "a\x07b"}, "note", "控制字符"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    ctx: ServiceContext, changes: dict[str, object], field: str, message: str
) -> None:
    assert message in refused(lambda: meetings.plan(ctx, meeting(ctx, **changes)), ctx, field)
    assert message in refused(
        lambda: meetings.record(ctx, held(ctx, **changes), None, None), ctx, field
    )
    assert message in meetings.validate_meeting(ctx, meeting(ctx, **changes))[field]


def test_long_minutes_refused_with_nothing_written(ctx: ServiceContext) -> None:
    why = refused(lambda: meetings.record(ctx, held(ctx), None, "议" * 5001), ctx, "decisions")
    assert "不能超过5000个字" in why


def test_emoji_and_rare_characters_are_stored_intact(ctx: ServiceContext) -> None:
    subject = "𠀀村🚜非法采砂问题协商会议"
    participants = "县水利局：𠮷田、王🌊；赵八镇：张𠀀"
    mid = meetings.record(
        ctx,
        held(ctx, subject=subject, participants=participants),
        "讨论𠀀🙂",
        "1.𡈽整治；2.巡查🚓。",
    )
    m = meetings.get(ctx, mid)
    assert (m.subject, m.participants) == (subject, participants)
    assert (m.discussion, m.decisions) == ("讨论𠀀🙂", "1.𡈽整治；2.巡查🚓。")
    assert meetings.record(ctx, held(ctx, subject="𠀀" * 200), None, None)


# --- editing ---------------------------------------------------------------------------------


def test_a_stale_version_is_a_conflict(ctx: ServiceContext) -> None:
    mid = meetings.plan(ctx, meeting(ctx))
    data, version = meetings.load_input(ctx, mid)
    data.subject = "第一次修改"
    meetings.update(ctx, mid, data, version)
    data.subject = "第二个人的修改"
    before = counts(ctx)
    with pytest.raises(Conflict):
        meetings.update(ctx, mid, data, version)
    assert counts(ctx) == before and meetings.get(ctx, mid).subject == "第一次修改"
    # a change of the organisations alone makes a new version too
    data, version = meetings.load_input(ctx, mid)
    data.organisation_ids = [org(ctx, WATER)]
    meetings.update(ctx, mid, data, version)
    assert meetings.load_input(ctx, mid)[1] > version
    with pytest.raises(Conflict):
        meetings.update(ctx, mid, data, version)
    # saving the form unchanged writes nothing
    data, version = meetings.load_input(ctx, mid)
    before = counts(ctx)
    meetings.update(ctx, mid, data, version)
    assert counts(ctx) == before and meetings.load_input(ctx, mid)[1] == version


def test_minutes_of_a_held_meeting_are_edited_at_their_version(ctx: ServiceContext) -> None:
    planned = meetings.plan(ctx, meeting(ctx))
    with pytest.raises(RuleViolation, match="不能修改会议纪要内容"):
        meetings.update_minutes(ctx, planned, "讨论", "议定", None)
    mid = meetings.record(ctx, held(ctx), "通报情况", None)
    version = meetings.get(ctx, mid).version
    meetings.update_minutes(ctx, mid, "通报第四季度案件移送情况", "1.甲；2.乙。", version)
    m = meetings.get(ctx, mid)
    assert (m.discussion, m.decisions) == ("通报第四季度案件移送情况", "1.甲；2.乙。")
    entry = audits(ctx, mid)[-1]
    assert entry.before == {"discussion": "通报情况", "decisions": None}
    with pytest.raises(Conflict):
        meetings.update_minutes(ctx, mid, "别人的修改", None, version)
    assert "不能超过" in refused(
        lambda: meetings.update_minutes(ctx, mid, "讨" * 10001, None, m.version), ctx, "discussion"
    )


def test_a_held_meeting_is_corrected_but_not_into_the_future_nor_after_its_actions(
    ctx: ServiceContext,
) -> None:
    mid = meetings.record(ctx, held(ctx), None, None)
    meetings.add_action(ctx, mid, action(ctx, due_on=date(2026, 11, 25)))
    data, version = meetings.load_input(ctx, mid)
    data.held_at = NOW + timedelta(days=1)
    assert "将来" in refused(lambda: meetings.update(ctx, mid, data, version), ctx, "held_at")
    data.held_at = datetime(2026, 11, 26, 9)
    why = refused(lambda: meetings.update(ctx, mid, data, version), ctx, "held_at")
    assert "完成时限是2026年11月25日" in why
    data.held_at = datetime(2026, 11, 19, 14, 30)
    data.topics = []
    assert "请至少选择" in refused(lambda: meetings.update(ctx, mid, data, version), ctx, "topics")
    data.topics = ["supervision_law"]
    meetings.update(ctx, mid, data, version)
    m = meetings.get(ctx, mid)
    assert m.held_at == datetime(2026, 11, 19, 14, 30) and m.deadline_at is None
    assert m.topics == ["supervision_law"]


def test_unknown_meeting_is_not_found(ctx: ServiceContext) -> None:
    for call in (
        lambda: meetings.get(ctx, 999),
        lambda: meetings.history(ctx, 999),
        lambda: meetings.allowed_actions(ctx, 999),
        lambda: meetings.cancel(ctx, 999, "不开了，改期再议"),
        lambda: meetings.list_actions(ctx, 999),
    ):
        with pytest.raises(NotFound, match="不存在"):
            call()


# --- history ---------------------------------------------------------------------------------


def by_id(ctx: ServiceContext, *names: str) -> str:
    """Organisation names as the audit snapshot lists them (by id)."""
    return "、".join(sorted(names, key=lambda n: org(ctx, n)))


def test_history_tells_the_story(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> None:
    mid = meetings.plan(ctx, meeting(ctx))
    data, version = meetings.load_input(ctx, mid)
    data.organisation_ids = [org(ctx, TOWNSHIP), org(ctx, WATER), org(ctx, POLICE)]
    meetings.update(ctx, mid, data, version)
    set_now(monkeypatch, datetime(2026, 12, 2, 11, 0))
    meetings.hold(
        ctx,
        mid,
        datetime(2026, 12, 2, 9, 5),
        "县水利局：王海",
        data.organisation_ids,
        "通报",
        "整治",
    )
    aid = meetings.add_action(ctx, mid, action(ctx))
    meetings.complete_action(ctx, aid, date(2026, 12, 2), "已整治完毕")
    meetings.reopen_action(ctx, aid, "复查发现仍有采砂")
    rows = meetings.history(ctx, mid)
    assert [r.action_label for r in rows] == [
        "新增",
        "修改",
        "状态变更",
        "新增",
        "状态变更",
        "状态变更",
    ]
    assert [r.operator for r in rows] == ["测试员"] * 6
    assert rows[0].summary.startswith("会2026-0001 计划召开定期会议")
    changes = {label: (old, new) for label, old, new in rows[1].changes}
    assert changes["参会单位"] == (
        by_id(ctx, TOWNSHIP, WATER, ENV),
        by_id(ctx, TOWNSHIP, WATER, POLICE),
    )
    status = {label: (old, new) for label, old, new in rows[2].changes}
    assert status["状态"] == ("计划召开", "已召开")
    assert status["当前期限"][0] == "2026-12-02 09:00" and status["当前期限"][1] == ""
    assert (
        "新增落实事项：县水利局牵头" in rows[3].summary
        and "完成时限：2026年12月10日" in rows[3].summary
    )
    assert {label for label, _o, _n in rows[3].changes} >= {"落实事项", "责任单位", "完成时限"}
    done = {label: (old, new) for label, old, new in rows[4].changes}
    assert done["落实状态"] == ("未完成", "已完成") and done["完成日期"] == ("", "2026-12-02")
    reopened = {label: (old, new) for label, old, new in rows[5].changes}
    assert reopened["落实状态"] == ("已完成", "未完成")
    assert "重新打开：复查发现仍有采砂" in rows[5].summary
