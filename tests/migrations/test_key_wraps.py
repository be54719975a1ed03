"""Revision 0008: key_wraps (the wrapped data key of the complainants' identity);
existing rows kept both ways, and no downgrade once identities are encrypted."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from desktop_app.storage import migrate

pytestmark = pytest.mark.sqlite_only


def execute(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.exec_driver_sql(sql)
            return [tuple(r) for r in result.all()] if result.returns_rows else []
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def seed_complaint(url: str, name: str) -> None:
    execute(
        url,
        "insert into complaints(id, serial, received_at, channel, anonymous, content, status,"
        " materials_handed_over, created_at, updated_at, version) values (1, '诉2026-0001',"
        " '2026-11-23 09:30:00', 'phone', 0, '反映焚烧秸秆😀𠀀', 'registered', 0,"
        " '2026-11-23 09:30:00', '2026-11-23 09:30:00', 1)",
    )
    execute(url, f"insert into complainants(complaint_id, name) values (1, '{name}')")


def test_key_wraps_added_and_rows_survive(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    cfg = migrate.alembic_config(url)
    command.upgrade(cfg, "0007")
    seed_complaint(url, "李𠀀华")
    command.upgrade(cfg, "0008")
    assert "key_wraps" in tables(url)
    engine = create_engine(url)
    try:
        cols = {c["name"] for c in inspect(engine).get_columns("key_wraps")}
    finally:
        engine.dispose()
    assert cols == {"id", "account_id", "salt", "params", "wrapped", "created_at"}
    # the migration has no key: the identity stays as it was until an administrator logs in
    assert execute(url, "select name from complainants") == [("李𠀀华",)]
    execute(
        url,
        "insert into key_wraps(account_id, salt, params, wrapped, created_at) values"
        " (NULL, x'00', '{}', x'01', '2026-11-29 20:00:00')",
    )
    command.downgrade(cfg, "0007")
    assert "key_wraps" not in tables(url)
    assert execute(url, "select name from complainants") == [("李𠀀华",)]


def test_no_downgrade_once_identities_are_encrypted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    cfg = migrate.alembic_config(url)
    command.upgrade(cfg, "0008")
    seed_complaint(url, "enc1:AAAA")
    with pytest.raises(RuntimeError, match="恢复升级前的备份"):
        command.downgrade(cfg, "0007")
    assert "key_wraps" in tables(url)
