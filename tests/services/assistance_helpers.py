"""Constants and builders shared by the enforcement assistance tests (test_assistance*.py)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.services import assistance, letters
from desktop_app.services.assistance import AssistanceInput
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import (
    AssistanceExtension,
    AssistanceRequest,
    Attachment,
    AuditEntry,
    Document,
    Material,
    Organisation,
)

NOW = datetime(2026, 11, 30, 10, 0)  # a Monday
WATER = "深泽县水利局"
NATURE = "深泽县自然资源和规划局"
POLICE_STATION = "深泽县公安局赵八派出所"  # internal unit with a recorded legal basis
SCJG_STATION = "深泽县市场监督管理局赵八市场监督管理所"  # internal unit, no basis
TEAM = "赵八镇综合行政执法队"
TOWNSHIP = "深泽县赵八镇人民政府"
COURT = "深泽县人民法院"
SUBJECT = "对赵八村河道采砂坑深度进行认定"


def set_now(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def request(ctx: ServiceContext, **changes: Any) -> AssistanceInput:
    data = AssistanceInput(
        kind="technical",
        department_id=org(ctx, WATER),
        subject=SUBJECT,
        questions="1.采砂坑的深度和面积；2.是否影响河道行洪安全。",
        materials_sent="现场勘验笔录、照片8张",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute))


def end(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59))


def sent(ctx: ServiceContext, on: date, sent_at: datetime | None = None, **changes: Any) -> int:
    """A request with its 执法协助函 issued and sent on ``on``."""
    rid = assistance.create(ctx, request(ctx, **changes))
    letters.issue(ctx, "assistance_letter", rid, on=on)
    assistance.mark_sent(ctx, rid, on, sent_at or at(on), "in_person", "李收发")
    return rid


def get(ctx: ServiceContext, rid: int) -> AssistanceRequest:
    return assistance.get(ctx, rid)


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(m)).scalar() or 0)
            for m in (AssistanceRequest, AssistanceExtension, Attachment, Material, Document)
        )


def audit_count(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count(AuditEntry.id))).scalar() or 0)


def last_audit(ctx: ServiceContext) -> AuditEntry:
    with ctx.read() as s:
        return s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()


def stored_files(ctx: ServiceContext) -> list[Path]:
    assert ctx.paths is not None
    return [p for p in ctx.paths.attachments.rglob("*") if p.is_file()]


def scan(
    tmp_path: Path, name: str = "水利局认定意见.pdf", data: bytes = b"%PDF-1.4 opinion"
) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def pdf_text(data: bytes | Path) -> str:
    raw = data.read_bytes() if isinstance(data, Path) else data
    reader = PdfReader(io.BytesIO(raw))
    return re.sub(r"\s", "", "".join(p.extract_text() or "" for p in reader.pages))
