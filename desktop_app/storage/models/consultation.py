"""联合执法协商 (seed 三（四）): meetings, follow-up actions, urgent notices, joint actions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.domain.terms import ActionStatus, MeetingKind, MeetingStatus, UrgentNoticeStatus
from desktop_app.storage.models.base import (
    Base,
    LedgerRecord,
    LinkedRecord,
    org_fk,
    org_link_column,
)
from desktop_app.storage.models.reference import Organisation
from desktop_app.storage.types import TermType

meeting_organisations = Table(
    "meeting_organisations",
    Base.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    org_link_column(),
)

joint_action_organisations = Table(
    "joint_action_organisations",
    Base.metadata,
    Column("joint_action_id", ForeignKey("joint_actions.id", ondelete="CASCADE"), primary_key=True),
    org_link_column(),
)


class Meeting(LedgerRecord, LinkedRecord, Base):
    """协商会议: regular (定期), ad hoc (即时) or special on a major case clue (专题)."""

    __tablename__ = "meetings"

    kind: Mapped[MeetingKind] = mapped_column(TermType(MeetingKind), index=True)
    status: Mapped[MeetingStatus] = mapped_column(
        TermType(MeetingStatus), default=MeetingStatus.HELD, server_default="held", index=True
    )
    subject: Mapped[str] = mapped_column(String(200))
    held_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # planned or actual time
    place: Mapped[str | None] = mapped_column(String(200))
    host: Mapped[str | None] = mapped_column(String(60))
    participants: Mapped[str | None] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    discussion: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)

    organisations: Mapped[list[Organisation]] = relationship(secondary=meeting_organisations)
    actions: Mapped[list[FollowUpAction]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="FollowUpAction.id"
    )


class FollowUpAction(Base):
    """A decision of a meeting someone must carry out, shown on the dashboard until done."""

    __tablename__ = "follow_up_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    owner_org_id: Mapped[int | None] = org_fk()
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[ActionStatus] = mapped_column(TermType(ActionStatus), default=ActionStatus.OPEN)
    done_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="actions")
    owner_org: Mapped[Organisation | None] = relationship()


class UrgentNotice(LedgerRecord, LinkedRecord, Base):
    """紧急情况通知: a serious hazard in another department's remit, notified at once."""

    __tablename__ = "urgent_notices"

    department_id: Mapped[int] = org_fk(nullable=False, index=True)
    status: Mapped[UrgentNoticeStatus] = mapped_column(
        TermType(UrgentNoticeStatus), default=UrgentNoticeStatus.NOTIFIED, index=True
    )
    hazard: Mapped[str] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    found_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    notice_method: Mapped[str | None] = mapped_column(String(40))
    notified_person: Mapped[str | None] = mapped_column(String(40))
    officers_arrived_at: Mapped[datetime | None] = mapped_column(DateTime)
    response_note: Mapped[str | None] = mapped_column(Text)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    report_reply_at: Mapped[datetime | None] = mapped_column(DateTime)
    report_reply: Mapped[str | None] = mapped_column(Text)  # what the county government did

    department: Mapped[Organisation] = relationship(foreign_keys=[department_id])


class JointAction(LedgerRecord, LinkedRecord, Base):
    """联合执法行动."""

    __tablename__ = "joint_actions"

    title: Mapped[str] = mapped_column(String(200))
    action_on: Mapped[date] = mapped_column(Date, index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    targets: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[str | None] = mapped_column(Text)
    results: Mapped[str | None] = mapped_column(Text)

    organisations: Mapped[list[Organisation]] = relationship(secondary=joint_action_organisations)
