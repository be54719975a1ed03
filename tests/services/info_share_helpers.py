"""Constants and builders shared by the information-sharing tests
(test_info_shares.py, test_info_share_report.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop_app.domain.terms import InfoCategory, ShareDirection, ShareMethod
from desktop_app.services.context import ServiceContext
from desktop_app.services.info_shares import ShareInput
from desktop_app.storage.models import (
    Attachment,
    AuditEntry,
    InfoShare,
    Organisation,
    info_share_counterparts,
)

NOW = datetime(2026, 11, 30, 10, 0)  # a Monday
TODAY = NOW.date()
YESTERDAY = TODAY - timedelta(days=1)

WATER = "深泽县水利局"
ENV = "石家庄市生态环境局深泽县分局"
STATION = "深泽县市场监督管理局赵八市场监督管理所"  # internal unit of a county department
POLICE = "深泽县公安局"
TOWNSHIP = "深泽县赵八镇人民政府"
TEAM = "赵八镇综合行政执法队"  # the township's own internal unit


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def deactivate(ctx: ServiceContext, name: str) -> int:
    with ctx.uow() as uow:
        o = uow.session.execute(select(Organisation).where(Organisation.name == name)).scalar_one()
        o.active = False
        return o.id


def share(ctx: ServiceContext, *to: str, **changes: Any) -> ShareInput:
    """Quick entry: shared today, on the day it was formed, with one department."""
    data = ShareInput(
        direction=ShareDirection.SHARED,
        category=InfoCategory.PENALTY_DECISION,
        title="赵八镇2026年11月行政处罚决定及执行情况",
        summary=None,
        counterpart_ids=[org(ctx, name) for name in (to or (WATER,))],
        formed_on=TODAY,
        shared_on=TODAY,
        method=ShareMethod.PLATFORM,
        late_reason=None,
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def late(ctx: ServiceContext, days: int, reason: str | None, *to: str, **kw: Any) -> ShareInput:
    return share(ctx, *to, formed_on=TODAY - timedelta(days=days), late_reason=reason, **kw)


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    """Items, counterpart links, attachments, audit entries."""
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(t)).scalar() or 0)
            for t in (InfoShare, info_share_counterparts, Attachment, AuditEntry)
        )


def audits(ctx: ServiceContext, share_id: int) -> list[AuditEntry]:
    with ctx.read() as s:
        return list(
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.record_type == "info_share", AuditEntry.record_id == share_id)
                .order_by(AuditEntry.id)
            ).scalars()
        )


def stored_files(ctx: ServiceContext) -> list[Path]:
    assert ctx.paths is not None
    return [p for p in ctx.paths.attachments.rglob("*") if p.is_file()]


def scan(tmp_path: Path, name: str = "11月处罚决定汇总.pdf", data: bytes = b"%PDF-1.4 x") -> Path:
    folder = tmp_path / "scans"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def on(month_day: str) -> date:
    return date.fromisoformat(f"2026-{month_day}")
