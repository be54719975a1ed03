"""案件移送: the materials checklist (三（一）3), the audit history and the actions that apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, and_, func, or_, select
from sqlalchemy.orm import Session

from desktop_app.domain.terms import (
    CASE_SOURCE_MATERIALS,
    AuditAction,
    Direction,
    MaterialKind,
    RecordType,
    ReferralStatus,
)
from desktop_app.services import attachments, records
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.referral_common import RECORD, load, require
from desktop_app.storage.models import Attachment, AuditEntry, Document, Material, Referral
from desktop_app.storage.types import TermType

S = ReferralStatus
OUT = Direction.OUTGOING


@dataclass(frozen=True)
class MaterialRow:
    id: int
    kind: MaterialKind
    kind_label: str
    title: str
    pages: int | None
    copies: int
    attachment_id: int | None
    original_name: str | None


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    operator: str
    action_label: str
    summary: str
    changes: list[tuple[str, str, str]]  # (field label, before, after)


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
    what = c.term("kind", MaterialKind, kind, "材料类别")
    name = c.text("title", title, "材料名称", 200, required=True)
    if pages is not None and not (isinstance(pages, int) and 1 <= pages <= 9999):
        c.fail("pages", "「页数」应为1至9999的整数")
    if not (isinstance(copies, int) and 1 <= copies <= 99):
        c.fail("copies", "「份数」应为1至99的整数")
    c.raise_if_any()
    assert what is not None
    with ctx.uow() as uow:
        s = uow.session
        r = load(s, referral_id)
        _require_materials(r, "添加材料")
        att = None
        if file is not None:
            att = attachments.store(uow, RECORD, r.id, Path(file), category=what.label)
        last = s.execute(
            select(func.max(Material.sort_order)).where(
                Material.record_type == RECORD.value, Material.record_id == r.id
            )
        ).scalar()
        m = Material(
            record_type=RECORD.value,
            record_id=r.id,
            kind=what,
            title=name,
            pages=pages,
            copies=copies,
            attachment_id=att.id if att else None,
            sort_order=(last or 0) + 1,
        )
        s.add(m)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            r.id,
            f"{r.serial} 添加材料：{name}",
            after=_material_info(m, att.original_name if att else None),
        )
        return m.id


def _material_info(m: Material, file_name: str | None) -> dict[str, Any]:
    return {
        "title": m.title,
        "kind": MaterialKind.label_of(m.kind),
        "pages": m.pages,
        "copies": m.copies,
        "original_name": file_name,
    }


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
        att = s.get(Attachment, m.attachment_id) if m.attachment_id else None
        info = _material_info(m, att.original_name if att else None)
        s.delete(m)
        uow.flush()
        if att is not None:
            attachments.discard(uow, att.id)
        uow.audit(AuditAction.DELETE, RECORD, r.id, f"{r.serial} 删除材料：{m.title}", before=info)


def list_materials(ctx: ServiceContext, referral_id: int) -> list[MaterialRow]:
    with ctx.read() as s:
        rows = s.execute(
            select(Material, Attachment.original_name)
            .outerjoin(Attachment, Material.attachment_id == Attachment.id)
            .where(Material.record_type == RECORD.value, Material.record_id == referral_id)
            .order_by(Material.sort_order, Material.id)
        ).all()
        return [
            MaterialRow(
                m.id,
                MaterialKind(m.kind),
                MaterialKind.label_of(m.kind),
                m.title,
                m.pages,
                m.copies,
                m.attachment_id,
                name,
            )
            for m, name in rows
        ]


# --- history and actions ---------------------------------------------------------------

_EXTRA_LABELS = {
    "title": "材料名称",
    "kind": "材料类别",
    "pages": "页数",
    "copies": "份数",
    "original_name": "文件名",
    "category": "附件类别",
    "size": "文件大小（字节）",
    "sha256": "SHA-256校验值",
    "attachment_id": "附件编号",
    "dispute_id": "管辖争议记录",
    "dispute_serial": "管辖争议编号",
}


def _typed(key: str, value: Any) -> Any:
    col = Referral.__table__.c.get(key)
    if col is None or value is None or not isinstance(value, str):
        return value
    try:
        if isinstance(col.type, TermType):
            return col.type.term(value)
        if isinstance(col.type, DateTime):
            return datetime.fromisoformat(value)
        if isinstance(col.type, Date):
            return date.fromisoformat(value)
    except ValueError:
        return value
    return value


def _changes(
    s: Session, before: dict[str, Any], after_: dict[str, Any]
) -> list[tuple[str, str, str]]:
    out = []
    for key in [*after_, *(k for k in before if k not in after_)]:
        if key in ("id", "serial"):
            continue
        old = records.format_value(s, key, _typed(key, before.get(key)))
        new = records.format_value(s, key, _typed(key, after_.get(key)))
        if old or new:
            out.append((_EXTRA_LABELS.get(key) or records.label(key), old, new))
    return out


def history(ctx: ServiceContext, referral_id: int) -> list[HistoryRow]:
    """The record's audit entries (and its letters'), oldest first."""
    with ctx.read() as s:
        load(s, referral_id)
        docs = select(Document.id).where(
            Document.record_type == RECORD.value, Document.record_id == referral_id
        )
        entries = s.execute(
            select(AuditEntry)
            .where(
                or_(
                    and_(
                        AuditEntry.record_type == RECORD.value,
                        AuditEntry.record_id == referral_id,
                    ),
                    and_(
                        AuditEntry.record_type == RecordType.DOCUMENT.value,
                        AuditEntry.record_id.in_(docs),
                    ),
                )
            )
            .order_by(AuditEntry.id)
        ).scalars()
        return [
            HistoryRow(
                e.at,
                e.operator_name or "",
                AuditAction.label_of(e.action),
                e.summary or "",
                _changes(s, e.before or {}, e.after or {}) if e.record_type == RECORD.value else [],
            )
            for e in entries
        ]


def allowed_actions(ctx: ServiceContext, referral_id: int) -> set[str]:
    """The actions that apply to the referral now (the GUI shows these buttons).

    Status and direction decide; preconditions of an action (the issued
    letter and a case-source material for "send") are checked when it runs,
    with a message saying what is missing.
    """
    with ctx.read() as s:
        r = load(s, referral_id)
    st = r.status
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
