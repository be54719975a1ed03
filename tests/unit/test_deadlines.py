from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.domain import deadlines as dl
from desktop_app.domain.calendar import CalendarOverride, WorkCalendar
from desktop_app.domain.deadlines import (
    END_OF_DAY,
    Deadline,
    assistance_deadline,
    criminal_approval_deadline,
    criminal_transfer_deadline,
    due_bucket,
    handover_deadline,
    info_share_deadline,
    is_end_of_day,
    is_late,
    ongoing_notice_deadline,
    police_decision_deadline,
    reconsideration_deadline,
    referral_deadline,
)
from desktop_app.domain.terms import DueBucket, Urgency
from desktop_app.domain.validators import ValidationError

CAL = WorkCalendar()


def eod(y: int, m: int, d: int) -> datetime:
    return datetime.combine(date(y, m, d), END_OF_DAY)


# --- 案件移送 ---------------------------------------------------------------


def test_normal_referral_found_on_the_evening_before_national_day() -> None:
    found = datetime(2026, 9, 30, 21, 45)
    d = referral_deadline(found, Urgency.NORMAL, CAL)
    assert d.due_at == eod(2026, 10, 10)  # Oct 8, Oct 9, Sat Oct 10 (调休上班)
    assert d.unconfirmed_year is None
    assert "3个工作日" in d.rule
    assert "案件移送制度第2条" in d.rule
    assert d.is_day_based


def test_normal_referral_found_just_before_midnight_still_counts_that_day_as_day_zero() -> None:
    assert referral_deadline(datetime(2026, 3, 9, 23, 59), Urgency.NORMAL, CAL).due_at == eod(
        2026, 3, 12
    )
    assert referral_deadline(datetime(2026, 3, 10, 0, 0), Urgency.NORMAL, CAL).due_at == eod(
        2026, 3, 13
    )


def test_normal_referral_found_at_the_weekend() -> None:
    d = referral_deadline(datetime(2026, 3, 7, 10, 0), Urgency.NORMAL, CAL)
    assert d.due_at == eod(2026, 3, 11)


def test_normal_referral_honours_a_day_off_override() -> None:
    cal = WorkCalendar([CalendarOverride(date(2026, 10, 9), False, "停电")])
    d = referral_deadline(datetime(2026, 9, 30, 9, 0), Urgency.NORMAL, cal)
    assert d.due_at == eod(2026, 10, 12)


def test_urgent_referral_is_24_clock_hours_across_midnight() -> None:
    found = datetime(2026, 9, 30, 22, 15)
    d = referral_deadline(found, Urgency.URGENT, CAL)
    assert d.due_at == datetime(2026, 10, 1, 22, 15)  # holidays do not stop the clock
    assert not d.is_day_based
    assert d.unconfirmed_year is None
    assert "24小时" in d.rule


def test_urgent_referral_across_the_year_end_is_never_unconfirmed() -> None:
    d = referral_deadline(datetime(2026, 12, 31, 20, 0), Urgency.URGENT, CAL)
    assert d.due_at == datetime(2027, 1, 1, 20, 0)
    assert d.unconfirmed_year is None


def test_ongoing_violation_written_transfer_follows_three_working_days() -> None:
    found = datetime(2026, 9, 30, 21, 45)
    d = referral_deadline(found, Urgency.ONGOING, CAL)
    assert d.due_at == eod(2026, 10, 10)
    assert "立即劝阻" in d.rule


def test_ongoing_notice_is_due_at_once() -> None:
    found = datetime(2026, 5, 6, 14, 30)
    d = ongoing_notice_deadline(found)
    assert d.due_at == found
    assert not is_late(d.due_at, found)
    assert is_late(d.due_at, found + timedelta(minutes=1))
    assert "立即" in d.rule


def test_referral_accepts_a_stored_code_and_refuses_an_unknown_one() -> None:
    found = datetime(2026, 9, 30, 9, 0)
    assert referral_deadline(found, "normal", CAL) == referral_deadline(found, Urgency.NORMAL, CAL)
    assert referral_deadline(found, "urgent", CAL).due_at == found + timedelta(hours=24)
    with pytest.raises(ValueError):
        referral_deadline(found, "soonish", CAL)


def test_unconfirmed_year_when_the_deadline_lands_in_it() -> None:
    if CAL.has_package_schedule(2027):
        pytest.skip("this holidays version carries the 2027 schedule")
    d = referral_deadline(datetime(2026, 12, 30, 9, 0), Urgency.NORMAL, CAL)
    assert d.due_at.year == 2027
    assert d.unconfirmed_year == 2027
    inside = referral_deadline(datetime(2027, 3, 1, 9, 0), Urgency.NORMAL, CAL)
    assert inside.unconfirmed_year == 2027
    confirmed = WorkCalendar(confirmed_years=[2027])
    assert referral_deadline(
        datetime(2026, 12, 30, 9, 0), "normal", confirmed
    ).unconfirmed_year is (None)


def test_unconfirmed_year_when_the_count_passes_through_it() -> None:
    if CAL.has_package_schedule(2027):
        pytest.skip("this holidays version carries the 2027 schedule")
    cal = WorkCalendar(confirmed_years=[2028])
    d = assistance_deadline(date(2027, 12, 29), cal)
    assert d.due_at.year == 2028
    assert d.unconfirmed_year == 2027
    fully = WorkCalendar(confirmed_years=[2027, 2028])
    assert assistance_deadline(date(2027, 12, 29), fully).unconfirmed_year is None


# --- 执法协助 ---------------------------------------------------------------


def test_assistance_five_working_days_over_national_day() -> None:
    d = assistance_deadline(date(2026, 9, 28), CAL)
    # Tue 9-29, Wed 9-30, Thu 10-8, Fri 10-9, Sat 10-10 (调休上班)
    assert d.due_at == eod(2026, 10, 10)
    assert "5个工作日" in d.rule
    assert "执法协助制度" in d.rule


def test_assistance_extension_replaces_the_date() -> None:
    d = assistance_deadline(date(2026, 9, 28), CAL, extended_to=date(2026, 10, 20))
    assert d.due_at == eod(2026, 10, 20)
    assert "延长至2026年10月20日" in d.rule
    same = assistance_deadline(date(2026, 9, 28), CAL, extended_to=date(2026, 10, 10))
    assert same.due_at == eod(2026, 10, 10)


def test_assistance_extension_earlier_than_original_is_refused() -> None:
    with pytest.raises(ValidationError, match="延期后的期限不能早于原期限") as info:
        assistance_deadline(date(2026, 9, 28), CAL, extended_to=date(2026, 10, 9))
    assert isinstance(info.value, ValueError)
    assert "2026年10月10日" in str(info.value)


# --- 信息共享 ---------------------------------------------------------------


def test_info_share_same_day() -> None:
    d = info_share_deadline(date(2026, 10, 1))
    assert d.due_at == eod(2026, 10, 1)
    assert "当日" in d.rule


# --- 行刑衔接 (国务院令第310号) ---------------------------------------------


def test_criminal_approval_three_calendar_days_even_over_a_holiday() -> None:
    d = criminal_approval_deadline(datetime(2026, 9, 30, 10, 0), CAL)
    assert d.due_at == eod(2026, 10, 3)
    assert "3日" in d.rule and "第5条" in d.rule
    assert d.unconfirmed_year is None


def test_criminal_transfer_24_hours_after_approval() -> None:
    approved = datetime(2026, 4, 30, 16, 20)
    d = criminal_transfer_deadline(approved)
    assert d.due_at == datetime(2026, 5, 1, 16, 20)
    assert "24小时" in d.rule


@pytest.mark.parametrize(
    ("fn", "article"),
    [
        (police_decision_deadline, "第8条"),
        (reconsideration_deadline, "第9条"),
        (handover_deadline, "第12条"),
        (criminal_approval_deadline, "第5条"),
    ],
)
def test_decree_310_three_day_periods(fn: Callable[[datetime], Deadline], article: str) -> None:
    d = fn(datetime(2026, 12, 30, 8, 0))
    assert d.due_at == eod(2027, 1, 2)
    assert article in d.rule
    assert d.unconfirmed_year is None  # calendar days do not depend on the schedule


def test_decree_310_working_day_reading_is_one_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dl, "DECREE_310_DAYS_ARE_WORKING_DAYS", True)
    start = datetime(2026, 9, 30, 10, 0)
    d = police_decision_deadline(start, CAL)
    assert d.due_at == eod(2026, 10, 10)
    assert "3个工作日" in d.rule
    # without a calendar the conservative calendar-day reading stays
    assert police_decision_deadline(start).due_at == eod(2026, 10, 3)


# --- dashboard --------------------------------------------------------------

NOW = datetime(2026, 3, 13, 9, 30)  # a Friday


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (datetime(2026, 3, 13, 9, 29), DueBucket.OVERDUE),
        (eod(2026, 3, 12), DueBucket.OVERDUE),
        (datetime(2026, 3, 13, 9, 30), DueBucket.TODAY),
        (eod(2026, 3, 13), DueBucket.TODAY),
        (eod(2026, 3, 14), DueBucket.SOON),
        (eod(2026, 3, 15), DueBucket.SOON),
        (eod(2026, 3, 16), DueBucket.LATER),
    ],
)
def test_due_bucket_calendar_days(due: datetime, bucket: DueBucket) -> None:
    assert due_bucket(due, NOW) == bucket


def test_due_bucket_with_working_days() -> None:
    # Friday: Mon and Tue are the next 2 working days
    assert due_bucket(eod(2026, 3, 17), NOW, cal=CAL) == DueBucket.SOON
    assert due_bucket(eod(2026, 3, 17), NOW) == DueBucket.LATER
    assert due_bucket(eod(2026, 3, 18), NOW, cal=CAL) == DueBucket.LATER
    assert due_bucket(eod(2026, 3, 15), NOW, cal=CAL) == DueBucket.SOON


def test_due_bucket_soon_days_setting() -> None:
    assert due_bucket(eod(2026, 3, 14), NOW, soon_days=0) == DueBucket.LATER
    assert due_bucket(eod(2026, 3, 20), NOW, soon_days=7) == DueBucket.SOON
    with pytest.raises(ValueError):
        due_bucket(eod(2026, 3, 20), NOW, soon_days=-1)


def test_is_late() -> None:
    due = eod(2026, 10, 10)
    assert not is_late(due, due)
    assert not is_late(due, datetime(2026, 10, 10, 18, 0))
    assert is_late(due, datetime(2026, 10, 11, 0, 0))


def test_is_end_of_day() -> None:
    assert is_end_of_day(eod(2026, 1, 1))
    assert not is_end_of_day(datetime(2026, 1, 1, 23, 59))
    assert not is_end_of_day(datetime(2026, 1, 1, 23, 59, 59, 1))


# --- properties -------------------------------------------------------------

FOUND = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2035, 12, 31, 23, 59))


@settings(max_examples=100, deadline=None)
@given(FOUND)
def test_normal_referral_ends_a_working_day_after_discovery(found: datetime) -> None:
    d = referral_deadline(found, Urgency.NORMAL, CAL)
    assert is_end_of_day(d.due_at)
    assert CAL.is_working_day(d.due_at.date())
    assert CAL.working_days_between(found.date(), d.due_at.date()) == 3
    assert d.due_at > found + timedelta(hours=24)


@settings(max_examples=100, deadline=None)
@given(FOUND)
def test_urgent_is_never_later_than_normal(found: datetime) -> None:
    urgent = referral_deadline(found, Urgency.URGENT, CAL)
    assert urgent.due_at - found == timedelta(hours=24)
    assert urgent.due_at <= referral_deadline(found, Urgency.NORMAL, CAL).due_at
