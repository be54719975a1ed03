"""Declarative base, naming convention and the mixins every ledger shares."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from desktop_app.domain.clock import now
from desktop_app.domain.terms import PartyKind
from desktop_app.storage.types import TermType

# Named constraints: Alembic's batch mode on SQLite can only alter what has a name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def staff_fk(nullable: bool = True) -> Any:
    return mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), nullable=nullable)


def org_fk(nullable: bool = True, index: bool = False) -> Any:
    return mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=nullable, index=index
    )


def org_link_column() -> Column[int]:
    """The organisation side of a many-to-many link table."""
    return Column(
        "organisation_id",
        ForeignKey("organisations.id", ondelete="RESTRICT"),
        primary_key=True,
    )


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)


class Versioned:
    """Optimistic locking: a stale update raises instead of overwriting silently."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class LedgerRecord(Timestamped, Versioned):
    """Columns every ledger (台账) record has.

    ``serial`` is the ledger number the clerk quotes (e.g. 移2026-0007), unique
    within its owner: ``owner_org_id`` is the organisation (a township or a county
    department) that registered the record, so several organisations share one
    database and each numbers its own records. Rows without an owner (a database
    with no township chosen) keep serials unique among themselves.
    ``deadline_at`` is the due time of the clock that is running now, or NULL
    when no clock runs; services keep it current and the dashboard reads it.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(32))
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    deadline_what: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return staff_fk()

    @declared_attr
    def owner_org_id(cls) -> Mapped[int | None]:
        return org_fk(index=True)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        name = cls.__tablename__  # type: ignore[attr-defined]
        return owner_serial_rules(name)


def owner_serial_rules(table: str) -> tuple[Any, ...]:
    """Serials unique per owner; among rows without an owner, unique too (NULLs
    are distinct in a unique constraint, so a partial index covers them)."""
    unowned = text("owner_org_id IS NULL")
    return (
        UniqueConstraint("owner_org_id", "serial", name=f"uq_{table}_owner_serial"),
        Index(
            f"uq_{table}_unowned_serial",
            "serial",
            unique=True,
            sqlite_where=unowned,
            postgresql_where=unowned,
        ),
    )


class PartyFields:
    """当事人: a person (ID number) or an organisation (unified social credit code)."""

    party_kind: Mapped[PartyKind | None] = mapped_column(TermType(PartyKind))
    party_name: Mapped[str | None] = mapped_column(String(100))
    party_id_number: Mapped[str | None] = mapped_column(String(18))
    party_credit_code: Mapped[str | None] = mapped_column(String(18))
    party_address: Mapped[str | None] = mapped_column(String(200))
    party_phone: Mapped[str | None] = mapped_column(String(40))


class LinkedRecord:
    """An optional pointer to a record of another ledger (RecordType code + id)."""

    linked_type: Mapped[str | None] = mapped_column(String(32))
    linked_id: Mapped[int | None] = mapped_column(Integer)
