"""SIGKILL in the middle of a large backup, and in the middle of a migration.

Backup: the live database is intact, and no half-written file is ever found
under a backup's final name. The temporary copy may remain, but it is never
listed as a backup and the rotation removes it once it is stale.

Migration: a start-up on an old-revision database with a lot of data (the
pre-migration copy, then the upgrade) is killed at random moments. Afterwards
the database is at its old revision with its old schema and data, or at head
with all data. It is never half-migrated and has no leftover
``_alembic_tmp_*``. Every pre-migration copy that was finished is complete.
The next start then upgrades it, with nothing lost.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import pytest
from alembic import command
from fault_kit import (
    Runner,
    audit_chain_breaks,
    columns_by_table,
    digests,
    fill,
    integrity,
    make_app_database,
    revision,
    seed_every_table,
    share_input,
    snapshot,
)

from desktop_app.paths import DataPaths
from desktop_app.services import backup, info_shares
from desktop_app.services.context import ServiceContext
from desktop_app.storage import migrate, sqlite
from desktop_app.storage.startup import open_database

pytestmark = pytest.mark.sqlite_only

SEED = int(os.environ.get("CRASH_SEED", "20261129"))
BACKUP_KILLS = int(os.environ.get("CRASH_BACKUP_KILLS", "10"))
MIGRATION_KILLS = int(os.environ.get("CRASH_MIGRATION_KILLS", "8"))


def untouched(tables: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """Everything but the audit trail (a manual backup is put on record there)."""
    return {t: v for t, v in tables.items() if t != "audit_log"}


def listed_backups_are_complete(
    paths: DataPaths, skip: set[Path] | frozenset[Path] = frozenset()
) -> list[Path]:
    """Every listed backup is a finished, healthy copy (those in ``skip`` were checked)."""
    listed = backup.list_backups(paths)
    for b in listed:
        assert not b.path.name.startswith(".")
        if b.path not in skip:
            backup.validate_backup(b.path)  # a healthy database of ours, or ServiceError
    return [b.path for b in listed]


@pytest.mark.slow
def test_sigkill_during_a_large_backup(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = make_app_database(data)
    paths = DataPaths(data)
    result = open_database(f"sqlite:///{db}")
    ctx = ServiceContext(result.db, paths)
    info_shares.create(ctx, share_input(ctx, "big"))  # the item fill() copies
    result.db.close()
    fill(db, 3000, 6000)  # ≈ 20 MB
    live = snapshot(db)
    rng = random.Random(SEED)
    started = time.monotonic()
    with Runner() as runner:
        # One backup to its end: how long a copy takes here.
        first = runner.start("backup", data)
        t0 = time.monotonic()
        first.wait_for("DONE", timeout=120)
        span = time.monotonic() - t0
        first.finish()
        assert first.ok
        kills = landed = 0
        for _ in range(BACKUP_KILLS):
            before = set(listed_backups_are_complete(paths))
            child = runner.start("backup", data)
            time.sleep(rng.uniform(0, span * 1.1))
            lines = child.kill()
            kills += 1
            landed += not any(line.startswith("DONE") for line in lines)
            assert integrity(db) == [] and audit_chain_breaks(db) == []
            tables = snapshot(db)
            assert untouched(tables) == untouched(live)  # the live data
            now = set(listed_backups_are_complete(paths, skip=before))
            assert before <= now and len(now - before) <= 1
            for p in now - before:  # a finished copy is a whole copy
                assert untouched(snapshot(p)) == untouched(live)
            assert tables["audit_log"][0] <= live["audit_log"][0] + len(now)
    assert landed >= kills // 2, "too few kills fell inside the copy"
    # Unfinished temporary copies: not backups, and removed once stale.
    partials = sqlite.partial_copies(paths.backups)
    assert not {p.name for p in partials} & {b.path.name for b in backup.list_backups(paths)}
    for p in partials:
        os.utime(p, (time.time() - 2 * backup.PARTIAL_MAX_AGE_S,) * 2)
    backup.prune(paths)
    assert sqlite.partial_copies(paths.backups) == []
    print(
        f"\nbackup kills: {kills} (copy takes {span:.2f} s; {landed} killed before DONE; "
        f"{len(partials)} temporary files left), {time.monotonic() - started:.1f} s"
    )


OLD = "0001"
BIG = {"documents": 25000, "criminal_transfers": 12000, "criminal_transfer_officers": 12000}


@pytest.fixture(scope="module")
def old_database(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    """A database at revision 0001 with a lot of rows in the tables later
    revisions rebuild (staff 0002, documents 0004, criminal_transfers 0006)."""
    folder = tmp_path_factory.mktemp("old")
    db = folder / "template.db"
    command.upgrade(migrate.alembic_config(f"sqlite:///{db}"), OLD)
    seed_every_table(db, rows=20, big=BIG)
    return db, columns_by_table(db)


def reference_schema(folder: Path, rev: str) -> dict[str, list[str]]:
    db = folder / f"ref-{rev}.db"
    command.upgrade(migrate.alembic_config(f"sqlite:///{db}"), rev)
    return columns_by_table(db)


@pytest.mark.slow
def test_sigkill_during_migration_leaves_old_or_new_never_half(
    tmp_path: Path, old_database: tuple[Path, dict[str, list[str]]]
) -> None:
    template, old_cols = old_database
    head = migrate.head_revision()
    schemas = {OLD: reference_schema(tmp_path, OLD), head: reference_schema(tmp_path, head)}
    old_digests = digests(template, old_cols)
    rng = random.Random(SEED)
    started = time.monotonic()
    outcomes: dict[str, int] = {}
    with Runner() as runner:

        def fresh(n: int) -> DataPaths:
            paths = DataPaths(tmp_path / f"run{n}").ensure()
            shutil.copyfile(template, paths.database)
            return paths

        # One start to its end: how long backup + migration take here.
        paths = fresh(0)
        first = runner.start("migrate", paths.root)
        t0 = time.monotonic()
        first.wait_for("DONE", timeout=180)
        span = time.monotonic() - t0
        first.finish()
        assert first.ok and revision(paths.database) == head
        for k in range(1, MIGRATION_KILLS + 1):
            paths = fresh(k)
            child = runner.start("migrate", paths.root)
            time.sleep(rng.uniform(0, span))
            lines = child.kill()
            db = paths.database
            where = f"kill {k}"
            assert integrity(db) == [], where
            at = revision(db)
            assert at in schemas, f"{where}: stamped {at}"
            assert columns_by_table(db) == schemas[at], f"{where}: schema is not {at}'s"
            assert digests(db, old_cols) == old_digests, f"{where}: data changed"
            copies = listed_backups_are_complete(paths)
            for p in copies:
                assert revision(p) == OLD, where
                assert digests(p, old_cols) == old_digests, f"{where}: {p.name}"
            done = any(line.startswith("DONE") for line in lines)
            outcome = "finished" if done else ("migrated" if at == head else "old")
            outcome += "+copy" if copies else ""
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

            # The next start recovers: it migrates, nothing lost.
            result = open_database(f"sqlite:///{db}", backup_dir=paths.backups)
            result.db.close()
            assert revision(db) == head, where  # (open_database ran the integrity checks)
            assert digests(db, old_cols) == old_digests, f"{where}: data changed"
            shutil.rmtree(paths.root)
    print(
        f"\nmigration kills: {MIGRATION_KILLS} (backup + migration take {span:.2f} s), "
        f"outcomes {outcomes}, {time.monotonic() - started:.1f} s"
    )
