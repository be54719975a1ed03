"""会议落实事项: the follow-up actions of a held meeting through their life — added,
overdue on the dashboard, done, reopened — each audited on the meeting."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from meeting_helpers import (
    ENV,
    NOW,
    TEAM,
    TOWNSHIP,
    WATER,
    action,
    audits,
    counts,
    deactivate,
    held,
    meeting,
    org,
    refused,
    set_now,
)

from desktop_app.domain.terms import ActionStatus, AuditAction, DueBucket
from desktop_app.services import dashboard, meetings
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import NotFound, RuleViolation

A = ActionStatus


@pytest.fixture(autouse=True)
def monday(monkeypatch: pytest.MonkeyPatch) -> None:
    set_now(monkeypatch, NOW)


def follow_ups(ctx: ServiceContext, now: datetime = NOW) -> dict[str, dashboard.DueItem]:
    return {
        i.title: i
        for i in dashboard.build(ctx, now).items
        if i.ledger_key == "meetings" and i.what == "落实期限"
    }


def test_follow_ups_through_their_life(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    mid = meetings.record(ctx, held(ctx), "通报情况", "1.集中整治非法采砂；2.加强巡查。")
    n = len(audits(ctx, mid))
    late = meetings.add_action(ctx, mid, action(ctx, due_on=date(2026, 11, 27)))
    today = meetings.add_action(
        ctx,
        mid,
        action(
            ctx,
            description="执法队加强秸秆焚烧巡查",
            owner_org_id=org(ctx, TEAM),
            due_on=NOW.date(),
        ),
    )
    later = meetings.add_action(
        ctx, mid, action(ctx, description="县生态环境分局提供监测数据", owner_org_id=org(ctx, ENV))
    )
    entries = audits(ctx, mid)
    assert len(entries) == n + 3 and all(e.action == AuditAction.CREATE for e in entries[n:])
    assert entries[n].after is not None and entries[n].after["owner_org"] == WATER
    assert "新增落实事项" in (entries[n].summary or "")
    # on the dashboard until done: overdue, due today; 10 December is not yet shown
    items = follow_ups(ctx)
    assert items["县水利局牵头，对滹沱河赵八段非法采砂问题开展集中整治"].bucket == DueBucket.OVERDUE
    assert items["县水利局牵头，对滹沱河赵八段非法采砂问题开展集中整治"].counterpart == "县水利局"
    assert items["执法队加强秸秆焚烧巡查"].bucket == DueBucket.TODAY
    assert "县生态环境分局提供监测数据" not in items
    rows = {r.id: r for r in meetings.list_actions(ctx, mid)}
    assert [r.id for r in meetings.list_actions(ctx, mid)] == [late, today, later]
    assert rows[late].overdue and not rows[today].overdue and not rows[later].overdue
    assert (rows[late].owner_name, rows[late].status, rows[late].status_label) == (
        WATER,
        A.OPEN,
        "未完成",
    )
    assert rows[late].due_on == date(2026, 11, 27) and rows[late].done_on is None
    # done: off the dashboard, with how it was done
    meetings.complete_action(ctx, late, date(2026, 11, 28), "已清理采砂坑3处")
    row = next(r for r in meetings.list_actions(ctx, mid) if r.id == late)
    assert (row.status, row.done_on, row.note, row.overdue) == (
        A.DONE,
        date(2026, 11, 28),
        "已清理采砂坑3处",
        False,
    )
    assert "县水利局牵头，对滹沱河赵八段非法采砂问题开展集中整治" not in follow_ups(ctx)
    entry = audits(ctx, mid)[-1]
    assert entry.action == AuditAction.STATUS and entry.record_type == "meeting"
    assert entry.before == {
        "action_id": late,
        "action_description": "县水利局牵头，对滹沱河赵八段非法采砂问题开展集中整治",
        "action_status": "未完成",
        "done_on": None,
        "action_note": None,
    }
    with pytest.raises(RuleViolation, match="已于2026年11月28日完成"):
        meetings.complete_action(ctx, late, date(2026, 11, 29), None)
    # reopened: back on the dashboard, overdue again, the reason kept
    set_now(monkeypatch, datetime(2026, 12, 1, 9, 0))
    meetings.reopen_action(ctx, late, "复查发现仍有采砂")
    row = next(r for r in meetings.list_actions(ctx, mid) if r.id == late)
    assert row.status == A.OPEN and row.done_on is None and row.overdue
    assert row.note == "已清理采砂坑3处\n2026-12-01重新打开，原因：复查发现仍有采砂"
    assert follow_ups(ctx, datetime(2026, 12, 1, 9)) and any(
        i.bucket == DueBucket.OVERDUE for i in follow_ups(ctx, datetime(2026, 12, 1, 9)).values()
    )
    with pytest.raises(RuleViolation, match="尚未完成"):
        meetings.reopen_action(ctx, late, "再打开一次看看")
    meetings.complete_action(ctx, late, date(2026, 12, 1), None)
    assert len(audits(ctx, mid)) == n + 6


def test_actions_only_for_a_held_meeting(ctx: ServiceContext) -> None:
    planned = meetings.plan(ctx, meeting(ctx))
    with pytest.raises(RuleViolation, match="不能添加落实事项"):
        meetings.add_action(ctx, planned, action(ctx, due_on=date(2026, 12, 20)))
    meetings.cancel(ctx, planned, "县直部门集中培训，改期召开")
    before = counts(ctx)
    with pytest.raises(RuleViolation, match="已取消"):
        meetings.add_action(ctx, planned, action(ctx, due_on=date(2026, 12, 20)))
    assert counts(ctx) == before
    assert meetings.list_actions(ctx, planned) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"description": "  "}, "description", "「落实事项」不能为空"),
        ({"description": "事" * 1001}, "description", "不能超过1000个字"),
        ({"owner_org_id": None}, "owner_org_id", "请选择责任单位"),
        ({"owner_org_id": 9999}, "owner_org_id", "不存在"),
        ({"due_on": None}, "due_on", "请填写「完成时限」"),
        ({"due_on": date(2026, 11, 19)}, "due_on", "不能早于会议召开的日期（2026年11月20日）"),
        ({"due_on": "下周"}, "due_on", "应为日期"),
    ],
)
def test_bad_follow_up_refused_with_nothing_written(
    ctx: ServiceContext, changes: dict[str, object], field: str, message: str
) -> None:
    mid = meetings.record(ctx, held(ctx), None, None)
    why = refused(lambda: meetings.add_action(ctx, mid, action(ctx, **changes)), ctx, field)
    assert message in why


def test_the_owner_is_an_active_organisation_the_township_included(ctx: ServiceContext) -> None:
    mid = meetings.record(ctx, held(ctx), None, None)
    meetings.add_action(ctx, mid, action(ctx, owner_org_id=org(ctx, TOWNSHIP)))
    meetings.add_action(ctx, mid, action(ctx, due_on=date(2026, 11, 20)))  # the meeting's day
    deactivate(ctx, WATER)
    assert "已停用" in refused(
        lambda: meetings.add_action(ctx, mid, action(ctx)), ctx, "owner_org_id"
    )
    assert [r.owner_name for r in meetings.list_actions(ctx, mid)] == [TOWNSHIP, WATER]


def test_completion_date_is_after_the_meeting_and_not_in_the_future(ctx: ServiceContext) -> None:
    mid = meetings.record(ctx, held(ctx), None, None)
    aid = meetings.add_action(ctx, mid, action(ctx))
    assert "不能早于会议召开的日期" in refused(
        lambda: meetings.complete_action(ctx, aid, date(2026, 11, 19), None), ctx, "done_on"
    )
    assert "将来" in refused(
        lambda: meetings.complete_action(ctx, aid, date(2026, 12, 1), None), ctx, "done_on"
    )
    assert "请填写" in refused(
        lambda: meetings.complete_action(ctx, aid, None, None), ctx, "done_on"
    )  # type: ignore[arg-type]
    assert "不能超过1000个字" in refused(
        lambda: meetings.complete_action(ctx, aid, date(2026, 11, 30), "况" * 1001), ctx, "note"
    )
    meetings.complete_action(ctx, aid, date(2026, 11, 20), "当天即整改🚜𠀀")
    (row,) = meetings.list_actions(ctx, mid)
    assert row.status == A.DONE and row.note == "当天即整改🚜𠀀"


def test_reopening_needs_a_real_reason(ctx: ServiceContext) -> None:
    mid = meetings.record(ctx, held(ctx), None, None)
    aid = meetings.add_action(ctx, mid, action(ctx))
    meetings.complete_action(ctx, aid, date(2026, 11, 25), None)
    assert "请填写" in refused(lambda: meetings.reopen_action(ctx, aid, ""), ctx, "reason")
    assert "不足以说明" in refused(lambda: meetings.reopen_action(ctx, aid, "同上"), ctx, "reason")
    (row,) = meetings.list_actions(ctx, mid)
    assert row.status == A.DONE and row.done_on == date(2026, 11, 25)


def test_unknown_action_is_not_found(ctx: ServiceContext) -> None:
    with pytest.raises(NotFound, match="落实事项"):
        meetings.complete_action(ctx, 999, date(2026, 11, 25), None)
    with pytest.raises(NotFound, match="落实事项"):
        meetings.reopen_action(ctx, 999, "复查发现仍有问题")
    with pytest.raises(NotFound, match="协商会议"):
        meetings.add_action(ctx, 999, action(ctx))


def test_emoji_and_rare_characters_in_a_follow_up(ctx: ServiceContext) -> None:
    mid = meetings.record(ctx, held(ctx), None, None)
    meetings.add_action(ctx, mid, action(ctx, description="𠀀村🚜整治非法采砂"))
    (row,) = meetings.list_actions(ctx, mid)
    assert row.description == "𠀀村🚜整治非法采砂"
    assert meetings.get(ctx, mid).actions[0].owner_org is not None  # loaded with the meeting
