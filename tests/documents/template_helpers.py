"""Shared by the document tests (test_templates_*.py): the types, PDF read-back, and
a finder for a demo record that fits each type."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.terms import (
    AssistanceStatus,
    ComplaintOutcome,
    Direction,
    DisputeStatus,
    UrgentNoticeStatus,
)
from desktop_app.services import letters
from desktop_app.services.context import ServiceContext
from desktop_app.services.letter_fields import LetterValues
from desktop_app.storage.models import (
    AssistanceRequest,
    Complainant,
    Complaint,
    CriminalTransfer,
    Dispute,
    Material,
    Meeting,
    Referral,
    UrgentNotice,
)

TODAY = date(2026, 11, 29)
TODAY_CN = "2026年11月29日"
HAN = re.compile(r"[\u4e00-\u9fff]")
CODES = (
    "referral_feedback",
    "referral_letter",
    "referral_materials",
    "service_receipt",
    "complaint_form",
    "complainant_notice",
    "feedback_letter",
    "assistance_letter",
    "reminder_letter",
    "meeting_minutes",
    "urgent_notice",
    "refusal_report",
    "dispute_request",
    "criminal_transfer",
    "seized_items_list",
)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with all whitespace removed (justified lines extract with gaps)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def first(session: Session, query: Any) -> int:
    found = session.execute(query.limit(1)).scalar()
    assert found is not None, "演示数据中没有合适的记录"
    return int(found)


# --- picking a record that fits each type ------------------------------------------------


def outgoing_referral(s: Session) -> int:
    return first(
        s,
        select(Referral.id)
        .join(Material, (Material.record_type == "referral") & (Material.record_id == Referral.id))
        .where(Referral.direction == Direction.OUTGOING.value)
        .order_by(Referral.id),
    )


def answered_incoming(s: Session) -> int:
    """An incoming transfer the township filed as a case and answered."""
    return first(
        s,
        select(Referral.id).where(
            Referral.direction == "incoming",
            Referral.status == "result",
            Referral.pre_transfer.is_(False),
            Referral.case_id.is_not(None),
        ),
    )


def informed_complaint(s: Session) -> int:
    """Informed by a department, with a named complainant and a result."""
    return first(
        s,
        select(Complaint.id)
        .join(Complainant, Complainant.complaint_id == Complaint.id)
        .where(
            Complaint.informing_org_id.is_not(None),
            Complaint.outcome.is_not(None),
            Complaint.anonymous.is_(False),
            Complainant.phone.is_not(None),
        )
        .order_by(Complaint.id),
    )


def named_transferred_complaint(s: Session) -> int:
    return first(
        s,
        select(Complaint.id)
        .join(Complainant, Complainant.complaint_id == Complaint.id)
        .where(
            Complaint.outcome == ComplaintOutcome.TRANSFERRED.value,
            Complaint.anonymous.is_(False),
        )
        .order_by(Complaint.id),
    )


def overdue_request(s: Session) -> int:
    return first(
        s,
        select(AssistanceRequest.id)
        .where(
            AssistanceRequest.status == AssistanceStatus.SENT.value,
            AssistanceRequest.deadline_at < datetime(2026, 11, 29),
        )
        .order_by(AssistanceRequest.id),
    )


def meeting_with_decisions(s: Session) -> int:
    return first(
        s,
        select(Meeting.id)
        .where(Meeting.kind == "regular", Meeting.decisions.is_not(None))
        .order_by(Meeting.id),
    )


def refused_notice(s: Session) -> int:
    return first(
        s,
        select(UrgentNotice.id)
        .where(
            UrgentNotice.status.in_(
                (UrgentNoticeStatus.REFUSED.value, UrgentNoticeStatus.REPORTED.value)
            )
        )
        .order_by(UrgentNotice.id),
    )


def failed_dispute(s: Session) -> int:
    """A decided dispute from the demo, put back to "escalated" (the request's moment)."""
    d = s.get(
        Dispute,
        first(
            s,
            select(Dispute.id)
            .where(Dispute.status == DisputeStatus.DECIDED.value, Dispute.referral_id.is_not(None))
            .order_by(Dispute.id),
        ),
    )
    assert d is not None
    d.status = DisputeStatus.ESCALATED
    d.decision, d.decided_on, d.decided_handler_id = None, None, None
    return d.id


def transferred_crime(s: Session) -> int:
    return first(
        s,
        select(CriminalTransfer.id)
        .where(CriminalTransfer.approved.is_(True), CriminalTransfer.police_org_id.is_not(None))
        .order_by(CriminalTransfer.id),
    )


PICK: dict[str, Callable[[Session], int]] = {
    "referral_feedback": answered_incoming,
    "referral_letter": outgoing_referral,
    "referral_materials": outgoing_referral,
    "service_receipt": outgoing_referral,
    "complaint_form": informed_complaint,
    "complainant_notice": named_transferred_complaint,
    "feedback_letter": informed_complaint,
    "assistance_letter": overdue_request,
    "reminder_letter": overdue_request,
    "meeting_minutes": meeting_with_decisions,
    "urgent_notice": refused_notice,
    "refusal_report": refused_notice,
    "dispute_request": failed_dispute,
    "criminal_transfer": transferred_crime,
    "seized_items_list": transferred_crime,
}


def build(ctx: ServiceContext, code: str, record_id: int) -> LetterValues:
    with ctx.read() as s:
        return letters._values(s, code, record_id, TODAY)
