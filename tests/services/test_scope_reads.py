"""Several organisations in one database: the reads beyond the lists — the
dashboard, the statistics, the monthly summary, the same-day sharing report,
opening a record by id, the import's duplicate check and the 方向 labels —
show an organisation its own records and what was sent to it; the county
government (and a context without an account) everything; the monthly summary
only the acting organisation's own."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import info_share_helpers
import notice_helpers
import pytest
from county_helpers import County
from openpyxl import load_workbook
from referral_helpers import ENV, outgoing, ready_to_send
from test_ledger_import import GOOD, book, mapping

from desktop_app.domain.terms import Direction, MeetingKind, MeetingStatus
from desktop_app.services import (
    dashboard,
    info_share_report,
    info_shares,
    joint_actions,
    ledger_import,
    records,
    referral_records,
    referrals,
    settings,
    stats,
    stats_trends,
    summary,
    urgent_notices,
)
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import NotFound
from desktop_app.services.referral_flow import mark_sent
from desktop_app.storage.models import Meeting, Organisation

NOW = datetime(2026, 11, 29, 10, 0)
A_MATTER, B_MATTER = "甲镇焚烧秸秆", "乙镇焚烧秸秆"
PW = "zhao2026ba"


def _transfers(county: County, send_a: bool = False) -> tuple[int, int]:
    """A's transfer to the environment bureau (sent when ``send_a``), B's to another
    department (a draft)."""
    if send_a:
        a_rid = ready_to_send(county.town_a, matter=A_MATTER)
        mark_sent(county.town_a, a_rid, datetime(2026, 11, 25, 15), "in_person", None)
    else:
        a_rid = referrals.create_outgoing(county.town_a, outgoing(county.town_a, matter=A_MATTER))
    b_rid = referrals.create_outgoing(
        county.town_b, outgoing(county.town_b, matter=B_MATTER, receiver_id=county.other_dept_id)
    )
    return a_rid, b_rid


# --- dashboard ---------------------------------------------------------------------------


def _titles(ctx: ServiceContext) -> set[str]:
    board = dashboard.build(ctx, NOW)
    assert sum(board.counts.values()) == len(board.items)
    return {i.title for i in board.items}


def test_dashboard_shows_only_what_the_context_may_see(ctx: ServiceContext, county: County) -> None:
    _transfers(county)
    urgent_notices.create(
        county.town_a, notice_helpers.notice(county.town_a, department_id=county.dept_id)
    )
    hazard = dashboard._short(notice_helpers.HAZARD)
    assert A_MATTER in _titles(county.town_a) and B_MATTER not in _titles(county.town_a)
    b_titles = _titles(county.town_b)
    assert B_MATTER in b_titles
    assert A_MATTER not in b_titles and hazard not in b_titles
    # the notice addressed to the department is on its dashboard; A's draft transfer is not
    dept_titles = _titles(county.dept)
    assert hazard in dept_titles
    assert A_MATTER not in dept_titles and B_MATTER not in dept_titles
    for everything in (county.government, ctx):
        assert {A_MATTER, B_MATTER, hazard} <= _titles(everything)


def test_regular_meeting_reminder_counts_the_townships_own_meetings(
    ctx: ServiceContext, county: County
) -> None:
    settings.save(ctx, {"meeting_cadence_months": 3})
    with county.town_a.uow() as uow:
        uow.session.add(
            Meeting(
                serial="会2026-0001",
                kind=MeetingKind.REGULAR,
                status=MeetingStatus.HELD,
                subject="第四季度联席会议",
                held_at=datetime(2026, 11, 20, 9),
            )
        )

    def reminder(who: ServiceContext) -> str | None:
        items = dashboard.build(who, NOW).items
        found = [i.title for i in items if i.record_id is None and i.ledger_key == "meetings"]
        return found[0] if found else None

    assert reminder(county.town_a) is None  # held nine days ago: not due yet
    assert reminder(ctx) is None  # the single-township view, as before
    assert reminder(county.town_b) == "定期协商会议（尚无已召开的定期会议记录）"
    assert reminder(county.dept) is None  # a department does not convene them


# --- statistics --------------------------------------------------------------------------


def _referral_figures(who: ServiceContext) -> stats.LedgerFigures:
    figs = stats.ledger_figures(who, date(2026, 11, 1), date(2026, 11, 30), NOW)
    return next(f for f in figs if f.ledger_key == "referrals")


def test_statistics_count_only_visible_rows(ctx: ServiceContext, county: County) -> None:
    _transfers(county, send_a=True)
    for who, n in (
        (county.town_a, 1),
        (county.town_b, 1),
        (county.dept, 1),  # A's transfer, sent to it
        (county.government, 2),
        (ctx, 2),
    ):
        f = _referral_figures(who)
        assert (f.total, f.in_period) == (n, n), who.operator_name
        trend = stats_trends.monthly_counts(who, date(2026, 11, 1), date(2026, 11, 30))
        line = next(line for line in trend.lines if line.key == "referrals")
        assert sum(line.counts) == n

    def departments(who: ServiceContext) -> set[str]:
        got = stats.timing_figures(who, date(2026, 11, 1), date(2026, 11, 30))
        return {name for name, _ in got.departments}

    with ctx.read() as s:
        env = s.get(Organisation, county.dept_id).name  # type: ignore[union-attr]
        other = s.get(Organisation, county.other_dept_id).name  # type: ignore[union-attr]
    assert departments(county.town_b) == {other}
    assert departments(county.town_a) == {env}
    assert departments(county.government) == {env, other}


def test_same_day_report_counts_visible_items(ctx: ServiceContext, county: County) -> None:
    day = date(2026, 11, 27)
    for who, to in ((county.town_a, ENV), (county.town_b, info_share_helpers.WATER)):
        info_shares.create(who, info_share_helpers.share(who, to, formed_on=day, shared_on=day))

    def total(who: ServiceContext, own: bool = False) -> int:
        return info_share_report.same_day_report(who, day, day, own=own).total.total

    assert total(county.town_a) == 1 and total(county.town_b) == 1
    assert total(county.dept) == 1  # A's item names it
    assert total(county.dept, own=True) == 0  # but it is not the department's own
    assert total(county.government) == 2 and total(ctx) == 2
    names = {
        r.name for r in info_share_report.same_day_report(county.town_b, day, day).by_department
    }
    assert names == {info_share_helpers.WATER}


# --- monthly summary -----------------------------------------------------------------------


def _sheet_text(path: Path, sheet: str) -> str:
    wb = load_workbook(path, read_only=True)
    try:
        return "\n".join(
            str(v) for row in wb[sheet].iter_rows(values_only=True) for v in row if v is not None
        )
    finally:
        wb.close()


def test_monthly_summary_is_the_acting_organisations_own(
    ctx: ServiceContext, county: County, tmp_path: Path
) -> None:
    _transfers(county, send_a=True)

    def export(who: ServiceContext, name: str) -> tuple[str, str]:
        path = summary.export_month(who, 2026, 11, tmp_path / f"{name}.xlsx")
        return _sheet_text(path, "案件移送"), _sheet_text(path, summary.STATS_SHEET)

    b_sheet, b_stats = export(county.town_b, "b")
    assert B_MATTER in b_sheet and A_MATTER not in b_sheet
    assert "铁杆镇综合行政执法协调联动工作月度汇总" in b_stats
    a_sheet, _ = export(county.town_a, "a")
    assert A_MATTER in a_sheet and B_MATTER not in a_sheet
    # the headless context is the settings' township (A): its own report, as before
    own_sheet, _ = export(ctx, "own")
    assert A_MATTER in own_sheet and B_MATTER not in own_sheet
    # a department's summary has no township's transfer, even one sent to it
    dept_sheet, _ = export(county.dept, "dept")
    assert A_MATTER not in dept_sheet and B_MATTER not in dept_sheet
    gov_sheet, _ = export(county.government, "gov")
    assert A_MATTER in gov_sheet and B_MATTER in gov_sheet


# --- opening a record by id ----------------------------------------------------------------


def _opens(call: Any, who: ServiceContext, record_id: int) -> bool:
    try:
        call(who, record_id)
    except NotFound:
        return False
    return True


READS = [
    referrals.get,
    referral_records.history,
    referral_records.allowed_actions,
    referral_records.list_materials,
    lambda who, rid: records.detail(who, "referrals", rid),
    lambda who, rid: records.deadline_note(who, "referrals", rid),
]


def test_a_record_another_organisation_may_not_see_is_not_found(
    ctx: ServiceContext, county: County
) -> None:
    a_rid, b_rid = _transfers(county)
    for read in READS:
        assert not _opens(read, county.town_b, a_rid)
        assert not _opens(read, county.dept, a_rid)  # a draft is the township's own
        assert not _opens(read, county.town_a, b_rid)
        for who in (county.town_a, county.government, ctx):
            assert _opens(read, who, a_rid)
    with pytest.raises(NotFound, match="不存在"):
        records.detail(county.town_b, "referrals", a_rid)


def test_a_transfer_sent_to_the_department_opens_as_incoming(county: County) -> None:
    a_rid, _ = _transfers(county, send_a=True)
    for read in READS:
        assert _opens(read, county.dept, a_rid)
    shown = dict(records.detail(county.dept, "referrals", a_rid))
    assert shown["方向"] == Direction.INCOMING.label
    assert dict(records.detail(county.town_a, "referrals", a_rid))["方向"] == (
        Direction.OUTGOING.label
    )


@pytest.mark.parametrize("ledger", ["urgent_notices", "joint_actions", "info_shares"])
def test_each_ledger_opens_only_visible_records(county: County, ledger: str) -> None:
    """A's record naming the department (and, for a joint action, township B) opens
    for them; for the other township it is not found."""
    a = county.town_a
    if ledger == "urgent_notices":
        rid = urgent_notices.create(a, notice_helpers.notice(a, department_id=county.dept_id))
        reads = [urgent_notices.get, urgent_notices.history, urgent_notices.allowed_actions]
        named = [county.dept]
    elif ledger == "joint_actions":
        rid = joint_actions.create(
            a,
            notice_helpers.action(
                a, organisation_ids=[county.a_id, county.b_id, county.other_dept_id]
            ),
        )
        reads = [
            joint_actions.get,
            joint_actions.history,
            joint_actions.allowed_actions,
            joint_actions.list_files,
        ]
        named = [county.town_b]
    else:
        day = date(2026, 11, 27)
        rid = info_shares.create(a, info_share_helpers.share(a, ENV, formed_on=day, shared_on=day))
        reads = [info_shares.get, info_shares.history, info_shares.list_files]
        named = [county.dept]
    reads.append(lambda who, i: records.detail(who, ledger, i))
    outsider = county.dept if ledger == "joint_actions" else county.town_b
    for read in reads:
        assert not _opens(read, outsider, rid)
        for who in (a, county.government, *named):
            assert _opens(read, who, rid)


# --- import duplicates ---------------------------------------------------------------------


def test_import_duplicates_are_looked_for_among_own_records(county: County, tmp_path: Path) -> None:
    path = book(tmp_path, GOOD)
    assert ledger_import.run_import(county.town_a, "info_shares", path, None, mapping()).created
    again = ledger_import.preview_import(county.town_a, "info_shares", path, None, mapping())
    assert len(again.duplicates) == len(GOOD)  # A's own: duplicates
    other = ledger_import.preview_import(county.town_b, "info_shares", path, None, mapping())
    assert other.duplicates == [] and other.ok_rows == len(GOOD)
    result = ledger_import.run_import(county.town_b, "info_shares", path, None, mapping())
    assert result.created == len(GOOD) and result.skipped_duplicates == 0


# --- 方向 labels ------------------------------------------------------------------------------


def test_direction_labels_name_neither_side() -> None:
    for member in Direction:
        assert "本镇" not in member.label and "部门" not in member.label
    assert Direction.OUTGOING.label.startswith("移出")
    assert Direction.INCOMING.label.startswith("移入")
