"""信息共享: the same-day rate (当日共享率) per department and per category, the
total, the late items and the items not shared yet, on a hand-built set."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import astuple
from datetime import date, datetime
from typing import Any

import pytest
from info_share_helpers import ENV, NOW, STATION, TODAY, WATER, YESTERDAY, on, share
from sqlalchemy import event, select
from sqlalchemy.orm import selectinload

from desktop_app.domain import clock
from desktop_app.domain.deadlines import end_of_day
from desktop_app.domain.terms import InfoCategory, ShareDirection
from desktop_app.services import info_shares
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo
from desktop_app.services.errors import InvalidInput
from desktop_app.services.info_share_forms import check_share
from desktop_app.services.info_shares import LateItem, RateRow, SameDayReport
from desktop_app.storage.models import InfoShare

REASON_B = "需汇总各村上报数据，整理后共享"
REASON_E = "部门需经局务会审定"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def add(ctx: ServiceContext, key: str, direction: str, category: str, *to: str, **kw: Any) -> int:
    data = share(ctx, *to, direction=direction, category=category, title=f"事项{key}", **kw)
    return info_shares.create(ctx, data)


@pytest.fixture
def ids(ctx: ServiceContext) -> dict[str, int]:
    """The set the numbers below are worked out from (range 11-02 … 11-20):
    F and G just outside it, A and D on its bounds."""
    plan: list[tuple[str, str, str, tuple[str, ...], str, str | None, str | None]] = [
        ("F", "shared", "penalty_decision", (WATER,), "11-01", "11-01", None),
        ("G", "shared", "penalty_decision", (WATER,), "11-21", "11-23", "节假日前形成，整理后共享"),
        ("A", "shared", "penalty_decision", (WATER, ENV), "11-02", "11-02", None),
        ("B", "shared", "statistics", (WATER,), "11-05", "11-09", REASON_B),
        ("C", "received", "law_change", (ENV,), "11-10", "11-10", None),
        ("E", "received", "licensing", (STATION,), "11-12", "11-13", REASON_E),
        ("D", "shared", "dynamic", (WATER, ENV, STATION), "11-20", None, None),
    ]
    return {
        key: add(
            ctx,
            key,
            direction,
            category,
            *to,
            formed_on=on(formed),
            shared_on=on(shared) if shared else None,
            method="platform" if shared else None,
            late_reason=reason,
        )
        for key, direction, category, to, formed, shared, reason in plan
    }


def report(ctx: ServiceContext, start: str = "11-02", end: str = "11-20", **kw: Any) -> Any:
    return info_shares.same_day_report(ctx, on(start), on(end), **kw)


def rows(found: list[RateRow]) -> dict[str, tuple[int, int, int, int, float | None]]:
    return {r.name: (r.total, r.same_day, r.late, r.unshared, r.rate) for r in found}


def test_per_department_an_item_counts_for_each_counterpart(
    ctx: ServiceContext, ids: dict[str, int]
) -> None:
    got = report(ctx)
    assert rows(got.by_department) == {
        ENV: (3, 2, 0, 1, pytest.approx(2 / 3)),  # A, C same day; D missed its day
        WATER: (3, 1, 1, 1, pytest.approx(1 / 3)),  # A same day, B late, D
        STATION: (2, 0, 1, 1, 0.0),  # E late, D
    }
    assert [r.name for r in got.by_department] == [ENV, WATER, STATION]  # directory order
    assert got.by_department[0].rate_text == "66.7%"


def test_per_category_all_eight_are_listed(ctx: ServiceContext, ids: dict[str, int]) -> None:
    got = report(ctx)
    assert [r.key for r in got.by_category] == [c.value for c in InfoCategory]
    assert [r.name for r in got.by_category] == [c.label for c in InfoCategory]
    assert [astuple(r)[1:6] for r in got.by_category] == [
        (1, 1, 0, 0, 1.0),  # law_change: C
        (1, 0, 1, 0, 0.0),  # licensing: E
        (1, 1, 0, 0, 1.0),  # penalty_decision: A (F and G out of range)
        (1, 0, 1, 0, 0.0),  # statistics: B
        (0, 0, 0, 0, None),  # discretion
        (1, 0, 0, 1, 0.0),  # dynamic: D, formed 11-20 and still not shared
        (0, 0, 0, 0, None),  # complaint_handling
        (0, 0, 0, 0, None),  # other
    ]
    assert got.by_category[4].rate_text == "—"


def test_the_total_and_its_rate(ctx: ServiceContext, ids: dict[str, int]) -> None:
    total = report(ctx).total
    assert astuple(total) == ("合计", 5, 2, 2, 1, 0.4, "")  # D counts against the rate
    assert total.shared == 4


def test_late_items_with_days_and_reason(ctx: ServiceContext, ids: dict[str, int]) -> None:
    got = report(ctx)
    assert got.late_items == [
        LateItem(ids["B"], "享2026-0004", "事项B", "统计分析数据", WATER, on("11-05"),
                 on("11-09"), 4, REASON_B),
        LateItem(ids["E"], "享2026-0006", "事项E", "行政许可和监督管理信息", STATION,
                 on("11-12"), on("11-13"), 1, REASON_E),
    ]  # fmt: skip
    (d,) = got.unshared_items
    assert (d.id, d.shared_on, d.days_late, d.reason) == (ids["D"], None, 10, None)
    assert d.counterparts == f"{ENV}、{WATER}、{STATION}"


def test_an_item_formed_today_and_not_yet_shared_stays_out_of_the_rate(
    ctx: ServiceContext,
) -> None:
    add(ctx, "T", "shared", "dynamic", WATER, formed_on=TODAY, shared_on=None, method=None)
    add(ctx, "S", "shared", "dynamic", WATER)  # shared today, the day it was formed
    add(ctx, "Y", "shared", "dynamic", WATER, formed_on=YESTERDAY, shared_on=None, method=None)
    today = info_shares.same_day_report(ctx, TODAY, TODAY).total
    assert (today.total, today.same_day, today.unshared, today.rate) == (2, 1, 1, 1.0)
    both = info_shares.same_day_report(ctx, YESTERDAY, TODAY).total
    assert (both.total, both.unshared, both.rate) == (3, 2, 0.5)  # yesterday's has missed


def test_direction_filter(ctx: ServiceContext, ids: dict[str, int]) -> None:
    ours = report(ctx, direction=ShareDirection.SHARED)
    assert astuple(ours.total)[1:6] == (3, 1, 1, 1, pytest.approx(1 / 3))  # A, B, D
    assert rows(ours.by_department) == {
        ENV: (2, 1, 0, 1, 0.5),
        WATER: (3, 1, 1, 1, pytest.approx(1 / 3)),
        STATION: (1, 0, 0, 1, 0.0),
    }
    assert [i.id for i in ours.late_items] == [ids["B"]]
    theirs = report(ctx, direction="received")
    assert astuple(theirs.total)[1:6] == (2, 1, 1, 0, 0.5)  # C, E
    assert [i.id for i in theirs.late_items] == [ids["E"]] and theirs.unshared_items == []
    assert theirs.direction == ShareDirection.RECEIVED


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("11-01", "11-01", ["F"]),
        ("11-01", "11-02", ["F", "A"]),
        ("11-20", "11-21", ["D", "G"]),
        ("11-21", "11-30", ["G"]),
        ("11-03", "11-04", []),
    ],
)
def test_items_are_chosen_by_the_day_they_were_formed(
    ctx: ServiceContext, ids: dict[str, int], start: str, end: str, expected: list[str]
) -> None:
    got = report(ctx, start, end)
    assert got.total.total == len(expected)
    listed = {i.id for i in got.late_items + got.unshared_items}
    assert listed == {ids[k] for k in expected if k in "BDEG"}


def test_an_empty_period(ctx: ServiceContext) -> None:
    got = report(ctx)
    assert got.by_department == [] and got.late_items == [] and got.unshared_items == []
    assert len(got.by_category) == 8 and all(r.rate is None for r in got.by_category)
    assert astuple(got.total) == ("合计", 0, 0, 0, 0, None, "")


@pytest.mark.parametrize(
    ("start", "end", "direction", "field"),
    [
        (date(2026, 11, 2), date(2026, 11, 1), None, "end"),
        (None, date(2026, 11, 1), None, "start"),
        (date(2026, 11, 1), date(2026, 11, 2), "sideways", "direction"),
    ],
)
def test_a_bad_request_is_refused(
    ctx: ServiceContext, start: Any, end: Any, direction: Any, field: str
) -> None:
    with pytest.raises(InvalidInput) as exc:
        info_shares.same_day_report(ctx, start, end, direction)
    assert field in exc.value.problems


@pytest.fixture
def statements(ctx: ServiceContext) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        if args[2].startswith("SELECT"):
            seen.append(args[2])

    event.listen(ctx.db.engine, "before_cursor_execute", count)
    yield seen
    event.remove(ctx.db.engine, "before_cursor_execute", count)


def test_counting_is_done_by_the_database(
    ctx: ServiceContext, ids: dict[str, int], statements: list[str]
) -> None:
    """The same few statements whatever the number of items (no query per item)."""
    report(ctx)
    few = len(statements)
    for n in range(30):
        add(ctx, f"X{n}", "shared", "other", WATER, ENV, formed_on=on("11-16"),
            shared_on=on("11-17"), late_reason="需汇总后共享")  # fmt: skip
    statements.clear()
    got: SameDayReport = report(ctx)
    assert len(statements) == few <= 6
    assert got.total.late == 32 and len(got.late_items) == 32
    assert got.late_items[-1].counterparts == f"{ENV}、{WATER}"


def test_demo_items_are_in_states_the_service_leaves(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every demo item passes the form's checks unchanged (method once shared, a
    real reason when late, no reason otherwise) and carries the clock it should."""
    demo_now = datetime(2026, 3, 18, 9, 0)
    monkeypatch.setattr(clock, "now", lambda: demo_now)
    generate_demo(ctx, records=600, seed=11, today=demo_now.date())
    with ctx.read() as s:
        items = s.execute(select(InfoShare).options(selectinload(InfoShare.counterparts))).scalars()
        seen = {"late": 0, "unshared": 0}
        for sh in items:
            data, _version = info_shares.load_input(ctx, sh.id)
            found = check_share(s, data, data.counterpart_ids)
            assert found.problems == {}, (sh.serial, found.problems)
            assert (found.values["method"], found.values["late_reason"]) == (
                sh.method,
                sh.late_reason,
            )
            due = end_of_day(sh.formed_on) if sh.shared_on is None else None
            assert (sh.deadline_at, sh.deadline_what) == (due, "共享期限" if due else None)
            seen["late"] += bool(sh.late_reason)
            seen["unshared"] += sh.shared_on is None
    assert seen["late"] and seen["unshared"]
    got = info_shares.same_day_report(ctx, date(2000, 1, 1), demo_now.date())
    assert got.total.late == seen["late"] == len(got.late_items)
    assert got.total.unshared == seen["unshared"] == len(got.unshared_items)
