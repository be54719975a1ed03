"""行刑衔接: what the criminal-transfer use cases share — loading, the status guard,
the source record, the day-count setting and the clock.

The clock (``deadline_at`` / ``deadline_what``) per status (国务院令第310号):

* FLAGGED: none (the team forms and reports; the decree sets no period);
* REPORTED: the head decides within 3 日 of the written report (art. 5);
* APPROVED: transfer to the public security organ within 24 hours (art. 5);
* TRANSFERRED: the police decide within 3 日 of accepting it (art. 8; from the
  receipt, or from the transfer while the receipt is not recorded);
* NOT_FILED: a request for 复议 within 3 日 of the notice (art. 9; the police
  decision time is when the notice was received) — until requested;
* RECONSIDERATION: the police decide the 复议 within 3 日 of the request (art. 9);
* FILED: hand the items and materials over within 3 日 of the filing notice
  (art. 12) — until the record is closed with the handover;
* REJECTED, CLOSED: none.

"3日" counts calendar days unless the setting ``criminal_working_days`` is 1
(see :data:`desktop_app.domain.deadlines.DECREE_310_DAYS_ARE_WORKING_DAYS`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain import deadlines
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import AuditAction, CriminalTransferStatus, RecordType
from desktop_app.services import audit, scope
from desktop_app.services import calendar as calendar_service
from desktop_app.services import settings as settings_service
from desktop_app.services.context import ServiceContext, UnitOfWork
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.storage.models import Complaint, CriminalTransfer, EnforcementCase, Referral

RECORD = RecordType.CRIMINAL_TRANSFER
S = CriminalTransferStatus

APPROVAL_CLOCK = "负责人决定期限"
TRANSFER_CLOCK = "移送公安期限"
POLICE_CLOCK = "公安立案决定期限"
RECONSIDER_CLOCK = "提请复议期限"
RECON_RESULT_CLOCK = "公安复议决定期限"
HANDOVER_CLOCK = "移交涉案物品期限"

# a transfer no longer "open": a new one may be flagged for the same source
ENDED = frozenset({S.REJECTED, S.CLOSED})

SOURCE_MODELS: dict[str, Any] = {
    RecordType.CASE.value: EnforcementCase,
    RecordType.REFERRAL.value: Referral,
    RecordType.COMPLAINT.value: Complaint,
}
SOURCE_LABELS = {
    RecordType.CASE.value: "立案案件",
    RecordType.REFERRAL.value: "案件移送",
    RecordType.COMPLAINT.value: "投诉举报",
}


def load(session: Session, transfer_id: int, ctx: ServiceContext | None = None) -> CriminalTransfer:
    """The record; with ``ctx``, only one it may see (services/scope.py), else not found."""
    if ctx is None:
        t = session.get(CriminalTransfer, transfer_id)
    else:
        t = scope.get_visible(session, CriminalTransfer, transfer_id, ctx)
    if t is None:
        raise NotFound(f"行刑衔接记录 {transfer_id} 不存在或已被删除。")
    return t


def require(t: CriminalTransfer, statuses: Iterable[CriminalTransferStatus], action: str) -> None:
    statuses = tuple(statuses)
    if t.status not in statuses:
        allowed = "、".join(f"「{s.label}」" for s in statuses)
        raise RuleViolation(
            f"行刑衔接 {t.serial} 当前状态为「{S.label_of(t.status)}」，不能{action}"
            f"（只有{allowed}状态可以）。"
        )


# --- the source record ------------------------------------------------------------------


def source_record(session: Session, source_type: str | None, source_id: int | None) -> Any | None:
    model = SOURCE_MODELS.get(source_type or "")
    if model is None or source_id is None:
        return None
    return session.get(model, source_id)


def source_case(session: Session, source_type: str | None, source_id: int | None) -> Any | None:
    """The case of a source: the case itself, or the case filed from the referral or
    complaint (立案 from a received transfer or a verified complaint)."""
    found = source_record(session, source_type, source_id)
    if isinstance(found, EnforcementCase):
        return found
    case_id = getattr(found, "case_id", None)
    return session.get(EnforcementCase, case_id) if case_id else None


def source_serial(session: Session, t: CriminalTransfer) -> str:
    found = source_record(session, t.source_type, t.source_id)
    if found is None:
        return ""
    number = getattr(found, "case_number", None)
    return f"{found.serial}（{number}）" if number else str(found.serial)


# --- the clock ----------------------------------------------------------------------------


def working_days(session: Session) -> bool:
    """The setting: are 310's "日" working days (1) or calendar days (0, the default)?"""
    return bool(settings_service.read_all(session).get("criminal_working_days"))


def decree_days(
    fn: Callable[..., deadlines.Deadline], start: datetime, cal: WorkCalendar, working: bool
) -> deadlines.Deadline:
    """A 310号令 "3日" deadline in the mode the setting chose.

    The domain functions count working days only when their module switch is on;
    the setting decides here without touching that switch: in working-day mode
    the same rule text names 工作日 and the period runs over the calendar."""
    if not working:
        return fn(start, None)
    plain = fn(start, None)
    n = deadlines.DECREE_310_DAYS
    rule = plain.rule.replace(f"{n}日", f"{n}个工作日", 1)
    due = cal.add_working_days(start.date(), n)
    return deadlines.Deadline(deadlines.end_of_day(due), rule)


def reconsideration_result_deadline(
    requested_at: datetime, cal: WorkCalendar | None = None
) -> deadlines.Deadline:
    """310号令 art. 9: the public security organ decides the 复议 within 3 日 of
    receiving the request."""
    n = deadlines.DECREE_310_DAYS
    return deadlines.Deadline(
        deadlines.end_of_day(requested_at.date() + timedelta(days=n)),
        f"公安机关自收到提请复议的文件之日起{n}日内作出复议决定（国务院令第310号第9条）",
    )


def clock_of(
    t: CriminalTransfer, cal: WorkCalendar, working: bool
) -> tuple[datetime | None, str | None]:
    """(deadline_at, deadline_what) of the transfer's running clock."""
    st = t.status
    if st == S.REPORTED and t.report_at is not None:
        d = decree_days(deadlines.criminal_approval_deadline, t.report_at, cal, working)
        return d.due_at, APPROVAL_CLOCK
    if st == S.APPROVED and t.decision_at is not None:
        return deadlines.criminal_transfer_deadline(t.decision_at).due_at, TRANSFER_CLOCK
    if st == S.TRANSFERRED:
        start = t.police_received_at or t.transferred_at
        if start is None:
            return None, None
        d = decree_days(deadlines.police_decision_deadline, start, cal, working)
        return d.due_at, POLICE_CLOCK
    if st == S.NOT_FILED and t.police_decision_at is not None and t.reconsideration_at is None:
        if t.reconsideration_result:
            return None, None
        d = decree_days(deadlines.reconsideration_deadline, t.police_decision_at, cal, working)
        return d.due_at, RECONSIDER_CLOCK
    if st == S.RECONSIDERATION and t.reconsideration_at is not None:
        d = decree_days(reconsideration_result_deadline, t.reconsideration_at, cal, working)
        return d.due_at, RECON_RESULT_CLOCK
    if st == S.FILED and t.police_decision_at is not None and t.handover_at is None:
        d = decree_days(deadlines.handover_deadline, t.police_decision_at, cal, working)
        return d.due_at, HANDOVER_CLOCK
    return None, None


def reconsideration_due(t: CriminalTransfer, cal: WorkCalendar, working: bool) -> datetime | None:
    if t.police_decision_at is None:
        return None
    return decree_days(
        deadlines.reconsideration_deadline, t.police_decision_at, cal, working
    ).due_at


def recompute_clocks(session: Session, cal: WorkCalendar | None = None) -> int:
    """Every open transfer's clock over the current calendar and day-count setting
    (called when the setting changes; the calendar service may call it too)."""
    cal = cal or calendar_service.load(session)
    working = working_days(session)
    moved = 0
    rows = session.execute(
        select(CriminalTransfer).where(CriminalTransfer.status.not_in([s.value for s in ENDED]))
    ).scalars()
    for t in rows:
        due, what = clock_of(t, cal, working)
        if (due, what) != (t.deadline_at, t.deadline_what):
            t.deadline_at, t.deadline_what = due, what
            moved += 1
    session.flush()
    return moved


# --- audit --------------------------------------------------------------------------------


def team_names(t: CriminalTransfer) -> str:
    return "、".join(o.name for o in t.officers)


def snapshot(t: CriminalTransfer) -> dict[str, Any]:
    """The columns and the team (专案组成员), for before/after."""
    return {**audit.snapshot(t), "team": team_names(t)}


def record_change(
    uow: UnitOfWork,
    t: CriminalTransfer,
    before: dict[str, Any],
    summary: str,
    action: AuditAction = AuditAction.STATUS,
) -> None:
    """Bring the clock up to date and write one audit entry with before and after."""
    s = uow.session
    uow.flush()
    t.deadline_at, t.deadline_what = clock_of(t, calendar_service.load(s), working_days(s))
    uow.flush()
    b, a = audit.diff(before, snapshot(t))
    uow.audit(action, RECORD, t.id, f"{t.serial} {summary}", before=b, after=a)


def when_text(value: datetime | None) -> str:
    if value is None:
        return ""
    if deadlines.is_end_of_day(value):
        return f"{value:%Y-%m-%d}"
    return f"{value:%Y-%m-%d %H:%M}"
