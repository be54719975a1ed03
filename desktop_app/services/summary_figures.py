"""月度/年度汇总: which records a period covers, and the figures of the 统计 sheet.

**Records in a period** (本期记录): a record of a ledger is in the period when

* its date (the ledger's ``date_col``: 发现时间, 受理时间, 形成日期, 召开时间…)
  falls in the period (本期新增), or
* it is dated before the period and was still open at its start (上期结转):
  it is open now (status not finished; an information item not shared yet),
  or its finishing date (反馈结果/退回, 办结, 共享, 答复, 协商一致/县政府决定)
  falls on or after the period's first day. Meetings and joint actions have
  no "open" state: only those dated in the period count. A record finished
  without a recorded date (撤回, 不予立案…) is not carried over.

**On time** (按时办理) — counted for the records dated in the period, one
timed step per record; a step done at or before its deadline is on time, done
later is late (逾期办理), not done and past its deadline at export time is
overdue (逾期未办); not done and not yet due is pending and not counted:

* 案件移送: sent (发送时间) within 3 working days of discovery, 24 hours when
  urgent (seed 三（一）2); drafts withdrawn and 划转前 cases are not counted.
  Department: the other side (the receiver of an outgoing, the sender of an
  incoming transfer).
* 投诉举报: up to three timed steps per complaint (seed 三（二）1, 3), as the
  complaint's own clocks count them (:mod:`complaint_common`): preliminary
  verification (初步核实) within ``complaint_verify_days`` working days of
  receipt; the reply to the complainant (答复, not for an anonymous
  complaint) and the feedback to the informing county department (反馈,
  only when one informed the township) within ``complaint_reply_days``
  working days of receipt — for a case the township filed, of the day the
  case was closed, and only an answer given on or after that day counts
  (an earlier one is interim); while the case is still open the answer is
  pending. Department: the county department that informed the township,
  and the department the complaint was transferred to (有管辖权的单位 of a
  transferred complaint); every step of the complaint counts for each.
* 信息共享: shared on the day the information was formed (seed 三（三）);
  per department once for each counterpart.
* 执法协助: written reply (答复日期) within 5 working days of the written
  request, or by the extended date (seed 三（五））; drafts and withdrawn
  requests are not counted. Department: the requested department.
* 行刑衔接: transferred to the public security organ within 24 hours of the
  head's approval (国务院令第310号 第五条); only approved cases. Department:
  the receiving public security organ — as recorded with the transfer, else
  the addressee of the issued 移送书, else the county's only public security
  organ in the directory (so an approved case not yet sent still counts
  against the organ it will go to).

Rate = on time / (on time + late + overdue); a system with several steps per
record (投诉举报) counts each step, and ``Figures.by_step`` keeps them apart.
Counting reads only the rows of the period (a few columns each), never a
whole ledger.

**Whose records** (services/scope.py): :func:`compute` counts the rows its
``rows`` condition lets through — the monthly summary a township's own
(:func:`scope.own_rows`), the statistics page what the context may see
(:func:`scope.seen_rows`); without one, every row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desktop_app.domain import deadlines
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import (
    AssistanceStatus,
    CaseStatus,
    ComplaintOutcome,
    ComplaintStatus,
    CriminalTransferStatus,
    Direction,
    DisputeStatus,
    DocumentStatus,
    OrgKind,
    RecordType,
    ReferralStatus,
    UrgentNoticeStatus,
)
from desktop_app.services import calendar as calendar_service
from desktop_app.services import scope
from desktop_app.services import settings as settings_service
from desktop_app.services.criminal_flow import LETTER as CRIMINAL_LETTER
from desktop_app.services.ledger_types import Ledger, is_datetime, org_alias
from desktop_app.services.ledgers import LEDGERS
from desktop_app.storage.models import (
    AssistanceExtension,
    AssistanceRequest,
    Complaint,
    CriminalTransfer,
    Dispute,
    Document,
    EnforcementCase,
    InfoShare,
    Organisation,
    Referral,
    UrgentNotice,
    info_share_counterparts,
)

# model → the SQL condition for the rows to count (None: all of them).
Rows = Callable[[type[Any]], ColumnElement[bool] | None]


def _all_rows(model: type[Any]) -> ColumnElement[bool] | None:
    return None


def only(rows: Rows | None, model: type[Any]) -> list[ColumnElement[bool]]:
    """``rows``'s condition for ``model`` as a list for ``where(*…)`` (empty: all rows)."""
    cond = rows(model) if rows is not None else None
    return [] if cond is None else [cond]


# The ledger sheets, in the order of the seed's 工作制度 (三（一）…（七）).
SUMMARY_LEDGERS: tuple[str, ...] = (
    "referrals",
    "complaints",
    "info_shares",
    "meetings",
    "urgent_notices",
    "joint_actions",
    "assistance",
    "disputes",
    "criminal_transfers",
)

# The system (工作制度) each ledger belongs to.
SYSTEM_OF: dict[str, str] = {
    "referrals": "案件移送",
    "complaints": "投诉举报",
    "info_shares": "信息共享",
    "meetings": "联合执法协商",
    "urgent_notices": "联合执法协商",
    "joint_actions": "联合执法协商",
    "assistance": "执法协助",
    "disputes": "管辖争议",
    "criminal_transfers": "行刑衔接",
}

# What each timed system counts (shown under the table on the 统计 sheet).
TIMED_RULES: dict[str, str] = {
    "referrals": "发现违法行为后3个工作日内移送，情况紧急24小时内（三（一）2）",
    "complaints": (
        "受理后按设置的工作日内初步核实，并答复投诉举报人、向告知部门反馈；"
        "立案查处的，自查处结果之日起计（三（二））"
    ),
    "info_shares": "自形成当日共享（三（三））",
    "assistance": "函告后5个工作日内书面答复，经告知延期的按延长后的日期（三（五））",
    "criminal_transfers": "负责人批准后24小时内移送公安机关（国务院令第310号）",
}

R, C, A, D, T, U = (
    ReferralStatus,
    ComplaintStatus,
    AssistanceStatus,
    DisputeStatus,
    CriminalTransferStatus,
    UrgentNoticeStatus,
)
O = ComplaintOutcome  # noqa: E741 - the outcome enum, short like the statuses


def _open_and_done() -> dict[str, tuple[ColumnElement[bool] | None, Any]]:
    """Per ledger: the "still open" condition and the finishing-date expression."""
    return {
        "referrals": (
            Referral.status.in_([R.DRAFT, R.READY, R.SENT, R.SIGNED]),
            func.coalesce(Referral.result_at, Referral.returned_at),
        ),
        "complaints": (Complaint.status != C.CLOSED, Complaint.closed_at),
        "info_shares": (InfoShare.shared_on.is_(None), InfoShare.shared_on),
        "meetings": (None, None),
        "urgent_notices": (
            UrgentNotice.status.in_([U.NOTIFIED, U.REFUSED, U.REPORTED]),
            None,
        ),
        "joint_actions": (None, None),
        "assistance": (AssistanceRequest.status == A.SENT, AssistanceRequest.replied_on),
        "disputes": (
            Dispute.status.in_([D.NEGOTIATING, D.ESCALATED]),
            func.coalesce(Dispute.decided_on, Dispute.agreed_on),
        ),
        "criminal_transfers": (
            CriminalTransfer.status.in_(
                [T.FLAGGED, T.REPORTED, T.APPROVED, T.TRANSFERRED, T.RECONSIDERATION]
            ),
            None,
        ),
    }


def _bound(expr: Any, day: date, end: bool = False) -> Any:
    if is_datetime(expr):
        return datetime.combine(day, time.max if end else time.min)
    return day


def dated_in(ledger: Ledger, start: date, end: date) -> ColumnElement[bool]:
    when = ledger.column(ledger.date_col).expr
    return and_(when >= _bound(when, start), when <= _bound(when, end, True))


def active_in(ledger: Ledger, start: date, end: date) -> ColumnElement[bool]:
    """The records of ``ledger`` in the period (see the module docstring)."""
    when = ledger.column(ledger.date_col).expr
    new = dated_in(ledger, start, end)
    still_open, done = _open_and_done()[ledger.key]
    carried: list[ColumnElement[bool]] = []
    if still_open is not None:
        carried.append(still_open)
    if done is not None:
        carried.append(done >= _bound(done, start))
    if not carried:
        return new
    return or_(new, and_(when < _bound(when, start), or_(*carried)))


def carried_in(ledger: Ledger, start: date, end: date) -> ColumnElement[bool]:
    return and_(active_in(ledger, start, end), ~dated_in(ledger, start, end))


# --- figures ---------------------------------------------------------------------------


@dataclass
class Timing:
    """按时办理: counts of one system or one department."""

    on_time: int = 0
    late: int = 0  # done after the deadline
    overdue: int = 0  # not done, deadline passed
    pending: int = 0  # not done, not yet due (not counted in the rate)

    @property
    def counted(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def rate(self) -> float | None:
        return self.on_time / self.counted if self.counted else None

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass(frozen=True)
class OverdueItem:
    ledger: str  # the ledger's label
    serial: str
    title: str
    deadline_at: datetime
    what: str
    days: int  # calendar days past the deadline at ``as_of``


@dataclass
class Figures:
    start: date
    end: date
    as_of: datetime
    new: dict[str, int] = field(default_factory=dict)  # ledger key → dated in period
    carried: dict[str, int] = field(default_factory=dict)  # ledger key → carried over
    by_status: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # label, count
    by_system: dict[str, Timing] = field(default_factory=dict)  # timed ledger key → timing
    by_department: dict[str, dict[str, Timing]] = field(default_factory=dict)  # org → key → t
    # timed key → step → timing, for a system of several steps (投诉举报)
    by_step: dict[str, dict[str, Timing]] = field(default_factory=dict)
    overdue: list[OverdueItem] = field(default_factory=list)

    def active(self, key: str) -> int:
        return self.new.get(key, 0) + self.carried.get(key, 0)


def _outcome(due: datetime | None, done: datetime | None, as_of: datetime) -> str:
    if due is None:  # no clock yet (a complaint's answer waiting for the case result)
        return "pending"
    if done is not None:
        return "on_time" if done <= due else "late"
    return "overdue" if due < as_of else "pending"


# The steps of a complaint (投诉举报), in the order they are done.
VERIFY_STEP, REPLY_STEP, FEEDBACK_STEP = "初步核实", "答复投诉举报人", "向告知部门反馈"


@dataclass(frozen=True)
class Step:
    """One timed step: its system (timed ledger key), which step of it (for a system
    of several), the departments it counts for, its deadline and when it was done."""

    key: str
    step: str | None
    departments: tuple[str, ...]
    due: datetime | None
    done: datetime | None


def _depts(*names: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in names if n))


def _own_org_ids(s: Session, conf: dict[str, Any]) -> set[int]:
    """The township and its own units (never a "department" of the table), and the
    acting organisation (services/scope.py)."""
    ids = {int(v) for k in ("township_org_id", "team_org_id") if (v := conf.get(k))}
    acting = scope.acting_org_id(s)
    if acting is not None:
        ids.add(acting)
    ids.update(
        s.execute(select(Organisation.id).where(Organisation.kind == OrgKind.TOWNSHIP)).scalars()
    )
    return ids


def _working_due(cal: WorkCalendar, start: date, days: Any) -> datetime:
    return deadlines.end_of_day(cal.add_working_days(start, max(int(days or 0), 0)))


def _complaint_steps(
    s: Session, start: date, end: date, cal: WorkCalendar, conf: dict[str, Any], rows: Rows
) -> Iterable[Step]:
    """初步核实, 答复 and 反馈 of the complaints received in the period, with the
    clocks of :func:`complaint_common.duties`."""
    own = _own_org_ids(s, conf)
    inf, comp = org_alias("s_informing"), org_alias("s_competent")
    found = s.execute(
        select(
            Complaint.received_at,
            Complaint.status,
            Complaint.outcome,
            Complaint.anonymous,
            Complaint.verified_at,
            Complaint.replied_at,
            Complaint.feedback_at,
            Complaint.informing_org_id,
            inf.name,
            Complaint.competent_org_id,
            comp.name,
            Complaint.case_id,
            EnforcementCase.status,
            EnforcementCase.closed_on,
        )
        .select_from(Complaint)
        .outerjoin(inf, inf.id == Complaint.informing_org_id)
        .outerjoin(comp, comp.id == Complaint.competent_org_id)
        .outerjoin(EnforcementCase, EnforcementCase.id == Complaint.case_id)
        .where(dated_in(LEDGERS["complaints"], start, end), *only(rows, Complaint))
    )
    verify_days = conf.get("complaint_verify_days")
    reply_days = conf.get("complaint_reply_days")
    for (received_at, status, outcome, anonymous, verified_at, replied_at, feedback_at,
         informing_id, informing, competent_id, competent, case_id, case_status,
         case_closed) in found:  # fmt: skip
        transferred_to = competent if outcome == O.TRANSFERRED and competent_id not in own else None
        depts = _depts(informing, transferred_to)
        verify_due = _working_due(cal, received_at.date(), verify_days)
        yield Step("complaints", VERIFY_STEP, depts, verify_due, verified_at)
        closed = status == C.CLOSED
        due: datetime | None = _working_due(cal, received_at.date(), reply_days)
        result_day: date | None = verified_at.date() if verified_at is not None else None
        if outcome == O.CASE_FILED:
            if case_id is None or case_status is None:
                result_day = None  # the case is still to be filed: no answer counts yet
            elif case_status != CaseStatus.CLOSED or case_closed is None:
                due = due if closed else None  # waiting for the case result: no clock
                result_day = None
            else:
                result_day = case_closed
                later = _working_due(cal, case_closed, reply_days)
                due = max(due, later) if due else later
        answers = [] if anonymous else [(REPLY_STEP, replied_at)]
        if informing_id is not None:
            answers.append((FEEDBACK_STEP, feedback_at))
        for step, at in answers:
            if closed:
                if at is None:
                    continue  # closed without a recorded time (imported): cannot tell
                done: datetime | None = at
            else:
                final = at is not None and result_day is not None and at.date() >= result_day
                done = at if final else None
            yield Step("complaints", step, depts, due, done)


def _police_name(s: Session) -> Any:
    """The receiving public security organ of a criminal transfer: as recorded with the
    transfer, else the addressee of its issued 移送书, else the only active public
    security organ of the directory."""
    police = org_alias("s_police")
    letter = org_alias("s_letter_to")
    addressed = (
        select(letter.name)
        .select_from(Document)
        .join(letter, letter.id == Document.recipient_id)
        .where(
            Document.record_type == RecordType.CRIMINAL_TRANSFER.value,
            Document.record_id == CriminalTransfer.id,
            Document.doc_type == CRIMINAL_LETTER,
            Document.status == DocumentStatus.ISSUED.value,
        )
        .order_by(Document.id.desc())
        .limit(1)
        .correlate(CriminalTransfer)
        .scalar_subquery()
    )
    organs = (
        s.execute(
            select(Organisation.name).where(
                Organisation.kind == OrgKind.PUBLIC_SECURITY, Organisation.active.is_(True)
            )
        )
        .scalars()
        .all()
    )
    only = organs[0] if len(organs) == 1 else None
    return police, func.coalesce(police.name, addressed, only)


def _timed_rows(
    s: Session, start: date, end: date, cal: WorkCalendar, conf: dict[str, Any], rows: Rows
) -> Iterable[Step]:
    """Every timed step of the records dated in the period."""
    lg = LEDGERS
    snd, rcv = org_alias("s_sender"), org_alias("s_receiver")
    found = s.execute(
        select(
            Referral.direction,
            Referral.urgency,
            Referral.found_at,
            Referral.sent_at,
            snd.name,
            rcv.name,
        )
        .select_from(Referral)
        .outerjoin(snd, snd.id == Referral.sender_id)
        .outerjoin(rcv, rcv.id == Referral.receiver_id)
        .where(
            dated_in(lg["referrals"], start, end),
            Referral.status.not_in([R.ARCHIVED, R.WITHDRAWN]),
            *only(rows, Referral),
        )
    )
    for direction, urgency, found_at, sent_at, sender, receiver in found:
        due = deadlines.referral_deadline(found_at, urgency or "normal", cal).due_at
        dept = receiver if direction == Direction.OUTGOING else sender
        yield Step("referrals", None, _depts(dept), due, sent_at)

    yield from _complaint_steps(s, start, end, cal, conf, rows)

    link = info_share_counterparts
    names: dict[int, list[str]] = defaultdict(list)
    for share_id, name in s.execute(
        select(link.c.info_share_id, Organisation.name)
        .join(Organisation, Organisation.id == link.c.organisation_id)
        .join(InfoShare, InfoShare.id == link.c.info_share_id)
        .where(dated_in(lg["info_shares"], start, end), *only(rows, InfoShare))
    ):
        names[share_id].append(name)
    for share_id, formed_on, shared_on in s.execute(
        select(InfoShare.id, InfoShare.formed_on, InfoShare.shared_on).where(
            dated_in(lg["info_shares"], start, end), *only(rows, InfoShare)
        )
    ):
        due = deadlines.end_of_day(formed_on)
        done = deadlines.end_of_day(shared_on) if shared_on else None
        yield Step("info_shares", None, _depts(*names.get(share_id, [])), due, done)

    latest = (
        select(AssistanceExtension.new_deadline_at)
        .where(AssistanceExtension.request_id == AssistanceRequest.id)
        .order_by(AssistanceExtension.id.desc())
        .limit(1)
        .correlate(AssistanceRequest)
        .scalar_subquery()
    )
    dep = org_alias("s_department")
    for requested_on, replied_on, extended, dept in s.execute(
        select(AssistanceRequest.requested_on, AssistanceRequest.replied_on, latest, dep.name)
        .select_from(AssistanceRequest)
        .outerjoin(dep, dep.id == AssistanceRequest.department_id)
        .where(
            dated_in(lg["assistance"], start, end),
            AssistanceRequest.status.not_in([A.DRAFT, A.WITHDRAWN]),
            *only(rows, AssistanceRequest),
        )
    ):
        due = extended or deadlines.assistance_deadline(requested_on, cal).due_at
        done = deadlines.end_of_day(replied_on) if replied_on else None
        yield Step("assistance", None, _depts(dept), due, done)

    police, organ = _police_name(s)
    for decision_at, transferred_at, dept in s.execute(
        select(CriminalTransfer.decision_at, CriminalTransfer.transferred_at, organ)
        .select_from(CriminalTransfer)
        .outerjoin(police, police.id == CriminalTransfer.police_org_id)
        .where(
            dated_in(lg["criminal_transfers"], start, end),
            CriminalTransfer.decision_at.is_not(None),
            CriminalTransfer.status != T.REJECTED,
            *only(rows, CriminalTransfer),
        )
    ):
        if decision_at is None:
            continue
        due = deadlines.criminal_transfer_deadline(decision_at).due_at
        yield Step("criminal_transfers", None, _depts(dept), due, transferred_at)


def compute(
    s: Session, start: date, end: date, as_of: datetime, rows: Rows | None = None
) -> Figures:
    """Every figure of the 统计 sheet for [start, end] (both included), over the
    rows ``rows`` lets through (None: every row)."""
    rows = rows or _all_rows
    fig = Figures(start, end, as_of)
    for key in SUMMARY_LEDGERS:
        ledger = LEDGERS[key]
        m = ledger.model
        mine = only(rows, m)
        fig.new[key] = s.execute(
            select(func.count(m.id)).where(dated_in(ledger, start, end), *mine)
        ).scalar_one()
        fig.carried[key] = s.execute(
            select(func.count(m.id)).where(carried_in(ledger, start, end), *mine)
        ).scalar_one()
        if ledger.status_col and ledger.status_term is not None:
            status = ledger.column(ledger.status_col).expr
            counts: dict[Any, int] = dict(
                s.execute(
                    select(status, func.count(m.id))
                    .where(active_in(ledger, start, end), *mine)
                    .group_by(status)
                ).all()
            )
            fig.by_status[key] = [
                (member.label, int(counts.get(member.value, counts.get(member, 0)) or 0))
                for member in ledger.status_term
            ]
    cal = calendar_service.load(s)
    conf = settings_service.read_all(s)
    for key in TIMED_RULES:
        fig.by_system[key] = Timing()
    fig.by_step["complaints"] = {k: Timing() for k in (VERIFY_STEP, REPLY_STEP, FEEDBACK_STEP)}
    for step in _timed_rows(s, start, end, cal, conf, rows):
        outcome = _outcome(step.due, step.done, as_of)
        fig.by_system[step.key].add(outcome)
        if step.step is not None:
            fig.by_step.setdefault(step.key, {}).setdefault(step.step, Timing()).add(outcome)
        for dept in step.departments:
            fig.by_department.setdefault(dept, {}).setdefault(step.key, Timing()).add(outcome)
    fig.overdue = _overdue(s, end, as_of, rows)
    return fig


def _overdue(s: Session, end: date, as_of: datetime, rows: Rows) -> list[OverdueItem]:
    """Records dated up to the period's end whose running clock was past due at
    ``as_of`` (the export time, or the period's end for a past period)."""
    out: list[OverdueItem] = []
    for key in SUMMARY_LEDGERS:
        ledger = LEDGERS[key]
        m = ledger.model
        when = ledger.column(ledger.date_col).expr
        title = next(c for c in ledger.columns if c.searchable and c.key != "serial")
        stmt = (
            select(m.serial, title.expr, m.deadline_at, m.deadline_what)
            .select_from(m)
            .where(
                when <= _bound(when, end, True),
                m.deadline_at.is_not(None),
                m.deadline_at < as_of,
                *only(rows, m),
            )
            .order_by(m.deadline_at, m.id)
        )
        for target, onclause in ledger.joins:
            stmt = stmt.outerjoin(target, onclause)
        for serial, text, due, what in s.execute(stmt):
            days = max((as_of.date() - due.date()).days, 0)
            out.append(OverdueItem(ledger.label, serial, text or "", due, what or "", days))
    out.sort(key=lambda o: o.deadline_at)
    return out
