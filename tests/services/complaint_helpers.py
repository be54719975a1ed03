"""Constants, people, builders and fixtures shared by the complaint tests
(test_complaints.py, test_complaint_privacy.py); each defines the same
three small fixtures (frozen clock, people, the operating clerk)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import func, select

from desktop_app.services import complaints, staff
from desktop_app.services.complaints import ComplainantInput, ComplaintInput, PartyInput
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import (
    Attachment,
    Complainant,
    Complaint,
    EnforcementCase,
    Material,
    Organisation,
    Referral,
)

NOW = datetime(2026, 11, 30, 10, 0)  # a Monday
RECEIVED = datetime(2026, 11, 23, 9, 30)  # the Monday before
VERIFIED = datetime(2026, 11, 25, 15, 0)
ENV = "石家庄市生态环境局深泽县分局"
WATER = "深泽县水利局"
SCJG_STATION = "深泽县市场监督管理局赵八市场监督管理所"  # internal unit, no basis
TOWNSHIP = "深泽县赵八镇人民政府"

NAME = "李𠀀华"
PHONE = "13831112222"
ID_NUMBER = "110101198503071235"
ADDRESS = "赵八村12号"


@dataclass(frozen=True)
class People:
    clerk: int  # takes the complaints (the operator)
    officer: int  # verifies
    leader: int  # may see complainants (staff flag)
    other: int  # neither first contact nor allowed
    retired: int  # inactive


def make_people(ctx: ServiceContext) -> People:
    def add(name: str, **kw: Any) -> int:
        return staff.save(ctx, staff.StaffInput(name=name, **kw))

    return People(
        clerk=add("张首问"),
        officer=add("孙核实", role="officer", certificate_number="13010001"),
        leader=add("王主任", role="leader", sees_complainants=True),
        other=add("赵旁人"),
        retired=add("钱离职", active=False),
    )


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def complaint(**changes: Any) -> ComplaintInput:
    data = ComplaintInput(
        received_at=RECEIVED,
        channel="phone",
        content="反映村东农田有人露天焚烧秸秆，浓烟很大，影响附近居民。",
        place="赵八村村东农田",
        complainant=ComplainantInput(NAME, PHONE, ID_NUMBER, ADDRESS),
        respondent=PartyInput("person", "王建国", None, None, "赵八村3号"),
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def informed(ctx: ServiceContext, **changes: Any) -> ComplaintInput:
    values: dict[str, Any] = {
        "channel": "department",
        "informing_org_id": org(ctx, WATER),
        "informed_on": date(2026, 11, 23),
        "materials_handed_over": True,
    }
    values.update(changes)
    return complaint(**values)


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(m)).scalar() or 0)
            for m in (Complaint, Complainant, Attachment, Material, Referral, EnforcementCase)
        )


def stored_files(ctx: ServiceContext) -> list[Path]:
    assert ctx.paths is not None
    return [p for p in ctx.paths.attachments.rglob("*") if p.is_file()]


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s", "", "".join(p.extract_text() or "" for p in reader.pages))


def scan(tmp_path: Path, name: str = "水利局移交材料.pdf", data: bytes = b"%PDF-1.4 scan") -> Path:
    folder = tmp_path / "scans"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def get(ctx: ServiceContext, cid: int) -> Complaint:
    return complaints.get(ctx, cid)


def verify(ctx: ServiceContext, cid: int, outcome: str, **kw: Any) -> None:
    complaints.record_verification(
        ctx,
        cid,
        kw.get("at", VERIFIED),
        kw.get("by"),
        kw.get("note", "执法人员到现场核实。"),
        outcome,
    )


def end(day: date) -> datetime:
    return datetime.combine(day, datetime.max.time()).replace(microsecond=0)
