"""Upgrading a county server's tables (issue 13): the program first keeps a
``pg_dump`` of the database in the PC's backups folder, as it copies a SQLite file;
without ``pg_dump`` on the PC it logs that and upgrades all the same."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import dbkit
import pytest
from alembic import command

from desktop_app.storage import migrate
from desktop_app.storage.startup import open_database

pytestmark = pytest.mark.skipif(
    not dbkit.on_postgres() or shutil.which("pg_dump") is None,
    reason="needs a PostgreSQL server and pg_dump (the CI's second run)",
)


def test_a_dump_is_kept_before_the_upgrade(database_url: str, tmp_path: Path) -> None:
    command.upgrade(migrate.alembic_config(database_url), "0010")
    result = open_database(database_url, backup_dir=tmp_path / "backups")
    try:
        dump = result.pre_migration_backup
        assert result.migrated_from == "0010"
        assert (
            dump is not None and dump.name.startswith("pre-migration-") and dump.suffix == ".dump"
        )
        listing = subprocess.run(
            ["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True
        ).stdout
        assert "TABLE public referrals" in listing
        assert "stored_files" not in listing  # taken before revision 0011 made it
        assert not list(dump.parent.glob("*.part"))
    finally:
        result.db.close()


def test_without_pg_dump_the_upgrade_goes_on_and_says_so(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:  # type: ignore[no-untyped-def]
    command.upgrade(migrate.alembic_config(database_url), "0010")
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with caplog.at_level(logging.WARNING):
        result = open_database(database_url, backup_dir=tmp_path / "backups")
    try:
        assert result.pre_migration_backup is None and result.migrated_from == "0010"
        assert "pg_dump not found" in caplog.text
    finally:
        result.db.close()
