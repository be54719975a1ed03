"""The shipped schedule table says what the installed ``holidays`` package says."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from importlib.metadata import version

import pytest

from desktop_app.domain import calendar, cn_workdays_table

REGENERATE = "uv run python resources/calendar/build_cn_workdays.py"


def test_the_table_was_made_from_the_installed_package() -> None:
    assert f"holidays {version('holidays')}" == cn_workdays_table.SOURCE, REGENERATE


@pytest.mark.parametrize("year", sorted(cn_workdays_table.YEARS))
def test_each_year_matches_the_package(year: int) -> None:
    names, makeup = calendar.package_schedule(year)
    named, made = cn_workdays_table.YEARS[year]
    assert {date(year, m, d): n for m, d, n in named} == names, REGENERATE
    assert {date(year, m, d) for m, d in made} == makeup, REGENERATE


def test_2026_spring_festival_and_its_makeup_days_come_from_the_table() -> None:
    cal = calendar.WorkCalendar()
    assert not cal.is_working_day(date(2026, 2, 17))  # 春节
    assert cal.is_working_day(date(2026, 2, 14))  # a Saturday, 调休上班
    assert cal.has_package_schedule(2026)


def test_a_year_outside_the_table_still_comes_from_the_package() -> None:
    year = max(cn_workdays_table.YEARS) + 1
    assert year not in cn_workdays_table.YEARS
    cal = calendar.WorkCalendar()
    assert not cal.is_working_day(date(year, 1, 1))  # 元旦
    assert not cal.is_working_day(date(year, 10, 1))  # 国庆节


def test_starting_the_calendar_does_not_import_the_holidays_package() -> None:
    probe = (
        "import sys\n"
        "from datetime import date\n"
        "from desktop_app.domain.calendar import WorkCalendar\n"
        "WorkCalendar().add_working_days(date(2026, 11, 27), 5)\n"
        "print('holidays' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
