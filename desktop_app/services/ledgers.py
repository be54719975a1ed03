"""Paging, searching and filtering the ledgers (台账) from SQL; nothing loads a
whole ledger. The declarations are in :mod:`ledger_defs` (re-exported here:
``ledgers.LEDGERS``, ``ledgers.LISTS``, ``ledgers.Col``…).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Select, func, or_, select

from desktop_app.domain import clock
from desktop_app.services import scope
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.services.ledger_defs import LEDGERS, LISTS
from desktop_app.services.ledger_types import Col, Filter, Ledger, is_datetime
from desktop_app.storage.models import Referral
from desktop_app.storage.text_match import contains_text

__all__ = ["LEDGERS", "LISTS", "Col", "Filter", "Ledger", "Query", "count", "display", "page"]


@dataclass(frozen=True)
class Query:
    """What a list page asks for."""

    search: str = ""
    status: str | None = None
    sort_key: str | None = None
    descending: bool | None = None  # None: the ledger's default order
    filters: tuple[tuple[str, Any], ...] = ()  # (filter key, value)
    date_from: date | None = None  # on the ledger's date column, inclusive
    date_to: date | None = None


def _select(
    ledger: Ledger, q: Query, columns: Sequence[Any], ctx: ServiceContext | None = None
) -> Select[Any]:
    """The rows ``q`` asks for, among those ``ctx``'s organisation may see (scope.visible)."""
    stmt = select(*columns).select_from(ledger.model)
    for target, onclause in ledger.joins:
        stmt = stmt.outerjoin(target, onclause)
    where = scope.seen_where(ledger.model, ctx) if ctx is not None else []
    for part in q.search.split():
        where.append(or_(*[contains_text(e, part) for e in ledger.search_exprs]))
    if q.status and ledger.status_col:
        if ledger.status_term is not None and q.status not in {m.value for m in ledger.status_term}:
            raise InvalidInput({"status": f"无效的筛选条件：{q.status}"})
        where.append(ledger.column(ledger.status_col).expr == q.status)
    for key, value in q.filters:
        if value is None or value == "":
            continue
        try:
            f = ledger.filter(key)
        except KeyError:
            raise InvalidInput({key: f"无效的筛选条件：{key}"}) from None
        if f.kind == "term":
            if f.term is not None and value not in {m.value for m in f.term}:
                raise InvalidInput({key: f"无效的筛选条件：{value}"})
            where.append(_seen(ledger, key, f.exprs[0], ctx) == value)
        elif f.kind == "org":
            try:
                org_id = int(value)
            except (TypeError, ValueError):
                raise InvalidInput({key: f"无效的筛选条件：{value}"}) from None
            if f.build is not None:
                where.append(f.build(org_id))
            else:
                where.append(or_(*[e == org_id for e in f.exprs]))
        elif f.kind == "flag" and value and f.build is not None:
            where.append(f.build())
        elif f.kind == "overdue" and value:
            where.append(f.exprs[0].is_not(None))
            where.append(f.exprs[0] < clock.now())
    when = ledger.column(ledger.date_col).expr
    timed = is_datetime(when)
    if q.date_from is not None:
        where.append(when >= (datetime.combine(q.date_from, time.min) if timed else q.date_from))
    if q.date_to is not None:
        where.append(when <= (datetime.combine(q.date_to, time.max) if timed else q.date_to))
    if q.date_from and q.date_to and q.date_to < q.date_from:
        raise InvalidInput({"date_to": "结束日期不能早于开始日期"})
    return stmt.where(*where) if where else stmt


def _seen(ledger: Ledger, key: str, expr: Any, ctx: ServiceContext | None) -> Any:
    """A column as ``ctx``'s organisation reads it: a transfer's 方向 from its side."""
    if ctx is not None and key == "direction" and ledger.model is Referral:
        relative = scope.direction_seen(ctx)
        if relative is not None:
            return relative
    return expr


def count(ctx: ServiceContext, ledger_key: str, q: Query = Query()) -> int:
    ledger = LISTS[ledger_key]
    stmt = _select(ledger, q, [func.count(ledger.model.id)], ctx)
    with ctx.read() as s:
        return int(s.execute(stmt).scalar_one())


def stamp(ctx: ServiceContext, ledger_key: str) -> tuple[Any, ...]:
    """What changes whenever anyone adds, edits or deletes a record of the ledger
    (the number of records, the sum of their versions, the latest change): a list
    compares it with what it saw to know that another user (on a shared database)
    or another window changed something. One scan of the table, ~15 ms on the
    largest ledger of the 100,000-record demo."""
    model = LISTS[ledger_key].model
    parts: list[Any] = [func.count(model.id), func.max(model.id)]
    if hasattr(model, "version"):
        parts.append(func.coalesce(func.sum(model.version), 0))
    if hasattr(model, "updated_at"):
        parts.append(func.max(model.updated_at))
    with ctx.read() as s:
        return tuple(s.execute(select(*parts)).one())


def page(
    ctx: ServiceContext, ledger_key: str, q: Query = Query(), offset: int = 0, limit: int = 200
) -> list[dict[str, Any]]:
    """One page of rows as dicts: ``id`` plus each column's key."""
    ledger = LISTS[ledger_key]
    exprs = [ledger.model.id.label("id")] + [
        _seen(ledger, c.key, c.expr, ctx).label(c.key) for c in ledger.columns
    ]
    stmt = _select(ledger, q, exprs, ctx)
    sort_col = ledger.column(q.sort_key or ledger.date_col)
    sort = _seen(ledger, sort_col.key, sort_col.expr, ctx)
    descending = ledger.newest_first if q.descending is None else q.descending
    order = sort.desc() if descending else sort.asc()
    tie = ledger.model.id.desc() if descending else ledger.model.id.asc()
    stmt = stmt.order_by(order, tie).offset(offset).limit(limit)
    with ctx.read() as s:
        return [dict(r._mapping) for r in s.execute(stmt)]


def display(col: Col, value: Any) -> str:
    """A cell as the clerk reads it."""
    if value is None:
        return ""
    if col.kind == "term" and col.term is not None:
        return col.term.label_of(value)
    if col.kind == "datetime":
        from desktop_app.domain.deadlines import is_end_of_day

        return f"{value:%Y-%m-%d}" if is_end_of_day(value) else f"{value:%Y-%m-%d %H:%M}"
    if col.kind == "date":
        return f"{value:%Y-%m-%d}"
    if col.kind == "bool":
        return "是" if value else "否"
    if col.kind == "doc_type":
        return _doc_type_names().get(str(value), str(value))
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


_DOC_TYPE_NAMES: dict[str, str] = {}


def _doc_type_names() -> dict[str, str]:
    """Template code → its Chinese name, read once from forms_templates."""
    if not _DOC_TYPE_NAMES:
        from desktop_app.documents import template

        for code in template.available():
            try:
                _DOC_TYPE_NAMES[code] = template.load(code).name
            except template.TemplateError:
                _DOC_TYPE_NAMES[code] = code
    return _DOC_TYPE_NAMES
