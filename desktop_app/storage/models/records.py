"""Records that serve every ledger: letters, attachments, material checklists, audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.domain.clock import now
from desktop_app.domain.terms import AuditAction, DocumentStatus, MaterialKind
from desktop_app.storage.models.base import Base, org_fk, staff_fk
from desktop_app.storage.types import TermType


class Document(Base):
    """发文登记: one issued letter or form. Numbers never repeat; a voided one stays."""

    __tablename__ = "documents"
    __table_args__ = (
        # Numbers are per issuing organisation (owner_org_id); documents without
        # an owner (no township chosen) keep them unique among themselves.
        UniqueConstraint(
            "owner_org_id", "prefix", "year", "serial", name="uq_documents_owner_prefix_year_serial"
        ),
        UniqueConstraint("owner_org_id", "number", name="uq_documents_owner_number"),
        Index(
            "uq_documents_unowned_number",
            "number",
            unique=True,
            sqlite_where=text("owner_org_id IS NULL"),
            postgresql_where=text("owner_org_id IS NULL"),
        ),
        Index(
            "uq_documents_unowned_prefix_year_serial",
            "prefix",
            "year",
            "serial",
            unique=True,
            sqlite_where=text("owner_org_id IS NULL"),
            postgresql_where=text("owner_org_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(40), index=True)
    prefix: Mapped[str | None] = mapped_column(String(40))
    year: Mapped[int | None] = mapped_column(Integer)
    serial: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    recipient_id: Mapped[int | None] = org_fk()
    recipient_name: Mapped[str | None] = mapped_column(String(100))
    record_type: Mapped[str | None] = mapped_column(String(32))
    record_id: Mapped[int | None] = mapped_column(Integer)
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    file_name: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[DocumentStatus] = mapped_column(
        TermType(DocumentStatus), default=DocumentStatus.ISSUED
    )
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    created_by_id: Mapped[int | None] = staff_fk()
    owner_org_id: Mapped[int | None] = org_fk(index=True)


Index("ix_documents_record", Document.record_type, Document.record_id)


class Attachment(Base):
    """A file copied into the data folder (证据/材料); stored under a generated name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(40))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    added_by_id: Mapped[int | None] = staff_fk()
    note: Mapped[str | None] = mapped_column(Text)


Index("ix_attachments_record", Attachment.record_type, Attachment.record_id)


class Material(Base):
    """One line of a materials checklist (移送材料清单 etc.), with its file when there is one."""

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[MaterialKind] = mapped_column(TermType(MaterialKind))
    title: Mapped[str] = mapped_column(String(200))
    copies: Mapped[int] = mapped_column(Integer, default=1)
    pages: Mapped[int | None] = mapped_column(Integer)
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="SET NULL")
    )
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)


Index("ix_materials_record", Material.record_type, Material.record_id)


class AuditEntry(Base):
    """操作留痕: append-only; each row's hash covers the previous row's hash."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    operator_id: Mapped[int | None] = mapped_column(Integer)
    operator_name: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[AuditAction] = mapped_column(TermType(AuditAction))
    record_type: Mapped[str | None] = mapped_column(String(32))
    record_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


Index("ix_audit_log_record", AuditEntry.record_type, AuditEntry.record_id)


class StoredFile(Base):
    """The content of an attachment or an issued letter, kept in the database
    itself when that is a shared server (PostgreSQL): every PC of the county
    reads it from there, and ``pg_dump`` backs it up with the records. Keyed by
    its SHA-256 (the attachment's or the letter's registered hash), so a file
    added twice is stored once. A local SQLite database keeps its files in the
    data folder and leaves this table empty."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=now)
