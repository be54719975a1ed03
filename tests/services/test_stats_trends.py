"""Records per month and system (the statistics page's line chart), against plain SQL."""

from __future__ import annotations

from datetime import date

from desktop_app.services import stats_trends
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo


def test_months_shown() -> None:
    one_month = stats_trends.months_shown(date(2026, 11, 1), date(2026, 11, 29))
    assert len(one_month) == 12 and one_month[0] == date(2025, 12, 1)
    assert one_month[-1] == date(2026, 11, 1)
    two_years = stats_trends.months_shown(date(2025, 1, 15), date(2026, 11, 3))
    assert two_years[0] == date(2025, 1, 1) and len(two_years) == 23
    ages = stats_trends.months_shown(date(2010, 1, 1), date(2026, 11, 3))
    assert len(ages) == 36 and ages[0] == date(2023, 12, 1)


def test_month_range_ends_on_the_last_day() -> None:
    counts = stats_trends.MonthlyCounts([date(2024, 2, 1), date(2024, 12, 1)], [])
    assert counts.month_range(0) == (date(2024, 2, 1), date(2024, 2, 29))
    assert counts.month_range(1) == (date(2024, 12, 1), date(2024, 12, 31))


def test_counts_match_plain_sql(ctx: ServiceContext) -> None:
    generate_demo(ctx, records=900, seed=11, today=date(2026, 11, 29))
    found = stats_trends.monthly_counts(ctx, date(2026, 1, 1), date(2026, 11, 29))
    assert len(found.months) == 12 and found.months[0] == date(2025, 12, 1)
    lines = {line.key: line for line in found.lines}
    assert list(lines) == list(stats_trends.SERIES)
    con = ctx.db.engine.connect()  # plain SQL that runs on SQLite and PostgreSQL

    def per_month(table: str, column: str) -> list[int]:
        got = dict(
            con.exec_driver_sql(
                f"SELECT substr(CAST({column} AS TEXT), 1, 7), count(*) FROM {table} "
                f"WHERE {column} >= '2025-12-01' AND {column} < '2026-12-01' GROUP BY 1"
            ).fetchall()
        )
        return [got.get(f"{m:%Y-%m}", 0) for m in found.months]

    assert lines["referrals"].counts == per_month("referrals", "found_at")
    assert lines["info_shares"].counts == per_month("info_shares", "formed_on")
    assert lines["complaints"].counts == per_month("complaints", "received_at")
    together = [
        a + b + c
        for a, b, c in zip(
            per_month("meetings", "held_at"),
            per_month("urgent_notices", "found_at"),
            per_month("joint_actions", "action_on"),
            strict=True,
        )
    ]
    assert lines["consultation"].counts == together
    assert lines["consultation"].ledger_key == "meetings"
    con.close()
    assert sum(sum(line.counts) for line in found.lines) > 0
    assert sum(lines["referrals"].counts) > 0
