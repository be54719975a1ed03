"""The wrapped data key (加密投诉举报人信息的数据密钥).

One random data key encrypts the complainants' identity
(:mod:`desktop_app.services.identity`). It is never stored in clear: each row
here holds it wrapped (AES-GCM) under a key derived from one account's login
password (``account_id``), or — ``account_id`` NULL — under the recovery key
printed for the administrator (:mod:`desktop_app.security.vault`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.domain.clock import now
from desktop_app.storage.models.base import Base


class KeyWrap(Base):
    __tablename__ = "key_wraps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True, nullable=True
    )
    salt: Mapped[bytes] = mapped_column(LargeBinary)
    params: Mapped[str] = mapped_column(String(200))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    def __repr__(self) -> str:
        return f"<KeyWrap {self.id} account={self.account_id}>"
