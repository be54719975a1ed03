"""统计报表: records per month and system, for the line chart of the statistics page.

A record counts in the month of its ledger's own date (发现、受理、形成、召开…
as in the ledger lists, :data:`ledgers.LEDGERS`). The three ledgers of
联合执法协商 (协商会议, 紧急情况通知, 联合执法行动) make one line, as in the
monthly summary; 立案案件 is not one of the seven systems and is left out.

A trend needs more than one point: a period shorter than :data:`MIN_MONTHS`
shows the months up to its end month; a longer one its own months, at most
:data:`MAX_MONTHS` (the last ones). Counting is done by the database, grouped
by year and month (``extract``, which SQLite and PostgreSQL both know), over
the rows the context may see (services/scope.py), as the lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import extract, func, select

from desktop_app.domain.calendar import add_months
from desktop_app.services import scope
from desktop_app.services.context import ServiceContext
from desktop_app.services.ledger_types import is_datetime
from desktop_app.services.ledgers import LEDGERS

MIN_MONTHS = 12
MAX_MONTHS = 36

# line → (its label, the ledgers counted in it; the first one opens on a click)
SERIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "referrals": ("案件移送", ("referrals",)),
    "complaints": ("投诉举报", ("complaints",)),
    "info_shares": ("信息共享", ("info_shares",)),
    "consultation": ("联合执法协商", ("meetings", "urgent_notices", "joint_actions")),
    "assistance": ("执法协助", ("assistance",)),
    "disputes": ("管辖争议", ("disputes",)),
    "criminal_transfers": ("行刑衔接", ("criminal_transfers",)),
}


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    ledger_key: str  # the list a click opens
    counts: list[int]  # one per month of :attr:`MonthlyCounts.months`


@dataclass(frozen=True)
class MonthlyCounts:
    months: list[date]  # the first day of each month, oldest first
    lines: list[Line]

    def month_range(self, index: int) -> tuple[date, date]:
        """The first and last day of month ``index``."""
        first = self.months[index]
        return first, add_months(first, 1).replace(day=1) - _ONE_DAY


_ONE_DAY = timedelta(days=1)


def months_shown(start: date, end: date) -> list[date]:
    """The months of the chart for the period [start, end]."""
    last = end.replace(day=1)
    first = start.replace(day=1)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    count = min(max(count, MIN_MONTHS), MAX_MONTHS)
    return [add_months(last, i - count + 1) for i in range(count)]


def monthly_counts(ctx: ServiceContext, start: date, end: date) -> MonthlyCounts:
    """Records per month of each system for the months of :func:`months_shown`."""
    months = months_shown(start, end)
    lo, hi = months[0], add_months(months[-1], 1)
    index = {(m.year, m.month): i for i, m in enumerate(months)}
    lines: list[Line] = []
    with ctx.read() as s:
        for key, (label, keys) in SERIES.items():
            counts = [0] * len(months)
            for ledger_key in keys:
                ledger = LEDGERS[ledger_key]
                when = ledger.column(ledger.date_col).expr
                timed = is_datetime(when)
                low = datetime.combine(lo, time()) if timed else lo
                high = datetime.combine(hi, time()) if timed else hi
                year, month = extract("year", when), extract("month", when)
                seen = scope.seen_where(ledger.model, ctx)
                rows = s.execute(
                    select(year, month, func.count())
                    .select_from(ledger.model)
                    .where(when >= low, when < high, *seen)
                    .group_by(year, month)
                )
                for y, m, n in rows:
                    i = index.get((int(y), int(m)))
                    if i is not None:
                        counts[i] += int(n)
            lines.append(Line(key, label, keys[0], counts))
    return MonthlyCounts(months, lines)
