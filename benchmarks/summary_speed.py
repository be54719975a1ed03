"""How long a monthly summary takes on the 100,000-record demo database.

Makes the demo database the first time (``python -m desktop_app --data-dir DIR
demo --records 100000``) and reuses it afterwards; then prints the median time
of ``summary.export_month`` for one month against a bare openpyxl write-only
dump of the same rows (the same SELECTs, values appended as they come, no
styles, no statistics, no print settings), both measured in the same run,
alternately. Target (issue 12): the workbook ≤ 2 × the bare dump.

    uv run python benchmarks/summary_speed.py [--data-dir DIR] [--month 2026-10]
        [--runs 5] [--json FILE]

Not a test: machines are noisy, so it prints figures and never asserts.
"""

from __future__ import annotations

import calendar
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import common
from openpyxl import Workbook

from desktop_app import cli
from desktop_app.paths import DataPaths
from desktop_app.services import summary
from desktop_app.services.context import ServiceContext
from desktop_app.services.ledgers import LEDGERS
from desktop_app.services.summary_figures import SUMMARY_LEDGERS, active_in
from desktop_app.services.summary_sheets import ledger_rows


def bare_dump(ctx: ServiceContext, start: date, end: date, path: Path) -> int:
    """The baseline: the ledger sheets' rows, as the SELECTs give them, in a
    write-only workbook without styles. Returns the number of rows."""
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


def last_full_month() -> tuple[int, int]:
    today = date.today()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def main() -> None:
    parser = common.parser(__doc__)
    parser.add_argument("--month", default=None, help="YYYY-MM (default: the last full month)")
    args = parser.parse_args()
    paths = DataPaths(common.demo_database(args.data_dir))
    if args.month:
        year, month = (int(x) for x in args.month.split("-"))
    else:
        year, month = last_full_month()
    start, end = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    ctx = cli._open(paths)
    ours: list[float] = []
    bare: list[float] = []
    rows = 0
    with tempfile.TemporaryDirectory(prefix="summary_bench_") as tmp:
        out = Path(tmp)
        try:
            # one untimed round first: both read the same pages into the cache
            rows = bare_dump(ctx, start, end, out / "warm_bare.xlsx")
            summary.export_month(ctx, year, month, out / "warm.xlsx")
            for i in range(args.runs):
                t = time.perf_counter()
                bare_dump(ctx, start, end, out / f"bare{i}.xlsx")
                bare.append(time.perf_counter() - t)
                t = time.perf_counter()
                summary.export_month(ctx, year, month, out / f"summary{i}.xlsx")
                ours.append(time.perf_counter() - t)
        finally:
            ctx.db.close()
    print(f"月度汇总 {year}-{month:02d}：台账明细 {rows:,} 行（{paths.database}）")
    common.finish(
        [
            common.row(
                "monthly summary workbook",
                statistics.median(ours),
                "s",
                baseline=statistics.median(bare),
                target="≤ 2 × baseline",
                max_ratio=2,
            )
        ],
        args.json,
    )


if __name__ == "__main__":
    main()
