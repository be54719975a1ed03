"""Constants and builders shared by the urgent-notice and joint-action tests
(test_urgent_notices.py, test_joint_actions.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop_app.services import joint_actions, urgent_notices
from desktop_app.services.context import ServiceContext
from desktop_app.services.joint_actions import JointActionInput
from desktop_app.services.urgent_notices import NoticeInput
from desktop_app.storage.models import (
    Attachment,
    AuditEntry,
    Document,
    JointAction,
    Meeting,
    Organisation,
    UrgentNotice,
)
from desktop_app.storage.models.consultation import joint_action_organisations

NOW = datetime(2026, 11, 29, 20, 0)  # the frozen clock of tests/conftest.py (a Sunday)
TODAY = NOW.date()
SAFETY = "深泽县应急管理局"
SAFETY_SHORT = "县应急管理局"
WATER = "深泽县水利局"
MARKET = "深泽县市场监督管理局"
POLICE = "深泽县公安局"
POLICE_STATION = "深泽县公安局赵八派出所"  # internal unit with a recorded legal basis
SCJG_STATION = "深泽县市场监督管理局赵八市场监督管理所"  # internal unit, no basis
TEAM = "赵八镇综合行政执法队"
TOWNSHIP = "深泽县赵八镇人民政府"
COUNTY = "深泽县人民政府"
COURT = "深泽县人民法院"
HAZARD = "赵八村东一加工作坊违规存放油漆、稀料等危险化学品，且无任何防护措施"
PLACE = "赵八村东"
FOUND = datetime(2026, 11, 29, 9, 10)
NOTIFIED = datetime(2026, 11, 29, 9, 20)


def at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute))


def end(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59))


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def deactivate(ctx: ServiceContext, name: str) -> int:
    org_id = org(ctx, name)
    with ctx.uow() as uow:
        found = uow.session.get(Organisation, org_id)
        assert found is not None
        found.active = False
    return org_id


def notice(ctx: ServiceContext, **changes: Any) -> NoticeInput:
    data = NoticeInput(
        department_id=org(ctx, SAFETY),
        hazard=HAZARD,
        place=PLACE,
        found_at=FOUND,
        notified_at=NOTIFIED,
        notice_method="电话通知",
        notified_person="王值班",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def notified(ctx: ServiceContext, **changes: Any) -> int:
    return urgent_notices.create(ctx, notice(ctx, **changes))


def refused(ctx: ServiceContext, on: datetime | None = None, **changes: Any) -> int:
    """A notice whose department refused without a reason at ``on`` (today 11:00)."""
    nid = notified(ctx, **changes)
    urgent_notices.record_refusal(ctx, nid, on or at(TODAY, 11, 0), None)
    return nid


def get(ctx: ServiceContext, nid: int) -> UrgentNotice:
    return urgent_notices.get(ctx, nid)


def action(ctx: ServiceContext, **changes: Any) -> JointActionInput:
    data = JointActionInput(
        title="滹沱河河道采砂联合执法检查",
        action_on=date(2026, 11, 26),
        organisation_ids=[org(ctx, TOWNSHIP), org(ctx, WATER)],
        targets="滹沱河赵八段沿线砂石料场及运输车辆",
        findings="共检查12家（处），发现问题3处。",
        results="现场责令整改2处，立案查处1起。",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def get_action(ctx: ServiceContext, aid: int) -> JointAction:
    return joint_actions.get(ctx, aid)


def meeting(ctx: ServiceContext, held_at: datetime, status: str = "held") -> int:
    """A meeting row written directly (the meeting services are not what is tested)."""
    with ctx.uow() as uow:
        s = uow.session
        number = int(s.execute(select(func.count(Meeting.id))).scalar() or 0) + 1
        m = Meeting(
            serial=f"会2026-{number:04d}",
            kind="special",
            status=status,
            subject="关于滹沱河非法采砂重大案件线索的专题会议",
            held_at=held_at,
        )
        s.add(m)
        uow.flush()
        return m.id


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    """Rows of every table these services write (the audit trail included)."""
    with ctx.read() as s:
        models = (UrgentNotice, JointAction, Attachment, Document, AuditEntry)
        found = [int(s.execute(select(func.count()).select_from(m)).scalar() or 0) for m in models]
        links = s.execute(select(func.count()).select_from(joint_action_organisations)).scalar()
        return (*found, int(links or 0))


def last_audit(ctx: ServiceContext) -> AuditEntry:
    with ctx.read() as s:
        return s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()


def stored_files(ctx: ServiceContext) -> list[Path]:
    assert ctx.paths is not None
    return [p for p in ctx.paths.attachments.rglob("*") if p.is_file()]


def photo(tmp_path: Path, name: str = "现场照片.jpg", data: bytes = b"\xff\xd8\xff photo") -> Path:
    folder = tmp_path / "photos"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path
