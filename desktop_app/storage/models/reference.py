"""Reference data: organisations, staff, the penalty catalogue, calendar, settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.domain.clock import now
from desktop_app.domain.terms import OrgKind, StaffRole
from desktop_app.storage.models.base import Base, Timestamped, Versioned, org_fk, staff_fk
from desktop_app.storage.types import TermType


class Organisation(Timestamped, Versioned, Base):
    """A body the township deals with (单位).

    ``acts_in_own_name``: may send or receive a transfer in its own name
    (seed 三（一）4). An internal, directly-affiliated or dispatched body may
    only do so where a law, regulation or rule says so; that basis is kept in
    ``own_name_legal_basis``.
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[OrgKind] = mapped_column(TermType(OrgKind))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    acts_in_own_name: Mapped[bool] = mapped_column(Boolean, default=True)
    own_name_legal_basis: Mapped[str | None] = mapped_column(Text)
    liaison_name: Mapped[str | None] = mapped_column(String(40))
    liaison_phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class Staff(Timestamped, Versioned, Base):
    """A member of staff (人员); officers carry an enforcement certificate (执法证号)."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = org_fk()
    position: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[StaffRole] = mapped_column(TermType(StaffRole), default=StaffRole.CLERK)
    certificate_number: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 举报人信息保密: may see complainants' identities (besides whoever took the complaint)
    sees_complainants: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation | None] = relationship()


class PenaltyMatter(Timestamped, Versioned, Base):
    """One entry of the penalty catalogue (行政处罚事项清单).

    ``department_name`` keeps the supervising department as the official list
    wrote it; ``department_id`` is the organisation it was matched to.
    """

    __tablename__ = "penalty_matters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    implementing_basis: Mapped[str | None] = mapped_column(Text)
    department_name: Mapped[str | None] = mapped_column(String(100))
    department_id: Mapped[int | None] = org_fk()
    transferred: Mapped[bool] = mapped_column(Boolean, default=False)
    transferred_on: Mapped[date | None] = mapped_column(Date)
    discretion: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    department: Mapped[Organisation | None] = relationship()


class CalendarOverride(Base):
    """An office correction to the working-day calendar (调休 published late, local days off)."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    created_by_id: Mapped[int | None] = staff_fk()


class CalendarYear(Base):
    """Whether the office confirmed a year's schedule against the State Council notice."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_by_id: Mapped[int | None] = staff_fk()
    note: Mapped[str | None] = mapped_column(String(200))


class Setting(Base):
    """One setting; defaults are declared once in ``services.settings``."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
