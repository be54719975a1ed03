"""Migrations and models agree; every revision upgrades and the chain is linear."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from desktop_app.storage import migrate
from desktop_app.storage.db import Database
from desktop_app.storage.models import Base


def test_one_head_and_a_linear_history() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1
    for rev in script.walk_revisions():
        assert not rev.is_merge_point


def test_upgrade_from_empty_matches_the_models(database_url: str) -> None:
    """On SQLite, and on PostgreSQL when the suite runs there."""
    db = Database(database_url)
    migrate.upgrade(db.engine)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.close()
    assert diff == [], f"models and migrations differ: {diff}"


def test_downgrade_to_base_and_up_again(database_url: str) -> None:
    """Stairway: every revision can be applied, undone and applied again."""
    url = database_url
    cfg = migrate.alembic_config(url)
    revisions = list(reversed(list(ScriptDirectory.from_config(cfg).walk_revisions())))
    for rev in revisions:
        command.upgrade(cfg, rev.revision)
        command.downgrade(cfg, rev.down_revision or "base")
        command.upgrade(cfg, rev.revision)
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables


def test_every_table_has_named_constraints() -> None:
    """Batch migrations on SQLite can only alter constraints that have a name."""
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            assert constraint.name, f"{table.name}: unnamed {constraint!r}"


@pytest.mark.sqlite_only
def test_every_earlier_revision_upgrades_with_its_data_kept(tmp_path: Path) -> None:
    """A database made by each earlier release opens in this one: backed up first,
    migrated, nothing lost (rare characters included)."""
    from desktop_app.storage import sqlite as sqlite_tools
    from desktop_app.storage.startup import open_database

    script = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    for rev in revisions[:-1]:
        db_file = tmp_path / f"at-{rev}.db"
        url = f"sqlite:///{db_file}"
        command.upgrade(migrate.alembic_config(url), rev)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO organisations (name, kind, acts_in_own_name, active, sort_order, "
                "created_at, updated_at, version) VALUES ('𠀀家庄联络站😀', 'county_department', "
                "1, 1, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
            )
            conn.exec_driver_sql(
                "INSERT INTO staff (name, role, active, sort_order, created_at, updated_at, "
                "version) VALUES ('刘䶮', 'officer', 1, 0, '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00', 1)"
            )
        engine.dispose()
        result = open_database(url, backup_dir=tmp_path / f"backups-{rev}")
        assert result.migrated_from == rev
        assert result.pre_migration_backup is not None
        assert sqlite_tools.quick_check(result.pre_migration_backup) == []
        with result.db.engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()
            names = conn.exec_driver_sql("SELECT name FROM organisations").scalars().all()
            staff = conn.exec_driver_sql("SELECT name, sees_complainants FROM staff").all()
        result.db.close()
        assert names == ["𠀀家庄联络站😀"]
        assert [tuple(row) for row in staff] == [("刘䶮", 0)]
