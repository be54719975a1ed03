"""Reading the audit trail (操作留痕查询): filtered by operator, date, record and
action, newest first, a page at a time. Read-only: nothing here writes, and the
database refuses UPDATE and DELETE on ``audit_log`` anyway.

On a shared server an organisation reads its own staff's entries (:func:`_ours`).

Summaries never carry a complainant's identity (the complaint services write
none), and the before/after snapshots are not shown here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.services import scope
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.services.ledgers import LISTS
from desktop_app.services.records import record_label
from desktop_app.storage.models import AuditEntry, Organisation, Staff

MAX_TEXT = 100
MAX_LIMIT = 1000

# record_label knows these (a case shows its 案号 too); the other ledgers by their serial.
_LABELLED = {RecordType.CASE.value, RecordType.REFERRAL.value, RecordType.COMPLAINT.value}
_SERIAL_OF: dict[str, tuple[Any, Any]] = {
    lg.record_type.value: (lg.model, lg.model.number if lg.key == "documents" else lg.model.serial)
    for lg in LISTS.values()
    if lg.key != "penalty_matters"
}


@dataclass(frozen=True)
class AuditQuery:
    operator_id: int | None = None
    date_from: date | None = None  # inclusive, on the day the entry was written
    date_to: date | None = None  # inclusive
    record_type: str | None = None  # a RecordType code
    record_id: int | None = None
    action: str | None = None  # an AuditAction code
    text: str = ""  # words that must all occur in the summary or the operator's name


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    operator_name: str
    action_label: str
    record_type_label: str
    record_serial: str  # 移2026-0007, a letter's 文号, "" when the entry is about no record
    summary: str


def _where(q: AuditQuery) -> list[ColumnElement[bool]]:
    problems: dict[str, str] = {}
    if q.action and q.action not in {a.value for a in AuditAction}:
        problems["action"] = f"无效的操作类型：{q.action}"
    if q.record_type and q.record_type not in {t.value for t in RecordType}:
        problems["record_type"] = f"无效的记录类别：{q.record_type}"
    if q.date_from and q.date_to and q.date_to < q.date_from:
        problems["date_to"] = "结束日期不能早于开始日期"
    if len((q.text or "").strip()) > MAX_TEXT:
        problems["text"] = f"搜索内容过长：最多{MAX_TEXT}个字，请缩短后再搜索。"
    if problems:
        raise InvalidInput(problems)
    where: list[ColumnElement[bool]] = []
    if q.operator_id is not None:
        where.append(AuditEntry.operator_id == q.operator_id)
    if q.date_from is not None:
        where.append(AuditEntry.at >= datetime.combine(q.date_from, time.min))
    if q.date_to is not None:
        where.append(AuditEntry.at <= datetime.combine(q.date_to, time.max))
    if q.record_type:
        where.append(AuditEntry.record_type == q.record_type)
    if q.record_id is not None:
        where.append(AuditEntry.record_id == q.record_id)
    if q.action:
        where.append(AuditEntry.action == AuditAction(q.action))
    for word in (q.text or "").split():
        where.append(
            or_(
                AuditEntry.summary.icontains(word, autoescape=True),
                AuditEntry.operator_name.icontains(word, autoescape=True),
            )
        )
    return where


def _ours(ctx: ServiceContext) -> list[ColumnElement[bool]]:
    """On a shared server an organisation reads the entries of its own staff (and
    of its internal units'); the county government and a PC's single township,
    every entry."""
    if scope.sees_everything(ctx):
        return []
    units = select(Organisation.id).where(
        or_(Organisation.id == ctx.org_id, Organisation.parent_id == ctx.org_id)
    )
    staff = select(Staff.id).where(Staff.organisation_id.in_(units))
    return [AuditEntry.operator_id.in_(staff)]


def _select(q: AuditQuery, *columns: Any, ctx: ServiceContext | None = None) -> Select[Any]:
    where = _where(q) + (_ours(ctx) if ctx is not None else [])
    stmt = select(*columns)
    return stmt.where(*where) if where else stmt


def audit_count(ctx: ServiceContext, q: AuditQuery = AuditQuery()) -> int:
    with ctx.read() as s:
        return int(s.execute(_select(q, func.count(AuditEntry.id), ctx=ctx)).scalar_one())


def _serials(session: Session, entries: list[Any]) -> dict[tuple[str, int], str]:
    """Serials of the records a page of entries is about, one query per record type."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for e in entries:
        if e.record_type in _SERIAL_OF and e.record_id is not None:
            wanted[e.record_type].add(e.record_id)
    found: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        model, serial = _SERIAL_OF[kind]
        for rid, text in session.execute(select(model.id, serial).where(model.id.in_(ids))):
            found[(kind, rid)] = str(text or "")
    return found


def _record_text(
    session: Session, serials: dict[tuple[str, int], str], kind: str | None, rid: int | None
) -> str:
    if not kind or rid is None:
        return ""
    if kind in _LABELLED:
        return record_label(session, kind, rid)
    if kind in _SERIAL_OF:
        return serials.get((kind, rid)) or f"（已删除的记录 {rid}）"
    return record_label(session, kind, rid)


def audit_page(
    ctx: ServiceContext, q: AuditQuery = AuditQuery(), offset: int = 0, limit: int = 200
) -> list[AuditRow]:
    """One page of the trail, newest first."""
    if offset < 0 or not 0 < limit <= MAX_LIMIT:
        raise InvalidInput({"limit": f"分页参数无效（每页 1 至 {MAX_LIMIT} 条）。"})
    stmt = _select(
        q,
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.operator_name,
        AuditEntry.action,
        AuditEntry.record_type,
        AuditEntry.record_id,
        AuditEntry.summary,
        ctx=ctx,
    ).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    with ctx.read() as s:
        entries = list(s.execute(stmt.offset(offset).limit(limit)))
        serials = _serials(s, entries)
        return [
            AuditRow(
                e.id,
                e.at,
                e.operator_name or "",
                AuditAction.label_of(e.action),
                RecordType.label_of(e.record_type),
                _record_text(s, serials, e.record_type, e.record_id),
                e.summary or "",
            )
            for e in entries
        ]


def audit_operators(ctx: ServiceContext) -> list[tuple[int | None, str]]:
    """(operator id, name) of everyone who appears in the trail, for the operator filter."""
    stmt = (
        select(AuditEntry.operator_id, AuditEntry.operator_name)
        .where(*_ours(ctx))
        .distinct()
        .order_by(AuditEntry.operator_name)
    )
    with ctx.read() as s:
        return [(oid, name or "") for oid, name in s.execute(stmt)]
