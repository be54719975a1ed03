"""Several organisations in one database (issue 13): two townships, a county
department and the county government, each with its own logged-in account.
The ``county`` fixture (tests/services/conftest.py) builds it."""

from __future__ import annotations

from dataclasses import dataclass

from referral_helpers import ENV, org
from sqlalchemy import select

from desktop_app.domain.terms import AccountRole, OrgKind
from desktop_app.services import accounts, settings
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import Organisation, Staff

PW = "zhao2026ba"
FIRST = "first1234"


@dataclass
class County:
    town_a: ServiceContext
    town_b: ServiceContext
    dept: ServiceContext
    government: ServiceContext
    a_id: int
    b_id: int
    dept_id: int
    other_dept_id: int


def _new_org(ctx: ServiceContext, name: str, kind: OrgKind, **extra: str) -> int:
    with ctx.uow() as uow:
        o = Organisation(name=name, kind=kind, acts_in_own_name=True, active=True, **extra)
        uow.session.add(o)
        uow.flush()
        return o.id


def _login(
    ctx: ServiceContext, boss: ServiceContext, name: str, org_id: int, role: AccountRole
) -> ServiceContext:
    with ctx.uow() as uow:
        person = Staff(name=f"{name}员", organisation_id=org_id, role="clerk", active=True)
        uow.session.add(person)
        uow.flush()
        staff_id = person.id
    accounts.create_account(boss, staff_id, name, role, FIRST, FIRST)
    return accounts.log_in(ctx, name, FIRST).context(ctx)


def make_county(ctx: ServiceContext) -> County:
    a_id = int(settings.get(ctx, "township_org_id"))
    b_id = _new_org(  # its letters name its own liaison (organisations' 联络人)
        ctx, "深泽县铁杆镇人民政府", OrgKind.TOWNSHIP, liaison_name="刘联络", liaison_phone="0311-8"
    )
    gov_id = _new_org(ctx, "深泽县人民政府（测试）", OrgKind.COUNTY_GOVERNMENT)
    dept_id = org(ctx, ENV)
    with ctx.read() as s:
        other = s.execute(
            select(Organisation.id)
            .where(Organisation.kind == OrgKind.COUNTY_DEPARTMENT, Organisation.id != dept_id)
            .order_by(Organisation.id)
        ).scalars()
        other_dept_id = next(iter(other))
    boss = accounts.set_up_first_admin(ctx, "王管理", "wang", PW, PW).context(ctx)
    return County(
        _login(ctx, boss, "town_a", a_id, AccountRole.OFFICER),
        _login(ctx, boss, "town_b", b_id, AccountRole.OFFICER),
        _login(ctx, boss, "dept", dept_id, AccountRole.OFFICER),
        _login(ctx, boss, "gov", gov_id, AccountRole.VIEWER),
        a_id,
        b_id,
        dept_id,
        other_dept_id,
    )
