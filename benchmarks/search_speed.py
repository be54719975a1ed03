"""How long the search across all ledgers takes on the 100,000-record demo database.

Makes the demo database the first time (``python -m desktop_app --data-dir DIR
demo --records 100000``) and reuses it afterwards; then prints, for a few
searches, the median time of ``search.search_all`` (one COUNT and one SELECT
with LIMIT per ledger), the number of ledgers matched and of records found.

    uv run python benchmarks/search_speed.py [--data-dir DIR] [--runs 5] [--json FILE]

Not a test: machines are noisy, so it prints figures and never asserts.
"""

from __future__ import annotations

import common

from desktop_app.paths import DataPaths
from desktop_app.services import search
from desktop_app.services.context import ServiceContext
from desktop_app.storage.startup import open_database

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


def main() -> None:
    args = common.parser(__doc__).parse_args()
    paths = DataPaths(common.demo_database(args.data_dir))
    result = open_database(f"sqlite:///{paths.database}")
    ctx = ServiceContext(result.db, paths, None, "基准测试")
    rows: list[common.Row] = []
    try:
        search.search_all(ctx, "预热")  # first query opens the file and warms the cache
        print(f"数据库：{paths.database}（{paths.database.stat().st_size / 1e6:.0f} MB）")
        for text in SEARCHES:
            groups: list[search.SearchGroup] = []

            def once(text: str = text) -> None:
                nonlocal groups
                groups = search.search_all(ctx, text)

            took = common.median_time(once, args.runs)
            found = sum(g.total for g in groups)
            rows.append(
                common.row(
                    f"global search「{text}」({len(groups)} ledgers, {found:,} hits)",
                    took,
                    "s",
                    target="≤ 0.3 s",
                    limit=0.3,
                )
            )
    finally:
        result.db.close()
    common.finish(rows, args.json)


if __name__ == "__main__":
    main()
