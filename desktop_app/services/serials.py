"""Ledger numbers (台账编号) such as 移2026-0007: one prefix per ledger, per year."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.storage.models import (
    AssistanceRequest,
    Complaint,
    CriminalTransfer,
    Dispute,
    EnforcementCase,
    InfoShare,
    JointAction,
    Meeting,
    Referral,
    UrgentNotice,
)
from desktop_app.storage.models.base import LedgerRecord

PREFIXES: dict[type[LedgerRecord], str] = {
    Referral: "移",
    Complaint: "诉",
    InfoShare: "享",
    Meeting: "会",
    UrgentNotice: "急",
    JointAction: "联",
    AssistanceRequest: "助",
    Dispute: "争",
    CriminalTransfer: "刑",
    EnforcementCase: "案",
}


def format_serial(model: type[LedgerRecord], year: int, number: int) -> str:
    return f"{PREFIXES[model]}{year}-{number:04d}"


def next_serial(session: Session, model: type[LedgerRecord], year: int) -> str:
    """The next free number of the year of the acting organisation (each numbers
    its own records, services/scope.py); call inside the writing transaction."""
    from desktop_app.services import scope

    stem = f"{PREFIXES[model]}{year}-"
    col = model.serial
    mine = scope.ours(model, scope.acting_org_id(session))
    last = session.execute(
        select(col)
        .where(col.like(stem + "%"), mine)
        .order_by(func.length(col).desc(), col.desc())
        .limit(1)
    ).scalar_one_or_none()
    number = int(last[len(stem) :]) + 1 if last else 1
    return format_serial(model, year, number)
