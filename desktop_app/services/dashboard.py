"""The dashboard (工作台): what is overdue, due today and due soon, across all ledgers.

Only the records the context may see (services/scope.py): its organisation's own
and what was sent to it; the regular-meeting reminder counts its own meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.domain import deadlines
from desktop_app.domain.calendar import add_months
from desktop_app.domain.clock import now as clock_now
from desktop_app.domain.deadlines import end_of_day
from desktop_app.domain.terms import (
    ActionStatus,
    DueBucket,
    MeetingKind,
    MeetingStatus,
    OrgKind,
    RecordType,
)
from desktop_app.services import calendar as calendar_service
from desktop_app.services import scope
from desktop_app.services import settings as settings_service
from desktop_app.services.context import ServiceContext
from desktop_app.services.ledgers import LEDGERS
from desktop_app.storage.models import FollowUpAction, Meeting, Organisation

# What to show as the item's title and counterpart, per ledger (column keys).
_TITLE = {
    "referrals": "matter",
    "complaints": "content",
    "info_shares": "title",
    "meetings": "subject",
    "urgent_notices": "hazard",
    "joint_actions": "title",
    "assistance": "subject",
    "disputes": "matter",
    "criminal_transfers": "title",
    "cases": "title",
}
_COUNTERPART = {
    "referrals": "receiver",
    "urgent_notices": "department",
    "assistance": "department",
    "disputes": "department",
    "info_shares": "counterparts",
}


@dataclass(frozen=True)
class DueItem:
    bucket: DueBucket
    due_at: datetime
    ledger_key: str
    ledger_label: str
    record_type: str
    record_id: int | None
    serial: str
    title: str
    what: str
    counterpart: str = ""

    @property
    def due_text(self) -> str:
        if deadlines.is_end_of_day(self.due_at):
            return f"{self.due_at:%Y-%m-%d}"
        return f"{self.due_at:%Y-%m-%d %H:%M}"


@dataclass
class Dashboard:
    items: list[DueItem]
    counts: dict[DueBucket, int]
    warnings: list[str]
    generated_at: datetime


def _horizon(now: datetime, soon_days: int, cal: Any) -> datetime:
    day = now.date()
    for _ in range(soon_days):
        day = cal.next_working_day(day)
    return end_of_day(day)


def _ledger_items(
    session: Session,
    now: datetime,
    horizon: datetime,
    soon_days: int,
    cal: Any,
    ctx: ServiceContext,
) -> list[DueItem]:
    items: list[DueItem] = []
    for key, ledger in LEDGERS.items():
        model = ledger.model
        title = ledger.column(_TITLE[key])
        cols = [model.id, model.serial, model.deadline_at, model.deadline_what, title.expr]
        stmt = select(*cols).select_from(model)
        if key in _COUNTERPART:
            cols.append(ledger.column(_COUNTERPART[key]).expr)
            stmt = select(*cols).select_from(model)
        for target, onclause in ledger.joins:
            stmt = stmt.outerjoin(target, onclause)
        stmt = stmt.where(
            model.deadline_at.is_not(None),
            model.deadline_at <= horizon,
            *scope.seen_where(model, ctx),
        )
        for row in session.execute(stmt.order_by(model.deadline_at)):
            items.append(
                DueItem(
                    bucket=deadlines.due_bucket(row[2], now, soon_days, cal),
                    due_at=row[2],
                    ledger_key=key,
                    ledger_label=ledger.label,
                    record_type=ledger.record_type.value,
                    record_id=row[0],
                    serial=row[1],
                    title=_short(row[4]),
                    what=row[3] or "办理期限",
                    counterpart=(row[5] or "") if len(row) > 5 else "",
                )
            )
    return items


def _follow_ups(
    session: Session,
    now: datetime,
    horizon: datetime,
    soon_days: int,
    cal: Any,
    ctx: ServiceContext,
) -> list[DueItem]:
    stmt = (
        select(FollowUpAction, Meeting.serial, Organisation.short_name, Organisation.name)
        .join(Meeting, FollowUpAction.meeting_id == Meeting.id)
        .outerjoin(Organisation, FollowUpAction.owner_org_id == Organisation.id)
        .where(
            FollowUpAction.status == ActionStatus.OPEN.value,
            FollowUpAction.due_on.is_not(None),
            FollowUpAction.due_on <= horizon.date(),
        )
        .order_by(FollowUpAction.due_on)
    )
    stmt = stmt.where(*scope.seen_where(Meeting, ctx))
    items = []
    for action, serial, short, name in session.execute(stmt):
        assert action.due_on is not None
        due = end_of_day(action.due_on)
        items.append(
            DueItem(
                bucket=deadlines.due_bucket(due, now, soon_days, cal),
                due_at=due,
                ledger_key="meetings",
                ledger_label="会议落实事项",
                record_type=RecordType.MEETING.value,
                record_id=action.meeting_id,
                serial=serial,
                title=_short(action.description),
                what="落实期限",
                counterpart=short or name or "",
            )
        )
    return items


def _regular_meeting(
    session: Session,
    now: datetime,
    horizon: datetime,
    cadence_months: int,
    soon_days: int,
    cal: Any,
    ctx: ServiceContext,
) -> list[DueItem]:
    """定期召开 (seed 三（四）): the next regular meeting is due ``cadence_months`` after
    the last regular meeting that was held (planned or cancelled ones do not count).
    A logged-in township counts its own meetings; a department or the county
    government, which do not convene them, gets no reminder.

    A planned regular meeting stands instead of the reminder: its own clock
    ("计划召开") is on the dashboard, so the reminder is not shown twice. With no
    regular meeting held yet, the reminder is due today — the office should hold
    (or record) its first one; it cannot drift later, as counting the cadence
    from today would.
    """
    if not cadence_months:
        return []
    if ctx.org_id is not None and ctx.org_kind != OrgKind.TOWNSHIP.value:
        return []  # the township convenes them (seed 三（四）), not a department
    mine = [] if ctx.org_id is None else [scope.ours(Meeting, ctx.org_id)]
    planned = session.execute(
        select(func.count(Meeting.id)).where(
            Meeting.kind == MeetingKind.REGULAR.value,
            Meeting.status == MeetingStatus.PLANNED.value,
            *mine,
        )
    ).scalar()
    if planned:
        return []
    last = session.execute(
        select(func.max(Meeting.held_at)).where(
            Meeting.kind == MeetingKind.REGULAR.value,
            Meeting.status == MeetingStatus.HELD.value,
            *mine,
        )
    ).scalar()
    if last is None:
        due = end_of_day(now.date())
        title = "定期协商会议（尚无已召开的定期会议记录）"
    else:
        due = end_of_day(add_months(last.date(), cadence_months))
        title = f"定期协商会议（上次召开：{last:%Y年%m月%d日}）"
    if due > horizon:
        return []
    return [
        DueItem(
            bucket=deadlines.due_bucket(due, now, soon_days, cal),
            due_at=due,
            ledger_key="meetings",
            ledger_label="联合执法协商",
            record_type=RecordType.MEETING.value,
            record_id=None,
            serial="",
            title=title,
            what=f"按每{cadence_months}个月召开一次",
        )
    ]


def _short(text: Any, n: int = 40) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def build(ctx: ServiceContext, now: datetime | None = None) -> Dashboard:
    now = now or clock_now()
    with ctx.read() as session:
        cal = calendar_service.load(session)
        conf = settings_service.read_all(session)
        soon_days = int(conf.get("due_soon_days") or 3)
        horizon = _horizon(now, soon_days, cal)
        items = _ledger_items(session, now, horizon, soon_days, cal, ctx)
        items += _follow_ups(session, now, horizon, soon_days, cal, ctx)
        cadence = int(conf.get("meeting_cadence_months") or 0)
        items += _regular_meeting(session, now, horizon, cadence, soon_days, cal, ctx)
    items = [i for i in items if i.bucket != DueBucket.LATER]
    items.sort(key=lambda i: (i.due_at, i.serial))
    counts = {b: sum(1 for i in items if i.bucket == b) for b in DueBucket}
    warnings = []
    warn = calendar_service.next_year_warning(ctx, now.date())
    if warn:
        warnings.append(warn)
    return Dashboard(items, counts, warnings, now)
