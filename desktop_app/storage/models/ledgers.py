"""The ledgers (台账) of the seven systems, except consultation (see consultation.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.domain.terms import (
    AssistanceKind,
    AssistanceStatus,
    CaseClosure,
    CaseStatus,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStatus,
    CriminalTransferStatus,
    Direction,
    DisputeStatus,
    FoundHow,
    InfoCategory,
    PoliceDecision,
    PreTransferState,
    ReferralStatus,
    SendMethod,
    ShareDirection,
    ShareMethod,
    Urgency,
)
from desktop_app.storage.models.base import (
    Base,
    LedgerRecord,
    LinkedRecord,
    PartyFields,
    org_fk,
    org_link_column,
    staff_fk,
)
from desktop_app.storage.models.reference import Organisation, PenaltyMatter, Staff
from desktop_app.storage.types import TermType


def matter_fk() -> Mapped[int | None]:
    return mapped_column(ForeignKey("penalty_matters.id", ondelete="SET NULL"))


class EnforcementCase(LedgerRecord, PartyFields, Base):
    """A case the township filed (立案) and investigates itself.

    A case flagged as a suspected crime may not be closed with an
    administrative penalty alone (以罚代刑, seed 三（七）); ``override_*``
    records the audited exception.
    """

    __tablename__ = "cases"

    case_number: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    penalty_matter_id: Mapped[int | None] = matter_fk()
    place: Mapped[str | None] = mapped_column(String(200))
    facts: Mapped[str | None] = mapped_column(Text)
    filed_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[CaseStatus] = mapped_column(TermType(CaseStatus), default=CaseStatus.OPEN)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure: Mapped[CaseClosure | None] = mapped_column(TermType(CaseClosure))
    penalty_summary: Mapped[str | None] = mapped_column(Text)
    suspected_crime: Mapped[bool] = mapped_column(Boolean, default=False)
    crime_reason: Mapped[str | None] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by_id: Mapped[int | None] = staff_fk()
    override_at: Mapped[datetime | None] = mapped_column(DateTime)

    penalty_matter: Mapped[PenaltyMatter | None] = relationship()


class Referral(LedgerRecord, PartyFields, Base):
    """案件移送 (seed 三（一）): outgoing (township → department) or incoming."""

    __tablename__ = "referrals"

    direction: Mapped[Direction] = mapped_column(TermType(Direction), index=True)
    status: Mapped[ReferralStatus] = mapped_column(
        TermType(ReferralStatus), default=ReferralStatus.DRAFT, index=True
    )
    sender_id: Mapped[int] = org_fk(nullable=False, index=True)
    receiver_id: Mapped[int] = org_fk(nullable=False, index=True)
    sender_legal_basis: Mapped[str | None] = mapped_column(Text)
    receiver_legal_basis: Mapped[str | None] = mapped_column(Text)
    penalty_matter_id: Mapped[int | None] = matter_fk()
    matter: Mapped[str] = mapped_column(String(300))
    facts: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    found_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    found_how: Mapped[FoundHow] = mapped_column(TermType(FoundHow), default=FoundHow.INSPECTION)
    urgency: Mapped[Urgency] = mapped_column(TermType(Urgency), default=Urgency.NORMAL)
    dissuaded_at: Mapped[datetime | None] = mapped_column(DateTime)
    dissuasion_note: Mapped[str | None] = mapped_column(Text)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    notice_method: Mapped[str | None] = mapped_column(String(40))
    notice_person: Mapped[str | None] = mapped_column(String(40))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    sent_method: Mapped[SendMethod | None] = mapped_column(TermType(SendMethod))
    sent_by_id: Mapped[int | None] = staff_fk()
    late_reason: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_by: Mapped[str | None] = mapped_column(String(40))
    result_at: Mapped[datetime | None] = mapped_column(DateTime)
    result_summary: Mapped[str | None] = mapped_column(Text)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    return_reason: Mapped[str | None] = mapped_column(Text)
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaints.id", ondelete="SET NULL", use_alter=True)
    )
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    pre_transfer: Mapped[bool] = mapped_column(Boolean, default=False)
    pre_transfer_state: Mapped[PreTransferState | None] = mapped_column(TermType(PreTransferState))
    archive_holder: Mapped[str | None] = mapped_column(String(100))
    consultation_note: Mapped[str | None] = mapped_column(Text)

    sender: Mapped[Organisation] = relationship(foreign_keys=[sender_id])
    receiver: Mapped[Organisation] = relationship(foreign_keys=[receiver_id])
    penalty_matter: Mapped[PenaltyMatter | None] = relationship()


class Complaint(LedgerRecord, PartyFields, Base):
    """投诉举报 (seed 三（二）). The party fields describe whom it is about.

    The complainant is kept apart, in :class:`Complainant`, so that no query
    for a list, a letter or an export reaches it by accident.
    """

    __tablename__ = "complaints"

    received_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    channel: Mapped[ComplaintChannel] = mapped_column(TermType(ComplaintChannel))
    first_contact_id: Mapped[int | None] = staff_fk()
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    content: Mapped[str] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    penalty_matter_id: Mapped[int | None] = matter_fk()
    competent_org_id: Mapped[int | None] = org_fk()
    informing_org_id: Mapped[int | None] = org_fk()
    informed_on: Mapped[date | None] = mapped_column(Date)
    materials_handed_over: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ComplaintStatus] = mapped_column(
        TermType(ComplaintStatus), default=ComplaintStatus.REGISTERED, index=True
    )
    outcome: Mapped[ComplaintOutcome | None] = mapped_column(TermType(ComplaintOutcome))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = staff_fk()
    verification_note: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"))
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    reply_method: Mapped[str | None] = mapped_column(String(40))
    reply_summary: Mapped[str | None] = mapped_column(Text)
    feedback_at: Mapped[datetime | None] = mapped_column(DateTime)
    feedback_summary: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaints.id", ondelete="SET NULL")
    )
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    first_contact: Mapped[Staff | None] = relationship(foreign_keys=[first_contact_id])
    informing_org: Mapped[Organisation | None] = relationship(foreign_keys=[informing_org_id])
    competent_org: Mapped[Organisation | None] = relationship(foreign_keys=[competent_org_id])
    complainant: Mapped[Complainant | None] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", uselist=False
    )


class Complainant(Base):
    """投诉人/举报人: confidential (举报人信息保密); never printed on outgoing letters."""

    __tablename__ = "complainants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), unique=True
    )
    # Text, not the form's limits: once encrypted, a value is stored as
    # "enc1:" + base64 of nonce, ciphertext and tag (services/identity.py), several
    # times longer than what was typed. The limits are the forms' (characters).
    name: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    id_number: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)

    complaint: Mapped[Complaint] = relationship(back_populates="complainant")


info_share_counterparts = Table(
    "info_share_counterparts",
    Base.metadata,
    Column("info_share_id", ForeignKey("info_shares.id", ondelete="CASCADE"), primary_key=True),
    org_link_column(),
)


class InfoShare(LedgerRecord, Base):
    """信息共享 (seed 三（三）): shared on the day it is formed, later only with a reason."""

    __tablename__ = "info_shares"

    direction: Mapped[ShareDirection] = mapped_column(TermType(ShareDirection))
    category: Mapped[InfoCategory] = mapped_column(TermType(InfoCategory), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    formed_on: Mapped[date] = mapped_column(Date, index=True)
    shared_on: Mapped[date | None] = mapped_column(Date)
    method: Mapped[ShareMethod | None] = mapped_column(TermType(ShareMethod))
    late_reason: Mapped[str | None] = mapped_column(Text)

    counterparts: Mapped[list[Organisation]] = relationship(
        secondary=info_share_counterparts, order_by=[Organisation.sort_order, Organisation.id]
    )


class AssistanceRequest(LedgerRecord, LinkedRecord, Base):
    """执法协助 (seed 三（五）): written opinion and evidence within 5 working days."""

    __tablename__ = "assistance_requests"

    kind: Mapped[AssistanceKind] = mapped_column(TermType(AssistanceKind))
    status: Mapped[AssistanceStatus] = mapped_column(
        TermType(AssistanceStatus), default=AssistanceStatus.DRAFT, index=True
    )
    department_id: Mapped[int] = org_fk(nullable=False, index=True)
    subject: Mapped[str] = mapped_column(String(200))
    questions: Mapped[str | None] = mapped_column(Text)
    materials_sent: Mapped[str | None] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_on: Mapped[date | None] = mapped_column(Date, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_method: Mapped[SendMethod | None] = mapped_column(TermType(SendMethod))
    officers_arrived_at: Mapped[datetime | None] = mapped_column(DateTime)
    replied_on: Mapped[date | None] = mapped_column(Date)
    opinion_summary: Mapped[str | None] = mapped_column(Text)
    evidence_received: Mapped[str | None] = mapped_column(Text)
    refusal_note: Mapped[str | None] = mapped_column(Text)
    reminder_sent_on: Mapped[date | None] = mapped_column(Date)

    department: Mapped[Organisation] = relationship(foreign_keys=[department_id])
    extensions: Mapped[list[AssistanceExtension]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="AssistanceExtension.id"
    )


class AssistanceExtension(Base):
    """A deadline moved because the department said in advance it needs longer."""

    __tablename__ = "assistance_extensions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_requests.id", ondelete="CASCADE"), index=True
    )
    old_deadline_at: Mapped[datetime | None] = mapped_column(DateTime)
    new_deadline_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)
    told_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = staff_fk()

    request: Mapped[AssistanceRequest] = relationship(back_populates="extensions")


class Dispute(LedgerRecord, LinkedRecord, Base):
    """管辖争议 (seed 三（六）): negotiate; failing that, the county government decides."""

    __tablename__ = "disputes"

    department_id: Mapped[int] = org_fk(nullable=False, index=True)
    matter: Mapped[str] = mapped_column(String(300))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"))
    opened_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[DisputeStatus] = mapped_column(
        TermType(DisputeStatus), default=DisputeStatus.NEGOTIATING, index=True
    )
    agreed_handler_id: Mapped[int | None] = org_fk()
    agreed_on: Mapped[date | None] = mapped_column(Date)
    escalated_on: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_handler_id: Mapped[int | None] = org_fk()

    department: Mapped[Organisation] = relationship(foreign_keys=[department_id])
    rounds: Mapped[list[NegotiationRound]] = relationship(
        back_populates="dispute", cascade="all, delete-orphan", order_by="NegotiationRound.held_on"
    )


class NegotiationRound(Base):
    __tablename__ = "negotiation_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(
        ForeignKey("disputes.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    people: Mapped[str | None] = mapped_column(Text)
    positions: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)

    dispute: Mapped[Dispute] = relationship(back_populates="rounds")


criminal_transfer_officers = Table(
    "criminal_transfer_officers",
    Base.metadata,
    Column(
        "criminal_transfer_id",
        ForeignKey("criminal_transfers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("staff_id", ForeignKey("staff.id", ondelete="RESTRICT"), primary_key=True),
)


class CriminalTransfer(LedgerRecord, Base):
    """行刑衔接: transfer of a suspected crime under 国务院令第310号 (revised 2020).

    The source is any case, referral or complaint (``source_type``/``source_id``).
    """

    __tablename__ = "criminal_transfers"

    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[CriminalTransferStatus] = mapped_column(
        TermType(CriminalTransferStatus), default=CriminalTransferStatus.FLAGGED, index=True
    )
    flagged_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    report_at: Mapped[datetime | None] = mapped_column(DateTime)
    approver_id: Mapped[int | None] = staff_fk()
    decision_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved: Mapped[bool | None] = mapped_column(Boolean)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    transferred_at: Mapped[datetime | None] = mapped_column(DateTime)
    late_reason: Mapped[str | None] = mapped_column(Text)
    police_org_id: Mapped[int | None] = org_fk()
    procuratorate_org_id: Mapped[int | None] = org_fk()
    procuratorate_informed_at: Mapped[datetime | None] = mapped_column(DateTime)
    police_received_at: Mapped[datetime | None] = mapped_column(DateTime)
    police_decision: Mapped[PoliceDecision | None] = mapped_column(TermType(PoliceDecision))
    police_decision_at: Mapped[datetime | None] = mapped_column(DateTime)
    reconsideration_at: Mapped[datetime | None] = mapped_column(DateTime)
    reconsideration_result: Mapped[str | None] = mapped_column(Text)
    handover_at: Mapped[datetime | None] = mapped_column(DateTime)
    # 检察机关立案监督 (310号令 art. 14): what the procuratorate did, when
    supervision_at: Mapped[datetime | None] = mapped_column(DateTime)
    supervision_note: Mapped[str | None] = mapped_column(Text)
    # 以罚代刑 guard: an audited exception (reason, the second officer, when)
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by_id: Mapped[int | None] = staff_fk()
    override_at: Mapped[datetime | None] = mapped_column(DateTime)

    officers: Mapped[list[Staff]] = relationship(secondary=criminal_transfer_officers)
    police_org: Mapped[Organisation | None] = relationship(foreign_keys=[police_org_id])
