"""Is the PC's clock plainly wrong? (reliability notes §5.2, "Dates")

Offline township PCs lose the date when the mainboard battery dies: the
machine then says 2009, or someone "fixes" it to 2040. Every "today" the app
uses (deadlines, 受理日期 defaults, "not in the future" checks, the audit
trail) would silently be wrong. :func:`clock_problem` compares the system
date with

* the year this version of the app was built (a date before it is
  impossible; one more than :data:`MAX_YEARS_AFTER_BUILD` years after it is
  almost certainly a wrong clock), and
* the newest time written in the database (audit trail and attachments): a
  clock behind the last save went backwards; a clock more than a year after
  it is suspicious.

It returns one Chinese warning for the user, or ``None``. The GUI shows it
at start (after log-in) and lets the user go on: it is a warning, not a
block, because only the user can tell whether the date is right.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.services.context import ServiceContext
from desktop_app.storage.models import Attachment, AuditEntry

__all__ = ["BUILD_YEAR", "MAX_YEARS_AFTER_BUILD", "clock_problem", "newest_saved"]

# The year this version was built; update it with each release (the
# installer build may overwrite it). A system date before it cannot be right.
BUILD_YEAR = 2026
# A version in use longer than this after its build is unlikely: the date is
# more probably wrong than the app that old.
MAX_YEARS_AFTER_BUILD = 10
# Tolerance for "the clock went backwards": a PC whose clock was corrected by
# a few minutes (time sync, daylight adjustment of a foreign setting) is fine.
BACKWARDS_TOLERANCE = timedelta(minutes=10)
# A longer gap since the newest save than this is worth a question.
LONG_GAP = timedelta(days=366)

_ADVICE = (
    "如果电脑日期不对（常见原因是主板电池没电），请先关闭本软件，"
    "在 Windows“日期和时间”设置中改正后再使用；"
    "否则受理日期、办理期限和操作记录都会按错误的日期计算。"
)


def _when(at: datetime) -> str:
    return f"{at:%Y年%m月%d日 %H:%M}".replace("年0", "年").replace("月0", "月")


def newest_saved(ctx: ServiceContext) -> datetime | None:
    """The newest time written in the database (audit trail, attachments)."""
    with ctx.read() as s:
        times = [
            s.execute(select(func.max(AuditEntry.at))).scalar(),
            s.execute(select(func.max(Attachment.added_at))).scalar(),
        ]
    found = [t for t in times if isinstance(t, datetime)]
    return max(found) if found else None


def clock_problem(ctx: ServiceContext, now: datetime | None = None) -> str | None:
    """A Chinese warning when the system clock is plainly wrong, else ``None``."""
    now = now or clock.now()
    shown = f"电脑当前日期是{_when(now)}"
    if now.year < BUILD_YEAR:
        return f"{shown}，早于本软件的制作年份（{BUILD_YEAR}年），电脑日期显然不对。" + _ADVICE
    newest = newest_saved(ctx)
    if newest is not None and newest - now > BACKWARDS_TOLERANCE:
        return (
            f"{shown}，早于数据库中最近一次保存的时间（{_when(newest)}），"
            "电脑时钟可能被调回过去了。" + _ADVICE
        )
    if now.year > BUILD_YEAR + MAX_YEARS_AFTER_BUILD:
        return (
            f"{shown}，比本软件的制作年份（{BUILD_YEAR}年）晚了{now.year - BUILD_YEAR}年，"
            "电脑日期很可能不对。" + _ADVICE
        )
    if newest is not None and now - newest > LONG_GAP:
        days = (now - newest).days
        return (
            f"{shown}，距数据库中最近一次保存（{_when(newest)}）已有{days}天。"
            "如果这段时间确实没有使用本软件，可以继续；" + _ADVICE
        )
    return None
