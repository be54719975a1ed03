"""投诉举报: the complainant's confidentiality (举报人信息保密), the history and
the actions that apply.

The identity lives in its own table and is read only here: masked for
everyone (王*, 138****0000, 1101**********123X), in full only for the
staff member who took the complaint (首问责任人) and staff flagged
``sees_complainants`` — and every full view, or refused attempt, is written
to the audit trail naming the complaint and the purpose, never the person.

Stored encrypted (services/identity.py): a context without the data key sees
:data:`identity.PLACEHOLDER` where the masked name would be, and is told to
log in (:class:`identity.LoginRequired`) where the full identity is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop_app.domain.terms import (
    AuditAction,
    CaseStatus,
    ComplaintOutcome,
    ComplaintStatus,
)
from desktop_app.domain.validators import mask_id_number, mask_name, mask_phone
from desktop_app.services import identity, scope
from desktop_app.services.complaint_common import RECORD, Secrets, load, scrub
from desktop_app.services.complaint_flow import outcome_locked
from desktop_app.services.complaint_forms import ComplainantInput, ComplaintInput
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import RuleViolation
from desktop_app.services.record_history import HistoryRow, record_history
from desktop_app.services.referral_forms import PartyInput
from desktop_app.storage.models import (
    Complaint,
    EnforcementCase,
    Staff,
)

S = ComplaintStatus
O = ComplaintOutcome  # noqa: E741


@dataclass(frozen=True)
class ComplainantView:
    name: str
    phone: str
    id_number: str
    address: str
    anonymous: bool
    masked: bool


def mask_address(address: str | None) -> str:
    """赵八村12号 → 赵八****: the first two characters only."""
    s = (address or "").strip()
    if not s:
        return ""
    return s[:2] + "****" if len(s) > 2 else "*" * len(s)


def _may_see(s: Session, ctx: ServiceContext, c: Complaint) -> bool:
    if ctx.operator_id is None:
        return False
    if c.first_contact_id == ctx.operator_id:
        return True
    person = s.get(Staff, ctx.operator_id)
    return bool(person is not None and person.active and person.sees_complainants)


def may_see_complainant(s: Session, ctx: ServiceContext, complaint_id: int) -> bool:
    """For other services (letters) inside their own session."""
    return _may_see(s, ctx, load(s, complaint_id))


def names_complainant(s: Session, complaint_id: int | None) -> bool:
    """The complaint has a named complainant (not anonymous)."""
    c = s.get(Complaint, complaint_id) if complaint_id is not None else None
    return bool(c is not None and not c.anonymous and c.complainant is not None)


def can_see_complainant(ctx: ServiceContext, complaint_id: int) -> bool:
    """The operator took the complaint (首问责任人) or may see complainants (staff flag)."""
    with ctx.read() as s:
        return _may_see(s, ctx, load(s, complaint_id))


def _view(c: Complaint, masked: bool) -> ComplainantView:
    if c.anonymous or c.complainant is None:
        return ComplainantView("", "", "", "", anonymous=bool(c.anonymous), masked=False)
    # a list never fails (what cannot be opened shows as locked); the full view does
    opener = identity.open_person if masked else identity.require_person
    p = opener(c.complainant)
    assert p is not None
    if p.locked:
        return ComplainantView(identity.PLACEHOLDER, "", "", "", anonymous=False, masked=True)
    if not masked:
        return ComplainantView(
            p.name or "", p.phone or "", p.id_number or "", p.address or "", False, False
        )
    return ComplainantView(
        mask_name(p.name),
        mask_phone(p.phone),
        mask_id_number(p.id_number),
        mask_address(p.address),
        anonymous=False,
        masked=True,
    )


def complainant_masked(ctx: ServiceContext, complaint_id: int) -> ComplainantView:
    """What every list and detail view shows (nothing to audit)."""
    with ctx.read() as s:
        return _view(load(s, complaint_id), masked=True)


def reveal_complainant(
    ctx: ServiceContext, complaint_id: int, purpose: str = ""
) -> ComplainantView:
    """The full identity, for the first contact and staff allowed to see it.

    Every call is audited (查看个人信息: who, which complaint, what for); a
    refused attempt is audited too, then refused."""
    with ctx.read() as s:
        c = load(s, complaint_id)
        allowed = _may_see(s, ctx, c)
        serial = c.serial
        view = _view(c, masked=not allowed)  # allowed without the key: LoginRequired
        why = scrub((purpose or "").strip()[:200], Secrets.of(c.complainant))
    what = f"投诉举报 {serial} 的投诉举报人信息"
    with ctx.uow() as uow:
        if allowed:
            summary = f"查看{what}" + (f"（用途：{why}）" if why else "")
        else:
            summary = f"查看{what}被拒绝（不是首问责任人，也未获准查看）"
        uow.audit(AuditAction.VIEW_PERSONAL, RECORD, complaint_id, summary, after={"purpose": why})
    if not allowed:
        raise RuleViolation(
            "无权查看投诉举报人信息：只有首问责任人和“人员”设置中获准查看的人员可以查看"
            "（举报人信息保密）。"
        )
    return view


EDIT_REFUSED = (
    "只有首问责任人和“人员”设置中获准查看投诉举报人信息的人员可以修改这件投诉举报的登记内容"
    "（修改时需要看到投诉举报人信息）。"
)


def may_edit(s: Session, ctx: ServiceContext, c: Complaint) -> bool:
    """A named complaint is corrected only by someone who may see the complainant."""
    return bool(c.anonymous or c.complainant is None or _may_see(s, ctx, c))


def edit_input(ctx: ServiceContext, complaint_id: int) -> tuple[ComplaintInput, int]:
    """The registration as a form fills it in, and the version to save against.

    The complainant is included in full, so loading it is a view of the identity
    and is audited like :func:`reveal_complainant`; whoever may not see it may
    not edit (:data:`EDIT_REFUSED`)."""
    with ctx.read() as s:
        c = load(s, complaint_id)
        if c.status != S.REGISTERED:
            raise RuleViolation("已登记核实结果的投诉举报不能再修改登记内容。")
        if not may_edit(s, ctx, c):
            raise RuleViolation(EDIT_REFUSED)
        p = identity.require_person(c.complainant)
        data = ComplaintInput(
            received_at=c.received_at,
            channel=c.channel,
            content=c.content or "",
            place=c.place,
            first_contact_id=c.first_contact_id,
            anonymous=bool(c.anonymous),
            complainant=ComplainantInput(
                name=p.name, phone=p.phone, id_number=p.id_number, address=p.address
            )
            if p is not None
            else ComplainantInput(),
            respondent=PartyInput(
                kind=c.party_kind,
                name=c.party_name,
                id_number=c.party_id_number,
                credit_code=c.party_credit_code,
                address=c.party_address,
                phone=c.party_phone,
            ),
            penalty_matter_id=c.penalty_matter_id,
            informing_org_id=c.informing_org_id,
            informed_on=c.informed_on,
            materials_handed_over=bool(c.materials_handed_over),
            note=c.note,
        )
        version, serial, named = c.version, c.serial, p is not None
    if named:
        with ctx.uow() as uow:
            summary = f"查看投诉举报 {serial} 的投诉举报人信息（用途：修改登记内容）"
            uow.audit(
                AuditAction.VIEW_PERSONAL,
                RECORD,
                complaint_id,
                summary,
                after={"purpose": "修改登记内容"},
            )
    return data, version


# --- history ---------------------------------------------------------------------------


def history(ctx: ServiceContext, complaint_id: int) -> list[HistoryRow]:
    """The complaint's audit entries (and its letters'), oldest first."""
    with ctx.read() as s:
        load(s, complaint_id)
        return record_history(s, RECORD, Complaint, complaint_id)


# --- actions ---------------------------------------------------------------------------


def allowed_actions(ctx: ServiceContext, complaint_id: int) -> set[str]:
    """The actions that apply now, a subset of {"edit", "verify", "file_case",
    "case_result", "transfer", "reply", "feedback", "reveal"}.

    Status and outcome decide; the checks of the action itself (times in
    order, texts given) run when it is carried out.
    """
    with ctx.read() as s:
        c = load(s, complaint_id)
        if scope.receiver_only(ctx, c, None) is not None:  # another organisation's: to read
            return set()
        acts: set[str] = set()
        if not c.anonymous and c.complainant is not None and _may_see(s, ctx, c):
            acts.add("reveal")
        if c.status == S.REGISTERED:
            return acts | {"verify"} | ({"edit"} if may_edit(s, ctx, c) else set())
        if c.status != S.HANDLING:
            return acts
        if outcome_locked(c, s) is None:
            acts.add("verify")
        answerable = c.outcome == O.NO_VIOLATION
        if c.outcome == O.CASE_FILED:
            case = s.get(EnforcementCase, c.case_id) if c.case_id else None
            if case is None:
                acts.add("file_case")
            else:
                answerable = True
                if case.status != CaseStatus.CLOSED:
                    acts.add("case_result")
        if c.outcome == O.TRANSFERRED:
            if c.referral_id is None:
                acts.add("transfer")
            else:
                answerable = True
        if answerable and not c.anonymous:
            acts.add("reply")
        if answerable and c.informing_org_id is not None:
            acts.add("feedback")
        return acts
