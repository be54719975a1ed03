"""投诉举报 → 案件移送: no jurisdiction, so written materials go to the competent
organisation (seed 三（二）1, the transfer rules of 三（一）).

The transfer is pre-filled from the complaint — what, against whom, where,
found when verified, found through a complaint — and never carries the
complainant's identity (举报人信息保密): the free text is scrubbed, and a
transfer linked to the complaint that still names the complainant is refused.
Either :func:`start_transfer` creates it in one step, or the GUI opens the
transfer wizard with :func:`transfer_prefill` and then calls
:func:`link_transfer` with what the wizard created.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.domain import clock, deadlines
from desktop_app.domain.terms import (
    AuditAction,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStatus,
    Direction,
    FoundHow,
    MaterialKind,
    RecordType,
    ReferralStatus,
    Urgency,
)
from desktop_app.services import audit, identity
from desktop_app.services import calendar as calendar_service
from desktop_app.services.complaint_common import (
    Secrets,
    first_sentence,
    identity_in,
    load,
    matter_core,
    record_change,
    reported_matter,
    require,
    require_outcome,
)
from desktop_app.services.complaint_common import scrub as scrub_text
from desktop_app.services.context import ServiceContext, UnitOfWork
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.services.referral_common import DEADLINE_WHAT, township_id
from desktop_app.services.referral_forms import (
    OutgoingInput,
    PartyInput,
    check_outgoing,
    raise_problems,
)
from desktop_app.services.serials import next_serial
from desktop_app.storage.models import (
    Complaint,
    Material,
    Organisation,
    PenaltyMatter,
    Referral,
)

S = ComplaintStatus
MATERIAL_TITLE = "投诉举报材料（已隐去投诉举报人信息）"
_FACTS_MAX = 5000


def _cn_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _secrets(c: Complaint) -> Secrets:
    """The identity to keep out of what goes to a department: it must be readable
    (an encrypted one needs the logged-in key), or nothing can be checked."""
    secrets = Secrets.of(c.complainant)
    if secrets.locked:
        raise identity.LoginRequired()
    return secrets


def _prefill(s: Session, c: Complaint) -> OutgoingInput:
    secrets = _secrets(c)
    matter = s.get(PenaltyMatter, c.penalty_matter_id) if c.penalty_matter_id else None
    reported = reported_matter(c.content)
    what = matter_core(matter.name) if matter else first_sentence(reported)
    if c.channel == ComplaintChannel.DEPARTMENT and c.informing_org_id:
        dept = s.get(Organisation, c.informing_org_id)
        source = f"接到{dept.name if dept else '县级职能部门'}告知的投诉举报"
    else:
        source = "接到群众投诉举报"
    facts = f"{_cn_date(c.received_at)}，我镇{source}，反映：{reported}"
    if c.verification_note:
        facts = facts.rstrip("。") + "。\n经初步核实：" + c.verification_note.strip()
    facts = scrub_text(facts, secrets)
    if len(facts) > _FACTS_MAX:
        facts = facts[: _FACTS_MAX - 1] + "…"
    town = township_id(s)
    receiver = c.competent_org_id if c.competent_org_id != town else None
    if receiver is None and matter is not None and matter.department_id != town:
        receiver = matter.department_id
    assert c.verified_at is not None
    return OutgoingInput(
        matter=scrub_text(what, secrets),
        party=PartyInput(
            c.party_kind,
            c.party_name,
            c.party_id_number,
            c.party_credit_code,
            c.party_address,
            c.party_phone,
        ),
        place=c.place or "",
        found_at=c.verified_at,
        found_how=FoundHow.COMPLAINT,
        receiver_id=receiver,
        urgency=Urgency.NORMAL,
        penalty_matter_id=c.penalty_matter_id,
        facts=facts,
        complaint_id=c.id,
    )


def _ready(c: Complaint) -> None:
    require(c, (S.HANDLING,), "移送有管辖权的部门")
    require_outcome(c, ComplaintOutcome.TRANSFERRED, "移送有管辖权的部门")


def transfer_prefill(ctx: ServiceContext, complaint_id: int) -> OutgoingInput:
    """The transfer as the wizard should open it (nothing is written)."""
    with ctx.read() as s:
        c = load(s, complaint_id)
        _ready(c)
        return _prefill(s, c)


def _leaks(r: Referral, secrets: Secrets) -> str | None:
    for label, text in (
        ("违法事项", r.matter),
        ("基本违法事实", r.facts),
        ("当事人", r.party_name),
        ("当事人地址", r.party_address),
        ("地点", r.place),
        ("劝阻情况", r.dissuasion_note),
        ("备注", r.note),
    ):
        kind = identity_in(text, secrets)
        if kind:
            return f"「{label}」中含有投诉举报人的{kind}"
    return None


def _link(uow: UnitOfWork, c: Complaint, r: Referral) -> None:
    """Tie the transfer to the complaint, with the (redacted) complaint material."""
    s = uow.session
    why = _leaks(r, _secrets(c))
    if why:
        raise RuleViolation(
            f"案件移送 {r.serial} {why}。移送材料发往其他单位，不得出现投诉举报人信息"
            "（举报人信息保密），请修改该案件移送后再关联。"
        )
    if r.complaint_id is None:
        before_r = audit.snapshot(r)
        r.complaint_id = c.id
        uow.flush()
        b, a = audit.diff(before_r, audit.snapshot(r))
        uow.audit(
            AuditAction.UPDATE,
            RecordType.REFERRAL,
            r.id,
            f"{r.serial} 关联投诉举报 {c.serial}",
            before=b,
            after=a,
        )
    has_material = s.execute(
        select(Material.id).where(
            Material.record_type == RecordType.REFERRAL.value,
            Material.record_id == r.id,
            Material.kind == MaterialKind.COMPLAINT_MATERIAL.value,
        )
    ).first()
    if not has_material and r.status in (ReferralStatus.DRAFT, ReferralStatus.READY):
        last = s.execute(
            select(func.max(Material.sort_order)).where(
                Material.record_type == RecordType.REFERRAL.value, Material.record_id == r.id
            )
        ).scalar()
        m = Material(
            record_type=RecordType.REFERRAL.value,
            record_id=r.id,
            kind=MaterialKind.COMPLAINT_MATERIAL,
            title=MATERIAL_TITLE,
            copies=1,
            sort_order=(last or 0) + 1,
        )
        s.add(m)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RecordType.REFERRAL,
            r.id,
            f"{r.serial} 添加材料：{MATERIAL_TITLE}",
            after={"title": m.title, "kind": MaterialKind.COMPLAINT_MATERIAL.label, "copies": 1},
        )
    receiver = s.get(Organisation, r.receiver_id)
    before = audit.snapshot(c)
    c.referral_id, c.competent_org_id = r.id, r.receiver_id
    record_change(
        uow,
        c,
        before,
        f"移送{receiver.name if receiver else '有管辖权的部门'}（案件移送 {r.serial}）",
        at=clock.now(),
    )


def _open_referral_of(s: Session, c: Complaint) -> Referral | None:
    return (
        s.execute(
            select(Referral)
            .where(
                Referral.complaint_id == c.id,
                Referral.direction == Direction.OUTGOING.value,
                Referral.status != ReferralStatus.WITHDRAWN.value,
            )
            .order_by(Referral.id)
        )
        .scalars()
        .first()
    )


def start_transfer(
    ctx: ServiceContext,
    complaint_id: int,
    receiver_id: int,
    urgency: Urgency | str = Urgency.NORMAL,
) -> int:
    """Create the outgoing transfer (草稿, its 3-working-day clock from the
    verification) pre-filled from the complaint, with the complaint material;
    returns its id. A complaint already transferred returns its transfer."""
    with ctx.uow() as uow:
        s = uow.session
        c = load(s, complaint_id)
        if c.referral_id is not None:
            return c.referral_id
        _ready(c)
        existing = _open_referral_of(s, c)
        if existing is not None:  # created by the wizard, not linked yet
            _link(uow, c, existing)
            return existing.id
        if not (c.place or "").strip():
            raise RuleViolation(
                f"投诉举报 {c.serial} 没有登记地点，而移送函须写明违法地点。"
                "请用移送向导补充地点后移送。"
            )
        data = _prefill(s, c)
        data.receiver_id, data.urgency = receiver_id, urgency
        values, problems, rules = check_outgoing(s, data)
        raise_problems(problems, rules)
        due = deadlines.referral_deadline(
            values["found_at"], values["urgency"], calendar_service.load(s)
        )
        r = Referral(
            serial=next_serial(s, Referral, clock.today().year),
            direction=Direction.OUTGOING,
            status=ReferralStatus.DRAFT,
            pre_transfer=False,
            deadline_at=due.due_at,
            deadline_what=DEADLINE_WHAT,
            created_by_id=ctx.operator_id,
            **values,
        )
        s.add(r)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RecordType.REFERRAL,
            r.id,
            f"{r.serial} 新增移出案件：{r.matter}（来自投诉举报 {c.serial}）",
            after=audit.snapshot(r),
        )
        _link(uow, c, r)
        return r.id


def link_transfer(ctx: ServiceContext, complaint_id: int, referral_id: int) -> None:
    """The transfer the GUI created through its wizard becomes the complaint's."""
    with ctx.uow() as uow:
        s = uow.session
        c = load(s, complaint_id)
        if c.referral_id == referral_id:
            return
        if c.referral_id is not None:
            raise RuleViolation(f"投诉举报 {c.serial} 已经关联了另一件案件移送，不能重复移送。")
        _ready(c)
        r = s.get(Referral, referral_id)
        if r is None:
            raise NotFound(f"案件移送记录 {referral_id} 不存在或已被删除。")
        if r.direction != Direction.OUTGOING or r.pre_transfer:
            raise RuleViolation(f"案件移送 {r.serial} 不是本镇移出的案件，不能作为投诉举报的移送。")
        if r.status == ReferralStatus.WITHDRAWN:
            raise RuleViolation(f"案件移送 {r.serial} 已撤回，不能作为投诉举报的移送。")
        if r.complaint_id not in (None, c.id):
            raise RuleViolation(f"案件移送 {r.serial} 来自另一件投诉举报，不能关联。")
        _link(uow, c, r)
