"""User accounts (登录账户): who may log in, with what role.

An account belongs to one member of staff (the audit trail names the staff
member, as before accounts existed). The password is kept only as an argon2id
hash. ``failed_logins`` and ``locked_until`` slow down guessing;
``must_change_password`` is set by an administrator's reset.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop_app.domain.terms import AccountRole
from desktop_app.storage.models.base import Base, Timestamped, Versioned
from desktop_app.storage.models.reference import Staff
from desktop_app.storage.types import TermType


class Account(Timestamped, Versioned, Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="RESTRICT"), unique=True, nullable=False
    )
    login_name: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[AccountRole] = mapped_column(TermType(AccountRole))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    staff: Mapped[Staff] = relationship()

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.login_name}>"
