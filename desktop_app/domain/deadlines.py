"""Every clock of the seed, computed over one :class:`WorkCalendar`.

Times are naive local China time (UTC+8, no DST). A day-based deadline is
the end of its last day, ``datetime.combine(day, END_OF_DAY)``; use
:func:`is_end_of_day` to show just the date. Periods counted in days never
count the start day (按日计算的期间，开始的当日不计入).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import DueBucket, Urgency
from desktop_app.domain.validators import ValidationError

END_OF_DAY = time(23, 59, 59)

REFERRAL_WORKING_DAYS = 3  # seed 三（一）2
REFERRAL_URGENT_HOURS = 24  # seed 三（一）2
ASSISTANCE_WORKING_DAYS = 5  # seed 三（五）
DECREE_310_DAYS = 3  # 国务院令第310号 arts. 5, 8, 9, 12
DECREE_310_TRANSFER_HOURS = 24  # 国务院令第310号 art. 5

DECREE_310_DAYS_ARE_WORKING_DAYS = False
"""How the "3日" periods of 国务院令第310号 are counted.

The decree does not define "日". False (the default) counts calendar days,
the conservative reading: the deadline is never later than the working-day
reading. 行政处罚法 art. 85 counts its short periods (二日、三日、五日、七日)
in working days; set this to True to follow that reading. The functions
below use working days only when this is True *and* a calendar is given.
"""

_SEED_REFERRAL = "案件移送制度第2条"
_SEED_ASSISTANCE = "执法协助制度"
_SEED_INFO_SHARE = "信息共享制度"
_DECREE_310 = "国务院令第310号"
_URGENCY_CODES = frozenset(m.value for m in Urgency)


@dataclass(frozen=True)
class Deadline:
    due_at: datetime
    rule: str  # short Chinese description of the rule and its source
    unconfirmed_year: int | None = None  # the due date depends on a year not yet confirmed

    @property
    def is_day_based(self) -> bool:
        return is_end_of_day(self.due_at)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY)


def cn_date(d: date) -> str:
    """2026年9月5日 (no zero padding, as in official documents)."""
    return f"{d.year}年{d.month}月{d.day}日"


def is_end_of_day(dt: datetime) -> bool:
    """True for a day-based deadline (the UI then shows just the date)."""
    return dt.time() == END_OF_DAY


def _first_unconfirmed(cal: WorkCalendar, start: date, end: date) -> int | None:
    years = cal.unconfirmed_years_between(start, end)
    return years[0] if years else None


def _working_day_deadline(start: date, n: int, cal: WorkCalendar, rule: str) -> Deadline:
    day = cal.add_working_days(start, n)
    return Deadline(end_of_day(day), rule, _first_unconfirmed(cal, start, day))


# --- 案件移送 (seed 三（一）2) -------------------------------------------------


def referral_deadline(found_at: datetime, urgency: Urgency | str, cal: WorkCalendar) -> Deadline:
    """Deadline of the (written) transfer, from the time the violation was found.

    Seed 三（一）2: within 3 working days (the day of discovery not counted);
    情况紧急 within 24 clock hours. For a violation still going on the seed
    adds 立即劝阻 and 及时告知 (see :func:`ongoing_notice_deadline`); the
    written transfer itself still follows the 3-working-day rule.
    """
    if urgency not in _URGENCY_CODES:
        raise ValueError(f"未知的紧急程度：{urgency}")
    if urgency == Urgency.URGENT:
        return Deadline(
            found_at + timedelta(hours=REFERRAL_URGENT_HOURS),
            f"情况紧急，发现后{REFERRAL_URGENT_HOURS}小时内移送（{_SEED_REFERRAL}）",
        )
    if urgency == Urgency.ONGOING:
        rule = (
            f"违法行为正在进行：立即劝阻、及时告知，书面移送在发现之日起"
            f"{REFERRAL_WORKING_DAYS}个工作日内（{_SEED_REFERRAL}）"
        )
    else:
        rule = f"发现之日起{REFERRAL_WORKING_DAYS}个工作日内移送（{_SEED_REFERRAL}）"
    return _working_day_deadline(found_at.date(), REFERRAL_WORKING_DAYS, cal, rule)


def ongoing_notice_deadline(found_at: datetime) -> Deadline:
    """Seed 三（一）2: an ongoing violation is dissuaded (劝阻) and the competent
    department told at once (立即/及时), so the notice is due at ``found_at``:
    anything later is "not at once" and shows as late."""
    return Deadline(
        found_at,
        f"违法行为正在进行，应立即劝阻并及时告知有管辖权的部门（{_SEED_REFERRAL}）",
    )


# --- 执法协助 (seed 三（五）) ---------------------------------------------------


def assistance_deadline(
    requested_on: date, cal: WorkCalendar, extended_to: date | None = None
) -> Deadline:
    """Seed 三（五）: written opinion and evidence within 5 working days of the
    written request; 情况特殊 the department tells in advance and the time may
    be extended — the extension date then replaces the computed one (it is a
    fixed date, so it carries no unconfirmed-year flag)."""
    original = _working_day_deadline(
        requested_on,
        ASSISTANCE_WORKING_DAYS,
        cal,
        f"函告之日起{ASSISTANCE_WORKING_DAYS}个工作日内提出书面意见和证据材料（{_SEED_ASSISTANCE}）",
    )
    if extended_to is None:
        return original
    if extended_to < original.due_at.date():
        raise ValidationError(
            f"延期后的期限不能早于原期限（原期限为{cn_date(original.due_at.date())}）"
        )
    return Deadline(
        end_of_day(extended_to),
        f"情况特殊，经事先告知延长至{cn_date(extended_to)}（{_SEED_ASSISTANCE}）",
    )


# --- 信息共享 (seed 三（三）) ---------------------------------------------------


def info_share_deadline(formed_on: date) -> Deadline:
    """Seed 三（三）: shared on the day the information is formed (自形成当日)."""
    return Deadline(end_of_day(formed_on), f"自形成当日共享（{_SEED_INFO_SHARE}）")


# --- 行刑衔接 (国务院令第310号) -------------------------------------------------


def _decree_310_days(
    start: datetime, cal: WorkCalendar | None, what: str, article: str
) -> Deadline:
    """A "3日" period of 国务院令第310号: calendar days unless
    :data:`DECREE_310_DAYS_ARE_WORKING_DAYS` and a calendar is given.

    In calendar-day mode a last day that falls on a holiday is *not* moved to
    the next working day (the conservative choice)."""
    n = DECREE_310_DAYS
    if DECREE_310_DAYS_ARE_WORKING_DAYS and cal is not None:
        rule = f"{what.format(period=f'{n}个工作日')}（{_DECREE_310}{article}）"
        return _working_day_deadline(start.date(), n, cal, rule)
    rule = f"{what.format(period=f'{n}日')}（{_DECREE_310}{article}）"
    return Deadline(end_of_day(start.date() + timedelta(days=n)), rule)


def criminal_approval_deadline(report_at: datetime, cal: WorkCalendar | None = None) -> Deadline:
    """310号令 art. 5: the head decides on the transfer within 3 日 of receiving
    the team's written report."""
    return _decree_310_days(
        report_at, cal, "负责人自接到书面报告之日起{period}内作出是否批准移送的决定", "第5条"
    )


def criminal_transfer_deadline(approved_at: datetime) -> Deadline:
    """310号令 art. 5: once approved, transfer to the public security organ
    within 24 hours (clock hours)."""
    return Deadline(
        approved_at + timedelta(hours=DECREE_310_TRANSFER_HOURS),
        f"批准移送后{DECREE_310_TRANSFER_HOURS}小时内向公安机关移送（{_DECREE_310}第5条）",
    )


def police_decision_deadline(received_at: datetime, cal: WorkCalendar | None = None) -> Deadline:
    """310号令 art. 8: the public security organ decides whether to file the case
    within 3 日 of accepting it."""
    return _decree_310_days(received_at, cal, "公安机关自受理之日起{period}内决定是否立案", "第8条")


def reconsideration_deadline(
    notice_received_at: datetime, cal: WorkCalendar | None = None
) -> Deadline:
    """310号令 art. 9: a request for 复议 within 3 日 of receiving the notice
    that the case will not be filed."""
    return _decree_310_days(
        notice_received_at,
        cal,
        "自收到不予立案通知书之日起{period}内提请复议",
        "第9条",
    )


def handover_deadline(filed_notice_at: datetime, cal: WorkCalendar | None = None) -> Deadline:
    """310号令 art. 12: hand over the items and materials within 3 日 of the
    filing notice (立案通知书)."""
    return _decree_310_days(
        filed_notice_at,
        cal,
        "自接到立案通知书之日起{period}内移交涉案物品及有关材料",
        "第12条",
    )


# --- dashboard --------------------------------------------------------------


def due_bucket(
    due_at: datetime,
    now: datetime,
    soon_days: int = 2,
    cal: WorkCalendar | None = None,
) -> DueBucket:
    """Where an open item sits on the dashboard (工作台).

    OVERDUE when ``due_at`` is before ``now``; TODAY when it falls on today's
    date; SOON within the next ``soon_days`` calendar days — or working days
    when a calendar is given (so on a Friday, Monday counts as soon);
    LATER otherwise.
    """
    if soon_days < 0:
        raise ValueError("soon_days 不能为负数")
    if due_at < now:
        return DueBucket.OVERDUE
    today, due_day = now.date(), due_at.date()
    if due_day == today:
        return DueBucket.TODAY
    ahead = (due_day - today).days if cal is None else cal.working_days_between(today, due_day)
    return DueBucket.SOON if ahead <= soon_days else DueBucket.LATER


def is_late(due_at: datetime, done_at: datetime) -> bool:
    """Done after the deadline (done exactly at it is on time)."""
    return done_at > due_at
