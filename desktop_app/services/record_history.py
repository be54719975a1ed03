"""A ledger record's history for its detail view: its audit entries and those of
the letters issued for it, oldest first, each with the field changes in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, and_, or_, select
from sqlalchemy.orm import Session

from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.services import records
from desktop_app.storage.models import AuditEntry, Document
from desktop_app.storage.types import TermType


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    operator: str
    action_label: str
    summary: str
    changes: list[tuple[str, str, str]]  # (field label, before, after)


# keys audited for related rows (materials, attachments, views) besides the record's columns
EXTRA_LABELS = {
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
    "purpose": "查看用途",
}


def _typed(model: Any, key: str, value: Any) -> Any:
    """An audited value (JSON: text) back as the column's type, for formatting."""
    col = model.__table__.c.get(key)
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
    s: Session, model: Any, before: dict[str, Any], after: dict[str, Any]
) -> list[tuple[str, str, str]]:
    out = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in ("id", "serial"):
            continue
        old = records.format_value(s, key, _typed(model, key, before.get(key)))
        new = records.format_value(s, key, _typed(model, key, after.get(key)))
        if old or new:
            out.append((EXTRA_LABELS.get(key) or records.label(key), old, new))
    return out


def record_history(
    s: Session, record_type: RecordType, model: Any, record_id: int
) -> list[HistoryRow]:
    """The record's audit entries and its letters', oldest first."""
    docs = select(Document.id).where(
        Document.record_type == record_type.value, Document.record_id == record_id
    )
    entries = s.execute(
        select(AuditEntry)
        .where(
            or_(
                and_(
                    AuditEntry.record_type == record_type.value,
                    AuditEntry.record_id == record_id,
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
            _changes(s, model, e.before or {}, e.after or {})
            if e.record_type == record_type.value
            else [],
        )
        for e in entries
    ]
