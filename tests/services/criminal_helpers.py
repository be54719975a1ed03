"""Builders shared by the criminal-transfer tests (test_criminal*.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from desktop_app.domain.terms import CaseStatus, OrgKind
from desktop_app.services import criminal, letters, staff
from desktop_app.services.context import ServiceContext
from desktop_app.services.criminal import FlagInput
from desktop_app.storage.models import (
    AuditEntry,
    CriminalTransfer,
    Document,
    EnforcementCase,
    Material,
    Organisation,
)

REASON = "王某在赵八村河道非法采砂约3000立方米，涉嫌非法采矿罪，数额达到刑事立案追诉标准。"
TITLE = "王某涉嫌非法采矿罪案"


@dataclass(frozen=True)
class Team:
    a: int
    b: int
    c: int
    nocert: int
    head: int
    head2: int


def make_team(ctx: ServiceContext) -> Team:
    def add(name: str, **kw: Any) -> int:
        return staff.save(ctx, staff.StaffInput(name=name, **kw))

    return Team(
        a=add("李执法", role="officer", certificate_number="13010011"),
        b=add("周执法", role="officer", certificate_number="13010012"),
        c=add("吴执法", role="officer", certificate_number="13010013"),
        nocert=add("郑无证"),  # a clerk: no 执法证号
        head=add("王镇长", role="leader"),
        head2=add("刘书记", role="leader", certificate_number="13010099"),
    )


def org_of(ctx: ServiceContext, kind: OrgKind) -> int:
    with ctx.read() as s:
        return int(
            s.execute(select(Organisation.id).where(Organisation.kind == kind)).scalars().first()
        )


def police(ctx: ServiceContext) -> int:
    return org_of(ctx, OrgKind.PUBLIC_SECURITY)


def procuratorate(ctx: ServiceContext) -> int:
    return org_of(ctx, OrgKind.PROCURATORATE)


def new_case(ctx: ServiceContext, number: str = "深赵综执立〔2026〕9号") -> int:
    with ctx.uow() as uow:
        case = EnforcementCase(
            serial=f"案2026-{number[-3:-1]}",
            case_number=number,
            title="王某非法采砂案",
            filed_on=date(2026, 11, 2),
            status=CaseStatus.OPEN,
            party_name="王某",
        )
        uow.session.add(case)
        uow.flush()
        return case.id


def flag_case(
    ctx: ServiceContext, case_id: int, flagged_at: datetime = datetime(2026, 11, 20, 9, 0)
) -> int:
    return criminal.flag(ctx, FlagInput("case", case_id, TITLE, REASON, flagged_at=flagged_at))


def reported(ctx: ServiceContext, team: Team, report_at: datetime) -> int:
    tid = flag_case(ctx, new_case(ctx))
    criminal.set_team(ctx, tid, [team.a, team.b])
    criminal.record_report(ctx, tid, report_at)
    return tid


def approved(ctx: ServiceContext, team: Team, decision_at: datetime) -> int:
    tid = reported(ctx, team, datetime(2026, 11, 20, 10, 0))
    criminal.record_decision(ctx, tid, decision_at, team.head, True)
    return tid


def ready(ctx: ServiceContext, tid: int, on: date) -> Any:
    """The materials recorded and the 移送书 issued."""
    criminal.add_material(ctx, tid, "criminal_transfer_letter", "涉嫌犯罪案件移送书")
    criminal.add_material(ctx, tid, "investigation_report", "涉嫌犯罪案件情况的调查报告")
    return letters.issue(ctx, "criminal_transfer", tid, on=on)


def transferred(ctx: ServiceContext, team: Team, at: datetime) -> int:
    tid = approved(ctx, team, datetime(2026, 11, 21, 9, 0))
    ready(ctx, tid, date(2026, 11, 21))
    criminal.record_transfer(ctx, tid, at, police(ctx), procuratorate(ctx))
    return tid


def get(ctx: ServiceContext, tid: int) -> CriminalTransfer:
    return criminal.get(ctx, tid)


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(m)).scalar() or 0)
            for m in (CriminalTransfer, Material, Document, AuditEntry)
        )


def last_audit(ctx: ServiceContext) -> AuditEntry:
    with ctx.read() as s:
        return s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
