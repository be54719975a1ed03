from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from holidays.countries.china import ChinaStaticHolidays
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.domain.calendar import CalendarOverride, WorkCalendar

CAL = WorkCalendar()

# --- the SPEC's examples ----------------------------------------------------


def test_three_working_days_from_2026_09_30_end_on_make_up_saturday() -> None:
    assert CAL.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert date(2026, 10, 10).weekday() == 5


def test_2026_spring_festival_make_up_day_and_holiday() -> None:
    assert CAL.is_working_day(date(2026, 2, 14))  # Saturday, 调休上班
    assert not CAL.is_working_day(date(2026, 2, 15))  # Sunday in the holiday
    assert not CAL.is_working_day(date(2026, 2, 17))  # 春节


def test_national_day_is_off() -> None:
    for day in range(1, 8):
        assert not CAL.is_working_day(date(2026, 10, day))
    assert CAL.is_working_day(date(2026, 10, 8))
    assert CAL.is_working_day(date(2026, 9, 20))  # Sunday, 调休上班


def test_override_day_off_moves_deadline() -> None:
    cal = WorkCalendar([CalendarOverride(date(2026, 10, 9), working=False, note="镇里停电")])
    assert not cal.is_working_day(date(2026, 10, 9))
    assert cal.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 12)


def test_override_sunday_working_day_is_counted() -> None:
    sunday = date(2026, 3, 8)
    assert sunday.weekday() == 6
    assert not CAL.is_working_day(sunday)
    cal = WorkCalendar([CalendarOverride(sunday, working=True)])
    assert cal.is_working_day(sunday)
    # Friday 3-6 + 3 working days: Sun 8, Mon 9, Tue 10
    assert cal.add_working_days(date(2026, 3, 6), 3) == date(2026, 3, 10)
    assert CAL.add_working_days(date(2026, 3, 6), 3) == date(2026, 3, 11)


def test_override_beats_package_both_ways() -> None:
    cal = WorkCalendar(
        [
            CalendarOverride(date(2026, 10, 1), working=True, note="值班"),
            CalendarOverride(date(2026, 10, 10), working=False),
        ]
    )
    assert cal.is_working_day(date(2026, 10, 1))
    assert not cal.is_working_day(date(2026, 10, 10))


def test_later_override_for_same_day_wins() -> None:
    d = date(2026, 6, 3)
    cal = WorkCalendar([CalendarOverride(d, False), CalendarOverride(d, True)])
    assert cal.is_working_day(d)
    assert len(cal.overrides) == 1


# --- counting ---------------------------------------------------------------


def test_add_zero_returns_start_even_on_a_holiday() -> None:
    assert CAL.add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 1)


def test_negative_days_refused() -> None:
    with pytest.raises(ValueError, match="负数"):
        CAL.add_working_days(date(2026, 1, 5), -1)


def test_start_on_a_day_off_counts_from_next_working_day() -> None:
    # Saturday 2026-03-07 → Mon 9, Tue 10, Wed 11
    assert CAL.add_working_days(date(2026, 3, 7), 3) == date(2026, 3, 11)


def test_counting_across_the_year_end() -> None:
    # 2026-12-30 (Wed): Thu 31, then 2027 (package estimate: 1-1 元旦 off), Mon 1-4, Tue 1-5
    assert CAL.add_working_days(date(2026, 12, 30), 3) == date(2027, 1, 5)
    assert CAL.working_days_between(date(2026, 12, 30), date(2027, 1, 5)) == 3


def test_working_days_between() -> None:
    assert CAL.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert CAL.working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == 0
    assert CAL.working_days_between(date(2026, 10, 1), date(2026, 10, 1)) == 0
    assert CAL.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1


def test_next_working_day() -> None:
    assert CAL.next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 14)


def test_counting_many_years_ahead() -> None:
    d = CAL.add_working_days(date(2026, 1, 1), 2000)
    assert CAL.working_days_between(date(2026, 1, 1), d) == 2000


def test_matches_the_holidays_package_where_there_are_no_overrides() -> None:
    cn = holidays.China(years=range(2019, 2028), language="zh_CN")
    d = date(2019, 1, 1)
    while d.year < 2028:
        assert CAL.is_working_day(d) == cn.is_working_day(d), d
        d += timedelta(days=1)


# --- names ------------------------------------------------------------------


def test_holiday_names() -> None:
    assert CAL.holiday_name(date(2026, 1, 1)) == "元旦"
    assert CAL.holiday_name(date(2026, 2, 17)) == "春节"
    assert CAL.holiday_name(date(2026, 10, 1)) == "国庆节"
    assert CAL.holiday_name(date(2026, 10, 10)) == "调休上班"
    assert CAL.holiday_name(date(2026, 3, 10)) is None
    assert CAL.holiday_name(date(2026, 3, 8)) is None  # an ordinary Sunday


def test_override_names() -> None:
    cal = WorkCalendar(
        [
            CalendarOverride(date(2027, 2, 13), True, "春节调休上班"),
            CalendarOverride(date(2027, 2, 11), False),
            CalendarOverride(date(2027, 2, 14), True),
        ]
    )
    assert cal.holiday_name(date(2027, 2, 13)) == "春节调休上班"
    assert cal.holiday_name(date(2027, 2, 11)) == "休息日"
    assert cal.holiday_name(date(2027, 2, 14)) == "调休上班"


# --- confirmed years --------------------------------------------------------


def test_package_schedule_years() -> None:
    assert CAL.has_package_schedule(2025)
    assert CAL.has_package_schedule(2026)
    assert not CAL.has_package_schedule(2035)
    assert not CAL.has_package_schedule(1990)


def test_2027_not_in_package_until_it_is_published() -> None:
    if 2027 in ChinaStaticHolidays.special_public_holidays:
        pytest.skip("this holidays version carries the 2027 schedule")
    assert not CAL.has_package_schedule(2027)
    assert not CAL.is_confirmed(2027)
    assert WorkCalendar(confirmed_years=[2027]).is_confirmed(2027)


def test_heuristic_agrees_with_the_package_table() -> None:
    table = ChinaStaticHolidays.special_public_holidays
    for year in range(1995, 2041):
        entries = table.get(year, ())
        if entries and not isinstance(entries[0], tuple):
            entries = (entries,)
        has_substitution = any(len(entry) >= 4 for entry in entries)
        assert CAL.has_package_schedule(year) == has_substitution, year


def test_unconfirmed_years_between() -> None:
    cal = WorkCalendar(confirmed_years=[2028])
    assert cal.unconfirmed_years_between(date(2026, 5, 1), date(2026, 6, 1)) == []
    assert cal.unconfirmed_years_between(date(2026, 12, 30), date(2029, 1, 2)) == [2027, 2029]
    assert cal.unconfirmed_years_between(date(2029, 1, 2), date(2026, 12, 30)) == [2027, 2029]


# --- properties -------------------------------------------------------------

DATES = st.dates(min_value=date(2001, 1, 1), max_value=date(2035, 12, 31))
SMALL_N = st.integers(min_value=0, max_value=60)


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    overrides = draw(
        st.lists(
            st.builds(
                CalendarOverride,
                day=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
                working=st.booleans(),
            ),
            max_size=30,
        )
    )
    return WorkCalendar(overrides)


@settings(max_examples=150, deadline=None)
@given(calendars(), DATES, st.integers(min_value=1, max_value=60))
def test_result_is_a_working_day(cal: WorkCalendar, d: date, n: int) -> None:
    assert cal.is_working_day(cal.add_working_days(d, n))


@settings(max_examples=150, deadline=None)
@given(calendars(), DATES, SMALL_N)
def test_strictly_increasing_in_n(cal: WorkCalendar, d: date, n: int) -> None:
    assert cal.add_working_days(d, n + 1) > cal.add_working_days(d, n)


@settings(max_examples=150, deadline=None)
@given(calendars(), DATES, SMALL_N)
def test_between_inverts_add(cal: WorkCalendar, d: date, n: int) -> None:
    assert cal.working_days_between(d, cal.add_working_days(d, n)) == n


@settings(max_examples=150, deadline=None)
@given(calendars(), DATES, SMALL_N, SMALL_N)
def test_adding_is_additive(cal: WorkCalendar, d: date, m: int, n: int) -> None:
    assert cal.add_working_days(cal.add_working_days(d, m), n) == cal.add_working_days(d, m + n)


@settings(max_examples=150, deadline=None)
@given(calendars(), DATES, SMALL_N)
def test_never_earlier_than_start(cal: WorkCalendar, d: date, n: int) -> None:
    assert cal.add_working_days(d, n) >= d


@settings(max_examples=100, deadline=None)
@given(calendars(), DATES, st.integers(min_value=1, max_value=30))
def test_agrees_with_day_by_day_count(cal: WorkCalendar, d: date, n: int) -> None:
    day, left = d, n
    while left:
        day += timedelta(days=1)
        left -= cal.is_working_day(day)
    assert cal.add_working_days(d, n) == day


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    from desktop_app.domain.calendar import add_months

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
