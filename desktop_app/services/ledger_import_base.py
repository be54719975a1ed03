"""Ledger import: what every import target declares, and the helpers targets share.

A :class:`Target` is one ledger (or one direction of a ledger) a sheet can be
imported into: its fields, the check a row goes through (the service's own form
check), how duplicates are recognised and how the record is built. The targets
themselves live in ``ledger_import_targets`` (信息共享, 执法协助, 案件移送) and the
modules it gathers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import RecordType
from desktop_app.domain.validators import check_date_order
from desktop_app.services import scope
from desktop_app.services.forms import Checker
from desktop_app.services.ledger_import_fields import ImportField
from desktop_app.services.serials import format_serial, next_serial

Problems = dict[str, str]  # import field → message


@dataclass
class Prepared:
    """A row checked and ready to store."""

    excel_row: int
    key: tuple[Any, ...]  # what makes two rows the same record
    year: int
    values: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    code: str
    label: str
    record_type: RecordType
    model: Any
    fields: tuple[ImportField, ...]
    defaults: dict[str, Any]  # used when the column is not mapped at all
    check: Callable[[Session, dict[str, Any], WorkCalendar], tuple[Any, Problems]]
    existing: Callable[[Session, Iterable[tuple[Any, ...]]], dict[tuple[Any, ...], str]]
    build: Callable[[Prepared, WorkCalendar], Any]
    ledger: str = ""  # the ledger list it fills (default: ``code``)
    note: Callable[[Any, WorkCalendar], str] | None = None  # added to the audit entry
    # runs once the record has its creator (the importing operator), before it is audited
    claimed: Callable[[Any], None] | None = None

    @property
    def ledger_key(self) -> str:
        return self.ledger or self.code

    @property
    def by_name(self) -> dict[str, ImportField]:
        return {f.name: f for f in self.fields}


def mine(session: Session, model: Any) -> list[ColumnElement[bool]]:
    """The acting organisation's own rows of ``model`` (and the ownerless ones,
    services/scope.py), for ``where(*…)``: duplicates and linked records are looked
    for among them, so another township's identical record does not block a row."""
    if not scope.has_owner(model):
        return []
    return [scope.ours(model, scope.acting_org_id(session))]


def rename(problems: dict[str, str], names: dict[str, str]) -> Problems:
    return {names.get(k, k): v for k, v in problems.items()}


def moment_span(days: Iterable[date]) -> tuple[datetime, datetime] | None:
    """From the start of the first of ``days`` to the start of the day after the last:
    the range the existing records are read in to find duplicates (None: no days)."""
    found = sorted(set(days))
    if not found:
        return None
    return datetime.combine(found[0], time()), datetime.combine(
        found[-1] + timedelta(days=1), time()
    )


def same_day_floor(later: datetime | None, earlier: datetime | None) -> datetime | None:
    """A date given without a time (00:00) on the day of ``earlier`` means that day:
    not before ``earlier``."""
    if later is None or earlier is None:
        return later
    if later.time() == time() and later.date() == earlier.date() and later < earlier:
        return earlier
    return later


def order(c: Checker, fld: str, earlier: Any, later: Any, e_label: str, l_label: str) -> None:
    if fld in c.problems or earlier is None or later is None:
        return
    c.run(fld, check_date_order, earlier, later, e_label, l_label)


class SerialCounter:
    """台账编号 for many new records in one transaction: next_serial once per year."""

    def __init__(self, session: Session, model: Any) -> None:
        self.session, self.model = session, model
        self.next: dict[int, int] = {}

    def take(self, year: int) -> str:
        if year not in self.next:
            first = next_serial(self.session, self.model, year)
            self.next[year] = int(first.rsplit("-", 1)[1])
        number = self.next[year]
        self.next[year] += 1
        return format_serial(self.model, year, number)
