"""A child process for the crash tests; the parent SIGKILLs it at random moments.

    python fault_child.py writer  <data_dir> <seed>   real service calls, forever
    python fault_child.py backup  <data_dir>          one manual backup (services.backup)
    python fault_child.py migrate <data_dir>          the start-up open: backup + migrate
    python fault_child.py zygote                      (POSIX) imports once, then forks
                                                      one child per command on stdin

Importing the application takes ~2 s on the test machine, which would be most
of a crash test's time; the zygote pays it once and each round is a fork (no
database connection is ever opened in the zygote itself). Commands on stdin:
``<mode> <args…>`` forks a child running that mode; ``reap <pid>`` waits for
that child (after the parent killed it, or it finished) and prints
``REAPED <pid> <status>``: every line the child printed is in the pipe before it.

Every line on stdout is flushed at once. ``ACK <kind> <id> <token>`` is printed
only after the service call has returned, i.e. after its transaction committed:
an acknowledged record must survive any kill. No password is ever hashed here.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

from fault_kit import FROZEN_NOW

from desktop_app.domain import clock

# The same frozen day as the tests (inputs are dated just before it); set before
# the services are imported, as some bind ``now`` at import time.
clock.now = lambda: FROZEN_NOW  # type: ignore[assignment]

import fault_kit  # noqa: E402

from desktop_app.paths import DataPaths  # noqa: E402
from desktop_app.services import backup, complaints, info_shares, referrals  # noqa: E402
from desktop_app.services.context import ServiceContext  # noqa: E402
from desktop_app.storage.startup import open_database  # noqa: E402


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def open_ctx(data_dir: Path) -> ServiceContext:
    paths = DataPaths(data_dir)
    result = open_database(f"sqlite:///{paths.database}", backup_dir=paths.backups)
    return ServiceContext(result.db, paths, None, "测试员")


def writer(data_dir: Path, seed: int) -> None:
    ctx = open_ctx(data_dir)
    op = ctx.as_operator(fault_kit.clerk_id(ctx), fault_kit.CLERK)
    rng = random.Random(seed)
    say(f"READY {os.getpid()}")
    t0 = time.monotonic()
    n = 0
    while True:
        n += 1
        token = f"W{seed}-{n}"
        kind = rng.choice(tuple(fault_kit.KINDS))
        if kind == "share":
            new_id = info_shares.create(op, fault_kit.share_input(op, token))
        elif kind == "referral":
            new_id = referrals.create_outgoing(op, fault_kit.referral_input(op, token))
        else:
            new_id = complaints.register(op, fault_kit.complaint_input(token))
        say(f"ACK {kind} {new_id} {token} {time.monotonic() - t0:.3f}")


def run_backup(data_dir: Path) -> None:
    ctx = open_ctx(data_dir)
    say(f"READY {os.getpid()}")
    started = False

    def progress(done: int, total: int) -> None:
        nonlocal started
        if not started:
            started = True
            say(f"COPYING {total}")

    dest = backup.backup(ctx, progress=progress)
    say(f"DONE {dest}")
    ctx.db.close()


def run_migrate(data_dir: Path) -> None:
    paths = DataPaths(data_dir)
    say(f"READY {os.getpid()}")
    result = open_database(f"sqlite:///{paths.database}", backup_dir=paths.backups)
    say(f"DONE {result.migrated_from} {result.pre_migration_backup}")
    result.db.close()


def run(args: list[str]) -> None:
    mode, data_dir = args[0], Path(args[1])
    if mode == "writer":
        writer(data_dir, int(args[2]))
    elif mode == "backup":
        run_backup(data_dir)
    elif mode == "migrate":
        run_migrate(data_dir)
    else:
        raise SystemExit(f"unknown mode {mode}")


def warm_up() -> None:
    """One call of each kind on a scratch database, then every connection closed:
    the lazy work (mappers, the holiday calendar, imports inside functions) is
    done once here instead of in every forked child before its first write."""
    with tempfile.TemporaryDirectory() as tmp:
        fault_kit.make_app_database(Path(tmp))
        ctx = open_ctx(Path(tmp))
        op = ctx.as_operator(fault_kit.clerk_id(ctx), fault_kit.CLERK)
        info_shares.create(op, fault_kit.share_input(op, "warm"))
        referrals.create_outgoing(op, fault_kit.referral_input(op, "warm"))
        complaints.register(op, fault_kit.complaint_input("warm"))
        ctx.db.close()


def zygote() -> None:
    warm_up()
    say("ZYGOTE")
    for line in sys.stdin:
        args = line.split()
        if not args:
            continue
        if args[0] == "reap":
            pid = int(args[1])
            _, status = os.waitpid(pid, 0)
            say(f"REAPED {pid} {status}")
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the loop
            code = 0
            try:
                sys.stdin.close()
                run(args)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)


def main() -> None:
    if sys.argv[1] == "zygote":
        zygote()
    else:  # a process of its own (no fork): warm up too, so kills land among writes
        if sys.argv[1] == "writer":
            warm_up()
        run(sys.argv[1:])


if __name__ == "__main__":
    main()
