"""Organisations (单位) and the rule on who may act in its own name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.domain.terms import AuditAction, OrgKind, RecordType
from desktop_app.services import audit
from desktop_app.services.context import ServiceContext, check_version
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.storage.models import Organisation


@dataclass
class OrgInput:
    name: str
    kind: OrgKind | str
    short_name: str | None = None
    parent_id: int | None = None
    acts_in_own_name: bool | None = None
    own_name_legal_basis: str | None = None
    liaison_name: str | None = None
    liaison_phone: str | None = None
    address: str | None = None
    postal_code: str | None = None
    active: bool = True
    sort_order: int = 0
    note: str | None = None


def may_act_in_own_name(org: Organisation) -> tuple[bool, str]:
    """Seed 三（一）4: transfers go in the name of the township or a county
    department, never of an internal, directly-affiliated or dispatched body,
    unless a law, regulation or rule provides otherwise (recorded basis)."""
    if org.kind == OrgKind.INTERNAL_UNIT:
        if org.acts_in_own_name and (org.own_name_legal_basis or "").strip():
            return True, ""
        return False, (
            f"「{org.name}」是内设机构、直属机构或派出机构，不能以自己的名义移送或接收案件"
            "（法律、法规、规章明确规定的除外，需在单位信息中记录依据）。"
            "请以乡镇人民政府或县级职能部门的名义办理。"
        )
    if not org.acts_in_own_name:
        return False, f"「{org.name}」在单位信息中被标记为不能以自己的名义对外办理。"
    return True, ""


def _validate(ctx: ServiceContext, data: OrgInput, org_id: int | None) -> dict[str, object]:
    c = Checker()
    name = c.text("name", data.name, "单位名称", 100, required=True)
    kind = c.term("kind", OrgKind, data.kind, "单位类别")
    values: dict[str, object] = {
        "name": name,
        "kind": kind,
        "short_name": c.text("short_name", data.short_name, "简称", 40),
        "own_name_legal_basis": c.text(
            "own_name_legal_basis", data.own_name_legal_basis, "以自己名义办理的依据", 2000
        ),
        "liaison_name": c.text("liaison_name", data.liaison_name, "联络人", 40),
        "liaison_phone": c.phone("liaison_phone", data.liaison_phone, "联络电话"),
        "address": c.text("address", data.address, "地址", 200),
        "postal_code": c.text("postal_code", data.postal_code, "邮政编码", 10),
        "note": c.text("note", data.note, "备注", 2000),
        "parent_id": data.parent_id,
        "active": bool(data.active),
        "sort_order": int(data.sort_order or 0),
    }
    acts = data.acts_in_own_name
    if acts is None:
        acts = kind != OrgKind.INTERNAL_UNIT
    if kind == OrgKind.INTERNAL_UNIT and acts and not values["own_name_legal_basis"]:
        c.fail(
            "acts_in_own_name",
            "内设机构、直属机构或派出机构只有在法律、法规、规章明确规定时才能以自己的名义办理，"
            "请填写依据，或取消该选项。",
        )
    values["acts_in_own_name"] = bool(acts)
    if org_id is not None and data.parent_id == org_id:
        c.fail("parent_id", "上级单位不能是它自己")
    if name:
        with ctx.read() as s:
            clash = s.execute(
                select(Organisation.id).where(
                    Organisation.name == name, Organisation.id != (org_id or -1)
                )
            ).first()
        if clash:
            c.fail("name", f"已有名为「{name}」的单位")
    c.raise_if_any()
    return values


def save(
    ctx: ServiceContext,
    data: OrgInput,
    org_id: int | None = None,
    expected_version: int | None = None,
) -> int:
    ctx.require_admin("修改单位名录")
    values = _validate(ctx, data, org_id)
    with ctx.uow() as uow:
        if org_id is None:
            org = Organisation(**values)
            uow.session.add(org)
            uow.flush()
            uow.audit(
                AuditAction.CREATE,
                RecordType.ORGANISATION,
                org.id,
                f"新增单位：{org.name}",
                after=audit.snapshot(org),
            )
        else:
            found = uow.session.get(Organisation, org_id)
            if found is None:
                raise NotFound("该单位不存在或已被删除。")
            org = found
            check_version(found, expected_version)
            before = audit.snapshot(org)
            for key, value in values.items():
                setattr(org, key, value)
            uow.flush()
            b, a = audit.diff(before, audit.snapshot(org))
            if a:
                uow.audit(
                    AuditAction.UPDATE,
                    RecordType.ORGANISATION,
                    org.id,
                    f"修改单位：{org.name}",
                    before=b,
                    after=a,
                )
        return org.id


def list_all(
    ctx: ServiceContext, *, active_only: bool = False, kinds: tuple[OrgKind, ...] | None = None
) -> list[Organisation]:
    with ctx.read() as s:
        q = select(Organisation).order_by(Organisation.sort_order, Organisation.id)
        if active_only:
            q = q.where(Organisation.active.is_(True))
        if kinds:
            q = q.where(Organisation.kind.in_([k.value for k in kinds]))
        return list(s.execute(q).scalars())


def get(ctx: ServiceContext, org_id: int) -> Organisation:
    with ctx.read() as s:
        org = s.get(Organisation, org_id)
        if org is None:
            raise NotFound("该单位不存在或已被删除。")
        return org


def acting(ctx: ServiceContext) -> Organisation | None:
    """The organisation ``ctx`` acts for: the logged-in account's, else the
    township of the settings (services/scope.py); None when neither is set."""
    from desktop_app.services import scope

    with ctx.read() as s:
        org_id = scope.acting_org_id(s)
        return s.get(Organisation, org_id) if org_id is not None else None


def find_by_name(ctx: ServiceContext, name: str) -> Organisation | None:
    """Exact name, then short name, then a unique containment match."""
    key = (name or "").strip()
    if not key:
        return None
    with ctx.read() as s:
        return match_name(s, key)


def match_name(session: Session, key: str) -> Organisation | None:
    for col in (Organisation.name, Organisation.short_name):
        org = session.execute(select(Organisation).where(col == key)).scalars().first()
        if org is not None:
            return org
    orgs = list(session.execute(select(Organisation)).scalars())
    hits = [o for o in orgs if key in o.name or o.name in key]
    return hits[0] if len(hits) == 1 else None


def delete(ctx: ServiceContext, org_id: int) -> None:
    """Only an organisation nothing refers to may be deleted; otherwise deactivate it."""
    ctx.require_admin("修改单位名录")
    with ctx.uow() as uow:
        org = uow.session.get(Organisation, org_id)
        if org is None:
            raise NotFound("该单位不存在或已被删除。")
        from desktop_app.services.settings import read_all

        conf = read_all(uow.session)
        if org_id in (conf.get("township_org_id"), conf.get("team_org_id")):
            raise RuleViolation(f"「{org.name}」是“乡镇信息”中设定的本乡镇或执法队，不能删除。")
        snap = audit.snapshot(org)
        uow.session.delete(org)
        try:
            uow.flush()
        except IntegrityError as exc:  # foreign keys refuse: it is in use
            raise RuleViolation(
                f"「{snap['name']}」已被记录引用，不能删除；可以把它设为停用。"
            ) from exc
        uow.audit(
            AuditAction.DELETE,
            RecordType.ORGANISATION,
            org_id,
            f"删除单位：{snap['name']}",
            before=snap,
        )
