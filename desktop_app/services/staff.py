"""Staff (人员): officers with enforcement certificates, clerks, leaders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from desktop_app.domain.terms import AuditAction, RecordType, StaffRole
from desktop_app.services import audit
from desktop_app.services.context import ServiceContext, check_version
from desktop_app.services.errors import NotFound
from desktop_app.services.forms import Checker
from desktop_app.storage.models import Staff


@dataclass
class StaffInput:
    name: str
    role: StaffRole | str = StaffRole.CLERK
    organisation_id: int | None = None
    position: str | None = None
    certificate_number: str | None = None
    phone: str | None = None
    active: bool = True
    sees_complainants: bool = False  # 举报人信息保密: may see complainants' identities
    sort_order: int = 0
    note: str | None = None


def _validate(data: StaffInput) -> dict[str, object]:
    c = Checker()
    role = c.term("role", StaffRole, data.role, "角色")
    cert = c.text("certificate_number", data.certificate_number, "执法证号", 40)
    if cert and not all(ch.isalnum() or ch in "-" for ch in cert):
        c.fail("certificate_number", "「执法证号」只能包含数字、字母和短横线")
    if role == StaffRole.OFFICER and not cert:
        c.fail("certificate_number", "执法人员须填写执法证号（行政执法人员持证上岗）")
    values: dict[str, object] = {
        "name": c.text("name", data.name, "姓名", 40, required=True),
        "role": role,
        "organisation_id": data.organisation_id,
        "position": c.text("position", data.position, "职务", 40),
        "certificate_number": cert,
        "phone": c.phone("phone", data.phone, "联系电话"),
        "active": bool(data.active),
        "sees_complainants": bool(data.sees_complainants),
        "sort_order": int(data.sort_order or 0),
        "note": c.text("note", data.note, "备注", 2000),
    }
    c.raise_if_any()
    return values


def save(
    ctx: ServiceContext,
    data: StaffInput,
    staff_id: int | None = None,
    expected_version: int | None = None,
) -> int:
    ctx.require_admin("修改人员名单")
    values = _validate(data)
    with ctx.uow() as uow:
        if staff_id is None:
            person = Staff(**values)
            uow.session.add(person)
            uow.flush()
            uow.audit(
                AuditAction.CREATE,
                RecordType.STAFF,
                person.id,
                f"新增人员：{person.name}",
                after=audit.snapshot(person),
            )
        else:
            found = uow.session.get(Staff, staff_id)
            if found is None:
                raise NotFound("该人员不存在。")
            person = found
            check_version(found, expected_version)
            before = audit.snapshot(person)
            for key, value in values.items():
                setattr(person, key, value)
            uow.flush()
            b, a = audit.diff(before, audit.snapshot(person))
            if a:
                uow.audit(
                    AuditAction.UPDATE,
                    RecordType.STAFF,
                    person.id,
                    f"修改人员：{person.name}",
                    before=b,
                    after=a,
                )
        return person.id


def list_all(ctx: ServiceContext, *, active_only: bool = False) -> list[Staff]:
    with ctx.read() as s:
        q = select(Staff).order_by(Staff.sort_order, Staff.id)
        if active_only:
            q = q.where(Staff.active.is_(True))
        return list(s.execute(q).scalars())


def get(ctx: ServiceContext, staff_id: int) -> Staff:
    with ctx.read() as s:
        person = s.get(Staff, staff_id)
        if person is None:
            raise NotFound("该人员不存在。")
        return person


def record_login(ctx: ServiceContext) -> None:
    """The operator chosen at start, written to the audit trail."""
    with ctx.uow() as uow:
        uow.audit(
            AuditAction.LOGIN,
            RecordType.STAFF,
            ctx.operator_id,
            f"{ctx.operator_name or '未知人员'} 开始使用本程序",
        )
