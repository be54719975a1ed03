"""争议协调制度 (seed 三（六）): 与县级职能部门发生执法管辖争议的，由双方协商解决。
协商不成的，提请县级人民政府决定.

The use cases the GUI and the headless commands share:

* the dispute: :func:`validate_dispute` while the form is filled,
  :func:`open_dispute` (协商中, with its 台账编号), :func:`open_from_referral`
  (from a transfer sent back, 退回), :func:`update` and :func:`load_input`
  while negotiating;
* its life (:mod:`dispute_flow`): :func:`add_round` (negotiation rounds),
  :func:`record_agreement` (协商一致: who handles it), :func:`escalate` with the
  issued 管辖争议提请决定函, :func:`record_decision` (县人民政府决定); the
  transfer the dispute came from follows the agreement or the decision;
* :func:`get`, :func:`history`, :func:`allowed_actions`.

Split for size, everything re-exported here (the one module callers import):
:mod:`dispute_forms` (the forms, their checks, the shared helpers) and
:mod:`dispute_flow` (the life of a dispute).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import selectinload

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, OrgKind
from desktop_app.services import audit, scope
from desktop_app.services import referral_common as rc
from desktop_app.services.context import ServiceContext, check_version
from desktop_app.services.dispute_flow import add_round, escalate, record_agreement, record_decision
from desktop_app.services.dispute_forms import (
    RECORD,
    DisputeInput,
    RoundInput,
    S,
    check_dispute,
    clock_of,
    load,
    other_side,
    record_change,
    referral_problem,
    require,
    validate_dispute,
)
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.services.record_history import HistoryRow, record_history
from desktop_app.services.referral_forms import raise_problems
from desktop_app.services.serials import next_serial
from desktop_app.storage.models import Dispute, Referral

__all__ = [
    "ACTIONS",
    "DisputeInput",
    "HistoryRow",
    "RoundInput",
    "add_round",
    "allowed_actions",
    "escalate",
    "get",
    "history",
    "load_input",
    "open_dispute",
    "open_from_referral",
    "record_agreement",
    "record_decision",
    "update",
    "validate_dispute",
]

ACTIONS = frozenset({"edit", "round", "agree", "escalate", "decide"})


# --- opening and editing ------------------------------------------------------------------


def open_dispute(ctx: ServiceContext, data: DisputeInput) -> int:
    """A new dispute (协商中) with its 台账编号. A transfer given must be one that was
    sent back (退回), with no dispute yet, and the department its other side."""
    with ctx.uow() as uow:
        s = uow.session
        values, problems, rules = check_dispute(s, data)
        raise_problems(problems, rules)
        d = Dispute(
            serial=next_serial(s, Dispute, values["opened_on"].year),
            status=S.NEGOTIATING,
            created_by_id=ctx.operator_id,
            **values,
        )
        d.deadline_at, d.deadline_what = clock_of(d)
        s.add(d)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            d.id,
            f"{d.serial} 新增管辖争议：{d.matter}",
            after=audit.snapshot(d),
        )
        r = s.get(Referral, d.referral_id) if d.referral_id else None
        if r is not None:
            uow.audit(
                AuditAction.UPDATE,
                rc.RECORD,
                r.id,
                f"{r.serial} 提出管辖争议 {d.serial}",
                after={"dispute_id": d.id, "dispute_serial": d.serial},
            )
        return d.id


def open_from_referral(ctx: ServiceContext, referral_id: int, opened_on: date | None = None) -> int:
    """A dispute over a transfer sent back (退回): the department is the other side of
    the transfer (for an outgoing one, the receiver who returned it), the matter the
    transfer's, the day today unless given. Refused unless the transfer is returned
    and has no dispute yet."""
    with ctx.read() as s:
        r = rc.load(s, referral_id)
        why = referral_problem(s, r)
        if why:
            raise RuleViolation(why)
        data = DisputeInput(
            department_id=other_side(r),
            matter=r.matter,
            opened_on=opened_on or clock.today(),
            referral_id=r.id,
            note=f"案件移送 {r.serial} 被退回（{r.return_reason or '未填写理由'}），发生管辖争议。",
        )
    return open_dispute(ctx, data)


def update(
    ctx: ServiceContext, dispute_id: int, data: DisputeInput, expected_version: int | None = None
) -> None:
    """Edit a dispute while it is negotiated (its transfer, if any, may be kept or
    changed for another returned one; the day stays on or before the first round)."""
    with ctx.uow() as uow:
        s = uow.session
        d = load(s, dispute_id)
        require(d, (S.NEGOTIATING,), "修改")
        check_version(d, expected_version)
        values, problems, rules = check_dispute(s, data, current=d)
        raise_problems(problems, rules)
        before = audit.snapshot(d)
        for key, value in values.items():
            setattr(d, key, value)
        uow.flush()
        if audit.diff(before, audit.snapshot(d))[1]:
            record_change(uow, d, before, "修改", AuditAction.UPDATE)


# --- reading ----------------------------------------------------------------------------------


def get(ctx: ServiceContext, dispute_id: int) -> Dispute:
    """The dispute with its department and rounds loaded (usable after the read)."""
    with ctx.read() as s:
        d = scope.get_visible(
            s,
            Dispute,
            dispute_id,
            ctx,
            options=[selectinload(Dispute.rounds), selectinload(Dispute.department)],
        )
        if d is None:
            raise NotFound(_missing(dispute_id))
        return d


def _missing(dispute_id: int) -> str:
    return f"管辖争议记录 {dispute_id} 不存在或已被删除。"


def load_input(ctx: ServiceContext, dispute_id: int) -> tuple[DisputeInput, int]:
    """A stored dispute as the form, with the version to pass back to :func:`update`."""
    d = get(ctx, dispute_id)
    data = DisputeInput(
        department_id=d.department_id,
        matter=d.matter,
        opened_on=d.opened_on,
        referral_id=d.referral_id,
        linked_type=d.linked_type,
        linked_id=d.linked_id,
        note=d.note,
    )
    return data, d.version


def history(ctx: ServiceContext, dispute_id: int) -> list[HistoryRow]:
    """The record's audit entries (and its letters'), oldest first."""
    with ctx.read() as s:
        load(s, dispute_id)
        scope.require_visible(s, Dispute, dispute_id, ctx, _missing(dispute_id))
        return record_history(s, RECORD, Dispute, dispute_id)


def allowed_actions(ctx: ServiceContext, dispute_id: int) -> set[str]:
    """The actions that apply now, a subset of :data:`ACTIONS` (the GUI's buttons).
    "escalate" needs a recorded round (协商不成); the issued letter is checked when
    it runs."""
    with ctx.read() as s:
        d = load(s, dispute_id)
        scope.require_visible(s, Dispute, dispute_id, ctx, _missing(dispute_id))
        government = ctx.org_kind == OrgKind.COUNTY_GOVERNMENT.value
        decider = scope.receiver_only(ctx, d, ctx.org_id if government else None)
        if decider is not None:  # another organisation's dispute: the government decides
            return {"decide"} if decider and d.status == S.ESCALATED else set()
        if d.status == S.NEGOTIATING:
            acts = {"edit", "round"}
            if d.rounds:
                acts |= {"agree", "escalate"}
            return acts
        if d.status == S.ESCALATED:
            return {"decide"}
        return set()
