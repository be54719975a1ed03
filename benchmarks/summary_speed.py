"""How long a monthly summary takes on a large database.

Prints the time of ``summary.export_month`` for one month of a 100,000-record
demo database (made first when the folder has none:
``python -m desktop_app --data-dir DIR demo --records 100000``) and its ratio
to a bare openpyxl write-only dump of the same rows (the same SELECTs, values
appended as they come, no styles, no statistics). Target: under 2×.

    uv run python benchmarks/summary_speed.py [--data-dir DIR] [--month 2026-10] [--runs 3]

Not a test: machines are noisy, so it prints figures and never asserts.
"""

from __future__ import annotations

import argparse
import calendar
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from desktop_app import cli
from desktop_app.paths import DataPaths
from desktop_app.services import summary
from desktop_app.services.context import ServiceContext
from desktop_app.services.ledgers import LEDGERS
from desktop_app.services.summary_figures import SUMMARY_LEDGERS, active_in
from desktop_app.services.summary_sheets import ledger_rows


def bare_dump(ctx: ServiceContext, start: date, end: date, path: Path) -> int:
    wb = Workbook(write_only=True)
    n = 0
    with ctx.read() as s:
        for key in SUMMARY_LEDGERS:
            ledger = LEDGERS[key]
            ws = wb.create_sheet(ledger.label)
            ws.append([c.label for c in ledger.columns])
            for row in ledger_rows(s, ledger, active_in(ledger, start, end)):
                ws.append(list(row))
                n += 1
    wb.save(path)
    return n


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "summary_bench")
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--month", default=None, help="YYYY-MM (default: the last full month)")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()

    paths = DataPaths(args.data_dir)
    if not paths.database.exists():
        print(f"生成 {args.records} 条演示数据到 {args.data_dir} …", flush=True)
        t = time.perf_counter()
        cli.main(["--data-dir", str(args.data_dir), "demo", "--records", str(args.records)])
        print(f"  用时 {time.perf_counter() - t:.1f} s")
    ctx = cli._open(paths)
    if args.month:
        year, month = (int(x) for x in args.month.split("-"))
    else:
        today = date.today()
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    start, end = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    out = Path(tempfile.mkdtemp(prefix="summary_bench_"))
    ours, bare = [], []
    rows = 0
    try:
        for i in range(args.runs):
            t = time.perf_counter()
            rows = bare_dump(ctx, start, end, out / f"bare{i}.xlsx")
            bare.append(time.perf_counter() - t)
            t = time.perf_counter()
            summary.export_month(ctx, year, month, out / f"summary{i}.xlsx")
            ours.append(time.perf_counter() - t)
    finally:
        ctx.db.close()
    a, b = statistics.median(ours), statistics.median(bare)
    print(f"月度汇总 {year}-{month:02d}：台账明细 {rows} 行（数据库 {args.records} 条）")
    print(f"  export_month            {a:.2f} s  (median of {args.runs})")
    print(f"  bare write-only dump    {b:.2f} s")
    print(f"  ratio                   {a / b:.2f}×  (target < 2×)")


if __name__ == "__main__":
    main()
