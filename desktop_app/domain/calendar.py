"""Working-day calendar (工作日历).

One calendar drives every clock of the seed (3 个工作日 transfer, 5 个工作日
assistance reply). Base data: statutory holidays and make-up working days
(调休上班) from the ``holidays`` package (China, State Council schedules);
office overrides (entered when the State Council publishes a new year's
schedule, usually in November/December) take precedence both ways.

Which years the package really knows
------------------------------------
``holidays.China`` produces holidays for any year, but for a year whose
State Council notice (国务院办公厅关于××年部分节假日安排的通知) it has not
yet encoded it only *estimates*: statutory days plus a generic "next
weekday" 补假 rule, and no 调休 at all. Every published schedule since 2001
moves at least one day off by 调休, which the package stores in
``ChinaStaticHolidays.special_public_holidays`` and exposes in two public
ways: a day off labelled ``休息日（由 YYYY-MM-DD 调休）`` and a make-up working
day in ``weekend_workdays``. So :meth:`WorkCalendar.has_package_schedule`
is True exactly when the year has at least one of those (checked against
holidays 0.109: 2001–2026 True, 2027 and later False).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date
from functools import lru_cache

from desktop_app.domain import cn_workdays_table

MAKEUP_DAY_NAME = "调休上班"
DAY_OFF_NAME = "休息日"
_SUBSTITUTED_MARK = "调休"


@dataclass(frozen=True)
class CalendarOverride:
    """One day the office sets itself; wins over the package data."""

    day: date
    working: bool  # True = office declares a working day (调休上班); False = a day off
    note: str = ""


@dataclass(frozen=True)
class _PackageYear:
    off: frozenset[date]  # every day off in the year, weekends included
    makeup: frozenset[date]  # weekend days that are working days (调休上班)
    names: dict[date, str]
    has_schedule: bool


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), the month's last day when it is
    shorter (31 January + 1 → 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _year_bounds(year: int) -> tuple[int, int]:
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    return first, last


def package_schedule(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """The ``holidays`` package's named days and make-up working days of ``year``.

    Neighbouring years are populated too, so a day off or make-up day that a
    neighbour's notice places in ``year`` (e.g. 2001-12-29, from the 2002
    notice) is not missed. Imported here only: ``holidays`` loads every country
    it knows, so the years in :mod:`cn_workdays_table` are read from there.
    """
    import holidays

    years = [y for y in (year - 1, year, year + 1) if MINYEAR <= y <= MAXYEAR]
    cn = holidays.China(years=years, language="zh_CN")
    names = {d: str(n) for d, n in cn.items() if d.year == year}
    makeup = frozenset(d for d in cn.weekend_workdays if d.year == year and d.weekday() >= 5)
    return names, makeup


@lru_cache(maxsize=256)
def _package_year(year: int) -> _PackageYear:
    """The package's view of one year, computed once per process (from the shipped
    table when it has the year)."""
    if year in cn_workdays_table.YEARS:
        named, made = cn_workdays_table.YEARS[year]
        names = {date(year, m, d): n for m, d, n in named}
        makeup = frozenset(date(year, m, d) for m, d in made)
    else:
        names, makeup = package_schedule(year)
    first, last = _year_bounds(year)
    off = set()
    for o in range(first, last + 1):
        d = date.fromordinal(o)
        if (d in names) if d.weekday() < 5 else (d not in makeup):
            off.add(d)
    has_schedule = bool(makeup) or any(_SUBSTITUTED_MARK in n for n in names.values())
    return _PackageYear(frozenset(off), makeup, names, has_schedule)


class WorkCalendar:
    """Working days per the State Council schedule plus office overrides.

    Deadlines in working days count from the day after the start day
    (the start day is not counted; SPEC "Working-day calendar").
    """

    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        confirmed_years: Iterable[int] = (),
    ) -> None:
        self._overrides: dict[date, CalendarOverride] = {}
        for o in overrides:
            self._overrides[o.day] = o  # a later entry for the same day wins
        self._confirmed = frozenset(confirmed_years)
        self._working_cache: dict[int, list[int]] = {}

    @property
    def overrides(self) -> tuple[CalendarOverride, ...]:
        return tuple(sorted(self._overrides.values(), key=lambda o: o.day))

    @property
    def confirmed_years(self) -> frozenset[int]:
        return self._confirmed

    # --- single days -------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        o = self._overrides.get(d)
        if o is not None:
            return o.working
        return d not in _package_year(d.year).off

    def holiday_name(self, d: date) -> str | None:
        """Chinese name of a day off or make-up working day, or None.

        An override gives its note (or 调休上班/休息日 when it has none); a
        package holiday its name (元旦, 春节, 国庆节（补假）, 休息日（由 … 调休）);
        a package make-up working day 调休上班.
        """
        o = self._overrides.get(d)
        if o is not None:
            return o.note or (MAKEUP_DAY_NAME if o.working else DAY_OFF_NAME)
        py = _package_year(d.year)
        if d in py.makeup:
            return MAKEUP_DAY_NAME
        return py.names.get(d)

    # --- counting ----------------------------------------------------------

    def _working_ordinals(self, year: int) -> list[int]:
        cached = self._working_cache.get(year)
        if cached is not None:
            return cached
        first, last = _year_bounds(year)
        off = _package_year(year).off
        days = {o for o in range(first, last + 1) if date.fromordinal(o) not in off}
        for d, ov in self._overrides.items():
            if d.year == year:
                if ov.working:
                    days.add(d.toordinal())
                else:
                    days.discard(d.toordinal())
        result = sorted(days)
        self._working_cache[year] = result
        return result

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (``d`` itself not counted); n == 0 gives ``d``."""
        if n < 0:
            raise ValueError("工作日天数不能为负数")
        if n == 0:
            return d
        year = d.year
        days = self._working_ordinals(year)
        i = bisect_right(days, d.toordinal())
        remaining = n
        while True:
            available = len(days) - i
            if remaining <= available:
                return date.fromordinal(days[i + remaining - 1])
            remaining -= available
            year += 1
            if year > MAXYEAR:
                raise ValueError("日期超出可计算的范围")
            days = self._working_ordinals(year)
            i = 0

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days in (start, end]; 0 when end <= start."""
        if end <= start:
            return 0
        s, e = start.toordinal(), end.toordinal()
        total = 0
        for year in range(start.year, end.year + 1):
            days = self._working_ordinals(year)
            total += bisect_right(days, e) - bisect_right(days, s)
        return total

    def next_working_day(self, d: date) -> date:
        """First working day strictly after ``d``."""
        return self.add_working_days(d, 1)

    # --- confirmation ------------------------------------------------------

    def has_package_schedule(self, year: int) -> bool:
        """The holidays package carries the State Council schedule for ``year``.

        Heuristic (see module docstring): the year has at least one 调休
        substitution, i.e. a make-up working day or a day off labelled 调休.
        """
        if not MINYEAR <= year <= MAXYEAR:
            return False
        return _package_year(year).has_schedule

    def is_confirmed(self, year: int) -> bool:
        """Confirmed by the office, or the package has the State Council schedule."""
        return year in self._confirmed or self.has_package_schedule(year)

    def unconfirmed_years_between(self, start: date, end: date) -> list[int]:
        """Years from ``start`` to ``end`` (either order, inclusive) not confirmed."""
        lo, hi = sorted((start.year, end.year))
        return [y for y in range(lo, hi + 1) if not self.is_confirmed(y)]
