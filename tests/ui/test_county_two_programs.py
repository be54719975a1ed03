"""Issue 13's done-when, automated: on one shared database a transfer sent by a
township clerk's program appears in the department clerk's list, in another program,
without anyone pressing anything; another township's work stays out of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from desktop_app.domain.terms import AccountRole, OrgKind
from desktop_app.services import accounts, settings
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import Organisation, Staff
from desktop_app.ui.pages.ledger_page import LedgerList

PW = "first1234"
ROOT = Path(__file__).resolve().parents[2]

# The township clerk's program: log in, register a transfer to the water bureau with its
# case-source material and 移送函, and send it.
TOWNSHIP_PROGRAM = """
import sys
from datetime import datetime
from pathlib import Path
from sqlalchemy import select
from desktop_app.domain.terms import MaterialKind
from desktop_app.paths import DataPaths
from desktop_app.services import accounts, letters, referrals
from desktop_app.services.context import ServiceContext
from desktop_app.services.referral_flow import mark_sent
from desktop_app.storage.db import Database
from desktop_app.storage.models import Organisation

url, folder, login, password, matter, receiver = sys.argv[1:7]
db = Database(url)
ctx = ServiceContext(db, DataPaths(Path(folder)))
who = accounts.log_in(ctx, login, password)
op = who.context(ctx)
with op.read() as s:
    to = s.execute(select(Organisation.id).where(Organisation.name == receiver)).scalar_one()
rid = referrals.create_outgoing(op, referrals.OutgoingInput(
    matter=matter, party=referrals.PartyInput(kind="person", name="赵磊"), place="滹沱河",
    found_at=datetime(2026, 11, 28, 9), found_how="inspection", receiver_id=to,
    urgency="normal"))
referrals.add_material(op, rid, MaterialKind.INSPECTION_RECORD, "现场检查记录", pages=2)
letters.issue(op, "referral_letter", rid)
mark_sent(op, rid, datetime(2026, 11, 29, 10), "in_person", who.staff_id)
print(referrals.get(op, rid).serial)
db.close()
"""


def clerk(ctx: ServiceContext, boss: ServiceContext, login: str, org_id: int) -> None:
    with ctx.uow() as uow:
        person = Staff(name=f"{login}员", organisation_id=org_id, role="clerk", active=True)
        uow.session.add(person)
        uow.flush()
        staff_id = person.id
    accounts.create_account(boss, staff_id, login, AccountRole.OFFICER, PW, PW)


def org_id(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def send_from_another_program(ctx: ServiceContext, login: str, matter: str, receiver: str) -> str:
    assert ctx.paths is not None
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            TOWNSHIP_PROGRAM,
            ctx.db.url,
            str(ctx.paths.root),
            login,
            PW,
            matter,
            receiver,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_transfer_sent_by_a_township_appears_in_the_departments_list(
    qtbot,  # type: ignore[no-untyped-def]
    ctx: ServiceContext,
) -> None:
    township = int(settings.get(ctx, "township_org_id"))
    with ctx.uow() as uow:
        other = Organisation(
            name="深泽县铁杆镇人民政府",
            kind=OrgKind.TOWNSHIP,
            active=True,
            liaison_name="刘联络",
            liaison_phone="0311-8",  # its letters name its own liaison
        )
        uow.session.add(other)
        uow.flush()
        other_township = other.id
    boss = accounts.set_up_first_admin(ctx, "县管理员", "admin", "zhao2026ba", "zhao2026ba")
    op = boss.context(ctx)
    water = org_id(ctx, "深泽县水利局")
    clerk(ctx, op, "zhaoba", township)
    clerk(ctx, op, "tiegan", other_township)
    clerk(ctx, op, "shuili", water)

    # the water bureau's clerk, in this program, has the 案件移送 list open
    department = accounts.log_in(ctx, "shuili", PW).context(ctx)
    assert department.org_id == water
    lst = LedgerList(department, "referrals")
    qtbot.addWidget(lst)
    lst.show()
    qtbot.waitExposed(lst)
    lst.refresh()
    assert lst.model.total == 0
    lst._watch.setInterval(100)

    # another township sends to another department: nothing for the water bureau
    send_from_another_program(ctx, "tiegan", "违法占用耕地", "深泽县自然资源和规划局")
    serial = send_from_another_program(ctx, "zhaoba", "河道内擅自采砂", "深泽县水利局")

    qtbot.waitUntil(lambda: lst.model.total == 1, timeout=5000)
    row = lst.model.rows[0]
    assert (row["serial"], row["matter"]) == (serial, "河道内擅自采砂")
    assert lst.count.text() == "共 1 条"


def test_the_status_bar_names_the_organisation_the_account_acts_for(
    qtbot,  # type: ignore[no-untyped-def]
    ctx: ServiceContext,
    tmp_path: Path,
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QLabel

    from desktop_app.ui.main_window import MainWindow

    boss = accounts.set_up_first_admin(ctx, "县管理员", "admin", "zhao2026ba", "zhao2026ba")
    clerk(ctx, boss.context(ctx), "shuili", org_id(ctx, "深泽县水利局"))
    department = accounts.log_in(ctx, "shuili", PW).context(ctx)
    win = MainWindow(department, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    status = win.statusBar().findChild(QLabel, "statusText")
    assert status is not None
    assert "shuili员（执法人员，" in status.text() and "水利局" in status.text()
