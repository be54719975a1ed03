"""Records with hostile or rare text, for the bad-input tests."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.domain.terms import Direction, MaterialKind, ReferralStatus, Urgency
from desktop_app.services import settings
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import Material, Organisation, Referral

RARE = "𠀀𪚥😀"  # two CJK Extension B characters and an emoji
FORMULAS = ('=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\t=1+1", "\r=1+1")
ENV = "石家庄市生态环境局深泽县分局"


def referral(ctx: ServiceContext, matter: str, party: str = "王建国", serial: str = "") -> int:
    """An outgoing transfer found on 2026-11-25, ready for its 移送函."""
    town = settings.get(ctx, "township_org_id")
    with ctx.uow() as uow:
        dept = uow.session.execute(
            select(Organisation).where(Organisation.name == ENV)
        ).scalar_one()
        r = Referral(
            serial=serial or f"移2026-{abs(hash(matter)) % 100000}",
            direction=Direction.OUTGOING,
            status=ReferralStatus.READY,
            sender_id=town,
            receiver_id=dept.id,
            matter=matter,
            party_name=party,
            place="赵八村村东农田",
            found_at=datetime(2026, 11, 25, 10, 5),
            urgency=Urgency.NORMAL,
        )
        uow.session.add(r)
        uow.flush()
        uow.session.add(
            Material(
                record_type="referral",
                record_id=r.id,
                kind=MaterialKind.INSPECTION_RECORD,
                title="现场检查记录",
                pages=2,
            )
        )
        return r.id


def soffice_csv(xlsx: Path, out_dir: Path) -> set[str]:
    """Every cell of every sheet, as LibreOffice's CSV conversion writes it (it
    computes formulas: a formula cell gives its result). Skipped without soffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(out_dir),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    cells: set[str] = set()
    for p in sorted(out_dir.glob("*.csv")):
        for row in csv.reader(io.StringIO(p.read_text(encoding="utf-8"), newline="")):
            cells.update(row)
    return cells
