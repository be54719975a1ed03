"""Rotation of the automatic backups: 7 daily, 4 weekly, 12 monthly (a pure decision)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.paths import DataPaths
from desktop_app.services.backup import backups_to_keep, list_backups, prune

NOW = datetime(2026, 11, 29, 20, 0, 0)


def days_back(n: int, hour: int = 18) -> list[datetime]:
    return [(NOW - timedelta(days=i)).replace(hour=hour, minute=0, second=0) for i in range(n)]


def test_nothing_and_one() -> None:
    assert backups_to_keep([]) == set()
    assert backups_to_keep([NOW]) == {NOW}


def test_a_week_of_daily_backups_is_kept_whole() -> None:
    stamps = days_back(7)
    assert backups_to_keep(stamps) == set(stamps)


def test_several_a_day_keeps_the_newest_of_each_day() -> None:
    stamps = [datetime(2026, 11, 29, h, 0) for h in (8, 12, 17)] + [
        datetime(2026, 11, 28, h, 0) for h in (9, 18)
    ]
    keep = backups_to_keep(stamps)
    assert datetime(2026, 11, 29, 17, 0) in keep and datetime(2026, 11, 28, 18, 0) in keep
    assert datetime(2026, 11, 29, 8, 0) not in keep
    assert datetime(2026, 11, 28, 9, 0) not in keep
    assert len(keep) == 2


def test_a_year_of_daily_backups() -> None:
    stamps = days_back(400)
    keep = backups_to_keep(stamps)
    daily = set(stamps[:7])
    assert daily <= keep
    # weeks: the newest backup of each of the 4 newest ISO weeks
    weeks: dict[tuple[int, int], datetime] = {}
    months: dict[tuple[int, int], datetime] = {}
    for t in stamps:  # newest first
        weeks.setdefault(tuple(t.isocalendar())[:2], t)
        months.setdefault((t.year, t.month), t)
    weekly = set(sorted(weeks.values(), reverse=True)[:4])
    monthly = set(sorted(months.values(), reverse=True)[:12])
    assert keep == daily | weekly | monthly
    assert max(keep) == stamps[0]
    # oldest kept is the last backup of the 12th month back (Dec 2025)
    assert min(keep) == datetime(2025, 12, 31, 18, 0)
    assert len(keep) <= 7 + 4 + 12


def test_a_pc_off_for_weeks_still_keeps_its_last_seven_working_days() -> None:
    """Counted over days that have backups, not calendar days from today."""
    old = [datetime(2026, 6, d, 17, 0) for d in range(1, 15)]
    keep = backups_to_keep(old)
    assert set(old[-7:]) <= keep


def test_wrong_clock_in_the_future_does_not_empty_the_folder() -> None:
    stamps = [*days_back(10), datetime(2099, 1, 1, 9, 0)]
    keep = backups_to_keep(stamps)
    assert datetime(2099, 1, 1, 9, 0) in keep
    assert set(days_back(6)) <= keep


def test_custom_counts_and_duplicates() -> None:
    stamps = days_back(30) + days_back(30)
    keep = backups_to_keep(stamps, daily=2, weekly=0, monthly=0)
    assert keep == set(days_back(2))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)),
        max_size=80,
    )
)
def test_properties(stamps: list[datetime]) -> None:
    keep = backups_to_keep(stamps)
    assert keep <= set(stamps)
    if stamps:
        assert max(stamps) in keep
    assert len(keep) <= 7 + 4 + 12
    # order does not matter, and applying the rule again keeps everything kept
    shuffled = list(stamps)
    random.Random(1).shuffle(shuffled)
    assert backups_to_keep(shuffled) == keep
    assert backups_to_keep(keep) == keep
    # every one of the 7 newest days with a backup keeps its newest backup
    days: dict[object, datetime] = {}
    for t in sorted(stamps, reverse=True):
        days.setdefault(t.date(), t)
    assert set(sorted(days.values(), reverse=True)[:7]) <= keep


def test_prune_deletes_only_rotated_copies_the_rule_drops(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data").ensure()
    for t in days_back(40):
        for kind in ("start", "exit"):
            stamp = t.replace(hour=8 if kind == "start" else 18).strftime("%Y%m%d-%H%M%S")
            (paths.backups / f"{kind}-{stamp}.db").write_bytes(b"x")
    protected = [
        "pre-migration-20250101-080000-0001_initial.db",
        "before-restore-20250101-090000.db",
        "我自己放的.db",
    ]
    for name in protected:
        (paths.backups / name).write_bytes(b"x")
    (paths.backups / "notes.txt").write_text("不是备份")

    removed = prune(paths)
    left = {p.name for p in paths.backups.iterdir()}
    assert set(protected) <= left and "notes.txt" in left
    assert removed and not any(p.exists() for p in removed)
    rotated = [b for b in list_backups(paths) if b.kind in ("start", "exit")]
    assert {b.taken_at for b in rotated} == backups_to_keep(b.taken_at for b in rotated)
    assert len(rotated) == len(backups_to_keep(t.replace(hour=18) for t in days_back(40)))
    # the newest day keeps its exit copy, not the morning one
    assert (paths.backups / "exit-20261129-180000.db").exists()
    assert not (paths.backups / "start-20261129-080000.db").exists()
    assert prune(paths) == []  # stable
