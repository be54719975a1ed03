"""What every benchmark script shares: the 100,000-record demo database, timing,
and the result rows that ``run_all.py`` gathers into ``results.json``.

A result row is ``{"name", "value", "unit", "baseline", "ratio", "target", "met"}``:
``value`` is the measured figure (a median), ``baseline`` the figure of the
reference measured in the same run (or None), ``ratio`` value / baseline,
``target`` the target as written in issue 12, ``met`` whether it is met.
Scripts print their rows as a table and, with ``--json FILE``, write them there.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

RECORDS = 100_000
DEFAULT_DATA_DIR = Path(tempfile.gettempdir()) / "township-bench-100k"


@dataclass
class Row:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["value"] = round(self.value, 4)
        if self.baseline is not None:
            d["baseline"] = round(self.baseline, 4)
        if self.ratio is not None:
            d["ratio"] = round(self.ratio, 2)
        return d


def row(
    name: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    target: str = "",
    limit: float | None = None,
    max_ratio: float | None = None,
    min_ratio: float | None = None,
) -> Row:
    """A row whose ``met`` is decided by an absolute ``limit`` on the value and/or a
    bound on value / baseline (``max_ratio``; ``min_ratio`` for "N × faster")."""
    ratio = value / baseline if baseline else None
    checks: list[bool] = []
    if limit is not None:
        checks.append(value <= limit)
    if max_ratio is not None and ratio is not None:
        checks.append(ratio <= max_ratio)
    if min_ratio is not None and ratio is not None:
        # "≥ 20 × faster than the baseline": baseline / value ≥ 20
        checks.append(ratio <= 1 / min_ratio)
    return Row(name, value, unit, baseline, ratio, target, all(checks) if checks else None)


def median_time(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``fn`` over ``runs`` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def demo_database(folder: Path, records: int = RECORDS) -> Path:
    """The demo data folder, made with the app's own ``demo`` command the first time."""
    from desktop_app.paths import DataPaths

    paths = DataPaths(folder)
    if not paths.database.exists():
        print(f"生成 {records:,} 条演示数据到 {folder} …", flush=True)
        cmd = [sys.executable, "-m", "desktop_app", "--data-dir", str(folder)]
        subprocess.run([*cmd, "demo", "--records", str(records)], check=True)
    return folder


def parser(doc: str | None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(doc or "").split("\n")[0])
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", type=Path, help="also write the result rows to this file")
    return p


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit in ("MB", "×"):
        return f"{value:.1f} {unit}" if unit == "MB" else f"{value:.2f}×"
    return f"{value:g} {unit}".strip()


def width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def ljust(text: str, n: int) -> str:
    return text + " " * max(0, n - width(text))


def rjust(text: str, n: int) -> str:
    return " " * max(0, n - width(text)) + text


def print_table(rows: list[Row]) -> None:
    name_w = max([width(r.name) for r in rows] + [10]) + 2
    print(f"{ljust('measure', name_w)}{'value':>10}{'baseline':>10}{'ratio':>8}  target")
    for r in rows:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "—"
        met = {True: "met", False: "NOT MET", None: ""}[r.met]
        print(
            f"{ljust(r.name, name_w)}{rjust(fmt(r.value, r.unit), 10)}"
            f"{rjust(fmt(r.baseline, r.unit), 10)}{ratio:>8}  {ljust(r.target, 34)}{met}"
        )


def finish(rows: list[Row], json_path: Path | None) -> None:
    print_table(rows)
    if json_path is not None:
        json_path.write_text(
            json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1), "utf-8"
        )
