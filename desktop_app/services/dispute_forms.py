"""管辖争议 (seed 三（六）): the forms (a dispute, a negotiation round), their checks,
and what the dispute use cases share — loading, the status guard, the clock, audit.

The other party is a county-level functional department (县级职能部门) that may act
in its own name; the township and its own units cannot be "the other side". A
dispute may come from a transfer that was sent back (退回): the transfer is then
kept on the dispute (``referral_id``) and follows the agreement or the county
government's decision (:mod:`dispute_flow`).

No period is fixed for the negotiation (the seed sets none, and there is no
setting for one), so no clock runs while negotiating; once the county government
has been asked, the record shows "等待县人民政府决定" without a due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.terms import (
    AuditAction,
    Direction,
    DisputeStatus,
    OrgKind,
    RecordType,
    ReferralStatus,
)
from desktop_app.services import audit
from desktop_app.services.assistance_common import LINK_MODELS
from desktop_app.services.context import ServiceContext, UnitOfWork
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.info_share_forms import own_units
from desktop_app.services.organisations import may_act_in_own_name
from desktop_app.services.referral_common import DEPARTMENT_KINDS, after, day
from desktop_app.storage.models import Dispute, Organisation, Referral

RECORD = RecordType.DISPUTE
S = DisputeStatus
SEED = "机制 三（六）"
MATTER_MAX = 300
WAITING = "等待县人民政府决定"


@dataclass
class DisputeInput:
    department_id: int | None
    matter: str
    opened_on: date | None
    referral_id: int | None = None
    linked_type: str | None = None  # a RecordType code: case / referral / complaint
    linked_id: int | None = None
    note: str | None = None


@dataclass
class RoundInput:
    held_on: date | None
    people: str | None
    positions: str | None
    outcome: str | None = None


# --- loading, status, clock, audit -----------------------------------------------------------


def load(session: Session, dispute_id: int) -> Dispute:
    d = session.get(Dispute, dispute_id)
    if d is None:
        raise NotFound(f"管辖争议记录 {dispute_id} 不存在或已被删除。")
    return d


def require(d: Dispute, statuses: Iterable[DisputeStatus], action: str) -> None:
    statuses = tuple(statuses)
    if d.status not in statuses:
        allowed = "、".join(f"「{s.label}」" for s in statuses)
        raise RuleViolation(
            f"管辖争议 {d.serial} 当前状态为「{S.label_of(d.status)}」，不能{action}"
            f"（只有{allowed}状态可以）。"
        )


def clock_of(d: Dispute) -> tuple[None, str | None]:
    """No period runs while negotiating (none is fixed); once escalated the record
    says it waits for the county government, without a due date."""
    return None, (WAITING if d.status == S.ESCALATED else None)


def record_change(
    uow: UnitOfWork,
    d: Dispute,
    before: dict[str, Any],
    summary: str,
    action: AuditAction = AuditAction.STATUS,
) -> None:
    """Keep the clock current and write one audit entry with before and after."""
    d.deadline_at, d.deadline_what = clock_of(d)
    uow.flush()
    b, a = audit.diff(before, audit.snapshot(d))
    uow.audit(action, RECORD, d.id, f"{d.serial} {summary}", before=b, after=a)


# --- the other party ------------------------------------------------------------------------


def department_problem(
    session: Session, org: Organisation | None, kept: bool = False
) -> str | None:
    """Why ``org`` cannot be the other party of a jurisdiction dispute, or None.
    ``kept``: already the dispute's department (one deactivated since stays on it)."""
    if org is None:
        return "所选部门不存在，请重新选择。"
    if org.id in own_units(session):
        return (
            f"「{org.name}」是本乡镇或其内设机构。管辖争议是本镇与县级职能部门之间的争议"
            f"（{SEED}），请选择县级职能部门。"
        )
    if not org.active and not kept:
        return f"「{org.name}」已停用，不能作为争议部门。"
    if org.kind not in DEPARTMENT_KINDS:
        return (
            f"管辖争议的另一方应为县级职能部门（{SEED}），「{org.name}」是"
            f"{OrgKind.label_of(org.kind)}，不能作为争议部门。"
        )
    ok, _ = may_act_in_own_name(org)
    if ok:
        return None
    return (
        f"「{org.name}」不能以自己的名义执法（内设机构、直属机构、派出机构，法律、法规、"
        "规章明确规定的除外），不能作为管辖争议的一方，请选择其所属的县级职能部门。"
    )


def handler_problem(session: Session, d: Dispute, handler_id: int | None) -> str | None:
    """The handler of an agreement or decision is the township (or one of its own
    units) or the dispute's department — the two parties."""
    if handler_id is None:
        return "请选择负责查处的单位（本乡镇或争议部门）"
    if handler_id == d.department_id or handler_id in own_units(session):
        return None
    org = session.get(Organisation, handler_id)
    name = f"「{org.name}」" if org else "所选单位"
    dept = department_name(session, d)
    return f"{name}不是争议的一方。负责查处的单位应为本乡镇或争议部门（{dept}）。"


def department_name(session: Session, d: Dispute) -> str:
    org = session.get(Organisation, d.department_id)
    return org.name if org else "争议部门"


# --- the transfer the dispute comes from ---------------------------------------------------


def other_side(r: Referral) -> int:
    """The department on the other side of a transfer."""
    return r.receiver_id if r.direction == Direction.OUTGOING else r.sender_id


def referral_dispute(
    session: Session, referral_id: int, exclude: int | None = None
) -> Dispute | None:
    stmt = select(Dispute).where(Dispute.referral_id == referral_id).order_by(Dispute.id)
    if exclude is not None:
        stmt = stmt.where(Dispute.id != exclude)
    return session.execute(stmt).scalars().first()


def referral_problem(
    session: Session, r: Referral | None, exclude: int | None = None, kept: bool = False
) -> str | None:
    """Why a dispute cannot be opened over transfer ``r``, or None. ``kept``: the
    transfer is already this dispute's (its status is then whatever it is)."""
    if r is None:
        return "所选案件移送记录不存在或已被删除，请重新选择。"
    if r.pre_transfer:
        return f"案件移送 {r.serial} 是划转前案件（登记备查），不能提出管辖争议。"
    if r.status != ReferralStatus.RETURNED and not kept:
        return (
            f"案件移送 {r.serial} 当前状态为「{ReferralStatus.label_of(r.status)}」。"
            "只有被退回的案件移送才能提出管辖争议。"
        )
    other = referral_dispute(session, r.id, exclude)
    if other is not None:
        how = (
            "正在处理中"
            if other.status in (S.NEGOTIATING, S.ESCALATED)
            else f"已「{S.label_of(other.status)}」"
        )
        return f"案件移送 {r.serial} 已有管辖争议 {other.serial}（{how}），不能重复提出。"
    return None


# --- the form --------------------------------------------------------------------------------


def _link(c: Checker, session: Session, kind: str | None, linked_id: int | None) -> None:
    if not kind and linked_id is None:
        return
    if not kind:
        c.fail("linked_type", "请选择关联记录所在的台账（立案案件、案件移送或投诉举报）")
        return
    model = LINK_MODELS.get(kind)
    if model is None:
        c.fail(
            "linked_type",
            f"关联记录只能是立案案件、案件移送或投诉举报，不能是「{RecordType.label_of(kind)}」",
        )
    elif linked_id is None:
        c.fail("linked_id", f"请选择关联的{RecordType.label_of(kind)}记录")
    elif not isinstance(linked_id, int) or session.get(model, linked_id) is None:
        c.fail("linked_id", f"所选{RecordType.label_of(kind)}记录不存在或已被删除，请重新选择。")


def check_dispute(
    session: Session, data: DisputeInput, current: Dispute | None = None
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(values, field problems, rule problems) of a dispute form. ``current``: the
    dispute being edited (its department and transfer may stay as they are).

    A transfer picked as the linked record is the dispute's transfer; a transfer
    given as ``referral_id`` with no other link is also its linked record.
    """
    c = Checker()
    rules: dict[str, str] = {}
    kind = (data.linked_type or "").strip() or None
    linked_id = data.linked_id if kind else None
    referral_id = data.referral_id
    if kind == RecordType.REFERRAL.value and linked_id is not None:
        if referral_id is not None and referral_id != linked_id:
            c.fail("linked_id", "关联的案件移送与争议所涉的案件移送不一致，请重新选择。")
        referral_id = linked_id
    _link(c, session, kind, data.linked_id if kind else None)
    if referral_id is not None and kind is None:
        kind, linked_id = RecordType.REFERRAL.value, referral_id

    dept_id = data.department_id
    if dept_id is None:
        c.fail("department_id", "请选择争议的县级职能部门")
    else:
        org = session.get(Organisation, dept_id)
        kept = current is not None and current.department_id == dept_id
        why = department_problem(session, org, kept)
        if why:
            rules["department_id"] = why
    opened = day(c, "opened_on", data.opened_on, "争议发生日期")
    if referral_id is not None:
        r = session.get(Referral, referral_id)
        kept = current is not None and current.referral_id == referral_id
        why = referral_problem(session, r, current.id if current else None, kept)
        if why:
            rules["referral_id"] = why
        elif r is not None:
            if dept_id is not None and dept_id != other_side(r):
                other = session.get(Organisation, other_side(r))
                rules["department_id"] = (
                    f"案件移送 {r.serial} 的另一方是「{other.name if other else ''}」，"
                    "争议部门应与之一致。"
                )
            if opened is not None and r.returned_at is not None:
                after(c, "opened_on", r.returned_at.date(), opened, "returned_at", "opened_on")
    if (
        current is not None
        and current.rounds
        and opened is not None
        and "opened_on" not in c.problems
    ):
        first = min(x.held_on for x in current.rounds)
        if opened > first:
            c.fail(
                "opened_on",
                f"「争议发生日期」不能晚于第一次协商的日期（{first:%Y-%m-%d}）",
            )
    values: dict[str, Any] = {
        "department_id": dept_id,
        "matter": c.text("matter", data.matter, "争议事项", MATTER_MAX, required=True),
        "opened_on": opened,
        "referral_id": referral_id,
        "linked_type": kind,
        "linked_id": linked_id,
        "note": c.text("note", data.note, "备注", 2000),
    }
    return values, c.problems, rules


def validate_dispute(ctx: ServiceContext, data: DisputeInput) -> dict[str, str]:
    """Every problem of a new dispute's form, keyed by field name (the dataclass's)."""
    with ctx.read() as s:
        _, problems, rules = check_dispute(s, data)
    return {**rules, **problems}


def check_round(c: Checker, d: Dispute, data: RoundInput) -> dict[str, Any]:
    """A negotiation round: held on or after the dispute opened, not in the future
    (a round forgotten earlier may be entered later; rounds list by date); who
    took part and each side's position are required."""
    held = day(c, "held_on", data.held_on, "协商日期")
    after(c, "held_on", d.opened_on, held, "opened_on", "held_on")
    return {
        "held_on": held,
        "people": c.text("people", data.people, "参加人员", 1000, required=True),
        "positions": c.text("positions", data.positions, "双方意见", 5000, required=True),
        "outcome": c.text("outcome", data.outcome, "协商结果", 2000),
    }
