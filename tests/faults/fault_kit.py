"""Shared pieces of the fault-injection suite (tests/faults).

* the service inputs the crash writer uses (its own copies, dated on or before
  the frozen test day, so the children need none of tests/services);
* checks run on a database file after a crash, with a fresh connection;
* a generic seeder that fills every table of a database at any Alembic
  revision with rows (foreign keys pointing at real rows, rare characters),
  and a snapshot of what is in it, to prove a migration lost nothing;
* starting a child process (tests/faults/fault_child.py) and reading its
  lines while it runs, so a test can SIGKILL it at a chosen moment.
"""

from __future__ import annotations

import hashlib
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

FROZEN_NOW = datetime(2026, 11, 29, 20, 0, 0)  # tests/conftest.py
DAY = date(2026, 11, 27)  # a Friday before the frozen "now"
HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CHILD = HERE / "fault_child.py"

ENV = "石家庄市生态环境局深泽县分局"
WATER = "深泽县水利局"
CLERK = "张首问"
VALID_ID = "11010519491231002X"

# What the writer creates: kind -> (table, text column holding the token, audit record_type)
KINDS: dict[str, tuple[str, str, str]] = {
    "share": ("info_shares", "title", "info_share"),
    "referral": ("referrals", "matter", "referral"),
    "complaint": ("complaints", "content", "complaint"),
}


# ---------------------------------------------------------------------------
# An application database ready for the writer


def make_app_database(data_dir: Path) -> Path:
    """A new database (head revision) with the seed organisations and the clerk."""
    from desktop_app.paths import DataPaths
    from desktop_app.services import staff
    from desktop_app.services.context import ServiceContext
    from desktop_app.services.seed import seed_reference_data
    from desktop_app.storage.startup import open_database

    paths = DataPaths(data_dir).ensure()
    result = open_database(f"sqlite:///{paths.database}", backup_dir=paths.backups)
    ctx = ServiceContext(result.db, paths, None, "测试员")
    try:
        seed_reference_data(ctx, catalogue=False)
        staff.save(ctx, staff.StaffInput(name=CLERK, sees_complainants=True))
    finally:
        result.db.close()
    return paths.database


def org_id(ctx: Any, name: str) -> int:
    from sqlalchemy import select

    from desktop_app.storage.models import Organisation

    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def clerk_id(ctx: Any) -> int:
    from sqlalchemy import select

    from desktop_app.storage.models import Staff

    with ctx.read() as s:
        return int(s.execute(select(Staff.id).where(Staff.name == CLERK)).scalar_one())


def share_input(ctx: Any, token: str, summary: str | None = None) -> Any:
    from desktop_app.domain.terms import InfoCategory, ShareDirection, ShareMethod
    from desktop_app.services.info_shares import ShareInput

    return ShareInput(
        direction=ShareDirection.SHARED,
        category=InfoCategory.PENALTY_DECISION,
        title=f"赵八镇行政处罚决定𠀀{token}",
        summary=summary,
        counterpart_ids=[org_id(ctx, WATER)],
        formed_on=DAY,
        shared_on=DAY,
        method=ShareMethod.PLATFORM,
        late_reason=None,
    )


def referral_input(ctx: Any, token: str) -> Any:
    from desktop_app.services.referrals import OutgoingInput, PartyInput

    return OutgoingInput(
        matter=f"露天焚烧秸秆{token}",
        party=PartyInput("person", "王建国", VALID_ID, None, "赵八村3号", "13800138000"),
        place="赵八村村东农田",
        found_at=datetime(2026, 11, 25, 10, 5),
        found_how="inspection",
        receiver_id=org_id(ctx, ENV),
        urgency="normal",
        facts="2026年11月25日，我镇执法人员在日常巡查中发现王建国在村东农田露天焚烧秸秆。",
    )


def complaint_input(token: str) -> Any:
    from desktop_app.services.complaints import ComplainantInput, ComplaintInput, PartyInput

    return ComplaintInput(
        received_at=datetime(2026, 11, 23, 9, 30),
        channel="phone",
        content=f"反映村东农田有人露天焚烧秸秆，浓烟很大（{token}）。",
        place="赵八村村东农田",
        complainant=ComplainantInput("李𠀀华", "13831112222", "110101198503071235", "赵八村12号"),
        respondent=PartyInput("person", "王建国", None, None, "赵八村3号"),
    )


def fill(db: Path, rows: int, size: int) -> None:
    """``rows`` more 信息共享 items of ``size`` characters each, copied from item 1."""
    con = sqlite3.connect(db)
    cols = [r[1] for r in con.execute("PRAGMA table_info(info_shares)") if r[1] != "id"]
    values = [
        "'B' || x" if c == "serial" else f"substr(hex(randomblob({size})), 1, {size})"
        if c == "summary" else c
        for c in cols
    ]  # fmt: skip
    with con:
        con.execute(
            f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {rows}) "
            f"INSERT INTO info_shares ({', '.join(cols)}) "
            f"SELECT {', '.join(values)} FROM n, (SELECT * FROM info_shares WHERE id = 1)"
        )
    con.close()


# ---------------------------------------------------------------------------
# Checks on a database file


def connect(path: Path) -> sqlite3.Connection:
    """A fresh connection, as a new program start makes (this runs crash recovery)."""
    return sqlite3.connect(path, timeout=10)


def integrity(path: Path) -> list[str]:
    """integrity_check and foreign_key_check problems (empty: healthy)."""
    con = connect(path)
    try:
        rows = [str(r[0]) for r in con.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else rows
        problems += [f"fk {tuple(r)}" for r in con.execute("PRAGMA foreign_key_check")]
        return problems
    finally:
        con.close()


def audit_chain_breaks(path: Path) -> list[int]:
    """Entries of the audit trail whose hash chain does not verify."""
    from desktop_app.services.audit import verify_chain
    from desktop_app.storage.db import Database

    db = Database(f"sqlite:///{path}")
    try:
        with db.read() as session:
            return verify_chain(session)
    finally:
        db.engine.dispose()


def revision(path: Path) -> str | None:
    con = connect(path)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def no_partial_files(folder: Path) -> list[str]:
    """Files a failed write may have left in ``folder`` (temporary names included)."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------
# Generic seeding of any revision, and snapshots


@dataclass
class Column:
    name: str
    type: str
    pk: int


@dataclass
class Table:
    name: str
    columns: list[Column]
    fks: dict[str, str] = field(default_factory=dict)  # column -> referenced table


def schema(con: sqlite3.Connection) -> dict[str, Table]:
    names = [
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version' ORDER BY name"
        )
    ]
    tables: dict[str, Table] = {}
    for name in names:
        cols = [Column(r[1], str(r[2]).upper(), int(r[5])) for r in con.execute(
            f'PRAGMA table_info("{name}")'
        )]  # fmt: skip
        fks = {r[3]: r[2] for r in con.execute(f'PRAGMA foreign_key_list("{name}")')}
        tables[name] = Table(name, cols, fks)
    return tables


def columns_by_table(path: Path) -> dict[str, list[str]]:
    con = connect(path)
    try:
        return {t.name: [c.name for c in t.columns] for t in schema(con).values()}
    finally:
        con.close()


def _value(table: Table, col: Column, i: int, sizes: dict[str, int]) -> Any:
    if col.name in table.fks:
        n = sizes[table.fks[col.name]]
        return i if i <= n else (i - 1) % n + 1
    if col.pk and col.type.startswith("INT"):
        return i
    t = col.type
    if t.startswith("BOOL"):
        return i % 2
    if t.startswith("INT"):
        return i
    if t.startswith("DATETIME") or t.startswith("TIMESTAMP"):
        return f"2026-{1 + i % 11:02d}-{1 + i % 28:02d} 09:{i % 60:02d}:00.000000"
    if t.startswith("DATE"):
        return f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}"
    if t.startswith("JSON"):
        return f'{{"n": {i}, "名": "𠀀"}}'
    if t.startswith(("NUMERIC", "DECIMAL", "FLOAT", "REAL")):
        return i + 0.5
    if t.startswith("BLOB") or t.startswith("BINARY"):
        return bytes([i % 256]) * 8
    return f"{table.name[:4]}·{col.name}·𠀀😀{i}"


def seed_every_table(
    path: Path, rows: int = 3, big: dict[str, int] | None = None
) -> dict[str, int]:
    """Fill every table (whatever the revision) with rows; returns the row counts.

    ``big`` gives some tables many rows (a slow migration). Foreign keys point
    at existing rows; rows are written with foreign keys off, in one
    transaction, so the order of the tables does not matter.
    """
    big = big or {}
    con = connect(path)
    try:
        tables = schema(con)
        sizes = {name: big.get(name, rows) for name in tables}
        con.execute("PRAGMA foreign_keys=OFF")
        with con:
            for table in tables.values():
                cols = table.columns
                sql = (
                    f'INSERT INTO "{table.name}" ({", ".join(f"{c.name!r}" for c in cols)}) '
                    f"VALUES ({', '.join('?' for _ in cols)})"
                ).replace("'", '"')
                con.executemany(
                    sql,
                    (
                        tuple(_value(table, c, i, sizes) for c in cols)
                        for i in range(1, sizes[table.name] + 1)
                    ),
                )
        assert list(con.execute("PRAGMA foreign_key_check")) == []
        return sizes
    finally:
        con.close()


def snapshot(path: Path, full: bool = True) -> dict[str, tuple[int, str]]:
    """Per table: row count and a digest of every row (all columns, in a stable order)."""
    con = connect(path)
    try:
        out: dict[str, tuple[int, str]] = {}
        for table in schema(con).values():
            if table.name.startswith("_alembic_tmp_"):
                continue
            out[table.name] = table_digest(con, table.name, [c.name for c in table.columns])
        return out
    finally:
        con.close()


def table_digest(con: sqlite3.Connection, name: str, cols: list[str]) -> tuple[int, str]:
    select = ", ".join(f'"{c}"' for c in cols)
    rows = sorted(repr(r) for r in con.execute(f'SELECT {select} FROM "{name}"'))
    return len(rows), hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()


def digests(path: Path, cols: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """:func:`table_digest` of the given tables, over the given columns only."""
    con = connect(path)
    try:
        return {
            name: table_digest(con, name, names)
            for name, names in cols.items()
            if not name.startswith("_alembic_tmp_")
        }
    finally:
        con.close()


def same_data(before_path: Path, before: dict[str, list[str]], after_path: Path) -> list[str]:
    """Tables of ``before_path`` whose rows (the columns they had then) differ after."""
    a = connect(before_path)
    b = connect(after_path)
    try:
        differ = []
        for name, cols in before.items():
            if name.startswith("_alembic_tmp_"):
                continue
            if table_digest(a, name, cols) != table_digest(b, name, cols):
                differ.append(name)
        return differ
    finally:
        a.close()
        b.close()


# ---------------------------------------------------------------------------
# Child processes


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(HERE), env.get("PYTHONPATH", "")])
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("TOWNSHIP_ENFORCEMENT_DATA_DIR", None)
    env.pop("TOWNSHIP_DATABASE_URL", None)
    return env


class Child:
    """A fault_child.py process whose stdout lines are collected by a thread."""

    def __init__(self, *args: str) -> None:
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - a file, not a pipe nobody drains
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._err,
            env=child_env(),
            cwd=REPO,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def wait_for(self, prefix: str, timeout: float = 60) -> str:
        """Block until a line starting with ``prefix``; fail on exit or timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"child gave no {prefix!r} in {timeout}s: {self.stderr()}")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                self.lines.put(None)
                raise AssertionError(f"child exited before {prefix!r}: {self.stderr()}")
            self.seen.append(line)
            if line.startswith(prefix):
                return line

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        self._reader.join(timeout=10)

    def stderr(self) -> str:
        self._err.seek(0)
        return self._err.read().decode("utf-8", "replace")[-3000:]


class Runner:
    """Runs fault_child.py rounds: forked from one zygote on POSIX (the ~2 s of
    imports paid once), a new process per round elsewhere (or with CRASH_NO_FORK=1)."""

    def __init__(self) -> None:
        self.zygote: Child | None = None
        if hasattr(os, "fork") and not os.environ.get("CRASH_NO_FORK"):
            self.zygote = Child("zygote")
            self.zygote.wait_for("ZYGOTE")

    def start(self, *args: str, timeout: float = 60) -> Round:
        return Round(self, [str(a) for a in args], timeout)

    def close(self) -> None:
        if self.zygote is not None:
            self.zygote.close()

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Round:
    """One child: started, then killed (SIGKILL) or waited for."""

    def __init__(self, runner: Runner, args: list[str], timeout: float) -> None:
        self.zygote = runner.zygote
        if self.zygote is not None:
            self.stream = self.zygote
            self.first = len(self.stream.seen)
            self.stream.send(" ".join(args))
        else:
            self.stream = Child(*args)
            self.first = 0
        ready = self.stream.wait_for("READY", timeout)
        self.pid = int(ready.split()[1])
        self.status: int | None = None

    def wait_for(self, prefix: str, timeout: float = 60) -> str:
        return self.stream.wait_for(prefix, timeout)

    def kill(self) -> list[str]:
        """SIGKILL (TerminateProcess on Windows) now; every line it printed."""
        if self.zygote is not None:
            os.kill(self.pid, signal.SIGKILL)
        else:
            self.stream.proc.kill()
        return self.finish()

    def finish(self, timeout: float = 120) -> list[str]:
        """Wait for the child to end; every line it printed (READY included)."""
        if self.zygote is not None:
            self.zygote.send(f"reap {self.pid}")
            line = self.zygote.wait_for(f"REAPED {self.pid} ", timeout)
            self.status = int(line.split()[2])
            return self.zygote.seen[self.first : -1]
        self.stream.proc.wait(timeout=timeout)
        self.stream._reader.join(timeout=10)
        while True:
            try:
                line = self.stream.lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.stream.seen.append(line)
        self.status = self.stream.proc.returncode
        return self.stream.seen

    @property
    def killed(self) -> bool:
        if self.status is None:
            return False
        if self.zygote is not None:
            return os.WIFSIGNALED(self.status)
        return self.status != 0

    @property
    def ok(self) -> bool:
        return self.status == 0
