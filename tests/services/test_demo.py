"""Demo data (演示数据): every ledger filled, realistic, consistent and reproducible."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop_app.domain.validators import check_credit_code, check_id_number
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import WINDOW_DAYS, generate_demo
from desktop_app.services.errors import ServiceError
from desktop_app.storage.startup import open_database

TODAY = date(2026, 3, 18)  # a Wednesday
NOW = datetime.combine(TODAY, time(9, 0))
RECORDS = 1500
LEDGERS = (
    "referrals complaints info_shares meetings urgent_notices joint_actions "
    "assistance_requests disputes criminal_transfers cases"
).split()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceContext]:
    """One demo database (with the sample penalty catalogue) shared by the read-only checks."""
    folder = tmp_path_factory.mktemp("demo")
    result = open_database(f"sqlite:///{folder / 'demo.db'}")
    context = ServiceContext(result.db, None, None, "测试")
    generate_demo(context, records=RECORDS, seed=7, today=TODAY)
    yield context
    result.db.close()


def rows(ctx: ServiceContext, sql: str, **params: Any) -> list[Any]:
    with ctx.read() as s:
        return list(s.execute(text(sql), params).all())


def scalar(ctx: ServiceContext, sql: str, **params: Any) -> Any:
    with ctx.read() as s:
        return s.execute(text(sql), params).scalar()


def as_dt(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def as_day(value: Any) -> date | None:
    if value is None:
        return None
    return date.fromisoformat(str(value)[:10])


# --- independent check-digit computations ----------------------------------------


def id_number_ok(s: str) -> bool:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(s[:17], weights, strict=True))
    check = (12 - total % 11) % 11
    return len(s) == 18 and s[17] == ("X" if check == 10 else str(check))


def credit_code_ok(s: str) -> bool:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(c) * pow(3, i, 31) for i, c in enumerate(s[:17]))
    return len(s) == 18 and s[17] == alphabet[(31 - total % 31) % 31]


# --- tests ------------------------------------------------------------------------


def test_counts_roughly_match_and_every_ledger_has_rows(demo: ServiceContext) -> None:
    counts = {t: scalar(demo, f"SELECT count(*) FROM {t}") for t in LEDGERS}
    assert all(n > 0 for n in counts.values()), counts
    total = sum(counts.values())
    assert 0.85 * RECORDS <= total <= 1.15 * RECORDS, counts
    assert counts["complaints"] > counts["referrals"] > counts["disputes"]
    assert counts["info_shares"] > counts["criminal_transfers"]
    for child in (
        "complainants",
        "info_share_counterparts",
        "meeting_organisations",
        "follow_up_actions",
        "joint_action_organisations",
        "negotiation_rounds",
        "criminal_transfer_officers",
        "materials",
    ):
        assert scalar(demo, f"SELECT count(*) FROM {child}") > 0, child


def test_staff_team_created_with_certificates(demo: ServiceContext) -> None:
    staff = rows(
        demo, "SELECT name, position, role, certificate_number FROM staff WHERE role != 'admin'"
    )
    assert 8 <= len(staff) <= 12
    assert {p for _n, p, _r, _c in staff} >= {"队长", "副队长", "执法队员", "内勤"}
    for name, _position, role, cert in staff:
        assert 2 <= len(name) <= 3
        if role in ("officer", "leader"):
            assert cert and len(cert) == 14 and cert.isdigit() and cert.startswith("130128")


def test_same_seed_same_data_other_seed_differs(tmp_path: Path) -> None:
    def digest(context: ServiceContext) -> str:
        h = hashlib.sha256()
        for sql in (
            "SELECT serial, received_at, content, status, outcome, party_id_number FROM complaints",
            "SELECT serial, found_at, sent_at, status, party_name, deadline_at FROM referrals",
            "SELECT serial, title, formed_on, shared_on FROM info_shares ORDER BY id",
            "SELECT name, certificate_number FROM staff ORDER BY id",
        ):
            for row in rows(context, sql):
                h.update(repr(tuple(row)).encode())
        return h.hexdigest()

    def fresh(name: str) -> ServiceContext:
        return ServiceContext(open_database(f"sqlite:///{tmp_path / name}").db)

    first, same, other = fresh("first.db"), fresh("same.db"), fresh("other.db")
    generate_demo(first, records=300, seed=3, today=TODAY)
    generate_demo(same, records=300, seed=3, today=TODAY)
    generate_demo(other, records=300, seed=4, today=TODAY)
    assert digest(first) == digest(same)
    assert digest(first) != digest(other)
    first.db.close()
    same.db.close()
    other.db.close()


def test_referrals_only_between_township_and_county_departments(demo: ServiceContext) -> None:
    kinds = rows(
        demo,
        "SELECT r.direction, s.kind, v.kind FROM referrals r "
        "JOIN organisations s ON s.id = r.sender_id JOIN organisations v ON v.id = r.receiver_id",
    )
    allowed = {"township", "county_department"}
    for direction, sender, receiver in kinds:
        assert sender in allowed and receiver in allowed
        assert sender != receiver
        assert (sender == "township") == (direction == "outgoing")
    assert {d for d, _s, _r in kinds} == {"outgoing", "incoming"}
    assert scalar(demo, "SELECT count(*) FROM referrals WHERE pre_transfer = 1") > 0


def test_party_id_numbers_and_credit_codes_are_valid(demo: ServiceContext) -> None:
    ids = [
        r[0] for r in rows(demo, "SELECT id_number FROM complainants WHERE id_number IS NOT NULL")
    ]
    codes: list[str] = []
    for table in ("referrals", "complaints", "cases"):
        ids += [
            r[0]
            for r in rows(
                demo, f"SELECT party_id_number FROM {table} WHERE party_id_number IS NOT NULL"
            )
        ]
        codes += [
            r[0]
            for r in rows(
                demo, f"SELECT party_credit_code FROM {table} WHERE party_credit_code IS NOT NULL"
            )
        ]
    assert len(ids) > 100 and len(codes) > 10
    for number in ids:
        assert id_number_ok(number), number
        assert check_id_number(number, TODAY) == number
        assert number[:6] in ("130128", "130183", "130130", "131125", "131182", "130184")
    for code in codes:
        assert credit_code_ok(code), code
        assert check_credit_code(code) == code


def test_open_items_overdue_due_today_and_due_soon(demo: ServiceContext) -> None:
    buckets: dict[str, set[str]] = {"overdue": set(), "today": set(), "soon": set()}
    for table in LEDGERS:
        for (due,) in rows(demo, f"SELECT deadline_at FROM {table} WHERE deadline_at IS NOT NULL"):
            at = as_dt(due)
            assert at is not None
            if at < NOW:
                buckets["overdue"].add(table)
            elif at.date() == TODAY:
                buckets["today"].add(table)
            elif at.date() <= TODAY + timedelta(days=3):
                buckets["soon"].add(table)
    for bucket, tables in buckets.items():
        assert len(tables) >= 2, (bucket, buckets)
    assert {"referrals", "assistance_requests"} <= buckets["overdue"]
    assert "criminal_transfers" in buckets["today"]
    due_on = [
        as_day(r[0])
        for r in rows(demo, "SELECT due_on FROM follow_up_actions WHERE status = 'open'")
    ]
    assert any(d is not None and d < TODAY for d in due_on)
    assert TODAY in due_on
    assert any(d is not None and TODAY < d <= TODAY + timedelta(days=3) for d in due_on)


def test_deadlines_only_on_running_clocks(demo: ServiceContext) -> None:
    running = {
        "referrals": ("draft", "ready"),
        "assistance_requests": ("sent",),
        "criminal_transfers": ("reported", "approved", "transferred", "filed", "not_filed"),
        "urgent_notices": ("notified", "refused"),
        "complaints": ("registered", "handling"),  # 核实 / 答复 / 移送期限
        "meetings": ("planned",),  # 计划召开: due at the planned time
    }
    for table in LEDGERS:
        if table == "info_shares":
            sql = (
                "SELECT count(*) FROM info_shares WHERE (deadline_at IS NULL) = (shared_on IS NULL)"
            )
            assert scalar(demo, sql) == 0
        elif table in running:
            found = rows(
                demo,
                f"SELECT status, deadline_what FROM {table} WHERE deadline_at IS NOT NULL",
            )
            for status, what in found:
                assert status in running[table] and what, (table, status)
        else:
            assert scalar(demo, f"SELECT count(*) FROM {table} WHERE deadline_at IS NOT NULL") == 0
    sql = (
        "SELECT count(*) FROM referrals WHERE status IN ('draft', 'ready') AND deadline_at IS NULL"
    )
    assert scalar(demo, sql) == 0
    sql = "SELECT count(*) FROM assistance_requests WHERE status = 'sent' AND deadline_at IS NULL"
    assert scalar(demo, sql) == 0
    sql = "SELECT count(*) FROM complaints WHERE status = 'registered' AND deadline_at IS NULL"
    assert scalar(demo, sql) == 0


def test_refused_when_ledgers_hold_records_unless_forced(ctx: ServiceContext) -> None:
    with pytest.raises(ServiceError, match="条数"):
        generate_demo(ctx, records=0, today=TODAY)
    with pytest.raises(ServiceError):
        generate_demo(ctx, records=1_000_001, today=TODAY)
    generate_demo(ctx, records=200, seed=1, today=TODAY)
    before = scalar(ctx, "SELECT count(*) FROM complaints")
    with pytest.raises(ServiceError, match="已有"):
        generate_demo(ctx, records=200, seed=2, today=TODAY)
    assert scalar(ctx, "SELECT count(*) FROM complaints") == before
    counts = generate_demo(ctx, records=200, seed=2, today=TODAY, force=True)
    assert scalar(ctx, "SELECT count(*) FROM complaints") == before + counts["complaints"]
    assert scalar(ctx, "SELECT count(*) FROM staff WHERE role != 'admin'") <= 12  # reused
    assert (
        scalar(
            ctx,
            "SELECT count(*) FROM audit_log "
            "WHERE action = 'import' AND summary LIKE '生成演示数据%'",
        )
        == 2
    )


def test_dates_in_window_and_in_order(demo: ServiceContext) -> None:
    first = datetime.combine(TODAY - timedelta(days=WINDOW_DAYS), time(0))

    def stamp(value: Any) -> datetime | None:
        """A date-time, or a date as its midnight (compared by day only)."""
        if value is None:
            return None
        if len(str(value)) > 10:
            return as_dt(value)
        return datetime.combine(date.fromisoformat(str(value)), time(0))

    def check_order(table: str, cols: list[str]) -> None:
        for row in rows(demo, f"SELECT serial, {', '.join(cols)} FROM {table}"):
            stamps = [t for t in map(stamp, row[1:]) if t is not None]
            assert stamps, row
            assert first <= stamps[0] and stamps[-1] <= NOW + timedelta(hours=15), row
            for a, b in pairwise(stamps):
                if b.time() == time(0) or a.time() == time(0):
                    assert a.date() <= b.date(), (table, row)
                else:
                    assert a <= b, (table, row)

    check_order("referrals", ["found_at", "sent_at", "delivered_at", "signed_at", "result_at"])
    check_order("referrals", ["found_at", "signed_at", "returned_at"])
    check_order("complaints", ["received_at", "verified_at", "closed_at", "feedback_at"])
    check_order("assistance_requests", ["created_at", "requested_on", "replied_on"])
    check_order(
        "criminal_transfers",
        [
            "flagged_at",
            "report_at",
            "decision_at",
            "transferred_at",
            "police_received_at",
            "police_decision_at",
            "handover_at",
        ],
    )
    check_order("urgent_notices", ["found_at", "notified_at", "officers_arrived_at"])
    check_order("disputes", ["opened_on", "agreed_on"])
    check_order("disputes", ["opened_on", "escalated_on", "decided_on"])
    check_order("cases", ["filed_on", "closed_on"])
    check_order("info_shares", ["formed_on", "shared_on"])
    for table in LEDGERS:
        lo, hi = (
            as_dt(v) for v in rows(demo, f"SELECT min(created_at), max(created_at) FROM {table}")[0]
        )
        assert lo is not None and hi is not None
        assert first <= lo and hi <= NOW, table
        for created, updated in rows(demo, f"SELECT created_at, updated_at FROM {table}"):
            c, u = as_dt(created), as_dt(updated)
            assert c is not None and u is not None and c <= u <= NOW, (table, c, u)
    # serials run in creation order within each year
    for table in LEDGERS:
        serials = [r[0] for r in rows(demo, f"SELECT serial FROM {table} ORDER BY created_at, id")]
        by_year: dict[str, list[int]] = {}
        for s in serials:
            year, number = s[1:].split("-")
            by_year.setdefault(year, []).append(int(number))
        for numbers in by_year.values():
            assert numbers == list(range(1, len(numbers) + 1)), table


def test_links_and_outcomes_are_consistent(demo: ServiceContext) -> None:
    assert (
        scalar(demo, "SELECT count(*) FROM complaints WHERE status = 'closed' AND outcome IS NULL")
        == 0
    )
    assert (
        scalar(
            demo,
            "SELECT count(*) FROM complaints WHERE outcome = 'transferred' AND referral_id IS NULL",
        )
        == 0
    )
    assert (
        scalar(
            demo, "SELECT count(*) FROM complaints WHERE outcome = 'case_filed' AND case_id IS NULL"
        )
        == 0
    )
    assert (
        scalar(
            demo,
            "SELECT count(*) FROM complaints c JOIN referrals r ON r.id = c.referral_id "
            "WHERE r.complaint_id != c.id OR r.direction != 'outgoing'",
        )
        == 0
    )
    assert (
        scalar(
            demo,
            "SELECT count(*) FROM complaints c LEFT JOIN complainants p ON p.complaint_id = c.id "
            "WHERE c.anonymous = (p.id IS NOT NULL)",
        )
        == 0
    )
    anonymous = scalar(demo, "SELECT avg(anonymous) FROM complaints")
    assert 0.05 < anonymous < 0.3
    channels = {r[0] for r in rows(demo, "SELECT DISTINCT channel FROM complaints")}
    assert {"hotline_12345", "department"} <= channels
    assert (
        scalar(
            demo,
            "SELECT count(*) FROM complaints WHERE channel = 'department' "
            "AND (informing_org_id IS NULL OR informed_on IS NULL)",
        )
        == 0
    )
    assert (
        scalar(
            demo,
            "SELECT count(*) FROM criminal_transfers t WHERE "
            "(SELECT count(*) FROM criminal_transfer_officers o "
            "WHERE o.criminal_transfer_id = t.id) < 2",
        )
        == 0
    )
    assert (
        scalar(
            demo,
            "SELECT count(*) FROM disputes d WHERE NOT EXISTS "
            "(SELECT 1 FROM negotiation_rounds n WHERE n.dispute_id = d.id) "
            "AND d.status != 'negotiating'",
        )
        == 0
    )
    kinds = {r[0] for r in rows(demo, "SELECT DISTINCT kind FROM meetings")}
    assert kinds == {"regular", "ad_hoc", "special"}
    assert scalar(demo, "SELECT count(*) FROM meetings WHERE kind = 'regular'") >= 6
    assert scalar(demo, "SELECT count(*) FROM referrals WHERE status = 'returned'") > 0
    # a case comes after the complaint or referral that led to it
    for table, when in (("complaints", "verified_at"), ("referrals", "signed_at")):
        late = scalar(
            demo,
            f"SELECT count(*) FROM {table} x JOIN cases c ON c.id = x.case_id "
            f"WHERE c.created_at < x.{when} OR c.filed_on < date(x.{when})",
        )
        assert late == 0, table
    # matters from the catalogue: most records point at a penalty matter
    assert scalar(demo, "SELECT count(*) FROM referrals WHERE penalty_matter_id IS NOT NULL") > 0


def test_foreign_keys_and_integrity_clean(demo: ServiceContext) -> None:
    with demo.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_one_audit_entry_and_progress_reported(ctx: ServiceContext) -> None:
    calls: list[tuple[int, int]] = []
    before = scalar(ctx, "SELECT count(*) FROM audit_log")
    generate_demo(ctx, records=100, today=TODAY, progress=lambda d, t: calls.append((d, t)))
    assert scalar(ctx, "SELECT count(*) FROM audit_log") == before + 1
    summary = scalar(ctx, "SELECT summary FROM audit_log ORDER BY id DESC LIMIT 1")
    assert summary.startswith("生成演示数据")
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]
    assert all(a[0] <= b[0] for a, b in pairwise(calls))
