"""What the meetings put out: the regular-meeting reminder on the dashboard, the
会议纪要 read back from its PDF, and demo data in the states the services produce."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from assistance_helpers import pdf_text
from meeting_helpers import (
    ENV,
    NOW,
    SUBJECT,
    TOWNSHIP,
    WATER,
    action,
    board,
    bucket_of,
    held,
    meeting,
    org,
    reminder,
    set_now,
)
from sqlalchemy import select

from desktop_app.domain.terms import DueBucket, MeetingStatus, MeetingTopic
from desktop_app.services import letters, meetings, settings
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo
from desktop_app.services.errors import RuleViolation
from desktop_app.services.info_share_forms import own_units
from desktop_app.storage.models import Meeting

S = MeetingStatus


@pytest.fixture(autouse=True)
def monday(monkeypatch: pytest.MonkeyPatch) -> None:
    set_now(monkeypatch, NOW)


# --- the regular-meeting reminder (定期召开) -------------------------------------------------


def test_regular_meeting_reminder(ctx: ServiceContext) -> None:
    # none held yet: due today (hold or record the first one)
    first = reminder(ctx)
    assert first is not None and first.bucket == DueBucket.TODAY
    assert "尚无已召开的定期会议" in first.title and first.what == "按每3个月召开一次"
    # held three months and ten days ago: overdue since 20 November
    meetings.record(ctx, held(ctx, held_at=datetime(2026, 8, 20, 9)), None, None)
    due = reminder(ctx)
    assert due is not None and due.bucket == DueBucket.OVERDUE
    assert due.due_at.date() == date(2026, 11, 20) and "2026年08月20日" in due.title
    # an ad-hoc meeting is not the regular one
    meetings.record(ctx, held(ctx, kind="ad_hoc", held_at=datetime(2026, 11, 25, 9)), None, None)
    assert reminder(ctx) == due
    # a planned regular meeting stands instead: its own clock, no duplicate
    mid = meetings.plan(ctx, meeting(ctx))
    assert reminder(ctx) is None and bucket_of(ctx, mid) == DueBucket.SOON
    # cancelled, it does not count: the reminder is back, from the last one held
    meetings.cancel(ctx, mid, "县直部门集中培训，改期召开")
    assert reminder(ctx) == due
    # the cadence in settings moves it
    settings.save(ctx, {"meeting_cadence_months": 4})
    assert reminder(ctx) is None  # due 20 December: not yet on the dashboard
    assert reminder(ctx, datetime(2026, 12, 18, 9)) is not None
    settings.save(ctx, {"meeting_cadence_months": 2})
    moved = reminder(ctx)
    assert moved is not None and moved.due_at.date() == date(2026, 10, 20)
    assert moved.what == "按每2个月召开一次"
    settings.save(ctx, {"meeting_cadence_months": 0})
    assert reminder(ctx) is None
    settings.save(ctx, {"meeting_cadence_months": 3})
    # held again: the next is three months on
    meetings.record(ctx, held(ctx, held_at=datetime(2026, 11, 27, 9)), None, None)
    assert reminder(ctx) is None
    assert reminder(ctx, datetime(2027, 2, 25, 9)) is not None


# --- the minutes letter (会议纪要) -----------------------------------------------------------


def test_minutes_letter_lists_decisions_and_owners_and_is_refused_before_the_meeting(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned = meetings.plan(ctx, meeting(ctx))
    with pytest.raises(RuleViolation, match="尚未召开"):
        letters.preview(ctx, "meeting_minutes", planned)
    cancelled = meetings.plan(ctx, meeting(ctx, held_at=datetime(2026, 12, 3, 9)))
    meetings.cancel(ctx, cancelled, "主要参会部门有紧急任务")
    with pytest.raises(RuleViolation, match="已取消"):
        letters.preview(ctx, "meeting_minutes", cancelled)
    set_now(monkeypatch, datetime(2026, 12, 2, 17, 0))
    meetings.hold(
        ctx,
        planned,
        datetime(2026, 12, 2, 9, 0),
        "县水利局：王海；县生态环境分局：李静",
        [org(ctx, TOWNSHIP), org(ctx, WATER), org(ctx, ENV)],
        "通报第四季度案件移送和投诉举报办理情况",
        "1.对滹沱河赵八段非法采砂问题开展集中整治；2.执法队加强秸秆焚烧巡查。",
    )
    meetings.add_action(
        ctx,
        planned,
        action(
            ctx, description="对滹沱河赵八段非法采砂问题开展集中整治", due_on=date(2026, 12, 20)
        ),
    )
    meetings.add_action(
        ctx,
        planned,
        action(ctx, description="县生态环境分局提供监测数据", owner_org_id=org(ctx, ENV)),
    )
    text = pdf_text(letters.preview(ctx, "meeting_minutes", planned).pdf)
    assert SUBJECT in text and "2026年12月2日上午" in text
    assert re.search(r"主持召开.*(县水利局、县生态环境分局|县生态环境分局、县水利局)等单位", text)
    assert (
        "1.对滹沱河赵八段非法采砂问题开展集中整治（责任单位：县水利局；完成时限：2026年12月20日前）"
        in text
    )
    assert "2.执法队加强秸秆焚烧巡查" in text
    assert (
        "3.县生态环境分局提供监测数据（责任单位：县生态环境分局；完成时限：2026年12月10日前）"
        in text
    )
    assert "王海（县水利局）" in text
    assert "会议围绕行政执法过程中遇到的普遍性问题以及热点、焦点、难点问题进行了协商" in text


# --- the demo data ends where the services would ------------------------------------------


def test_demo_meetings_are_in_states_the_services_produce(ctx: ServiceContext) -> None:
    today = date(2026, 3, 18)
    demo_now = datetime(2026, 3, 18, 9, 0)
    generate_demo(ctx, records=1500, seed=3, today=today)
    with ctx.read() as s:
        mine = own_units(s)
        found = list(s.execute(select(Meeting)).scalars())
        statuses = {m.status for m in found}
        assert statuses == {S.PLANNED, S.HELD, S.CANCELLED}
        for m in found:
            if m.status == S.PLANNED:
                assert (m.deadline_at, m.deadline_what) == (m.held_at, "计划召开"), m.serial
                assert m.held_at > demo_now and not m.actions and m.decisions is None
                assert m.created_at <= demo_now
            else:
                assert m.deadline_at is None and m.deadline_what is None, m.serial
                assert m.held_at <= demo_now, m.serial
            if m.status == S.CANCELLED:
                assert "取消会议，原因：" in (m.note or "") and not m.actions
            if m.status == S.HELD:
                assert m.topics and set(m.topics) <= {t.value for t in MeetingTopic}
            if m.kind in ("regular", "special"):
                assert any(o.id not in mine for o in m.organisations), m.serial
            if m.kind == "special":
                assert m.linked_type == "case" and m.linked_id is not None, m.serial
            for a in m.actions:
                assert a.due_on is not None and a.due_on >= m.held_at.date(), m.serial
                assert a.owner_org_id is not None
                if a.status == "done":
                    assert a.done_on is not None and m.held_at.date() <= a.done_on <= today
                else:
                    assert a.done_on is None
        kinds = {m.kind for m in found if m.status == S.PLANNED}
        assert "regular" in kinds
    items = [i for i in board(ctx, demo_now) if i.what == "计划召开"]
    assert items and all(i.record_id is not None for i in items)
    assert reminder(ctx, demo_now) is None  # the next regular meeting is planned
