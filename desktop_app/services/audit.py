"""The audit trail (操作留痕): who did what, when, before and after.

Append-only: the database refuses UPDATE and DELETE on ``audit_log``, and each
entry's hash covers the previous entry's hash, so a row changed with an
outside tool breaks the chain (:func:`verify_chain`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction
from desktop_app.storage.models import AuditEntry

# Columns never copied into an audit snapshot (bookkeeping, not content).
_SKIP = {"created_at", "updated_at", "version"}


def now() -> datetime:
    """The audit trail's clock: the app's clock, looked up at each call (so a test
    that freezes the app's clock freezes the trail's too; tests may also pin this one)."""
    return clock.now()


def jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: Any, skip: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """Column values of a mapped object, JSON-ready."""
    mapper = inspect(obj).mapper
    return {
        attr.key: jsonable(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in _SKIP and attr.key not in skip
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys that changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _digest(prev_hash: str | None, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(((prev_hash or "") + body).encode("utf-8")).hexdigest()


def _payload(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": jsonable(entry.at),
        "operator_id": entry.operator_id,
        "operator_name": entry.operator_name,
        "action": jsonable(entry.action),
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "summary": entry.summary,
        "before": entry.before,
        "after": entry.after,
    }


def append(
    session: Session,
    *,
    operator_id: int | None,
    operator_name: str | None,
    action: AuditAction,
    record_type: str | None,
    record_id: int | None,
    summary: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: datetime | None = None,
) -> AuditEntry:
    """One entry at the end of the chain. ``at``: when it happened, if not now (an
    entry carried over from another database keeps its time)."""
    entry = {
        "operator_id": operator_id,
        "operator_name": operator_name,
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "summary": summary,
        "before": before,
        "after": after,
        "at": at,
    }
    return append_many(session, [entry])[0]


def append_many(session: Session, entries: Iterable[dict[str, Any]]) -> list[AuditEntry]:
    """Entries (the keyword arguments of :func:`append`) at the end of the chain, in
    order, hashed one after another in memory and written in one flush."""
    prev = session.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    made: list[AuditEntry] = []
    for e in entries:
        record_type = e.get("record_type")
        entry = AuditEntry(
            at=e.get("at") or now(),
            operator_id=e.get("operator_id"),
            operator_name=e.get("operator_name"),
            action=e["action"],
            record_type=str(record_type) if record_type is not None else None,
            record_id=e.get("record_id"),
            summary=e.get("summary"),
            before=e.get("before"),
            after=e.get("after"),
            prev_hash=prev,
        )
        entry.hash = prev = _digest(prev, _payload(entry))
        made.append(entry)
    session.add_all(made)
    session.flush()
    return made


def verify_chain(session: Session) -> list[int]:
    """Ids of entries whose hash does not match their content and predecessor."""
    bad: list[int] = []
    prev: str | None = None
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        if entry.prev_hash != prev or entry.hash != _digest(prev, _payload(entry)):
            bad.append(entry.id)
        prev = entry.hash
    return bad
