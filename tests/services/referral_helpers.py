"""Constants and builders shared by the case transfer tests (test_referrals_*.py)."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import func, select

from desktop_app.domain.terms import MaterialKind
from desktop_app.services import letters, referrals
from desktop_app.services.context import ServiceContext
from desktop_app.services.referrals import IncomingInput, OutgoingInput, PartyInput
from desktop_app.storage.models import (
    Attachment,
    Dispute,
    EnforcementCase,
    Material,
    Organisation,
    Referral,
)

NOW = datetime(2026, 11, 29, 10, 0)
ENV = "石家庄市生态环境局深泽县分局"
SCJG_STATION = "深泽县市场监督管理局赵八市场监督管理所"  # internal unit, no basis
POLICE_STATION = "深泽县公安局赵八派出所"  # internal unit with a recorded basis
TEAM = "赵八镇综合行政执法队"
VALID_ID = "11010519491231002X"
VALID_CODE = "91350100M000100Y43"


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def outgoing(ctx: ServiceContext, **changes: Any) -> OutgoingInput:
    data = OutgoingInput(
        matter="露天焚烧秸秆",
        party=PartyInput("person", "王建国", VALID_ID, None, "赵八村3号", "13800138000"),
        place="赵八村村东农田",
        found_at=datetime(2026, 11, 25, 10, 5),
        found_how="inspection",
        receiver_id=org(ctx, ENV),
        urgency="normal",
        facts="2026年11月25日，我镇执法人员在日常巡查中发现王建国在村东农田露天焚烧秸秆。",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(m)).scalar() or 0)
            for m in (Referral, Material, Attachment, EnforcementCase, Dispute)
        )


def load(ctx: ServiceContext, rid: int) -> Referral:
    return referrals.get(ctx, rid)


def evidence_file(tmp_path: Path, name: str = "现场检查记录.pdf", data: bytes = b"%PDF") -> Path:
    folder = tmp_path / "scans"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def ready_to_send(ctx: ServiceContext, **changes: Any) -> int:
    """A draft with a case-source material and its issued 移送函."""
    rid = referrals.create_outgoing(ctx, outgoing(ctx, **changes))
    referrals.add_material(ctx, rid, MaterialKind.INSPECTION_RECORD, "现场检查记录", pages=2)
    letters.issue(ctx, "referral_letter", rid, on=NOW.date())
    return rid


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s", "", "".join(p.extract_text() or "" for p in reader.pages))


def incoming(ctx: ServiceContext, **changes: Any) -> IncomingInput:
    data = IncomingInput(
        sender_id=org(ctx, ENV),
        received_at=datetime(2026, 11, 2, 9, 30),
        matter="违规倾倒建筑垃圾",
        party=PartyInput("organisation", "深泽县某某建材有限公司", None, VALID_CODE),
        place="赵八村北侧坑塘",
        found_at=datetime(2026, 10, 30, 15, 0),
        signed_by="张建国",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data
