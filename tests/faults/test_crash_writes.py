"""SIGKILL during real service writes (shared/notes/reliability.md §1.6).

A writer child makes real service calls (信息共享 登记, 移出案件, 投诉举报 登记)
on one database and prints ``ACK`` after each call returns. It is killed with
SIGKILL at random moments, ``CRASH_KILLS`` times (30 by default; e.g.
``CRASH_KILLS=200`` for a long local run, ``CRASH_SEED`` to vary the moments).
After every kill, with a fresh connection (which runs SQLite's recovery):

* ``integrity_check`` is ok and ``foreign_key_check`` is empty;
* every acknowledged record is there, with its own text;
* a record and its "新增" audit entry exist together or not at all;
* at most one record per kill was committed without being acknowledged
  (the kill fell between COMMIT and the ACK line);
* the audit trail's hash chain verifies.

The next writer then carries on with the same database.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from pathlib import Path

import pytest
from fault_kit import KINDS, Runner, audit_chain_breaks, integrity, make_app_database

pytestmark = pytest.mark.sqlite_only

KILLS = int(os.environ.get("CRASH_KILLS", "30"))
SEED = int(os.environ.get("CRASH_SEED", "20261129"))


def stored(db: Path) -> dict[str, dict[int, str]]:
    """Records of each kind: id -> the text that carries the writer's token."""
    con = sqlite3.connect(db)
    try:
        return {
            kind: dict(con.execute(f'SELECT id, "{col}" FROM "{table}"').fetchall())
            for kind, (table, col, _) in KINDS.items()
        }
    finally:
        con.close()


def audited(db: Path) -> dict[str, set[int]]:
    """Records that have their "新增" entry in the audit trail."""
    con = sqlite3.connect(db)
    try:
        found: dict[str, set[int]] = {kind: set() for kind in KINDS}
        by_type = {record_type: kind for kind, (_, _, record_type) in KINDS.items()}
        for record_type, record_id in con.execute(
            "SELECT record_type, record_id FROM audit_log WHERE action = 'create'"
        ):
            if record_type in by_type:
                found[by_type[record_type]].add(record_id)
        return found
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_during_service_writes_loses_no_acknowledged_record(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = make_app_database(data)
    rng = random.Random(SEED)
    acked: dict[str, dict[int, str]] = {kind: {} for kind in KINDS}
    total_acked = committed_unacked = 0
    started = time.monotonic()
    with Runner() as runner:
        for k in range(KILLS):
            before = stored(db)
            writer = runner.start("writer", data, SEED + k)
            # Mostly anywhere in a run of writes; sometimes on the very first one.
            time.sleep(rng.uniform(0, 0.01) if k % 5 == 0 else rng.uniform(0.02, 0.4))
            lines = writer.kill()
            assert writer.killed, (
                f"writer ended by itself: {lines[-3:]}\n{runner.zygote and runner.zygote.stderr()}"
            )
            this_round: dict[str, set[int]] = {kind: set() for kind in KINDS}
            for line in lines:
                if line.startswith("ACK "):
                    _, kind, new_id, token, _t = line.split()
                    acked[kind][int(new_id)] = token
                    this_round[kind].add(int(new_id))
                    total_acked += 1

            where = f"after kill {k + 1} of {KILLS}"
            assert integrity(db) == [], where
            now = stored(db)
            for kind, records in acked.items():
                missing = {i: t for i, t in records.items() if t not in now[kind].get(i, "")}
                assert not missing, f"{where}: acknowledged {kind} lost: {missing}"
            assert audited(db) == {kind: set(rows) for kind, rows in now.items()}, (
                f"{where}: a record without its audit entry, or the reverse"
            )
            new = sum(len(set(now[kind]) - set(before[kind])) for kind in KINDS)
            unacked = new - sum(len(ids) for ids in this_round.values())
            assert unacked in (0, 1), f"{where}: {unacked} records committed without an ACK"
            committed_unacked += unacked
            assert audit_chain_breaks(db) == [], where
    elapsed = time.monotonic() - started
    print(
        f"\ncrash writes: {KILLS} kills, {total_acked} acknowledged service calls, "
        f"{committed_unacked} kills fell between COMMIT and ACK, {elapsed:.1f} s"
    )
    assert total_acked > KILLS  # the kills did land among real writes
