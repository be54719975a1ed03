"""Figures per ledger, checked against plain SQL over demo data."""

from __future__ import annotations

from datetime import date, datetime

from desktop_app.services import stats
from desktop_app.services.context import ServiceContext
from desktop_app.services.demo import generate_demo


def test_ledger_figures_match_plain_sql(ctx: ServiceContext) -> None:
    generate_demo(ctx, records=600, seed=5, today=date(2026, 11, 29))
    now = datetime(2026, 11, 29, 9, 0)
    figures = {
        f.ledger_key: f
        for f in stats.ledger_figures(ctx, date(2026, 11, 1), date(2026, 11, 29), now)
    }
    con = ctx.db.engine.connect()  # plain SQL that runs on SQLite and PostgreSQL
    q = lambda sql: con.exec_driver_sql(sql).scalar()  # noqa: E731
    r = figures["referrals"]
    assert r.total == q("SELECT count(*) FROM referrals") > 0
    assert r.in_period == q(
        "SELECT count(*) FROM referrals WHERE found_at >= '2026-11-01 00:00:00' "
        "AND found_at <= '2026-11-29 23:59:59.999999'"
    )
    assert r.running == q("SELECT count(*) FROM referrals WHERE deadline_at IS NOT NULL")
    assert r.overdue == q(
        "SELECT count(*) FROM referrals WHERE deadline_at < '2026-11-29 09:00:00'"
    )
    i = figures["info_shares"]
    assert i.in_period == q(
        "SELECT count(*) FROM info_shares WHERE formed_on BETWEEN '2026-11-01' AND '2026-11-29'"
    )
    con.close()
    assert sum(f.overdue for f in figures.values()) > 0
