"""案件移送: the materials checklist (三（一）3), the audit history and the actions that apply."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from desktop_app.domain.terms import (
    CASE_SOURCE_MATERIALS,
    Direction,
    MaterialKind,
    ReferralStatus,
)
from desktop_app.services import materials, scope
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.materials import MaterialRow
from desktop_app.services.record_history import HistoryRow, record_history
from desktop_app.services.referral_common import RECORD, load, require
from desktop_app.storage.models import Material, Referral

S = ReferralStatus
OUT = Direction.OUTGOING


# --- materials (三（一）3) --------------------------------------------------------------


def _require_materials(r: Referral, action: str) -> None:
    if r.direction == OUT:
        require(r, (S.DRAFT, S.READY), action)
    else:
        require(r, (S.SIGNED, S.ARCHIVED), action)


def add_material(
    ctx: ServiceContext,
    referral_id: int,
    kind: MaterialKind | str,
    title: str,
    pages: int | None = None,
    copies: int = 1,
    file: Path | None = None,
) -> int:
    """One line of the checklist, with its file copied into the data folder."""
    c = Checker()
    line = materials.check_line(c, kind, title, pages, copies)
    c.raise_if_any()
    assert line is not None
    with ctx.uow() as uow:
        r = load(uow.session, referral_id)
        _require_materials(r, "添加材料")
        return materials.add(uow, RECORD, r.id, r.serial, line, file)


def remove_material(ctx: ServiceContext, material_id: int) -> None:
    """Only while the transfer is not sent; its attachment goes with it."""
    with ctx.uow() as uow:
        s = uow.session
        m = s.get(Material, material_id)
        if m is None or m.record_type != RECORD.value:
            raise NotFound("该材料不存在或已被删除。")
        r = load(s, m.record_id)
        _require_materials(r, "删除材料")
        if r.status == S.READY and m.kind in CASE_SOURCE_MATERIALS:
            others = s.execute(
                select(func.count(Material.id)).where(
                    Material.record_type == RECORD.value,
                    Material.record_id == r.id,
                    Material.id != m.id,
                    Material.kind.in_([k.value for k in CASE_SOURCE_MATERIALS]),
                )
            ).scalar()
            if not others:
                raise RuleViolation(
                    f"「{m.title}」是待发送的案件移送 {r.serial} 唯一的案源材料，不能删除。"
                    "如需更换，请先添加新的案源材料。"
                )
        materials.remove(uow, RECORD, r.serial, m)


def list_materials(ctx: ServiceContext, referral_id: int) -> list[MaterialRow]:
    with ctx.read() as s:
        load(s, referral_id, ctx)
        return materials.rows(s, RECORD, referral_id)


# --- history and actions ---------------------------------------------------------------


def history(ctx: ServiceContext, referral_id: int) -> list[HistoryRow]:
    """The record's audit entries (and its letters'), oldest first."""
    with ctx.read() as s:
        load(s, referral_id, ctx)
        return record_history(s, RECORD, Referral, referral_id)


def allowed_actions(ctx: ServiceContext, referral_id: int) -> set[str]:
    """The actions that apply to the referral now (the GUI shows these buttons).

    Status and direction decide; preconditions of an action (the issued
    letter and a case-source material for "send") are checked when it runs,
    with a message saying what is missing.
    """
    with ctx.read() as s:
        r = load(s, referral_id, ctx)
    st = r.status
    receiver = scope.receiver_only(ctx, r, r.receiver_id)
    if receiver is not None:  # another organisation's transfer: its receiver's own steps
        if not receiver or r.direction != OUT or r.pre_transfer:
            return set()
        return {S.SENT: {"sign", "return"}, S.SIGNED: {"result", "return"}}.get(st, set())
    acts: set[str] = set()
    if r.pre_transfer or st == S.ARCHIVED:
        return {"materials"}
    if r.direction == OUT:
        if st in (S.DRAFT, S.READY):
            acts |= {"edit", "materials", "letter", "send", "withdraw"}
        if st == S.DRAFT:
            acts.add("ready")
        if st == S.SENT:
            acts |= {"letter", "deliver", "sign", "return"}
        if st == S.SIGNED:
            acts |= {"letter", "result", "return"}
        if st == S.RESULT:
            acts.add("letter")
    elif st == S.SIGNED:
        acts.add("materials")
        acts |= {"file_case", "return_incoming"} if r.case_id is None else {"incoming_result"}
    elif st == S.RESULT:
        acts.add("letter")
    if st == S.RETURNED:
        acts |= {"dispute", "letter"}
    return acts
