"""Revision 0005: meetings.status (the ones recorded so far were held) and the county
government's answer to a refusal report; rows kept both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from desktop_app.storage import migrate

pytestmark = pytest.mark.sqlite_only


def columns(url: str, table: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def execute(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.exec_driver_sql(sql)
            return [tuple(r) for r in result.all()] if result.returns_rows else []
    finally:
        engine.dispose()


def test_status_defaults_to_held_and_rows_survive(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    cfg = migrate.alembic_config(url)
    command.upgrade(cfg, "0004")
    execute(
        url,
        "insert into meetings(serial, kind, subject, held_at, topics, created_at, updated_at,"
        " version) values ('会2026-0001', 'regular', '第三季度联席会议😀𠀀', '2026-09-28 09:00:00',"
        " '[]', '2026-09-28 12:00:00', '2026-09-28 12:00:00', 1)",
    )
    command.upgrade(cfg, "0005")
    assert {"status"} <= columns(url, "meetings")
    assert {"report_reply_at", "report_reply"} <= columns(url, "urgent_notices")
    assert execute(url, "select serial, status, subject from meetings") == [
        ("会2026-0001", "held", "第三季度联席会议😀𠀀")
    ]
    command.downgrade(cfg, "0004")
    assert "status" not in columns(url, "meetings")
    assert "report_reply" not in columns(url, "urgent_notices")
    assert execute(url, "select serial, subject from meetings") == [
        ("会2026-0001", "第三季度联席会议😀𠀀")
    ]
