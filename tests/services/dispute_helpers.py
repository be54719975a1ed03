"""Constants and builders shared by the jurisdiction dispute tests (test_disputes.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from referral_helpers import ENV, org, ready_to_send
from sqlalchemy import func, select

from desktop_app.services import disputes, letters, referrals
from desktop_app.services.context import ServiceContext
from desktop_app.services.disputes import DisputeInput, RoundInput
from desktop_app.storage.models import AuditEntry, Dispute, Document, NegotiationRound

TODAY = date(2026, 11, 29)  # the frozen clock's day (tests/conftest.py)
TOWNSHIP = "深泽县赵八镇人民政府"
TEAM = "赵八镇综合行政执法队"
WATER = "深泽县水利局"
COURT = "深泽县人民法院"
SCJG_STATION = "深泽县市场监督管理局赵八市场监督管理所"  # internal unit, no basis
MATTER = "赵八村河道内非法采砂行为的管辖争议"
POSITIONS = "镇方认为该事项未划转乡镇，属县水利局职责；县水利局认为该事项已划转乡镇。"

__all__ = ["ENV", "org"]


def dispute(ctx: ServiceContext, **changes: Any) -> DisputeInput:
    data = DisputeInput(
        department_id=org(ctx, WATER),
        matter=MATTER,
        opened_on=date(2026, 11, 2),
        note="县水利局口头表示不予接收。",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def a_round(**changes: Any) -> RoundInput:
    data = RoundInput(
        held_on=date(2026, 11, 5),
        people="赵八镇：张三、李四；县水利局：王五",
        positions=POSITIONS,
        outcome="双方未达成一致意见",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def negotiated(ctx: ServiceContext, **changes: Any) -> int:
    """A dispute with one round of negotiation."""
    did = disputes.open_dispute(ctx, dispute(ctx, **changes))
    disputes.add_round(ctx, did, a_round())
    return did


def escalated(ctx: ServiceContext, on: date = date(2026, 11, 10)) -> int:
    did = negotiated(ctx)
    letters.issue(ctx, "dispute_request", did, on=on)
    disputes.escalate(ctx, did, on)
    return did


def returned_transfer(ctx: ServiceContext) -> int:
    """An outgoing transfer sent, signed for and returned by the environment bureau."""
    rid = ready_to_send(ctx)
    referrals.mark_sent(ctx, rid, datetime(2026, 11, 26, 9, 0), "in_person", None)
    referrals.mark_signed(ctx, rid, datetime(2026, 11, 26, 10, 0), "李四")
    referrals.mark_returned(ctx, rid, datetime(2026, 11, 27, 9, 0), "该事项已划转乡镇")
    return rid


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(m)).scalar() or 0)
            for m in (Dispute, NegotiationRound, AuditEntry, Document)
        )


def last_audit(ctx: ServiceContext) -> AuditEntry:
    with ctx.read() as s:
        return s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
