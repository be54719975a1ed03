"""Constants and builders shared by the consultation-meeting tests
(test_meetings.py, test_meeting_actions.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.domain.terms import DueBucket, MeetingTopic
from desktop_app.services import dashboard
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.services.meetings import FollowUpInput, MeetingInput
from desktop_app.storage.models import (
    AuditEntry,
    EnforcementCase,
    FollowUpAction,
    Meeting,
    Organisation,
    meeting_organisations,
)

NOW = datetime(2026, 11, 30, 10, 0)  # a Monday
TODAY = NOW.date()
PLANNED_AT = datetime(2026, 12, 2, 9, 0)  # a Wednesday, within the dashboard's "soon"
HELD_AT = datetime(2026, 11, 20, 9, 0)

TOWNSHIP = "深泽县赵八镇人民政府"
TEAM = "赵八镇综合行政执法队"
WATER = "深泽县水利局"
ENV = "石家庄市生态环境局深泽县分局"
POLICE = "深泽县公安局"
SUBJECT = "2026年第四季度综合行政执法协调联动定期会议"


def set_now(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def deactivate(ctx: ServiceContext, name: str) -> int:
    with ctx.uow() as uow:
        o = uow.session.execute(select(Organisation).where(Organisation.name == name)).scalar_one()
        o.active = False
        return o.id


def meeting(ctx: ServiceContext, **changes: Any) -> MeetingInput:
    """A regular meeting planned for Wednesday 2 December, with two departments."""
    data = MeetingInput(
        kind="regular",
        subject=SUBJECT,
        held_at=PLANNED_AT,
        place="赵八镇人民政府三楼会议室",
        host="刘福贵（分管副镇长）",
        organisation_ids=[org(ctx, n) for n in (TOWNSHIP, WATER, ENV)],
        participants="赵八镇：刘福贵、张建国；县水利局：王海；县生态环境分局：李静",
        topics=[MeetingTopic.GENERAL.value, MeetingTopic.HOTSPOT.value],
        note=None,
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def held(ctx: ServiceContext, **changes: Any) -> MeetingInput:
    """The same meeting, held on 20 November."""
    return meeting(ctx, **{"held_at": HELD_AT, **changes})


def action(ctx: ServiceContext, **changes: Any) -> FollowUpInput:
    data = FollowUpInput(
        description="县水利局牵头，对滹沱河赵八段非法采砂问题开展集中整治",
        owner_org_id=org(ctx, WATER),
        due_on=date(2026, 12, 10),
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def add_case(ctx: ServiceContext, title: str = "张三非法采砂案") -> int:
    with ctx.uow() as uow:
        case = EnforcementCase(
            serial="案2026-0001",
            case_number="赵八综执立字〔2026〕第001号",
            title=title,
            filed_on=date(2026, 11, 2),
        )
        uow.session.add(case)
        uow.session.flush()
        return case.id


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    """Meetings, their organisation links, follow-up actions, audit entries."""
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(t)).scalar() or 0)
            for t in (Meeting, meeting_organisations, FollowUpAction, AuditEntry)
        )


def audits(ctx: ServiceContext, meeting_id: int) -> list[AuditEntry]:
    with ctx.read() as s:
        return list(
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.record_type == "meeting", AuditEntry.record_id == meeting_id)
                .order_by(AuditEntry.id)
            ).scalars()
        )


def refused(call: Any, ctx: ServiceContext, field: str) -> str:
    """``call()`` raises InvalidInput with a problem on ``field`` and writes nothing."""
    before = counts(ctx)
    with pytest.raises(InvalidInput) as exc:
        call()
    assert counts(ctx) == before
    assert field in exc.value.problems, exc.value.problems
    return exc.value.problems[field]


def board(ctx: ServiceContext, now: datetime = NOW) -> list[dashboard.DueItem]:
    return [i for i in dashboard.build(ctx, now).items if i.ledger_key == "meetings"]


def reminder(ctx: ServiceContext, now: datetime = NOW) -> dashboard.DueItem | None:
    found = [i for i in board(ctx, now) if i.record_id is None]
    assert len(found) <= 1
    return found[0] if found else None


def bucket_of(ctx: ServiceContext, meeting_id: int, now: datetime = NOW) -> DueBucket | None:
    found = [i for i in board(ctx, now) if i.record_id == meeting_id and i.what == "计划召开"]
    return found[0].bucket if found else None
