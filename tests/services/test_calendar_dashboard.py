"""Calendar overrides drive every open clock; the dashboard shows what is due."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from desktop_app.domain.terms import (
    ActionStatus,
    AssistanceKind,
    AssistanceStatus,
    Direction,
    DueBucket,
    MeetingKind,
    ReferralStatus,
    Urgency,
)
from desktop_app.services import calendar, dashboard, ledgers, records, settings
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, NotFound
from desktop_app.storage.models import (
    AssistanceRequest,
    FollowUpAction,
    Meeting,
    Organisation,
    Referral,
)

FOUND = datetime(2026, 9, 30, 10, 0)  # a Wednesday before the National Day holiday


def add_referral(
    ctx: ServiceContext,
    serial: str,
    found: datetime,
    urgency: Urgency,
    deadline: datetime | None,
    status: ReferralStatus = ReferralStatus.DRAFT,
    matter: str = "露天焚烧秸秆",
) -> int:
    town = settings.get(ctx, "township_org_id")
    with ctx.uow() as uow:
        dept = uow.session.execute(
            select(Organisation).where(Organisation.name == "石家庄市生态环境局深泽县分局")
        ).scalar_one()
        r = Referral(
            serial=serial,
            direction=Direction.OUTGOING,
            status=status,
            sender_id=town,
            receiver_id=dept.id,
            matter=matter,
            found_at=found,
            urgency=urgency,
            deadline_at=deadline,
            deadline_what="移送期限",
            place="赵八村村东农田",
        )
        uow.session.add(r)
        uow.flush()
        return r.id


def test_override_moves_an_open_referral_deadline_and_is_audited(ctx: ServiceContext) -> None:
    """SPEC: 3 working days from Wed 2026-09-30 end on Sat 2026-10-10 (调休); a new
    day off on 10-09 moves it to Mon 10-12; removing the override moves it back."""
    rid = add_referral(
        ctx, "移2026-0001", FOUND, Urgency.NORMAL, datetime(2026, 10, 10, 23, 59, 59)
    )
    urgent = add_referral(ctx, "移2026-0002", FOUND, Urgency.URGENT, datetime(2026, 10, 1, 10, 0))
    sent = add_referral(
        ctx,
        "移2026-0003",
        FOUND,
        Urgency.NORMAL,
        datetime(2026, 10, 10, 23, 59, 59),
        ReferralStatus.SENT,
    )
    assert calendar.set_override(ctx, date(2026, 10, 9), False, "防汛调休") == 1

    def deadline(record_id: int) -> datetime | None:
        with ctx.read() as s:
            return s.get(Referral, record_id).deadline_at  # type: ignore[union-attr]

    assert deadline(rid) == datetime(2026, 10, 12, 23, 59, 59)
    assert deadline(urgent) == datetime(2026, 10, 1, 10, 0)  # clock hours: unchanged
    assert deadline(sent) == datetime(2026, 10, 10, 23, 59, 59)  # done: not recomputed
    cal = calendar.get_calendar(ctx)
    assert not cal.is_working_day(date(2026, 10, 9))
    assert cal.holiday_name(date(2026, 10, 9)) == "防汛调休"

    assert calendar.remove_override(ctx, date(2026, 10, 9)) == 1
    assert deadline(rid) == datetime(2026, 10, 10, 23, 59, 59)
    with pytest.raises(NotFound):
        calendar.remove_override(ctx, date(2026, 10, 9))


def test_override_recomputes_assistance_deadlines(ctx: ServiceContext) -> None:
    with ctx.uow() as uow:
        dept = uow.session.execute(
            select(Organisation).where(Organisation.name == "深泽县水利局")
        ).scalar_one()
        a = AssistanceRequest(
            serial="助2026-0001",
            kind=AssistanceKind.TECHNICAL,
            status=AssistanceStatus.SENT,
            department_id=dept.id,
            subject="河道采砂坑深度认定",
            requested_on=date(2026, 11, 2),
            deadline_at=datetime(2026, 11, 9, 23, 59, 59),
        )
        uow.session.add(a)
    calendar.set_override(ctx, date(2026, 11, 4), False, "")
    with ctx.read() as s:
        moved = s.execute(select(AssistanceRequest)).scalar_one()
    assert moved.deadline_at == datetime(2026, 11, 10, 23, 59, 59)


def test_override_note_too_long_writes_nothing(ctx: ServiceContext) -> None:
    with pytest.raises(InvalidInput):
        calendar.set_override(ctx, date(2026, 12, 31), False, "说" * 101)
    assert calendar.list_overrides(ctx) == []


def test_year_view_marks_holidays_and_make_up_days(ctx: ServiceContext) -> None:
    days = {d.day: d for d in calendar.year_view(ctx, 2026)}
    assert len(days) == 365
    assert not days[date(2026, 10, 1)].working and days[date(2026, 10, 1)].name
    assert days[date(2026, 10, 10)].working and days[date(2026, 10, 10)].name == "调休上班"


def test_confirming_a_year_and_the_november_warning(ctx: ServiceContext) -> None:
    assert calendar.next_year_warning(ctx, date(2026, 10, 31)) is None
    warning = calendar.next_year_warning(ctx, date(2026, 11, 1))
    assert warning and "2027年" in warning
    calendar.set_confirmed(ctx, 2027, True, "已按国办发明电核对")
    assert calendar.get_calendar(ctx).is_confirmed(2027)
    assert calendar.next_year_warning(ctx, date(2026, 11, 29)) is None
    with pytest.raises(InvalidInput):
        calendar.set_confirmed(ctx, 1900, True)


def test_dashboard_buckets_across_ledgers(ctx: ServiceContext) -> None:
    now = datetime(2026, 11, 27, 9, 0)  # a Friday
    add_referral(
        ctx,
        "移2026-0101",
        now,
        Urgency.NORMAL,
        datetime(2026, 11, 25, 23, 59, 59),
        matter="逾期未移送的事项",
    )
    add_referral(
        ctx,
        "移2026-0102",
        now,
        Urgency.URGENT,
        datetime(2026, 11, 27, 18, 0),
        matter="今日到期的事项",
    )
    add_referral(
        ctx,
        "移2026-0103",
        now,
        Urgency.NORMAL,
        datetime(2026, 12, 1, 23, 59, 59),
        matter="即将到期的事项",
    )
    add_referral(
        ctx,
        "移2026-0104",
        now,
        Urgency.NORMAL,
        datetime(2026, 12, 20, 23, 59, 59),
        matter="还早的事项",
    )
    add_referral(
        ctx, "移2026-0105", now, Urgency.NORMAL, None, ReferralStatus.RESULT, matter="已办结的事项"
    )
    with ctx.uow() as uow:
        m = Meeting(
            serial="会2026-0003",
            kind=MeetingKind.REGULAR,
            subject="第三季度联席会议",
            held_at=datetime(2026, 8, 20, 9, 0),
        )
        m.actions.append(
            FollowUpAction(
                description="清理赵八大街占道摊点",
                due_on=date(2026, 11, 26),
                status=ActionStatus.OPEN,
            )
        )
        m.actions.append(
            FollowUpAction(
                description="已完成的事项", due_on=date(2026, 11, 26), status=ActionStatus.DONE
            )
        )
        uow.session.add(m)
    board = dashboard.build(ctx, now)
    by_title = {i.title: i for i in board.items}
    assert by_title["逾期未移送的事项"].bucket == DueBucket.OVERDUE
    assert by_title["今日到期的事项"].bucket == DueBucket.TODAY
    assert by_title["即将到期的事项"].bucket == DueBucket.SOON
    assert by_title["清理赵八大街占道摊点"].bucket == DueBucket.OVERDUE
    assert "还早的事项" not in by_title and "已办结的事项" not in by_title
    assert "已完成的事项" not in by_title
    # The regular meeting is due 3 months after the last one (2026-11-20): overdue.
    regular = [i for i in board.items if i.title.startswith("定期协商会议")]
    assert regular and regular[0].bucket == DueBucket.OVERDUE
    assert board.counts[DueBucket.OVERDUE] == 3
    assert by_title["逾期未移送的事项"].counterpart == "县生态环境分局"
    assert [i.due_at for i in board.items] == sorted(i.due_at for i in board.items)
    assert board.warnings and "2027年" in board.warnings[0]


def test_ledger_search_status_filter_paging_and_detail(ctx: ServiceContext) -> None:
    for n in range(1, 31):
        add_referral(
            ctx,
            f"移2026-{n:04d}",
            datetime(2026, 3, 1, 8).replace(day=1 + n % 28),
            Urgency.NORMAL,
            None,
            ReferralStatus.SENT if n % 3 else ReferralStatus.DRAFT,
            matter="擅自采砂" if n % 2 else "露天烧烤",
        )
    q = ledgers.Query(search="采砂")
    assert ledgers.count(ctx, "referrals", q) == 15
    q = ledgers.Query(search="采砂 生态环境", status="draft")
    rows = ledgers.page(ctx, "referrals", q)
    assert rows and all(r["matter"] == "擅自采砂" and r["status"] == "draft" for r in rows)
    first = ledgers.page(ctx, "referrals", ledgers.Query(), 0, 10)
    second = ledgers.page(ctx, "referrals", ledgers.Query(), 10, 10)
    assert len(first) == len(second) == 10
    assert not {r["id"] for r in first} & {r["id"] for r in second}
    assert first[0]["found_at"] >= first[-1]["found_at"] >= second[0]["found_at"]
    # A search for the LIKE wildcard matches literally, not everything.
    assert ledgers.count(ctx, "referrals", ledgers.Query(search="%")) == 0
    with pytest.raises(InvalidInput):
        ledgers.count(ctx, "referrals", ledgers.Query(status="nonsense"))
    fields = dict(records.detail(ctx, "referrals", first[0]["id"]))
    assert fields["接收单位"] == "石家庄市生态环境局深泽县分局"
    assert fields["紧急程度"] == Urgency.NORMAL.label
    with pytest.raises(NotFound):
        records.detail(ctx, "referrals", 999999)


def test_display_of_day_based_deadlines_shows_only_the_date() -> None:
    col = ledgers.LEDGERS["referrals"].column("deadline_at")
    assert ledgers.display(col, datetime(2026, 10, 10, 23, 59, 59)) == "2026-10-10"
    assert ledgers.display(col, datetime(2026, 10, 1, 10, 0)) == "2026-10-01 10:00"
    status = ledgers.LEDGERS["referrals"].column("status")
    assert ledgers.display(status, "sent") == "已发送"
    assert ledgers.display(status, "unknown_code") == "unknown_code"


def test_ledger_filters_direction_department_overdue_and_dates(ctx: ServiceContext) -> None:
    from desktop_app.domain import clock

    add_referral(
        ctx,
        "移2026-0201",
        datetime(2026, 11, 2, 9),
        Urgency.NORMAL,
        datetime(2026, 11, 5, 23, 59, 59),
        matter="逾期",
    )
    add_referral(
        ctx,
        "移2026-0202",
        datetime(2026, 11, 20, 9),
        Urgency.NORMAL,
        datetime(2026, 12, 25, 23, 59, 59),
        matter="未到期",
    )
    dept = organisations_by_name(ctx, "石家庄市生态环境局深泽县分局")
    other = organisations_by_name(ctx, "深泽县水利局")
    base = ledgers.Query()
    assert ledgers.count(ctx, "referrals", base) == 2
    q = ledgers.Query(filters=(("direction", "incoming"),))
    assert ledgers.count(ctx, "referrals", q) == 0
    assert ledgers.count(ctx, "referrals", ledgers.Query(filters=(("department", dept),))) == 2
    assert ledgers.count(ctx, "referrals", ledgers.Query(filters=(("department", other),))) == 0
    original = clock.now
    try:
        clock.now = lambda: datetime(2026, 11, 29, 9)  # type: ignore[assignment]
        rows = ledgers.page(ctx, "referrals", ledgers.Query(filters=(("overdue", True),)))
    finally:
        clock.now = original  # type: ignore[assignment]
    assert [r["matter"] for r in rows] == ["逾期"]
    q = ledgers.Query(date_from=date(2026, 11, 10), date_to=date(2026, 11, 30))
    assert [r["matter"] for r in ledgers.page(ctx, "referrals", q)] == ["未到期"]
    with pytest.raises(InvalidInput):
        ledgers.count(
            ctx, "referrals", ledgers.Query(date_from=date(2026, 12, 1), date_to=date(2026, 11, 1))
        )
    with pytest.raises(InvalidInput):
        ledgers.count(ctx, "referrals", ledgers.Query(filters=(("direction", "sideways"),)))


def organisations_by_name(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one()
