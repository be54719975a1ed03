"""The one place that reads the wall clock.

Times are stored as naive local China time (UTC+8; China has no daylight
saving time), so every PC and a later county server agree on what "today" is.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def now() -> datetime:
    """Current China time, naive, to the second."""
    return datetime.now(CHINA_TZ).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()
