"""Figures per ledger for the statistics page (the full monthly summary is separate).

Over the rows the context may see (services/scope.py), as the lists: an
organisation's own records and what was sent to it; the county government, all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from desktop_app.domain.clock import now as clock_now
from desktop_app.services import scope
from desktop_app.services.context import ServiceContext
from desktop_app.services.ledger_types import is_datetime
from desktop_app.services.ledgers import LEDGERS


@dataclass(frozen=True)
class LedgerFigures:
    ledger_key: str
    label: str
    total: int
    in_period: int
    running: int
    overdue: int


def ledger_figures(
    ctx: ServiceContext, start: date, end: date, now: datetime | None = None
) -> list[LedgerFigures]:
    """Per ledger: all records, records dated in [start, end], open clocks, overdue clocks."""
    now = now or clock_now()
    out = []
    with ctx.read() as s:
        for key, ledger in LEDGERS.items():
            m = ledger.model
            when = ledger.column(ledger.date_col).expr
            mine = scope.seen_where(m, ctx)
            total = s.execute(select(func.count(m.id)).where(*mine)).scalar_one()
            lo = datetime.combine(start, datetime.min.time())
            hi = datetime.combine(end, datetime.max.time())
            dated = s.execute(
                select(func.count(m.id)).where(
                    when >= (lo if is_datetime(when) else start),
                    when <= (hi if is_datetime(when) else end),
                    *mine,
                )
            ).scalar_one()
            running = s.execute(
                select(func.count(m.id)).where(m.deadline_at.is_not(None), *mine)
            ).scalar_one()
            overdue = s.execute(
                select(func.count(m.id)).where(
                    m.deadline_at.is_not(None), m.deadline_at < now, *mine
                )
            ).scalar_one()
            out.append(LedgerFigures(key, ledger.label, total, dated, running, overdue))
    return out


@dataclass(frozen=True)
class TimingRow:
    """按时办理 of one system for the statistics page (the rule as in the monthly 统计)."""

    ledger_key: str
    label: str
    rule: str
    on_time: int
    late: int
    overdue: int
    rate: float | None


@dataclass(frozen=True)
class TimingFigures:
    """按时办理 per system, and per department: department name → ledger key → rate.

    A system timed in several steps (投诉举报: 初步核实, 答复投诉举报人, 向告知部门反馈)
    counts all of them in its row of ``systems`` and in ``departments``; ``steps``
    gives them one by one (ledger key → rows whose ``label`` is the step)."""

    systems: list[TimingRow]
    departments: list[tuple[str, dict[str, float | None]]]
    steps: dict[str, list[TimingRow]] = field(default_factory=dict)


def timing_figures(ctx: ServiceContext, start: date, end: date) -> TimingFigures:
    """The on-time figures of the monthly summary's 统计 sheet, for any range."""
    from desktop_app.domain import clock
    from desktop_app.services.summary_figures import TIMED_RULES, compute

    as_of = min(clock.now(), datetime.combine(end, datetime.max.time()).replace(microsecond=0))
    with ctx.read() as s:
        fig = compute(s, start, end, as_of, scope.seen_rows(ctx))
    systems = [
        TimingRow(key, LEDGERS[key].label, TIMED_RULES[key], t.on_time, t.late, t.overdue, t.rate)
        for key, t in fig.by_system.items()
    ]
    departments = [
        (dept, {key: t.rate for key, t in per.items()})
        for dept, per in sorted(fig.by_department.items())
    ]
    steps = {
        key: [
            TimingRow(key, step, TIMED_RULES[key], t.on_time, t.late, t.overdue, t.rate)
            for step, t in per.items()
        ]
        for key, per in fig.by_step.items()
    }
    return TimingFigures(systems, departments, steps)


def timing_rows(ctx: ServiceContext, start: date, end: date) -> list[TimingRow]:
    return timing_figures(ctx, start, end).systems
