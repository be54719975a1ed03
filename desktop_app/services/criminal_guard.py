"""不得以罚代刑 (seed 三（七）): a record flagged as a suspected crime is not closed
with an administrative penalty alone unless a transfer exists and its outcome
allows it, or an audited override was recorded.

A record is *flagged* when a criminal transfer points at it — directly (its
source), through its case (``case_id``), or, for a case, through the referral
or complaint the case was filed from — or when the case is marked
``suspected_crime``. Then a penalty alone is allowed only when

* every transfer of it allows it:
  - REJECTED: the head decided not to transfer, with the reason recorded (310号令
    art. 5; the procuratorate supervises that decision, art. 14);
  - NOT_FILED: the police decided not to file, and no 复议 is pending — either the
    复议 was decided (upheld) or the 3-日 window to ask for one has passed;
  - CLOSED after a rejection or after 不予立案;
  - never while the transfer is under way (flagged, reported, approved,
    transferred, 复议 pending) nor once the police filed the case (the criminal
    case takes over: closing it with a penalty would be exactly 以罚代刑);
* or an override was recorded (:func:`override_penalty_guard`): a reason and a
  second officer other than the operator, kept on the case (``override_*``)
  and on the transfers, and written to the audit trail.

Every service that closes a record with a penalty calls
:func:`check_penalty_allowed` inside its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, PoliceDecision, RecordType
from desktop_app.services import audit
from desktop_app.services import calendar as calendar_service
from desktop_app.services.context import ServiceContext
from desktop_app.services.criminal_common import (
    RECORD,
    SOURCE_LABELS,
    SOURCE_MODELS,
    S,
    reconsideration_due,
    source_case,
    source_record,
    source_serial,
    working_days,
)
from desktop_app.services.errors import InvalidInput, NotFound, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.storage.models import (
    Complaint,
    CriminalTransfer,
    EnforcementCase,
    Referral,
    Staff,
)

GUARD = "不得以罚代刑，机制 三（七）"


@dataclass(frozen=True)
class FlaggedRow:
    transfer_id: int | None  # None: a case marked 涉嫌犯罪 with no transfer registered
    serial: str  # the transfer's 台账编号 (or the case's)
    source_type: str
    source_id: int | None
    source_serial: str
    title: str
    status: str | None
    status_label: str
    deadline_at: datetime | None
    deadline_what: str | None
    overdue: bool
    penalty_allowed: bool
    override_reason: str | None


def related_transfers(session: Session, source_type: str, source_id: int) -> list[CriminalTransfer]:
    """Every transfer of the record: its own, its case's, and — for a case — those of
    the referral or complaint it was filed from."""
    conds: list[Any] = [
        (CriminalTransfer.source_type == source_type) & (CriminalTransfer.source_id == source_id)
    ]
    case = source_case(session, source_type, source_id)
    if case is not None:
        conds.append(CriminalTransfer.case_id == case.id)
        conds.append(
            (CriminalTransfer.source_type == RecordType.CASE.value)
            & (CriminalTransfer.source_id == case.id)
        )
        for model, kind in ((Referral, RecordType.REFERRAL), (Complaint, RecordType.COMPLAINT)):
            ids = list(session.execute(select(model.id).where(model.case_id == case.id)).scalars())
            if ids:
                conds.append(
                    (CriminalTransfer.source_type == kind.value)
                    & CriminalTransfer.source_id.in_(ids)
                )
    return list(
        session.execute(
            select(CriminalTransfer).where(or_(*conds)).order_by(CriminalTransfer.id)
        ).scalars()
    )


def transfer_blocks(session: Session, t: CriminalTransfer) -> str | None:
    """Why this transfer does not (yet) allow a penalty alone, or None."""
    if t.override_reason:
        return None
    st = t.status
    if st == S.REJECTED or (st == S.CLOSED and t.approved is False):
        return None
    not_filed = t.police_decision == PoliceDecision.NOT_FILED
    if st == S.CLOSED and not_filed:
        return None
    if st == S.NOT_FILED:
        if t.reconsideration_result or t.reconsideration_at is not None:
            return None
        due = reconsideration_due(t, calendar_service.load(session), working_days(session))
        if due is None or clock.now() > due:
            return None
        return (
            f"行刑衔接 {t.serial} 公安机关决定不予立案，提请复议的期限（{due:%Y-%m-%d}）"
            "尚未届满，复议后再作处理"
        )
    if st == S.FILED or (st == S.CLOSED and t.police_decision == PoliceDecision.FILED):
        return f"行刑衔接 {t.serial} 公安机关已立案，应移送司法机关处理，不能仅作出行政处罚"
    return f"行刑衔接 {t.serial} 正在办理（{S.label_of(st)}）"


def penalty_problem(session: Session, source_type: str, source_id: int) -> str | None:
    """Why the record may not be closed with a penalty alone, or None."""
    case = source_case(session, source_type, source_id)
    if case is not None and case.override_reason:
        return None
    transfers = related_transfers(session, source_type, source_id)
    if not transfers:
        if case is not None and case.suspected_crime:
            return (
                f"案件 {case.case_number or case.serial} 已标记为涉嫌犯罪，但还没有登记行刑衔接；"
                "请按国务院令第310号移送公安机关"
            )
        return None
    reasons = [r for r in (transfer_blocks(session, t) for t in transfers) if r]
    return "；".join(reasons) or None


def check_penalty_allowed(session: Session, source_type: str, source_id: int) -> None:
    """Raise :class:`RuleViolation` when a penalty alone would be 以罚代刑."""
    problem = penalty_problem(session, source_type, source_id)
    if problem:
        raise RuleViolation(
            f"该记录涉嫌犯罪，不能仅作出行政处罚结案（{GUARD}）：{problem}。"
            "确需特别处理的，请由两名人员登记特别处理理由。"
        )


def is_flagged(session: Session, source_type: str, source_id: int) -> bool:
    case = source_case(session, source_type, source_id)
    return bool(related_transfers(session, source_type, source_id)) or bool(
        case is not None and case.suspected_crime
    )


def override_penalty_guard(
    ctx: ServiceContext,
    source_type: str,
    source_id: int,
    reason: str,
    second_officer_id: int,
) -> None:
    """特别处理: a flagged record may be closed with a penalty after all — with a
    reason and a second officer other than the operator; kept on the case and the
    transfers, written to the audit trail."""
    c = Checker()
    text = c.text("reason", reason, "特别处理理由", 2000, required=True)
    if source_type not in SOURCE_MODELS:
        c.fail("source_type", "来源台账无效")
    c.raise_if_any()
    with ctx.uow() as uow:
        s = uow.session
        found = source_record(s, source_type, source_id)
        if found is None:
            raise NotFound(f"{SOURCE_LABELS[source_type]}记录 {source_id} 不存在或已被删除。")
        second = s.get(Staff, second_officer_id) if second_officer_id is not None else None
        if second is None or not second.active:
            raise InvalidInput({"second_officer_id": "请选择在职的第二名人员（复核人）"})
        if second.id == ctx.operator_id or (
            ctx.operator_name is not None and second.name == ctx.operator_name
        ):
            raise InvalidInput({"second_officer_id": "复核人应为操作人以外的另一名人员"})
        if not is_flagged(s, source_type, source_id):
            raise RuleViolation("该记录未被标记为涉嫌犯罪，无需特别处理。")
        now = clock.now().replace(microsecond=0)
        case = source_case(s, source_type, source_id)
        targets: list[Any] = list(related_transfers(s, source_type, source_id))
        if case is not None:
            targets.append(case)
        label = f"{SOURCE_LABELS[source_type]} {found.serial}"
        for obj in targets:
            before = audit.snapshot(obj)
            obj.override_reason, obj.override_by_id, obj.override_at = text, second.id, now
            uow.flush()
            b, a = audit.diff(before, audit.snapshot(obj))
            kind = RECORD if isinstance(obj, CriminalTransfer) else RecordType.CASE
            uow.audit(
                AuditAction.UPDATE,
                kind,
                obj.id,
                f"{obj.serial} 以罚代刑特别处理（{label}，复核人：{second.name}）：{text}",
                before=b,
                after=a,
            )


def flagged_report(ctx: ServiceContext) -> list[FlaggedRow]:
    """Every transfer, and every case marked 涉嫌犯罪 without one: where it stands."""
    now = clock.now()
    rows: list[FlaggedRow] = []
    with ctx.read() as s:
        transfers = list(
            s.execute(select(CriminalTransfer).order_by(CriminalTransfer.id)).scalars()
        )
        covered: set[int] = set()
        for t in transfers:
            if t.case_id:
                covered.add(t.case_id)
            if t.source_type == RecordType.CASE.value and t.source_id:
                covered.add(t.source_id)
            rows.append(
                FlaggedRow(
                    t.id,
                    t.serial,
                    t.source_type or "",
                    t.source_id,
                    source_serial(s, t),
                    t.title,
                    S(t.status).value,
                    S.label_of(t.status),
                    t.deadline_at,
                    t.deadline_what,
                    t.deadline_at is not None and t.deadline_at < now,
                    transfer_blocks(s, t) is None,
                    t.override_reason,
                )
            )
        cases = s.execute(
            select(EnforcementCase)
            .where(EnforcementCase.suspected_crime.is_(True))
            .order_by(EnforcementCase.id)
        ).scalars()
        for case in cases:
            if case.id in covered:
                continue
            rows.append(
                FlaggedRow(
                    None,
                    case.serial,
                    RecordType.CASE.value,
                    case.id,
                    f"{case.serial}（{case.case_number}）" if case.case_number else case.serial,
                    case.title,
                    None,
                    "已标记涉嫌犯罪，未登记行刑衔接",
                    None,
                    None,
                    False,
                    bool(case.override_reason),
                    case.override_reason,
                )
            )
    return rows
