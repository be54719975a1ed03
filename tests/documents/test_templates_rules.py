"""Documents refuse what they must not do, and never betray the complainant.

One demo database (1,500 records) serves the module. Letters to other
organisations never carry the complainant's identity; a letter that does not
fit its record is refused with a reason; every view of the complainant is audited.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from template_helpers import (
    CODES,
    HAN,
    TODAY,
    build,
    first,
    named_transferred_complaint,
    pdf_text,
    squeeze,
)

from desktop_app.domain.terms import AssistanceStatus, Direction, DisputeStatus, UrgentNoticeStatus
from desktop_app.services import letters
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import RuleViolation, ServiceError
from desktop_app.storage.models import (
    AssistanceRequest,
    Complainant,
    Complaint,
    CriminalTransfer,
    Dispute,
    Meeting,
    NegotiationRound,
    Referral,
    UrgentNotice,
)

# --- confidentiality -------------------------------------------------------------------------


def secrets_of(ctx: ServiceContext, complaint_id: int) -> list[str]:
    with ctx.read() as s:
        p = s.execute(
            select(Complainant).where(Complainant.complaint_id == complaint_id)
        ).scalar_one()
        return [x for x in (p.name, p.phone, p.id_number, p.address) if x]


def test_feedback_letters_never_carry_the_complainant(demo: ServiceContext) -> None:
    with demo.read() as s:
        ids = list(
            s.execute(
                select(Complaint.id)
                .join(Complainant, Complainant.complaint_id == Complaint.id)
                .where(Complaint.informing_org_id.is_not(None), Complaint.outcome.is_not(None))
                .order_by(Complaint.id)
            ).scalars()
        )
    assert len(ids) >= 10
    for cid in ids[:25]:
        secrets = secrets_of(demo, cid)
        built = build(demo, "feedback_letter", cid)
        flat = squeeze(" ".join(str(v) for v in built.values.values()))
        text = pdf_text(letters.preview(demo, "feedback_letter", cid, on=TODAY).pdf)
        for secret in secrets:
            assert squeeze(secret) not in flat and squeeze(secret) not in text, (cid, secret)


def test_letters_about_a_complaint_to_other_organisations_hide_the_complainant(
    demo: ServiceContext,
) -> None:
    with demo.uow() as uow:
        # A clerk's note that names the complainant must not leak into a referral letter.
        c = uow.session.get(Complaint, named_transferred_complaint(uow.session))
        assert c is not None and c.complainant is not None and c.referral_id
        r = uow.session.get(Referral, c.referral_id)
        assert r is not None
        person = c.complainant
        r.facts = f"{r.facts or ''}投诉人{person.name}（电话{person.phone}）反映属实。"
        cid, rid = c.id, r.id
    secrets = secrets_of(demo, cid)
    for code in ("referral_letter", "referral_materials", "service_receipt"):
        text = pdf_text(letters.preview(demo, code, rid, on=TODAY).pdf)
        for secret in secrets:
            assert squeeze(secret) not in text, (code, secret)
    form = pdf_text(letters.preview(demo, "complaint_form", cid, on=TODAY).pdf)
    assert all(squeeze(secret) in form for secret in secrets[:2])  # name and phone
    notice = pdf_text(letters.preview(demo, "complainant_notice", cid, on=TODAY).pdf)
    assert squeeze(secrets[0]) in notice  # addressed to the complainant by name


def test_anonymous_complaint_form_says_anonymous(demo: ServiceContext) -> None:
    with demo.read() as s:
        cid = first(s, select(Complaint.id).where(Complaint.anonymous.is_(True)))
    built = build(demo, "complaint_form", cid)
    assert built.values["complainant"] == "匿名" and built.values["phone"] == ""


def test_every_view_of_the_complainant_in_a_document_is_audited(demo: ServiceContext) -> None:
    from desktop_app.domain.terms import AuditAction
    from desktop_app.storage.models import AuditEntry

    with demo.read() as s:
        cid = first(
            s,
            select(Complaint.id)
            .join(Complainant, Complainant.complaint_id == Complaint.id)
            .where(Complaint.anonymous.is_(False)),
        )

    def views() -> int:
        with demo.read() as s:
            return len(
                s.execute(
                    select(AuditEntry.id).where(
                        AuditEntry.action == AuditAction.VIEW_PERSONAL.value,
                        AuditEntry.record_id == cid,
                    )
                ).all()
            )

    before = views()
    letters.preview(demo, "complaint_form", cid, on=TODAY)
    assert views() == before + 1
    letters.issue(demo, "complaint_form", cid, on=TODAY)
    assert views() == before + 2


# --- refusals --------------------------------------------------------------------------------


def refusal(ctx: ServiceContext, code: str, record_id: int) -> str:
    with pytest.raises(RuleViolation) as caught:
        letters.preview(ctx, code, record_id, on=TODAY)
    message = str(caught.value)
    assert HAN.search(message), message
    return message


def test_letters_for_an_incoming_referral_are_refused(demo: ServiceContext) -> None:
    with demo.read() as s:
        rid = first(s, select(Referral.id).where(Referral.direction == Direction.INCOMING.value))
    for code in ("referral_letter", "referral_materials", "service_receipt"):
        assert "移送单位出具" in refusal(demo, code, rid)


def test_complaint_letters_refuse_the_wrong_complaint(demo: ServiceContext) -> None:
    with demo.read() as s:
        own = first(
            s,
            select(Complaint.id).where(
                Complaint.informing_org_id.is_(None), Complaint.outcome.is_not(None)
            ),
        )
        anonymous = first(
            s,
            select(Complaint.id).where(
                Complaint.anonymous.is_(True), Complaint.outcome.is_not(None)
            ),
        )
        unverified = first(s, select(Complaint.id).where(Complaint.outcome.is_(None)))
    assert "不是县级职能部门告知" in refusal(demo, "feedback_letter", own)
    assert "匿名" in refusal(demo, "complainant_notice", anonymous)
    letters.preview(demo, "complaint_form", unverified, on=TODAY)  # registered, not yet verified
    with demo.read() as s:
        c = s.get(Complaint, unverified)
        assert c is not None
        named = c.complainant is not None and not c.anonymous
    if named:
        assert "尚未完成初步核实" in refusal(demo, "complainant_notice", unverified)


def test_assistance_letters_refuse_what_does_not_fit(demo: ServiceContext) -> None:
    with demo.read() as s:
        replied = first(
            s,
            select(AssistanceRequest.id).where(
                AssistanceRequest.status == AssistanceStatus.REPLIED.value
            ),
        )
        draft = first(
            s,
            select(AssistanceRequest.id).where(
                AssistanceRequest.status == AssistanceStatus.DRAFT.value
            ),
        )
        waiting = first(
            s,
            select(AssistanceRequest.id).where(
                AssistanceRequest.status == AssistanceStatus.SENT.value,
                AssistanceRequest.deadline_at >= datetime(2026, 11, 29),
            ),
        )
    assert "无需催办" in refusal(demo, "reminder_letter", replied)
    assert "不能再出具协助函" in refusal(demo, "assistance_letter", replied)
    assert "尚未发出协助函" in refusal(demo, "reminder_letter", draft)
    assert "尚未逾期" in refusal(demo, "reminder_letter", waiting)


def test_refusal_report_only_for_a_refusal_without_reason(demo: ServiceContext) -> None:
    with demo.read() as s:
        by_status = {
            status: first(s, select(UrgentNotice.id).where(UrgentNotice.status == status.value))
            for status in (UrgentNoticeStatus.RESPONDED, UrgentNoticeStatus.REFUSED_WITH_REASON)
        }
    assert "已派执法人员到场处置" in refusal(
        demo, "refusal_report", by_status[UrgentNoticeStatus.RESPONDED]
    )
    assert "已说明不处理的理由" in refusal(
        demo, "refusal_report", by_status[UrgentNoticeStatus.REFUSED_WITH_REASON]
    )


def test_dispute_request_only_after_failed_negotiation(demo: ServiceContext) -> None:
    with demo.uow() as uow:
        s = uow.session
        agreed = first(s, select(Dispute.id).where(Dispute.status == DisputeStatus.AGREED.value))
        d = s.get(Dispute, agreed)
        assert d is not None
        fresh = Dispute(
            serial="争2026-测试",
            department_id=d.department_id,
            matter="测试地点违法建设行为的管辖争议",
            opened_on=date(2026, 11, 20),
        )
        s.add(fresh)
        uow.flush()
        fresh_id = fresh.id
    assert "协商一致" in refusal(demo, "dispute_request", agreed)
    assert "还没有协商记录" in refusal(demo, "dispute_request", fresh_id)
    with demo.uow() as uow:
        uow.session.add(
            NegotiationRound(
                dispute_id=fresh_id,
                held_on=date(2026, 11, 24),
                people="赵八镇：王芳；县住建局：韩冬梅",
                positions="镇方认为不属划转事项；县住建局认为已划转乡镇。",
                outcome="双方未达成一致意见。",
            )
        )
    text = pdf_text(letters.preview(demo, "dispute_request", fresh_id, on=TODAY).pdf)
    assert "2026年11月24日，双方进行了协商" in text and "我镇认为" in text


def test_criminal_transfer_needs_the_heads_approval(demo: ServiceContext) -> None:
    with demo.read() as s:
        rejected = first(s, select(CriminalTransfer.id).where(CriminalTransfer.approved.is_(False)))
        pending = first(s, select(CriminalTransfer.id).where(CriminalTransfer.approved.is_(None)))
    assert "不予移送" in refusal(demo, "criminal_transfer", rejected)
    assert "尚未经负责人批准" in refusal(demo, "criminal_transfer", pending)
    letters.preview(demo, "seized_items_list", pending, on=TODAY)  # the list is fine before


def test_minutes_of_a_meeting_not_yet_held_are_refused(demo: ServiceContext) -> None:
    with demo.read() as s:
        mid = first(s, select(Meeting.id).order_by(Meeting.held_at.desc()))
    with pytest.raises(RuleViolation, match="尚未召开"):
        letters.preview(demo, "meeting_minutes", mid, on=date(2020, 1, 1))


def test_a_record_that_does_not_exist_is_not_found(demo: ServiceContext) -> None:
    for code in CODES:
        with pytest.raises(ServiceError, match="不存在"):
            letters.preview(demo, code, 999_999, on=TODAY)
