"""Every earlier revision, with rows in *every* table, upgrades to head losing nothing.

The database of each revision 0001 … head-1 is built by Alembic and filled by a
generic seeder (every column, foreign keys pointing at real rows, rare
characters); a leftover ``_alembic_tmp_<table>`` from a crashed batch
migration is planted beside it. The start-up open must then drop the leftover,
take a verified pre-migration copy, migrate with foreign keys off (a rebuilt
parent must not cascade-delete its children) and keep every row of every
table, every value of every column that existed before.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from fault_kit import (
    columns_by_table,
    integrity,
    revision,
    same_data,
    seed_every_table,
    snapshot,
)

from desktop_app.storage import migrate
from desktop_app.storage.startup import open_database

pytestmark = pytest.mark.sqlite_only

REVISIONS = [
    r.revision
    for r in reversed(list(ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()))
]


def build(path: Path, rev: str) -> None:
    command.upgrade(migrate.alembic_config(f"sqlite:///{path}"), rev)


def plant_leftover(path: Path, table: str) -> None:
    """What a kill in the middle of a batch rebuild of ``table`` can leave behind."""
    con = sqlite3.connect(path)
    with con:
        con.execute(f'CREATE TABLE "_alembic_tmp_{table}" AS SELECT * FROM "{table}"')
    con.close()


@pytest.mark.parametrize("rev", REVISIONS[:-1])
def test_revision_with_data_in_every_table_upgrades_with_nothing_lost(
    tmp_path: Path, rev: str
) -> None:
    db = tmp_path / "enforcement.db"
    build(db, rev)
    counts = seed_every_table(db, rows=4)
    plant_leftover(db, "documents")  # rebuilt by 0004: "table already exists" if left
    before_cols = columns_by_table(db)
    before = snapshot(db)
    original = tmp_path / "original.db"
    con = sqlite3.connect(db)
    con.execute(f"VACUUM INTO '{original}'")
    con.close()

    result = open_database(f"sqlite:///{db}", backup_dir=tmp_path / "backups")
    result.db.close()

    assert result.migrated_from == rev
    assert revision(db) == REVISIONS[-1]
    assert integrity(db) == []
    after_cols = columns_by_table(db)
    assert not [t for t in after_cols if t.startswith("_alembic_tmp_")]
    for table, cols in before_cols.items():
        if not table.startswith("_alembic_tmp_"):
            assert set(cols) <= set(after_cols[table]), f"{table} lost columns"
    after = snapshot(db)
    assert {t: after[t][0] for t in counts} == counts  # row counts, table by table
    assert same_data(original, before_cols, db) == []  # every old value, row by row
    # The copy taken before migrating is the database as it was.
    assert result.pre_migration_backup is not None
    assert revision(result.pre_migration_backup) == rev
    assert snapshot(result.pre_migration_backup) == before
