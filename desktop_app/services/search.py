"""Search across all ledgers (全台账检索): one box, results grouped by ledger.

Every word of the text (split on spaces, full-width ones too) must occur in
one of a ledger's searchable columns (``Col.searchable`` in
:mod:`ledger_defs`), exactly as a list page searches; ``%`` and ``_`` are
matched literally. The document register is searched too (letter numbers);
the penalty catalogue is not (it is reference data, not a record).

The complainant's identity lives in its own table and is in no ledger column,
so it can never be found or shown here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func

from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.services.ledgers import LEDGERS, LISTS, Ledger, Query, _select, display

MAX_TEXT = 100

# The ledgers in the order of the navigation, then the document register.
SEARCHED: tuple[str, ...] = (*LEDGERS, "documents")

# The column a hit is named by; the others that are searched make its detail line.
_TITLE: dict[str, str] = {
    "referrals": "matter",
    "complaints": "content",
    "info_shares": "title",
    "meetings": "subject",
    "urgent_notices": "hazard",
    "joint_actions": "title",
    "assistance": "subject",
    "disputes": "matter",
    "criminal_transfers": "title",
    "cases": "title",
    "documents": "title",
}
_SERIAL: dict[str, str] = {"documents": "number"}


@dataclass(frozen=True)
class SearchHit:
    ledger_key: str
    record_id: int
    serial: str  # 台账编号, or a letter's 文号
    title: str
    detail: str  # date and the other searched fields, e.g. "2026-11-25 · 王建国 · 赵八村"


@dataclass(frozen=True)
class SearchGroup:
    ledger_key: str
    label: str  # the ledger's Chinese name
    total: int  # every match, not only those in ``hits``
    hits: list[SearchHit]


def _check(text: str, limit_per_ledger: int) -> str:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput({"text": f"搜索内容过长：最多{MAX_TEXT}个字，请缩短后再搜索。"})
    if limit_per_ledger < 0:
        raise InvalidInput({"limit": "每个台账显示的条数不能为负数。"})
    return text


def _hit(ledger: Ledger, row: dict[str, Any]) -> SearchHit:
    serial_key = _SERIAL.get(ledger.key, "serial")
    title_key = _TITLE.get(ledger.key, serial_key)
    parts = [display(ledger.column(ledger.date_col), row["_date"])]
    for col in ledger.columns:
        if col.searchable and col.key not in (serial_key, title_key):
            parts.append(display(col, row[col.key]))
    return SearchHit(
        ledger.key,
        int(row["_id"]),
        str(row[serial_key] or ""),
        display(ledger.column(title_key), row[title_key]),
        " · ".join(p for p in parts if p),
    )


def search_ledger(ctx: ServiceContext, ledger_key: str, text: str, limit: int = 20) -> SearchGroup:
    """One ledger's matches: the count of all, and the newest ``limit`` of them."""
    text = _check(text, limit)
    ledger = LISTS[ledger_key]
    q = Query(search=text)
    serial_key = _SERIAL.get(ledger.key, "serial")
    title_key = _TITLE.get(ledger.key, serial_key)
    shown = [c for c in ledger.columns if c.searchable or c.key in (serial_key, title_key)]
    when = ledger.column(ledger.date_col).expr
    exprs = [
        ledger.model.id.label("_id"),
        when.label("_date"),
        *[c.expr.label(c.key) for c in shown],
    ]
    with ctx.read() as s:
        total = int(s.execute(_select(ledger, q, [func.count(ledger.model.id)], ctx)).scalar_one())
        rows: list[dict[str, Any]] = []
        if total and limit:
            stmt = _select(ledger, q, exprs, ctx).order_by(when.desc(), ledger.model.id.desc())
            rows = [dict(r._mapping) for r in s.execute(stmt.limit(limit))]
    return SearchGroup(ledger.key, ledger.label, total, [_hit(ledger, r) for r in rows])


def search_all(ctx: ServiceContext, text: str, limit_per_ledger: int = 20) -> list[SearchGroup]:
    """The ledgers with at least one match, in navigation order, then the letters.

    Empty or blank text finds nothing (an empty list); text longer than
    100 characters is refused (:class:`InvalidInput`).
    """
    text = _check(text, limit_per_ledger)
    if not text:
        return []
    groups = [search_ledger(ctx, key, text, limit_per_ledger) for key in SEARCHED]
    return [g for g in groups if g.total]
