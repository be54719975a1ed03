"""Revision 0003: info_shares.method (共享方式) is added and removed again,
the items and their counterparts kept both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from desktop_app.storage import migrate

pytestmark = pytest.mark.sqlite_only

TITLE = "𠀀家庄联络站😀11月统计数据"


def columns(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("info_shares")}
    finally:
        engine.dispose()


def run(url: str, *sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in sql[:-1]:
                conn.exec_driver_sql(statement)
            return [tuple(r) for r in conn.exec_driver_sql(sql[-1]).all()]
    finally:
        engine.dispose()


def test_method_column_up_and_down_with_the_items_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    cfg = migrate.alembic_config(url)
    command.upgrade(cfg, "0002")
    assert "method" not in columns(url)
    run(
        url,
        "INSERT INTO organisations (id, name, kind, acts_in_own_name, active, sort_order, "
        "created_at, updated_at, version) VALUES (7, '深泽县统计局', 'county_department', 1, 1, "
        "0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
        "INSERT INTO info_shares (id, serial, direction, category, title, formed_on, shared_on, "
        "late_reason, created_at, updated_at, version) VALUES (1, '享2026-0001', 'shared', "
        f"'statistics', '{TITLE}', '2026-11-02', '2026-11-04', '需汇总各村数据', "
        "'2026-11-04 09:00:00', '2026-11-04 09:00:00', 1)",
        "INSERT INTO info_share_counterparts (info_share_id, organisation_id) VALUES (1, 7)",
        "SELECT 1",
    )
    command.upgrade(cfg, "0003")
    assert "method" in columns(url)
    row = "SELECT serial, title, shared_on, late_reason, method FROM info_shares"
    kept = ("享2026-0001", TITLE, "2026-11-04", "需汇总各村数据")
    assert run(url, row) == [(*kept, None)]  # the method was not recorded then
    run(url, "UPDATE info_shares SET method = 'email'", "SELECT 1")
    command.downgrade(cfg, "0002")
    assert "method" not in columns(url)
    assert run(url, row.replace(", method", "")) == [kept]
    links = "SELECT info_share_id, organisation_id FROM info_share_counterparts"
    assert run(url, links) == [(1, 7)]
