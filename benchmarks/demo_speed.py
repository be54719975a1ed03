"""How long ``demo --records 100000`` takes, and how big the database grows.

Runs the app's own command in a fresh folder (once by default: it takes minutes),
then reports the database size per 10,000 records (after the demo, and after
``VACUUM``, which is what a long-used file tends towards).

    uv run python benchmarks/demo_speed.py [--records 100000] [--runs 1] [--json FILE]

Not a test: machines are noisy, so it prints figures and never asserts.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common


def main() -> None:
    parser = common.parser(__doc__)
    parser.add_argument("--records", type=int, default=common.RECORDS)
    parser.set_defaults(runs=1)
    args = parser.parse_args()
    times: list[float] = []
    made = 0
    size = vacuumed = 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "desktop_app", "--data-dir", tmp]
            start = time.perf_counter()
            out = subprocess.run(
                [*cmd, "demo", "--records", str(args.records)],
                check=True,
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - start)
            found = re.search(r"(\d+)\s*条", out.stdout)
            made = int(found.group(1)) if found else args.records
            db = Path(tmp) / "enforcement.db"
            size = db.stat().st_size
            with sqlite3.connect(db) as conn:
                conn.execute("VACUUM")
            vacuumed = db.stat().st_size
    times.sort()
    took = times[len(times) // 2]
    per_10k = 10_000 / made / 1e6
    print(f"demo --records {args.records:,}: {made:,} 条 in {took:.0f} s")
    rows = [
        common.row(f"demo --records {args.records:,}", took, "s", target="≤ 3 min", limit=180),
        common.row(f"database size per 10,000 records ({made:,} made)", size * per_10k, "MB"),
        common.row("database size per 10,000 records, after VACUUM", vacuumed * per_10k, "MB"),
    ]
    common.finish(rows, args.json)


if __name__ == "__main__":
    main()
