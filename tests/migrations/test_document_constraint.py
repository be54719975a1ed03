"""Revision 0004: the (prefix, year, serial) rule of the document register gets its
own constraint name; rows survive both ways and a repeated number stays refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import IntegrityError

from desktop_app.storage import migrate

pytestmark = pytest.mark.sqlite_only

ROW = (
    "insert into documents(doc_type, prefix, year, serial, number, title, issued_on, status,"
    " created_at) values ('assistance_letter', '赵八函', 2026, {serial}, '{number}', '关于𠀀的函',"
    " '2026-11-20', 'issued', '2026-11-20 10:00:00')"
)


def uniques(url: str) -> dict[str, list[str]]:
    engine = create_engine(url)
    try:
        found = inspect(engine).get_unique_constraints("documents")
        return {u["name"] or "": u["column_names"] for u in found}
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


def test_rename_up_and_down_keeps_rows_and_rules(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    cfg = migrate.alembic_config(url)
    command.upgrade(cfg, "0003")
    execute(url, ROW.format(serial=1, number="赵八函〔2026〕1号"))
    command.upgrade(cfg, "0004")
    assert uniques(url) == {
        "uq_documents_number": ["number"],
        "uq_documents_prefix_year_serial": ["prefix", "year", "serial"],
    }
    assert execute(url, "select number, title from documents") == [
        ("赵八函〔2026〕1号", "关于𠀀的函")
    ]
    with pytest.raises(IntegrityError):  # same prefix, year and serial, other text
        execute(url, ROW.format(serial=1, number="赵八函〔2026〕01号"))
    with pytest.raises(IntegrityError):  # same printed number
        execute(url, ROW.format(serial=2, number="赵八函〔2026〕1号"))
    command.downgrade(cfg, "0003")
    assert sorted(uniques(url).values()) == [["number"], ["prefix", "year", "serial"]]
    assert execute(url, "select count(*) from documents") == [(1,)]
    with pytest.raises(IntegrityError):
        execute(url, ROW.format(serial=1, number="赵八函〔2026〕01号"))
