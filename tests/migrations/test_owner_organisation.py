"""Revision 0010: every ledger record and document gets an owner, filled in from
the township of the settings; serials and letter numbers become per owner."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
)
from sqlalchemy.exc import IntegrityError

from desktop_app.storage import migrate

AT = datetime(2026, 11, 20, 10, 0)
meta = MetaData()
organisations = Table(
    "organisations",
    meta,
    Column("id", Integer, primary_key=True),
    Column("name", String),
    Column("kind", String),
    Column("acts_in_own_name", Boolean),
    Column("active", Boolean),
    Column("sort_order", Integer),
    Column("created_at", DateTime),
    Column("updated_at", DateTime),
    Column("version", Integer),
)
settings = Table(
    "settings",
    meta,
    Column("key", String, primary_key=True),
    Column("value", JSON),
    Column("updated_at", DateTime),
)
joint_actions = Table(
    "joint_actions",
    meta,
    Column("id", Integer, primary_key=True),
    Column("serial", String),
    Column("title", String),
    Column("action_on", Date),
    Column("created_at", DateTime),
    Column("updated_at", DateTime),
    Column("version", Integer),
    Column("owner_org_id", Integer),
)
documents = Table(
    "documents",
    meta,
    Column("id", Integer, primary_key=True),
    Column("doc_type", String),
    Column("prefix", String),
    Column("year", Integer),
    Column("serial", Integer),
    Column("number", String),
    Column("title", String),
    Column("issued_on", Date),
    Column("status", String),
    Column("created_at", DateTime),
    Column("owner_org_id", Integer),
)


def _org(conn: Any, org_id: int, name: str) -> None:
    conn.execute(
        organisations.insert().values(
            id=org_id,
            name=name,
            kind="township",
            acts_in_own_name=True,
            active=True,
            sort_order=0,
            created_at=AT,
            updated_at=AT,
            version=1,
        )
    )


def _action(serial: str, owner: int | None = None) -> Any:
    values = dict(
        serial=serial, title="联合检查", action_on=date(2026, 11, 20), created_at=AT, updated_at=AT
    )
    if owner is not None:
        values["owner_org_id"] = owner
    return joint_actions.insert().values(version=1, **values)


def _document(number: str, serial: int, owner: int | None = None) -> Any:
    values: dict[str, Any] = dict(
        doc_type="assistance_letter",
        prefix="赵八函〔2026〕",
        year=2026,
        serial=serial,
        number=number,
        title="关于𠀀的函",
        issued_on=date(2026, 11, 20),
        status="issued",
        created_at=AT,
    )
    if owner is not None:
        values["owner_org_id"] = owner
    return documents.insert().values(**values)


def _at_0009(url: str, *, township: bool) -> None:
    command.upgrade(migrate.alembic_config(url), "0009")
    engine = create_engine(url)
    with engine.begin() as conn:
        _org(conn, 7, "深泽县赵八镇人民政府")
        _org(conn, 8, "深泽县铁杆镇人民政府")
        if township:
            conn.execute(settings.insert().values(key="township_org_id", value=7, updated_at=AT))
        conn.execute(_action("联2026-0001"))
        conn.execute(_document("赵八函〔2026〕1号", 1))
    engine.dispose()


def test_upgrade_fills_in_the_settings_township_and_numbers_become_per_owner(
    database_url: str,
) -> None:
    _at_0009(database_url, township=True)
    command.upgrade(migrate.alembic_config(database_url), "0010")
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            owners = conn.execute(select(joint_actions.c.serial, joint_actions.c.owner_org_id))
            assert owners.all() == [("联2026-0001", 7)]
            docs = conn.execute(select(documents.c.number, documents.c.owner_org_id))
            assert docs.all() == [("赵八函〔2026〕1号", 7)]
        with engine.begin() as conn:  # another township: the same serial and number are its own
            conn.execute(_action("联2026-0001", owner=8))
            conn.execute(_document("赵八函〔2026〕1号", 1, owner=8))
        with pytest.raises(IntegrityError), engine.begin() as conn:  # but never twice in one
            conn.execute(_action("联2026-0001", owner=7))
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(_document("赵八函〔2026〕1号", 2, owner=7))
    finally:
        engine.dispose()


def test_without_a_township_rows_stay_unowned_and_unique(database_url: str) -> None:
    _at_0009(database_url, township=False)
    command.upgrade(migrate.alembic_config(database_url), "0010")
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(joint_actions.c.owner_org_id)).scalars().all() == [None]
            assert conn.execute(select(documents.c.owner_org_id)).scalars().all() == [None]
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(_action("联2026-0001"))
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(_document("赵八函〔2026〕1号", 2))
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(_document("赵八函〔2026〕2号", 1))  # same prefix, year and serial
    finally:
        engine.dispose()


def test_downgrade_restores_the_global_rules_with_the_rows(database_url: str) -> None:
    _at_0009(database_url, township=True)
    cfg = migrate.alembic_config(database_url)
    command.upgrade(cfg, "0010")
    command.downgrade(cfg, "0009")
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT serial FROM joint_actions").scalars().all() == [
                "联2026-0001"
            ]
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO joint_actions (serial, title, action_on, created_at, updated_at,"
                " version) VALUES ('联2026-0001', '再次', '2026-11-21', '2026-11-21 10:00:00',"
                " '2026-11-21 10:00:00', 1)"
            )
    finally:
        engine.dispose()
