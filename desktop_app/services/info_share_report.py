"""信息共享: the same-day rate (当日共享率) and the late items, for a period.

Seed 三（三）: 原则上应当自形成当日及时共享. Items are selected by the day they
were formed (形成日期) within [start, end]; each is

* shared the same day (当日共享): ``shared_on <= formed_on``;
* shared late (延期共享): ``shared_on > formed_on`` (with its reason);
* not shared yet (未共享).

The rate is same-day / (shared + not shared after its day is over): an item
formed today and not shared yet may still be shared on time, so it stays out
of the rate; one formed earlier and still unshared has missed its day and
counts against it (otherwise a department that never shares would show 100%).
None when nothing counts.
Only the items the context may see count (services/scope.py, as the lists);
the monthly summary (``own=True``) counts the acting organisation's own.
Per department an item counts once for each of its counterparts. Counting
is done by the database (GROUP BY), so a ledger of 100,000 items reads a
few dozen rows; only the late and unshared items are read one by one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from desktop_app.domain import clock
from desktop_app.domain.terms import InfoCategory, ShareDirection
from desktop_app.services import scope
from desktop_app.services.context import ServiceContext
from desktop_app.services.forms import Checker
from desktop_app.services.info_share_forms import days_late
from desktop_app.storage.models import InfoShare, Organisation, info_share_counterparts

TOTAL_NAME = "合计"


@dataclass(frozen=True)
class RateRow:
    name: str
    total: int
    same_day: int
    late: int
    unshared: int
    rate: float | None  # same_day / (same_day + late); None when nothing was shared
    key: str = ""  # organisation id (as text) or category code; "" for the total

    @property
    def shared(self) -> int:
        return self.same_day + self.late

    @property
    def rate_text(self) -> str:
        """85.7% / — (nothing shared)."""
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


@dataclass(frozen=True)
class LateItem:
    id: int
    serial: str
    title: str
    category_label: str
    counterparts: str  # names joined with 、
    formed_on: date
    shared_on: date | None  # None in ``unshared_items``
    days_late: int  # calendar days after the day of forming (to today when unshared)
    reason: str | None


@dataclass(frozen=True)
class SameDayReport:
    by_department: list[RateRow]
    by_category: list[RateRow]  # all eight categories, in the seed's order
    total: RateRow
    late_items: list[LateItem]  # shared late, oldest first
    unshared_items: list[LateItem] = field(default_factory=list)  # not shared yet
    start: date | None = None
    end: date | None = None
    direction: ShareDirection | None = None


def _rate(same: int, late: int, missed: int) -> float | None:
    counted = same + late + missed
    return same / counted if counted else None


def _row(name: str, counts: tuple[Any, ...], key: str = "") -> RateRow:
    total, same, late, unshared, missed = (int(v or 0) for v in counts)
    return RateRow(name, total, same, late, unshared, _rate(same, late, missed), key)


def _counts() -> list[Any]:
    """count, same day, late, unshared, unshared past its day (missed)."""
    m = InfoShare
    same = case((and_(m.shared_on.is_not(None), m.shared_on <= m.formed_on), 1), else_=0)
    late = case((m.shared_on > m.formed_on, 1), else_=0)
    unshared = case((m.shared_on.is_(None), 1), else_=0)
    missed = case((and_(m.shared_on.is_(None), m.formed_on < clock.today()), 1), else_=0)
    return [func.count(), func.sum(same), func.sum(late), func.sum(unshared), func.sum(missed)]


def _checked(
    start: date, end: date, direction: ShareDirection | str | None
) -> ShareDirection | None:
    c = Checker()
    for key, value, what in (("start", start, "开始日期"), ("end", end, "结束日期")):
        if not isinstance(value, date):
            c.fail(key, f"请填写「{what}」")
    if not c.problems and end < start:
        c.fail("end", "结束日期不能早于开始日期")
    which = c.term("direction", ShareDirection, direction, "方向", required=False)
    c.raise_if_any()
    return which


def same_day_report(
    ctx: ServiceContext,
    start: date,
    end: date,
    direction: ShareDirection | str | None = None,
    *,
    own: bool = False,
) -> SameDayReport:
    """当日共享率 per counterpart and per category, the total, the late items
    and the items not shared yet, for the items formed from ``start`` to
    ``end`` (both included), of one direction or both; of the items ``ctx`` may
    see, or with ``own`` of the acting organisation's own (the monthly summary)."""
    which = _checked(start, end, direction)
    m, link = InfoShare, info_share_counterparts
    where: list[ColumnElement[bool]] = [m.formed_on >= start, m.formed_on <= end]
    if which is not None:
        where.append(m.direction == which.value)
    with ctx.read() as s:
        rows = scope.own_rows(s, ctx) if own else scope.seen_rows(ctx)
        mine = rows(m)
        if mine is not None:
            where.append(mine)
        per_cat = {
            str(cat): tuple(rest)
            for cat, *rest in s.execute(
                select(m.category, *_counts()).where(*where).group_by(m.category)
            )
        }
        per_org = s.execute(
            select(Organisation.id, Organisation.name, *_counts())
            .select_from(m)
            .join(link, link.c.info_share_id == m.id)
            .join(Organisation, Organisation.id == link.c.organisation_id)
            .where(*where)
            .group_by(Organisation.id, Organisation.name, Organisation.sort_order)
            .order_by(Organisation.sort_order, Organisation.id)
        ).all()
        cat_counts = list(per_cat.values())
        late = _items(s, where, m.shared_on > m.formed_on)
        unshared = _items(s, where, m.shared_on.is_(None))
    by_category = [
        _row(cat.label, per_cat.pop(cat.value, (0, 0, 0, 0, 0)), cat.value) for cat in InfoCategory
    ]
    by_category += [
        _row(InfoCategory.label_of(code), n, code) for code, n in sorted(per_cat.items())
    ]
    sums = tuple(sum(int(n[i] or 0) for n in cat_counts) for i in range(5))
    return SameDayReport(
        by_department=[_row(name, tuple(rest), str(org_id)) for org_id, name, *rest in per_org],
        by_category=by_category,
        total=_row(TOTAL_NAME, sums),
        late_items=late,
        unshared_items=unshared,
        start=start,
        end=end,
        direction=which,
    )


def _items(s: Any, where: list[ColumnElement[bool]], which: ColumnElement[bool]) -> list[LateItem]:
    m, link = InfoShare, info_share_counterparts
    conds = [*where, which]
    names: dict[int, list[str]] = defaultdict(list)
    for share_id, name in s.execute(
        select(link.c.info_share_id, Organisation.name)
        .join(Organisation, Organisation.id == link.c.organisation_id)
        .where(link.c.info_share_id.in_(select(m.id).where(*conds)))
        .order_by(link.c.info_share_id, Organisation.sort_order, Organisation.id)
    ):
        names[share_id].append(name)
    today = clock.today()
    return [
        LateItem(
            id=row.id,
            serial=row.serial,
            title=row.title,
            category_label=InfoCategory.label_of(row.category),
            counterparts="、".join(names.get(row.id, [])),
            formed_on=row.formed_on,
            shared_on=row.shared_on,
            days_late=days_late(row.formed_on, row.shared_on or today),
            reason=row.late_reason,
        )
        for row in s.execute(
            select(m.id, m.serial, m.title, m.category, m.formed_on, m.shared_on, m.late_reason)
            .where(*conds)
            .order_by(m.formed_on, m.id)
        )
    ]


__all__ = ["TOTAL_NAME", "LateItem", "RateRow", "SameDayReport", "same_day_report"]
