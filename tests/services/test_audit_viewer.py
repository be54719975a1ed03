"""The audit viewer (issue 9, item 5): each filter narrows, pages, newest first,
bad filters refused, read-only, and no complainant identity in what it shows."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from complaint_helpers import ADDRESS, ID_NUMBER, NAME, PHONE, People, complaint
from info_share_helpers import share
from referral_helpers import incoming, ready_to_send
from sqlalchemy import func, select, update
from sqlalchemy.exc import DatabaseError

from desktop_app.services import audit, complaints, info_shares, referrals
from desktop_app.services.audit_viewer import (
    AuditQuery,
    AuditRow,
    audit_count,
    audit_operators,
    audit_page,
)
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.storage.models import AuditEntry

SETUP = datetime(2026, 11, 2, 8, 0)  # seed data and staff
DAY1 = datetime(2026, 11, 20, 9, 0)
DAY2 = datetime(2026, 11, 25, 14, 30)
DAY3 = datetime(2026, 11, 28, 16, 0)


@pytest.fixture(autouse=True)
def audit_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit trail reads its own clock; pin it before the database is seeded."""
    monkeypatch.setattr(audit, "now", lambda: SETUP)


@pytest.fixture
def trail(op: ServiceContext, people: People, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Entries on three days by two operators: a complaint and a transfer with its letter
    by the clerk, an incoming transfer and a shared item by the officer."""
    officer = op.as_operator(people.officer, "孙核实")
    ids: dict[str, int] = {}
    monkeypatch.setattr(audit, "now", lambda: DAY1)
    ids["complaint"] = complaints.register(op, complaint())
    monkeypatch.setattr(audit, "now", lambda: DAY2)
    ids["outgoing"] = ready_to_send(op)
    monkeypatch.setattr(audit, "now", lambda: DAY3)
    ids["incoming"] = referrals.register_incoming(officer, incoming(officer))
    day = date(2026, 11, 28)
    ids["share"] = info_shares.create(officer, share(officer, formed_on=day, shared_on=day))
    return ids


def everything(ctx: ServiceContext, q: AuditQuery | None = None) -> list[AuditRow]:
    return audit_page(ctx, q or AuditQuery(), 0, 1000)


def stored(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count(AuditEntry.id))).scalar_one())


def test_all_entries_newest_first(ctx: ServiceContext, trail: dict[str, int]) -> None:
    rows = everything(ctx)
    assert len(rows) == audit_count(ctx) == stored(ctx)
    assert [r.at for r in rows] == sorted((r.at for r in rows), reverse=True)
    same_time = [r.id for r in rows if r.at == DAY3]
    assert same_time == sorted(same_time, reverse=True)
    newest = rows[0]
    assert newest.operator_name == "孙核实" and newest.action_label == "新增"
    assert newest.record_type_label == "信息共享" and newest.record_serial == "享2026-0001"


def test_rows_read_as_the_clerk_reads_them(ctx: ServiceContext, trail: dict[str, int]) -> None:
    rows = everything(ctx)
    letter = next(r for r in rows if r.action_label == "发文")
    assert letter.record_type_label == "文书" and "〔2026〕" in letter.record_serial
    created = next(r for r in rows if r.record_serial == "诉2026-0001")
    assert created.record_type_label == "投诉举报" and "登记投诉举报" in created.summary
    seeded = rows[-1]  # the first start-up loads the organisations: about no one record
    assert seeded.record_serial == "" and seeded.action_label == "导入"


def test_filter_by_operator(ctx: ServiceContext, people: People, trail: dict[str, int]) -> None:
    rows = everything(ctx, AuditQuery(operator_id=people.officer))
    assert rows and {r.operator_name for r in rows} == {"孙核实"}
    assert len(rows) == audit_count(ctx, AuditQuery(operator_id=people.officer)) == 2
    clerk = everything(ctx, AuditQuery(operator_id=people.clerk))
    assert {r.operator_name for r in clerk} == {"张首问"} and len(clerk) > 2
    assert (people.officer, "孙核实") in audit_operators(ctx)


def test_filter_by_date(ctx: ServiceContext, trail: dict[str, int]) -> None:
    one_day = AuditQuery(date_from=DAY2.date(), date_to=DAY2.date())
    rows = everything(ctx, one_day)
    assert rows and {r.at for r in rows} == {DAY2}
    assert {r.record_type_label for r in rows} == {"案件移送", "文书"}
    since = everything(ctx, AuditQuery(date_from=DAY2.date()))
    assert {r.at for r in since} == {DAY2, DAY3}
    until = everything(ctx, AuditQuery(date_to=DAY1.date()))
    assert {r.at for r in until} == {SETUP, DAY1}
    assert (
        audit_count(ctx, AuditQuery(date_from=date(2026, 11, 21), date_to=date(2026, 11, 24))) == 0
    )


def test_filter_by_record(ctx: ServiceContext, trail: dict[str, int]) -> None:
    rows = everything(ctx, AuditQuery(record_type="referral"))
    assert {r.record_serial for r in rows} == {"移2026-0001", "移2026-0002"}
    one = everything(ctx, AuditQuery(record_type="referral", record_id=trail["outgoing"]))
    assert one and {r.record_serial for r in one} == {"移2026-0001"}
    assert len(one) < len(rows)
    assert audit_count(ctx, AuditQuery(record_type="dispute")) == 0


def test_filter_by_action(ctx: ServiceContext, trail: dict[str, int]) -> None:
    rows = everything(ctx, AuditQuery(action="issue"))
    assert len(rows) == 1 and rows[0].action_label == "发文"
    assert audit_count(ctx, AuditQuery(action="void")) == 0


def test_filter_by_text_every_word(ctx: ServiceContext, trail: dict[str, int]) -> None:
    rows = everything(ctx, AuditQuery(text="秸秆"))
    assert rows and all("秸秆" in r.summary for r in rows)
    both = everything(ctx, AuditQuery(text="移出 秸秆"))
    assert [r.record_serial for r in both] == ["移2026-0001"]
    named = everything(ctx, AuditQuery(text="孙核实"))  # the operator, or in the summary
    assert {r.summary for r in named if r.operator_name != "孙核实"} == {"新增人员：孙核实"}
    assert sum(r.operator_name == "孙核实" for r in named) == 2
    assert audit_count(ctx, AuditQuery(text="%")) == 0  # a wildcard is a character


def test_filters_combine(ctx: ServiceContext, people: People, trail: dict[str, int]) -> None:
    q = AuditQuery(operator_id=people.clerk, date_from=DAY2.date(), record_type="referral")
    rows = everything(ctx, q)
    assert rows and {(r.operator_name, r.record_serial, r.at) for r in rows} == {
        ("张首问", "移2026-0001", DAY2)
    }


def test_paging(ctx: ServiceContext, trail: dict[str, int]) -> None:
    full = everything(ctx)
    pages = [audit_page(ctx, AuditQuery(), offset, 3) for offset in range(0, len(full), 3)]
    assert all(len(p) <= 3 for p in pages)
    assert [r.id for p in pages for r in p] == [r.id for r in full]
    assert audit_page(ctx, AuditQuery(), len(full), 3) == []


@pytest.mark.parametrize(
    ("q", "field"),
    [
        (AuditQuery(date_from=date(2026, 11, 25), date_to=date(2026, 11, 24)), "date_to"),
        (AuditQuery(action="erase"), "action"),
        (AuditQuery(record_type="letters"), "record_type"),
        (AuditQuery(text="字" * 101), "text"),
    ],
)
def test_bad_filters_are_refused(ctx: ServiceContext, q: AuditQuery, field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        audit_page(ctx, q)
    assert field in err.value.problems
    with pytest.raises(InvalidInput):
        audit_count(ctx, q)


@pytest.mark.parametrize(("offset", "limit"), [(-1, 10), (0, 0), (0, 100_000)])
def test_bad_paging_is_refused(ctx: ServiceContext, offset: int, limit: int) -> None:
    with pytest.raises(InvalidInput):
        audit_page(ctx, AuditQuery(), offset, limit)


def test_no_complainant_identity_shown(ctx: ServiceContext, trail: dict[str, int]) -> None:
    shown = " ".join(f"{r.operator_name} {r.record_serial} {r.summary}" for r in everything(ctx))
    for identity in (NAME, PHONE, ID_NUMBER, ADDRESS):
        assert identity not in shown
        assert audit_count(ctx, AuditQuery(text=identity)) == 0


def test_reading_writes_nothing_and_the_trail_stays_read_only(
    ctx: ServiceContext, trail: dict[str, int]
) -> None:
    before = stored(ctx)
    everything(ctx)
    audit_count(ctx)
    assert stored(ctx) == before
    with pytest.raises(DatabaseError), ctx.uow() as uow:
        uow.session.execute(update(AuditEntry).values(summary="改过"))
