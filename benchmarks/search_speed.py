"""How long the search across all ledgers takes on the 100,000-record demo database.

Makes the demo database the first time (``python -m desktop_app --data-dir DIR
demo --records 100000``) and reuses it afterwards; then prints, for a few
searches, the median time of ``search.search_all`` (one COUNT and one SELECT
with LIMIT per ledger), the number of ledgers matched and of records found.

    uv run python benchmarks/search_speed.py [--data-dir DIR] [--runs 5]

Not a test: machines are noisy, so it prints figures and never asserts.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop_app.paths import DataPaths
from desktop_app.services import search
from desktop_app.services.context import ServiceContext
from desktop_app.storage.startup import open_database

RECORDS = 100_000
SEARCHES = (
    "秸秆",  # common: many matches in several ledgers
    "赵八村",  # a place
    "焚烧 村",  # two words, both must match
    "移2026",  # a serial prefix
    "有限公司",  # a party
    "执法 检查 问题",  # three words
    "𠀀",  # a rare character: no match, a full scan of every ledger
    "不存在的词语组合",  # nothing: the worst case
)


def demo_database(folder: Path) -> DataPaths:
    paths = DataPaths(folder)
    if not paths.database.exists():
        print(f"生成 {RECORDS:,} 条演示数据到 {folder} …", flush=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "desktop_app",
                "--data-dir",
                str(folder),
                "demo",
                "--records",
                str(RECORDS),
            ],
            check=True,
        )
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(tempfile.gettempdir()) / "township-search-bench"
    parser.add_argument("--data-dir", type=Path, default=default)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    paths = demo_database(args.data_dir)
    result = open_database(f"sqlite:///{paths.database}")
    ctx = ServiceContext(result.db, paths, None, "基准测试")
    try:
        search.search_all(ctx, "预热")  # first query opens the file and warms the cache
        print(f"数据库：{paths.database}（{paths.database.stat().st_size / 1e6:.0f} MB）")
        print(f"{'搜索':<12}{'中位数':>10}{'最慢':>10}{'台账':>6}{'命中':>10}")
        for text in SEARCHES:
            times: list[float] = []
            groups: list[search.SearchGroup] = []
            for _ in range(args.runs):
                start = time.perf_counter()
                groups = search.search_all(ctx, text)
                times.append(time.perf_counter() - start)
            found = sum(g.total for g in groups)
            print(
                f"{text:<12}{statistics.median(times) * 1000:>8.0f}ms"
                f"{max(times) * 1000:>8.0f}ms{len(groups):>6}{found:>10,}"
            )
    finally:
        result.db.close()


if __name__ == "__main__":
    main()
