"""The township team for a demo run: the active staff, or a new team when there is none."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from desktop_app.domain.terms import StaffRole
from desktop_app.services.demo.core import Demo, Row
from desktop_app.services.demo.text_people import REGION, mobile, person_name
from desktop_app.storage.models import Staff


def load_staff(g: Demo) -> None:
    staff = list(
        g.s.execute(select(Staff).where(Staff.active.is_(True)).order_by(Staff.id)).scalars()
    )
    people = [p for p in staff if p.role != StaffRole.ADMIN]
    if not people:
        people_rows = _make_staff(g)
        g.officers = [
            (r["id"], r["name"])
            for r in people_rows
            if r["role"] in (StaffRole.OFFICER, StaffRole.LEADER)
        ]
        g.leaders = [(r["id"], r["name"]) for r in people_rows if r["role"] == StaffRole.LEADER]
        g.clerks = [(r["id"], r["name"]) for r in people_rows if r["role"] == StaffRole.CLERK]
    else:
        pick = lambda *roles: [(p.id, p.name) for p in people if p.role in roles]  # noqa: E731
        g.officers = pick(StaffRole.OFFICER, StaffRole.LEADER) or pick(*StaffRole)
        g.leaders = pick(StaffRole.LEADER) or g.officers
        g.clerks = pick(StaffRole.CLERK) or g.officers
    g.staff_all = g.officers + g.clerks


def _make_staff(g: Demo) -> list[Row]:
    rng = g.rng
    n = rng.randint(8, 12)
    positions = ["队长", "副队长"] + ["执法队员"] * (n - 4) + ["内勤", "内勤"]
    if rng.random() < 0.5:
        positions[2] = "副队长"
    roles = {"队长": StaffRole.LEADER, "副队长": StaffRole.OFFICER, "内勤": StaffRole.CLERK}
    next_id = g.max_id("staff") + 1
    created = datetime.combine(g.first, time(8, 30))
    seen: list[str] = []
    rows = []
    for i, position in enumerate(positions):
        name, _male = person_name(rng)
        while name in seen:
            name, _male = person_name(rng)
        seen.append(name)
        role = roles.get(position, StaffRole.OFFICER)
        cert = None
        if role != StaffRole.CLERK:
            cert = f"{REGION}{rng.randint(2019, 2024)}{rng.randint(1, 60):04d}"
        row = dict(g.blank["staff"])
        row.update(
            id=next_id + i,
            name=name,
            organisation_id=g.team_id,
            position=position,
            role=role,
            certificate_number=cert,
            phone=mobile(rng),
            active=True,
            sort_order=(i + 1) * 10,
            created_at=created,
            updated_at=created,
        )
        rows.append(row)
    g.rows["staff"] = rows
    return rows
