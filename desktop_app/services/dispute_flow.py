"""管辖争议: the life of a dispute (seed 三（六）: 与县级职能部门发生执法管辖争议的，
由双方协商解决。协商不成的，提请县级人民政府决定).

negotiating (rounds of negotiation) → agreed (协商一致: who handles it), or, after
at least one round, → escalated (the issued 管辖争议提请决定函) → decided (the
county government's decision and its date).

The transfer the dispute came from follows the agreement or the decision
(:func:`_follow`), in the same transaction and audited on the transfer too:

* an outgoing transfer the department returned —
  the department handles it: the return is overcome and the transfer counts as
  accepted again (已签收; the signature kept, or, if it was returned unsigned,
  the return's time with "按管辖争议…结果"), so the department's 处理结果 is
  recorded next as for any transfer; the return's time and reason stay as history;
  the township handles it: the transfer is withdrawn (已撤回), the reason noted
  ("由本镇管辖查处"); the township then files its own case;
* an incoming transfer the township returned —
  the township handles it: back to 已签收, so the township files the case (立案);
  the department handles it: the return stands (only an audit entry on it).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from desktop_app.domain import deadlines
from desktop_app.domain.terms import AuditAction, Direction, OrgKind, ReferralStatus
from desktop_app.services import audit
from desktop_app.services import referral_common as rc
from desktop_app.services.context import ORG_KEY, RECEIVER_KEY, ServiceContext, UnitOfWork
from desktop_app.services.dispute_forms import (
    RECORD,
    RoundInput,
    S,
    check_round,
    handler_problem,
    load,
    record_change,
    require,
)
from desktop_app.services.errors import RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.info_share_forms import own_units
from desktop_app.services.letter_fields import issued_document
from desktop_app.services.letter_fields.disputes import letter_title
from desktop_app.services.referral_common import after, day
from desktop_app.storage.models import Dispute, NegotiationRound, Organisation, Referral

LETTER = "dispute_request"


def _cn(d: date | datetime | None) -> str:
    return deadlines.cn_date(d) if d is not None else ""


def _name(s: Session, org_id: int | None) -> str:
    org = s.get(Organisation, org_id) if org_id else None
    return org.name if org else ""


def _last_round(d: Dispute) -> date | None:
    return max((r.held_on for r in d.rounds), default=None)


# --- negotiation -----------------------------------------------------------------------------


def add_round(ctx: ServiceContext, dispute_id: int, data: RoundInput) -> int:
    """One round of negotiation (date, who took part, each side's position, outcome);
    only while negotiating. Returns the round's id."""
    with ctx.uow() as uow:
        s = uow.session
        d = load(s, dispute_id)
        require(d, (S.NEGOTIATING,), "登记协商情况")
        c = Checker()
        values = check_round(c, d, data)
        c.raise_if_any()
        row = NegotiationRound(**values)
        d.rounds.append(row)
        uow.flush()
        n = len(d.rounds)
        summary = f"登记第{n}次协商（{_cn(row.held_on)}）"
        if row.outcome:
            summary += f"：{row.outcome}"
        uow.audit(
            AuditAction.UPDATE,
            RECORD,
            d.id,
            f"{d.serial} {summary}",
            after={"round": n, **audit.snapshot(row, skip={"id", "dispute_id"})},
        )
        return row.id


def _settle_problems(s: Session, d: Dispute, c: Checker, handler_id: int | None) -> None:
    why = handler_problem(s, d, handler_id)
    if why:
        c.fail("handler_id", why)


def record_agreement(
    ctx: ServiceContext, dispute_id: int, handler_id: int, agreed_on: date
) -> None:
    """协商一致: the two sides agreed who handles the matter (the township or the
    department). Needs at least one recorded round; the date is not before the last
    round. The linked transfer follows (see the module docstring)."""
    with ctx.uow() as uow:
        s = uow.session
        d = load(s, dispute_id)
        require(d, (S.NEGOTIATING,), "登记协商一致")
        if not d.rounds:
            raise RuleViolation(
                f"管辖争议 {d.serial} 还没有协商记录。"
                "请先登记协商情况（时间、参加人员、双方意见），再登记协商一致。"
            )
        c = Checker()
        on = day(c, "agreed_on", agreed_on, "协商一致日期")
        after(c, "agreed_on", _last_round(d), on, "held_on", "agreed_on")
        _settle_problems(s, d, c, handler_id)
        c.raise_if_any()
        assert on is not None
        before = audit.snapshot(d)
        d.status, d.agreed_handler_id, d.agreed_on = S.AGREED, handler_id, on
        who = _name(s, handler_id)
        record_change(uow, d, before, f"协商一致，由{who}负责查处（{_cn(on)}）")
        _follow(uow, d, handler_id, on, f"管辖争议 {d.serial} 协商一致")


# --- escalation and decision ---------------------------------------------------------------


def escalate(ctx: ServiceContext, dispute_id: int, escalated_on: date) -> None:
    """协商不成，提请县人民政府决定: after at least one round, with the issued
    管辖争议提请决定函 (about the dispute's current matter, issued after the last
    round so it tells every round). No period is fixed for the decision: the record
    shows "等待县人民政府决定" with no due date."""
    with ctx.uow() as uow:
        s = uow.session
        d = load(s, dispute_id)
        require(d, (S.NEGOTIATING,), "提请县人民政府决定")
        if not d.rounds:
            raise RuleViolation(
                f"管辖争议 {d.serial} 还没有协商记录。"
                "按照争议协调制度，管辖争议应先由双方协商解决，"
                "协商不成的，方可提请县人民政府决定。请先登记协商情况。"
            )
        doc = issued_document(s, RECORD, d.id, LETTER)
        if doc is None:
            raise RuleViolation(
                f"管辖争议 {d.serial} 还没有出具管辖争议提请决定函（或已出具的已作废）。"
                "请先在“文书”中出具提请决定函，再登记提请。"
            )
        last = _last_round(d)
        if doc.title != letter_title(d) or (last is not None and doc.issued_on < last):
            raise RuleViolation(
                f"已出具的提请决定函（{doc.number or doc.title}）与管辖争议 {d.serial} 现在的"
                "争议事项或协商情况不一致（出具后又作了修改或登记了新的协商）。请作废该函、"
                "重新出具后，再登记提请。"
            )
        c = Checker()
        on = day(c, "escalated_on", escalated_on, "提请县人民政府决定日期")
        if on is not None and "escalated_on" not in c.problems and on < doc.issued_on:
            c.fail(
                "escalated_on",
                f"「提请县人民政府决定日期」不能早于提请决定函的成文日期（{doc.issued_on:%Y-%m-%d}）",
            )
        c.raise_if_any()
        assert on is not None
        before = audit.snapshot(d)
        d.status, d.escalated_on = S.ESCALATED, on
        record_change(
            uow,
            d,
            before,
            f"协商不成，提请县人民政府决定（{doc.number or '提请决定函'}，{_cn(on)}）",
        )


def record_decision(
    ctx: ServiceContext, dispute_id: int, decided_on: date, handler_id: int, decision_text: str
) -> None:
    """县人民政府决定: who handles the matter, the decision's text and date (not
    before the request). The linked transfer follows, as for an agreement."""
    with ctx.uow() as uow:
        s = uow.session
        d = load(s, dispute_id)
        require(d, (S.ESCALATED,), "登记县人民政府决定")
        _as_deciding_government(uow, d)
        c = Checker()
        on = day(c, "decided_on", decided_on, "决定日期")
        after(c, "decided_on", d.escalated_on, on, "escalated_on", "decided_on")
        text = c.text("decision_text", decision_text, "县人民政府决定", 5000, required=True)
        _settle_problems(s, d, c, handler_id)
        c.raise_if_any()
        assert on is not None
        before = audit.snapshot(d)
        d.status, d.decided_on, d.decided_handler_id, d.decision = S.DECIDED, on, handler_id, text
        who = _name(s, handler_id)
        record_change(uow, d, before, f"县人民政府决定由{who}负责查处（{_cn(on)}）")
        _follow(uow, d, handler_id, on, f"管辖争议 {d.serial} 县人民政府决定")


def _as_deciding_government(uow: UnitOfWork, d: Dispute) -> None:
    """On a shared server the county government records its own decision in the
    township's ledger (the dispute and the transfer it came from); the rules
    that follow (whose units handle it) are then the township's."""
    ctx = uow.ctx
    if ctx.org_kind != OrgKind.COUNTY_GOVERNMENT.value or d.owner_org_id in (None, ctx.org_id):
        return
    allowed = uow.session.info.setdefault(RECEIVER_KEY, set())
    allowed.add((d.__tablename__, d.id))
    if d.referral_id is not None:
        allowed.add((Referral.__tablename__, d.referral_id))
    uow.session.info[ORG_KEY] = d.owner_org_id


# --- the transfer follows ------------------------------------------------------------------


def _follow(uow: UnitOfWork, d: Dispute, handler_id: int, on: date, why: str) -> None:
    """Apply the agreement or decision to the dispute's transfer (module docstring)."""
    if d.referral_id is None:
        return
    s = uow.session
    r = s.get(Referral, d.referral_id)
    if r is None:
        return
    if r.status != ReferralStatus.RETURNED:
        raise RuleViolation(
            f"管辖争议 {d.serial} 所涉的案件移送 {r.serial} 当前状态为"
            f"「{ReferralStatus.label_of(r.status)}」，不再是「已退回」，无法按争议结果处理。"
        )
    township = handler_id in own_units(s)
    who = _name(s, handler_id)
    before = audit.snapshot(r)
    if r.direction == Direction.OUTGOING and not township:
        r.status = ReferralStatus.SIGNED
        if r.signed_at is None:  # returned unsigned: it was in the department's hands then
            r.signed_at = r.returned_at
            r.signed_by = f"按管辖争议{d.serial}结果"[:40]
        summary = f"{why}，由{who}负责查处：移送恢复为已签收，待其反馈处理结果"
    elif r.direction == Direction.OUTGOING:
        r.status = ReferralStatus.WITHDRAWN
        r.deadline_at, r.deadline_what = None, None
        r.note = ((r.note + "\n") if r.note else "") + f"撤回理由：{why}，由本镇管辖查处"
        summary = f"{why}，由本镇管辖查处：撤回移送"
    elif township:
        r.status = ReferralStatus.SIGNED
        summary = f"{why}，由本镇管辖查处：移送恢复为已签收，由本镇立案查处"
    else:
        summary = f"{why}，由{who}负责查处：维持退回"
    rc.record_change(uow, r, before, summary, AuditAction.STATUS)
