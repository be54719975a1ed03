"""Two programs writing at once take turns: "highest so far + 1" never repeats.

Ledger and document numbers are allocated that way inside the writing
transaction (services/serials.py, letters.next_serial). SQLite lets one writer
in at a time (BEGIN IMMEDIATE); on PostgreSQL every writer transaction first
takes the writer lock (storage/postgres.py). Two real processes, on whichever
database the suite runs against.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sqlalchemy import select

from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import Staff

CHILD = textwrap.dedent(
    """
    import sys, time
    from sqlalchemy import func, select
    from desktop_app.services.context import ServiceContext
    from desktop_app.storage.db import Database
    from desktop_app.storage.models import Staff

    url, who, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    db = Database(url)
    ctx = ServiceContext(db, None, None, who)
    print("ready", flush=True)
    sys.stdin.readline()  # both start together
    for _ in range(rounds):
        with ctx.uow() as uow:
            s = uow.session
            last = s.execute(select(func.max(Staff.sort_order))).scalar() or 0
            time.sleep(0.005)  # widen the gap between reading and writing
            s.add(Staff(name=f"{who}-{last + 1}", sort_order=last + 1))
    db.close()
    """
)


def test_two_processes_allocating_numbers_never_collide(
    ctx: ServiceContext, database_url: str
) -> None:
    with ctx.uow() as uow:
        uow.session.query(Staff).update({Staff.sort_order: 0})
    rounds = 15
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, database_url, who, str(rounds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for who in ("甲", "乙")
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        assert child.wait(timeout=90) == 0
    with ctx.read() as s:
        numbers = sorted(s.execute(select(Staff.sort_order).where(Staff.sort_order > 0)).scalars())
    assert numbers == list(range(1, 2 * rounds + 1))
