"""A record's materials checklist (移送材料): the lines, their scanned files and the
audit, shared by case transfers and criminal transfers. Each caller checks its
own states and kinds first, then calls these inside its transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.domain.terms import AuditAction, MaterialKind, RecordType
from desktop_app.services import attachments
from desktop_app.services.context import UnitOfWork
from desktop_app.services.forms import Checker
from desktop_app.storage.models import Attachment, Material


@dataclass(frozen=True)
class MaterialLine:
    """What the form gives, checked: kind, title, pages, copies."""

    kind: MaterialKind
    title: str
    pages: int | None
    copies: int


def check_line(
    c: Checker, kind: MaterialKind | str, title: str, pages: int | None, copies: int
) -> MaterialLine | None:
    """The line's problems go into ``c``; the checked line, or None."""
    what = c.term("kind", MaterialKind, kind, "材料类别")
    name = c.text("title", title, "材料名称", 200, required=True)
    if pages is not None and not (isinstance(pages, int) and 1 <= pages <= 9999):
        c.fail("pages", "「页数」应为1至9999的整数")
    if not (isinstance(copies, int) and 1 <= copies <= 99):
        c.fail("copies", "「份数」应为1至99的整数")
    if what is None or name is None or c.problems:
        return None
    return MaterialLine(what, name, pages, copies)


@dataclass(frozen=True)
class MaterialRow:
    """One line of a checklist as the record's window lists it."""

    id: int
    kind: MaterialKind
    kind_label: str
    title: str
    pages: int | None
    copies: int
    attachment_id: int | None
    original_name: str | None


def rows(session: Session, record_type: RecordType, record_id: int) -> list[MaterialRow]:
    """The record's lines in their order, with the original names of their scans."""
    found = session.execute(
        select(Material, Attachment.original_name)
        .outerjoin(Attachment, Material.attachment_id == Attachment.id)
        .where(Material.record_type == record_type.value, Material.record_id == record_id)
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
        for m, name in found
    ]


def info(m: Material, file_name: str | None) -> dict[str, Any]:
    """The line as the audit trail keeps it."""
    return {
        "title": m.title,
        "kind": MaterialKind.label_of(m.kind),
        "pages": m.pages,
        "copies": m.copies,
        "original_name": file_name,
    }


def add(
    uow: UnitOfWork,
    record_type: RecordType,
    record_id: int,
    serial: str,
    line: MaterialLine,
    file: Path | None = None,
    note: str | None = None,
    what: str = "材料",
) -> int:
    """Append the line (its file copied into the data folder) and audit it."""
    s = uow.session
    att = None
    if file is not None:
        att = attachments.store(uow, record_type, record_id, Path(file), category=line.kind.label)
    last = s.execute(
        select(func.max(Material.sort_order)).where(
            Material.record_type == record_type.value, Material.record_id == record_id
        )
    ).scalar()
    m = Material(
        record_type=record_type.value,
        record_id=record_id,
        kind=line.kind,
        title=line.title,
        pages=line.pages,
        copies=line.copies,
        attachment_id=att.id if att else None,
        sort_order=(last or 0) + 1,
        note=note,
    )
    s.add(m)
    uow.flush()
    uow.audit(
        AuditAction.CREATE,
        record_type,
        record_id,
        f"{serial} 添加{what}：{line.title}",
        after=info(m, att.original_name if att else None),
    )
    return m.id


def remove(
    uow: UnitOfWork, record_type: RecordType, serial: str, m: Material, what: str = "材料"
) -> None:
    """Delete the line and its file, and audit it."""
    s = uow.session
    att = s.get(Attachment, m.attachment_id) if m.attachment_id else None
    before = info(m, att.original_name if att else None)
    record_id, title = m.record_id, m.title
    s.delete(m)
    uow.flush()
    if att is not None:
        attachments.discard(uow, att.id)
    uow.audit(
        AuditAction.DELETE, record_type, record_id, f"{serial} 删除{what}：{title}", before=before
    )
