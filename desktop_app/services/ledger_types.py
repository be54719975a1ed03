"""What a ledger declaration is made of: its columns (Col), the extra filters a list
page offers (Filter) and the ledger itself (Ledger). The declarations are in
:mod:`ledger_defs`; paging and filtering in :mod:`ledgers`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import aliased

from desktop_app.domain.terms import (
    RecordType,
    Term,
)
from desktop_app.storage.models import (
    Organisation,
)


@dataclass(frozen=True)
class Col:
    """One column of a ledger list and of its Excel sheet."""

    key: str
    label: str
    expr: Any  # a SQL column expression
    kind: str = "text"  # text | date | datetime | term | bool | int
    term: type[Term] | None = None
    width: int = 12  # in Chinese characters
    searchable: bool = False


@dataclass(frozen=True)
class Filter:
    """An extra filter a list page offers: a term, an organisation on either side,
    overdue, or a yes/no flag (``build()`` gives its condition). An ``org`` filter
    with ``build`` gives the condition for the chosen organisation's id."""

    key: str
    label: str
    kind: str  # term | org | overdue | flag
    exprs: tuple[Any, ...]
    term: type[Term] | None = None
    build: Callable[..., Any] | None = None


@dataclass(frozen=True)
class Ledger:
    key: str
    label: str  # the system's Chinese name
    record_type: RecordType
    model: Any
    columns: tuple[Col, ...]
    date_col: str  # column that places a record in time (month filters, sorting)
    status_col: str | None = None
    status_term: type[Term] | None = None
    joins: tuple[tuple[Any, Any], ...] = field(default=())
    newest_first: bool = True  # default order of ``date_col``
    search_hint: str = "搜索：编号、事项、当事人、地点……（多个词用空格分开）"
    filters: tuple[Filter, ...] = ()

    def filter(self, key: str) -> Filter:
        for f in self.all_filters:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def all_filters(self) -> tuple[Filter, ...]:
        """The declared filters, plus "overdue" for every ledger with a clock."""
        if hasattr(self.model, "deadline_at") and not any(f.key == "overdue" for f in self.filters):
            return (
                *self.filters,
                Filter("overdue", "只看已逾期", "overdue", (self.model.deadline_at,)),
            )
        return self.filters

    def column(self, key: str) -> Col:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def search_exprs(self) -> list[Any]:
        return [c.expr for c in self.columns if c.searchable]


def is_datetime(expr: Any) -> bool:
    """A column (or expression) holding date and time, compared with datetimes;
    otherwise a date column, compared with dates."""
    return getattr(getattr(expr, "type", None), "python_type", None) is datetime


def org_alias(name: str) -> Any:
    return aliased(Organisation, name=name)
