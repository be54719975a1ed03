"""First-run reference data: the township, the county's bodies, a sample catalogue.

Read from ``resources/seed/`` so an office can edit the files; everything is
written in one transaction and audited.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop_app.domain.terms import AuditAction, OrgKind, RecordType, StaffRole
from desktop_app.paths import resource
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import Organisation, PenaltyMatter, Setting, Staff

ORGANISATIONS_FILE = "organisations.json"
SAMPLE_CATALOGUE_FILE = "penalty_catalogue_sample.xlsx"


def load_seed(path: Path | None = None) -> dict[str, Any]:
    with (path or resource("seed", ORGANISATIONS_FILE)).open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def is_empty(ctx: ServiceContext) -> bool:
    with ctx.read() as s:
        return not s.execute(select(func.count(Organisation.id))).scalar()


def seed_reference_data(ctx: ServiceContext, *, catalogue: bool = True) -> None:
    """Fill an empty database; does nothing when organisations already exist."""
    if not is_empty(ctx):
        return
    data = load_seed()
    with ctx.uow() as uow:
        s = uow.session
        # Two programs starting on an empty server at once: the writers take turns,
        # and the second finds the first one's organisations here.
        if s.execute(select(func.count(Organisation.id))).scalar():
            return
        by_name: dict[str, Organisation] = {}
        for order, item in enumerate(data["organisations"], start=1):
            kind = OrgKind(item["kind"])
            org = Organisation(
                name=item["name"],
                short_name=item.get("short_name"),
                kind=kind,
                acts_in_own_name=item.get("acts_in_own_name", kind != OrgKind.INTERNAL_UNIT),
                own_name_legal_basis=item.get("own_name_legal_basis"),
                liaison_name=item.get("liaison_name"),
                liaison_phone=item.get("liaison_phone"),
                address=item.get("address"),
                postal_code=item.get("postal_code"),
                note=item.get("note"),
                sort_order=order * 10,
            )
            s.add(org)
            by_name[org.name] = org
        s.flush()
        for item in data["organisations"]:
            if item.get("parent"):
                by_name[item["name"]].parent_id = by_name[item["parent"]].id
        for order, item in enumerate(data.get("staff", []), start=1):
            owner = by_name.get(item.get("organisation", ""))
            s.add(
                Staff(
                    name=item["name"],
                    organisation_id=owner.id if owner else None,
                    role=StaffRole(item.get("role", "clerk")),
                    position=item.get("position"),
                    certificate_number=item.get("certificate_number"),
                    phone=item.get("phone"),
                    note=item.get("note"),
                    sort_order=order * 10,
                )
            )
        s.add(Setting(key="township_org_id", value=by_name[data["township"]].id))
        s.add(Setting(key="team_org_id", value=by_name[data["team"]].id))
        uow.flush()
        uow.audit(
            AuditAction.IMPORT,
            RecordType.ORGANISATION,
            None,
            f"首次启动：载入单位名录 {len(by_name)} 个、人员 {len(data.get('staff', []))} 名",
        )
    if catalogue:
        sample = resource("seed", SAMPLE_CATALOGUE_FILE)
        if sample.exists():
            with ctx.read() as s:
                has_matters = s.execute(select(func.count(PenaltyMatter.id))).scalar()
            if not has_matters:
                from desktop_app.services import catalog

                catalog.import_catalogue(ctx, sample)
