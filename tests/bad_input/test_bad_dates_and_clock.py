"""Bad input: dates in the wrong order, far in the future, and a PC clock that
is plainly wrong (dead mainboard battery: 2009; "fixed" by hand: 2040)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.domain.validators import ValidationError, check_date_order, parse_date
from desktop_app.services import clock_check, referrals
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.services.referrals import IncomingInput, OutgoingInput, PartyInput
from desktop_app.storage.models import AuditEntry, Organisation

NOW = datetime(2026, 11, 29, 20, 0)  # tests/conftest.py


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def outgoing(ctx: ServiceContext, found_at: datetime) -> OutgoingInput:
    return OutgoingInput(
        matter="露天焚烧秸秆",
        party=PartyInput("person", "王建国", None, None, "赵八村3号", "13800138000"),
        place="赵八村村东农田",
        found_at=found_at,
        found_how="inspection",
        receiver_id=org(ctx, "石家庄市生态环境局深泽县分局"),
        urgency="normal",
        facts="执法人员在日常巡查中发现露天焚烧秸秆。",
    )


def problems(exc: pytest.ExceptionInfo[InvalidInput]) -> str:
    return " ".join(exc.value.problems.values())


def set_clock(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)


@pytest.fixture
def last_save(monkeypatch: pytest.MonkeyPatch) -> None:
    """The newest save is at NOW (the audit trail takes the real wall clock, not
    the frozen test clock, so its newest entry is not predictable here)."""
    monkeypatch.setattr(clock_check, "newest_saved", lambda ctx: NOW)


# --- order and range -------------------------------------------------------------------


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValidationError, match="「结案日期」不能早于「受理日期」"):
        check_date_order(date(2026, 11, 20), date(2026, 11, 19), "受理日期", "结案日期")
    check_date_order(date(2026, 11, 20), date(2026, 11, 20), "受理日期", "结案日期")
    check_date_order(datetime(2026, 11, 20, 18, 0), date(2026, 11, 20), "受理", "结案")


def test_found_after_received_is_refused(ctx: ServiceContext) -> None:
    data = IncomingInput(
        sender_id=org(ctx, "石家庄市生态环境局深泽县分局"),
        received_at=datetime(2026, 11, 2, 9, 30),
        matter="违规倾倒建筑垃圾",
        party=PartyInput("organisation", "深泽县某某建材有限公司"),
        place="赵八村北侧坑塘",
        found_at=datetime(2026, 11, 3, 15, 0),
        signed_by="张建国",
    )
    with pytest.raises(InvalidInput) as caught:
        referrals.register_incoming(ctx, data)
    assert "「收到时间」不能早于「发现时间」" in problems(caught)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("2101-01-01", "超出范围"),
        ("9999-12-31", "超出范围"),
        ("26-11-29", "无法识别"),
        ("2026-02-30", "日期不存在"),
    ],
)
def test_far_future_and_odd_dates_are_refused(raw: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        parse_date(raw)


@pytest.mark.parametrize("ahead", [timedelta(days=1), timedelta(days=365 * 4)])
def test_a_found_time_in_the_future_is_refused(ctx: ServiceContext, ahead: timedelta) -> None:
    with pytest.raises(InvalidInput) as caught:
        referrals.create_outgoing(ctx, outgoing(ctx, NOW + ahead))
    assert "不能是将来的时间（现在是2026-11-29 20:00）" in problems(caught)


# --- a wrong PC clock ------------------------------------------------------------------


def test_newest_saved_is_the_newest_audit_entry(ctx: ServiceContext) -> None:
    with ctx.read() as s:
        newest = s.execute(select(func.max(AuditEntry.at))).scalar()
    assert newest is not None and clock_check.newest_saved(ctx) == newest


@pytest.mark.usefixtures("last_save")
def test_a_right_clock_gives_no_warning(ctx: ServiceContext) -> None:
    assert clock_check.clock_problem(ctx) is None


def test_an_empty_database_and_a_right_clock(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock_check, "newest_saved", lambda ctx: None)
    assert clock_check.clock_problem(ctx) is None
    set_clock(monkeypatch, datetime(2009, 1, 1))
    assert clock_check.clock_problem(ctx) is not None


@pytest.mark.usefixtures("last_save")
def test_a_clock_in_2009_is_reported(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> None:
    set_clock(monkeypatch, datetime(2009, 1, 1, 8, 0))
    message = clock_check.clock_problem(ctx)
    assert message is not None
    assert "电脑当前日期是2009年1月1日 08:00" in message
    assert f"早于本软件的制作年份（{clock_check.BUILD_YEAR}年）" in message
    assert "主板电池" in message and "日期和时间" in message


def test_with_a_2009_clock_a_real_date_looks_like_the_future(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why the clock check matters: the forms compare with the PC's "now", and
    their message shows it, but only the start-up warning says the clock is wrong."""
    set_clock(monkeypatch, datetime(2009, 1, 1, 8, 0))
    with pytest.raises(InvalidInput) as caught:
        referrals.create_outgoing(ctx, outgoing(ctx, datetime(2026, 11, 25, 10, 5)))
    assert "现在是2009-01-01 08:00" in problems(caught)


@pytest.mark.usefixtures("last_save")
def test_a_clock_in_2040_is_reported(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> None:
    set_clock(monkeypatch, datetime(2040, 6, 1, 9, 30))
    message = clock_check.clock_problem(ctx)
    assert message is not None
    assert "电脑当前日期是2040年6月1日 09:30" in message
    assert "晚了14年" in message and "电脑日期很可能不对" in message


@pytest.mark.usefixtures("last_save")
def test_a_clock_behind_the_last_save_is_reported(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # saved on the 29th at 20:00; the next morning the PC says the 27th
    set_clock(monkeypatch, datetime(2026, 11, 27, 9, 0))
    message = clock_check.clock_problem(ctx)
    assert message is not None
    assert "早于数据库中最近一次保存的时间（2026年11月29日 20:00）" in message
    assert "调回" in message


@pytest.mark.usefixtures("last_save")
def test_a_few_minutes_behind_is_tolerated(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_clock(monkeypatch, NOW - timedelta(minutes=5))
    assert clock_check.clock_problem(ctx) is None


@pytest.mark.usefixtures("last_save")
def test_a_long_gap_since_the_last_save_is_a_question(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_clock(monkeypatch, datetime(2028, 3, 1, 9, 0))
    message = clock_check.clock_problem(ctx)
    assert message is not None
    assert "距数据库中最近一次保存（2026年11月29日 20:00）已有457天" in message
    assert "如果这段时间确实没有使用本软件，可以继续" in message
