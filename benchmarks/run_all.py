"""Run every benchmark, print one table and save it as ``benchmarks/results.json``.

    uv run python benchmarks/run_all.py                 # everything (≈10 min on 2 cores)
    uv run python benchmarks/run_all.py --only letter   # scripts whose name contains "letter"
    uv run python benchmarks/run_all.py --data-dir DIR  # another 100,000-record demo folder

Each script runs in its own process (``--json`` into a temporary file), one after
the other so that they do not disturb each other. The 100,000-record demo folder is
made first when missing. ``results.json`` is only written by a full run (no
``--only``), so the committed file always holds one whole run on one machine.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import common

HERE = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"common.py", "run_all.py"}


def scripts(only: str | None) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.py") if p.name not in NOT_BENCHMARKS)
    return [p for p in found if only is None or only in p.stem]


def main() -> int:
    parser = common.parser(__doc__)
    parser.add_argument("--only", help="run only the scripts whose file name contains this")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    common.demo_database(args.data_dir)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    rows: list[common.Row] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for script in scripts(args.only):
            out = Path(tmp) / f"{script.stem}.json"
            print(f"\n=== {script.name}", flush=True)
            cmd = [sys.executable, str(script), "--data-dir", str(args.data_dir)]
            done = subprocess.run([*cmd, "--json", str(out)], env=env, cwd=HERE.parent)
            if done.returncode != 0 or not out.exists():
                failed.append(script.name)
                continue
            rows.extend(common.Row(**r) for r in json.loads(out.read_text("utf-8")))
    cpus = os.cpu_count()
    print(f"\n=== all results ({platform.machine()}, {cpus} CPUs, Python {sys.version.split()[0]})")
    common.print_table(rows)
    if failed:
        print(f"failed: {', '.join(failed)}")
    if args.only is None and not failed:
        args.out.write_text(
            json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1) + "\n", "utf-8"
        )
        print(f"written: {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
