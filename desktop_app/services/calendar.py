"""The working-day calendar as the office keeps it, and the open clocks it drives.

One calendar drives every clock: a change to it (an override, a confirmed
year) recomputes every open deadline in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain import deadlines
from desktop_app.domain.calendar import CalendarOverride as DayOverride
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.clock import now, today
from desktop_app.domain.terms import (
    AssistanceStatus,
    AuditAction,
    ComplaintStatus,
    RecordType,
    ReferralStatus,
    Urgency,
)
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, NotFound
from desktop_app.storage.models import (
    AssistanceRequest,
    CalendarOverride,
    CalendarYear,
    Complaint,
    Referral,
)

REFERRAL_OPEN = (ReferralStatus.DRAFT.value, ReferralStatus.READY.value)


def load(session: Session) -> WorkCalendar:
    overrides = [
        DayOverride(o.day, o.working, o.note or "")
        for o in session.execute(select(CalendarOverride)).scalars()
    ]
    confirmed = [y.year for y in session.execute(select(CalendarYear)).scalars() if y.confirmed]
    return WorkCalendar(overrides, confirmed)


def get_calendar(ctx: ServiceContext) -> WorkCalendar:
    with ctx.read() as s:
        return load(s)


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    name: str | None
    overridden: bool


def year_view(ctx: ServiceContext, year: int) -> list[DayInfo]:
    cal = get_calendar(ctx)
    overridden = {o.day for o in cal.overrides}
    day = date(year, 1, 1)
    out: list[DayInfo] = []
    while day.year == year:
        out.append(DayInfo(day, cal.is_working_day(day), cal.holiday_name(day), day in overridden))
        day = date.fromordinal(day.toordinal() + 1)
    return out


def list_overrides(ctx: ServiceContext) -> list[CalendarOverride]:
    with ctx.read() as s:
        return list(s.execute(select(CalendarOverride).order_by(CalendarOverride.day)).scalars())


def set_override(ctx: ServiceContext, day: date, working: bool, note: str = "") -> int:
    """Make ``day`` a working day or a day off; returns how many open deadlines moved."""
    ctx.require_admin("修改工作日历")
    note = (note or "").strip()
    if len(note) > 100:
        raise InvalidInput({"note": "「说明」不能超过100个字"})
    with ctx.uow() as uow:
        row = uow.session.execute(
            select(CalendarOverride).where(CalendarOverride.day == day)
        ).scalar_one_or_none()
        before = None if row is None else {"working": row.working, "note": row.note}
        if row is None:
            row = CalendarOverride(
                day=day, working=working, note=note, created_by_id=ctx.operator_id
            )
            uow.session.add(row)
        else:
            row.working, row.note = working, note
        uow.flush()
        moved = recompute_open_deadlines(uow.session)
        uow.audit(
            AuditAction.UPDATE,
            RecordType.CALENDAR,
            row.id,
            f"设置{day:%Y年%m月%d日}为{'工作日' if working else '休息日'}"
            f"{'（' + note + '）' if note else ''}；重新计算期限 {moved} 项",
            before=before,
            after={"day": day.isoformat(), "working": working, "note": note},
        )
        return moved


def remove_override(ctx: ServiceContext, day: date) -> int:
    ctx.require_admin("修改工作日历")
    with ctx.uow() as uow:
        row = uow.session.execute(
            select(CalendarOverride).where(CalendarOverride.day == day)
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"{day:%Y年%m月%d日}没有人工调整。")
        before = {"day": day.isoformat(), "working": row.working, "note": row.note}
        uow.session.delete(row)
        uow.flush()
        moved = recompute_open_deadlines(uow.session)
        uow.audit(
            AuditAction.DELETE,
            RecordType.CALENDAR,
            None,
            f"取消{day:%Y年%m月%d日}的人工调整；重新计算期限 {moved} 项",
            before=before,
        )
        return moved


def set_confirmed(ctx: ServiceContext, year: int, confirmed: bool, note: str = "") -> None:
    ctx.require_admin("修改工作日历")
    if not 2000 <= year <= 2100:
        raise InvalidInput({"year": "年份应在2000至2100之间"})
    with ctx.uow() as uow:
        row = uow.session.get(CalendarYear, year)
        if row is None:
            row = CalendarYear(year=year)
            uow.session.add(row)
        row.confirmed = confirmed
        row.confirmed_at = now() if confirmed else None
        row.confirmed_by_id = ctx.operator_id if confirmed else None
        row.note = note or None
        uow.flush()
        uow.audit(
            AuditAction.UPDATE,
            RecordType.CALENDAR,
            year,
            f"{year}年节假日安排{'已核对确认' if confirmed else '取消确认'}",
        )


def next_year_warning(ctx: ServiceContext, on: date | None = None) -> str | None:
    """From 1 November, warn while next year's schedule is not confirmed."""
    on = on or today()
    if on.month < 11:
        return None
    cal = get_calendar(ctx)
    nxt = on.year + 1
    if cal.is_confirmed(nxt):
        return None
    return (
        f"{nxt}年的法定节假日和调休安排尚未确认。国务院办公厅通常在11月至12月公布次年安排，"
        f"公布后请在“设置 → 工作日历”中核对、补充调休日，并勾选“{nxt}年节假日安排已核对确认”。"
        "在此之前，落在该年的期限按周末和已知节日计算，可能不准确。"
    )


def recompute_open_deadlines(session: Session, cal: WorkCalendar | None = None) -> int:
    """Recompute every running clock that counts working days; returns how many moved."""
    cal = cal or load(session)
    moved = 0
    referrals = session.execute(
        select(Referral).where(
            Referral.deadline_at.is_not(None), Referral.status.in_(REFERRAL_OPEN)
        )
    ).scalars()
    for r in referrals:
        if r.urgency == Urgency.URGENT:
            continue  # clock hours: the calendar does not matter
        due = deadlines.referral_deadline(r.found_at, r.urgency, cal).due_at
        if due != r.deadline_at:
            r.deadline_at = due
            moved += 1
    moved += _recompute_assistance(session, cal)
    moved += _recompute_complaints(session, cal)
    from desktop_app.services.criminal_common import recompute_clocks

    moved += recompute_clocks(session, cal)  # 310's 日 may count working days (setting)
    session.flush()
    return moved


def _recompute_assistance(session: Session, cal: WorkCalendar) -> int:
    """Sent requests: the 5-working-day written answer over the new calendar. The
    on-site clock ("at once", from the sending) and an extension's agreed date
    come out the same whatever the calendar (assistance_common.clock_of)."""
    from desktop_app.services.assistance_common import clock_of

    moved = 0
    requests = session.execute(
        select(AssistanceRequest).where(
            AssistanceRequest.status == AssistanceStatus.SENT.value,
            AssistanceRequest.requested_on.is_not(None),
        )
    ).scalars()
    for a in requests:
        due, what = clock_of(a, cal)
        if due != a.deadline_at:
            moved += 1
        if (due, what) != (a.deadline_at, a.deadline_what):
            a.deadline_at, a.deadline_what = due, what
    return moved


def _recompute_complaints(session: Session, cal: WorkCalendar) -> int:
    """Open complaints: 核实期限 / 答复期限 / 移送期限 counted over the new calendar
    (every open one: which clock runs depends on what is still to be done)."""
    from desktop_app.services import settings as settings_service
    from desktop_app.services.complaint_common import clock_of

    conf = settings_service.read_all(session)
    moved = 0
    complaints = session.execute(
        select(Complaint).where(Complaint.status != ComplaintStatus.CLOSED.value)
    ).scalars()
    for c in complaints:
        due, what = clock_of(session, c, cal, conf)
        if due != c.deadline_at:
            moved += 1
        if (due, what) != (c.deadline_at, c.deadline_what):
            c.deadline_at, c.deadline_what = due, what
    return moved
