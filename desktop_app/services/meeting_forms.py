"""联合执法协商: the meeting form and the follow-up form, their checks, and what the
meeting use cases share (loading, the status guard, the clock, the audit snapshot).

Seed 三（四）: the township and the county departments hold consultation meetings
(协商会议) on 普遍性问题，热点、焦点、难点问题，监管中相关管理和法律适用问题 and
重大联动执法工作 — regularly (定期), or at once when work needs it (即时); on a
major case clue a special meeting (专题会议) studies the case with the county
departments concerned. So:

* a regular or special meeting has at least one participating organisation
  other than the township itself and its own units (the enforcement team):
  it is a consultation *with* the county departments. An ad-hoc meeting may be
  called before its participants are settled, so none is required;
* a special meeting is linked to the case, transfer or complaint whose clue it
  studies, and the record must exist;
* topics are the four of the seed; a meeting that took place has at least one;
* a planned meeting's time is now or later (within a year); a meeting that
  took place was not in the future.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, selectinload

from desktop_app.domain import clock
from desktop_app.domain.deadlines import cn_date
from desktop_app.domain.terms import (
    ActionStatus,
    AuditAction,
    MeetingKind,
    MeetingStatus,
    MeetingTopic,
    RecordType,
)
from desktop_app.services import audit
from desktop_app.services.assistance_common import LINK_MODELS
from desktop_app.services.context import UnitOfWork
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.info_share_forms import is_real_reason, own_units
from desktop_app.services.org_choice import chosen_organisations
from desktop_app.services.referral_common import CLOCK_SKEW, EARLIEST, day, moment
from desktop_app.storage.models import FollowUpAction, Meeting, Organisation

RECORD = RecordType.MEETING
S = MeetingStatus
SEED = "机制 三（四）"
CLOCK = "计划召开"  # deadline_what of a planned meeting: due at its planned time
PLAN_AHEAD = timedelta(days=366)  # a planned time further ahead is a typo (2062 for 2026)

SUBJECT_MAX = 200
PLACE_MAX = 200
HOST_MAX = 60
PARTICIPANTS_MAX = 2000
DISCUSSION_MAX = 10000
DECISIONS_MAX = 5000
NOTE_MAX = 2000
REASON_MAX = 1000
DESCRIPTION_MAX = 1000

# Meetings that must have an organisation from outside the township (see the docstring).
WITH_DEPARTMENTS = frozenset({MeetingKind.REGULAR, MeetingKind.SPECIAL})


@dataclass
class MeetingInput:
    """A meeting as the form holds it (planned, or already held)."""

    kind: MeetingKind | str
    subject: str
    held_at: datetime  # the planned time, or the time it took place
    place: str | None = None
    host: str | None = None
    organisation_ids: list[int] = field(default_factory=list)
    participants: str | None = None  # free text: "县水利局：王某、李某；…"
    topics: list[str] = field(default_factory=list)  # MeetingTopic codes
    linked_type: str | None = None  # RecordType code: case / referral / complaint
    linked_id: int | None = None
    note: str | None = None


@dataclass
class FollowUpInput:
    """A decision of a held meeting someone must carry out (落实事项)."""

    description: str
    owner_org_id: int | None
    due_on: date | None


@dataclass
class Checked:
    values: dict[str, Any] = field(default_factory=dict)
    organisations: list[Organisation] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)


# --- loading, status, clock, audit --------------------------------------------------------


def load(session: Session, meeting_id: int) -> Meeting:
    m = session.get(
        Meeting,
        meeting_id,
        options=[
            selectinload(Meeting.organisations),
            selectinload(Meeting.actions).selectinload(FollowUpAction.owner_org),
        ],
    )
    if m is None:
        raise NotFound(f"协商会议记录 {meeting_id} 不存在或已被删除。")
    return m


def load_action(session: Session, action_id: int) -> FollowUpAction:
    a = session.get(FollowUpAction, action_id)
    if a is None:
        raise NotFound(f"会议落实事项 {action_id} 不存在或已被删除。")
    return a


def require(m: Meeting, statuses: Iterable[MeetingStatus], action: str) -> None:
    statuses = tuple(statuses)
    if m.status not in statuses:
        allowed = "、".join(f"「{s.label}」" for s in statuses)
        raise RuleViolation(
            f"协商会议 {m.serial} 当前状态为「{S.label_of(m.status)}」，不能{action}"
            f"（只有{allowed}的会议可以）。"
        )


def run_clock(m: Meeting) -> None:
    """A planned meeting is due at its planned time (overdue once it has passed
    until it is recorded as held or cancelled); otherwise no clock runs."""
    if m.status == S.PLANNED:
        m.deadline_at, m.deadline_what = m.held_at, CLOCK
    else:
        m.deadline_at, m.deadline_what = None, None


def org_names(orgs: Iterable[Organisation]) -> str:
    return "、".join(o.name for o in sorted(orgs, key=lambda o: o.id))


def snapshot(m: Meeting) -> dict[str, Any]:
    return {**audit.snapshot(m), "organisations": org_names(m.organisations)}


def action_snapshot(session: Session, a: FollowUpAction) -> dict[str, Any]:
    """A follow-up action as audited on its meeting (keys apart from the meeting's own)."""
    owner = session.get(Organisation, a.owner_org_id) if a.owner_org_id else None
    return {
        "action_id": a.id,
        "action_description": a.description,
        "owner_org": owner.name if owner else None,
        "due_on": audit.jsonable(a.due_on),
        "action_status": ActionStatus.label_of(a.status),
        "done_on": audit.jsonable(a.done_on),
        "action_note": a.note,
    }


def record_change(
    uow: UnitOfWork,
    m: Meeting,
    before: dict[str, Any],
    summary: str,
    action: AuditAction = AuditAction.STATUS,
) -> None:
    """Bring the clock up to date and write one audit entry with before and after."""
    run_clock(m)
    uow.flush()
    b, a = audit.diff(before, snapshot(m))
    uow.audit(action, RECORD, m.id, f"{m.serial} {summary}", before=b, after=a)


def when_text(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M}"


# --- the meeting form ------------------------------------------------------------------------


def _planned_time(c: Checker, value: Any, keep: datetime | None) -> datetime | None:
    """A planned time: now or later, within a year. ``keep``: the stored planned time
    of the meeting being edited — left unchanged, it may have passed (it stays overdue)."""
    if value is None or value == "":
        c.fail("held_at", "请填写「计划召开时间」")
        return None
    if not isinstance(value, datetime):
        c.fail("held_at", "「计划召开时间」应为日期和时间")
        return None
    if value.tzinfo is not None:
        value = value.astimezone(clock.CHINA_TZ).replace(tzinfo=None)
    value = value.replace(microsecond=0)
    if keep is not None and value == keep:
        return value
    now = clock.now()
    if value < now - CLOCK_SKEW:
        c.fail(
            "held_at",
            f"计划召开时间不能早于现在（现在是{now:%Y-%m-%d %H:%M}）。"
            "已经召开的会议，请登记为“已召开的会议”。",
        )
        return None
    if value > now + PLAN_AHEAD:
        c.fail("held_at", f"计划召开时间不能晚于一年以后（{cn_date((now + PLAN_AHEAD).date())}）")
        return None
    return value


def _held_time(c: Checker, value: Any, not_before: date | None) -> datetime | None:
    """The time a meeting took place: not in the future, not before ``not_before``."""
    held = moment(c, "held_at", value, "召开时间")
    if held is not None and not_before is not None and held.date() < not_before:
        c.fail(
            "held_at",
            f"召开时间不能早于{cn_date(not_before)}（登记会议计划的日期）。"
            "如时间有误，请核对后重新填写。",
        )
        return None
    return held


def _organisations(
    c: Checker, session: Session, raw: Iterable[Any] | None, kind: Any, keep: frozenset[int]
) -> list[Organisation]:
    orgs = chosen_organisations(c, session, raw, "参会单位", keep)
    if orgs is None:
        return []
    if kind in WITH_DEPARTMENTS:
        mine = own_units(session)
        if not any(o.id not in mine for o in orgs):
            what = MeetingKind.label_of(kind)
            if orgs:
                names = "、".join(f"「{o.name}」" for o in orgs)
                c.fail(
                    "organisation_ids",
                    f"{names}是本乡镇或其内设机构。{what}是与县级职能部门的联合执法协商"
                    f"（{SEED}），请至少选择一个县级职能部门等其他参会单位。",
                )
            else:
                c.fail(
                    "organisation_ids",
                    f"请至少选择一个参会的县级职能部门等单位（{what}是与县级职能部门的"
                    f"联合执法协商，{SEED}）。",
                )
            return []
    return orgs


def _topics(c: Checker, raw: Iterable[Any] | None, held: bool) -> list[str]:
    if isinstance(raw, str):
        raw = [raw]
    chosen: set[str] = set()
    for value in raw or ():
        try:
            chosen.add(MeetingTopic(value).value)
        except ValueError:
            c.fail("topics", f"「议题类别」的取值无效：{value}")
            return []
    if held and not chosen:
        names = "，".join(t.label for t in MeetingTopic)
        c.fail("topics", f"请至少选择一项议题类别（{SEED}：{names}）")
    return [t.value for t in MeetingTopic if t.value in chosen]


def _link(c: Checker, session: Session, data: MeetingInput, kind: Any) -> tuple[Any, Any]:
    linked_type = (data.linked_type or "").strip() or None
    linked_id = data.linked_id
    if linked_type is None and linked_id is None:
        if kind == MeetingKind.SPECIAL:
            c.fail(
                "linked_id",
                f"专题会议是就执法工作中发现的重大案件线索召开的（{SEED}），"
                "请关联相应的立案案件、案件移送或投诉举报记录。",
            )
        return None, None
    if linked_type is None:
        c.fail("linked_type", "请选择关联记录所在的台账（立案案件、案件移送或投诉举报）")
        return None, None
    model = LINK_MODELS.get(linked_type)
    if model is None:
        c.fail(
            "linked_type",
            "关联记录只能是立案案件、案件移送或投诉举报，"
            f"不能是「{RecordType.label_of(linked_type)}」",
        )
        return None, None
    what = RecordType.label_of(linked_type)
    if linked_id is None:
        c.fail("linked_id", f"请选择关联的{what}记录")
    elif (
        isinstance(linked_id, bool)
        or not isinstance(linked_id, int)
        or session.get(model, linked_id) is None
    ):
        c.fail("linked_id", f"所选{what}记录不存在或已被删除，请重新选择。")
    return linked_type, linked_id


def check_meeting(
    session: Session,
    data: MeetingInput,
    *,
    held: bool,
    keep_orgs: Iterable[int] = (),
    keep_time: datetime | None = None,
    not_before: date | None = None,
) -> Checked:
    """Every problem of the meeting form, keyed by field, and the values to store.

    ``held``: the meeting took place (its time not in the future, a topic
    required) rather than planned. ``keep_orgs``: organisations already on the
    meeting being edited (a since-deactivated one may stay). ``keep_time``:
    the stored planned time (unchanged, it may have passed). ``not_before``:
    the earliest day it may have been held.
    """
    c = Checker()
    kind = c.term("kind", MeetingKind, data.kind, "会议类型")
    values: dict[str, Any] = {
        "kind": kind,
        "subject": c.text("subject", data.subject, "会议名称", SUBJECT_MAX, required=True),
        "held_at": (
            _held_time(c, data.held_at, not_before)
            if held
            else _planned_time(c, data.held_at, keep_time)
        ),
        "place": c.text("place", data.place, "会议地点", PLACE_MAX),
        "host": c.text("host", data.host, "主持人", HOST_MAX),
        "participants": c.text("participants", data.participants, "参会人员", PARTICIPANTS_MAX),
        "topics": _topics(c, data.topics, held),
        "note": c.text("note", data.note, "备注", NOTE_MAX),
    }
    orgs = _organisations(c, session, data.organisation_ids, kind, frozenset(keep_orgs))
    values["linked_type"], values["linked_id"] = _link(c, session, data, kind)
    return Checked(values, orgs, dict(c.problems))


def check_minutes(
    discussion: str | None, decisions: str | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """(values, problems) of the minutes: 会议情况 and 议定事项 (both optional)."""
    c = Checker()
    values = {
        "discussion": c.text("discussion", discussion, "会议情况", DISCUSSION_MAX),
        "decisions": c.text("decisions", decisions, "议定事项", DECISIONS_MAX),
    }
    return values, dict(c.problems)


def as_input(m: Meeting) -> MeetingInput:
    """A stored meeting as the form."""
    return MeetingInput(
        kind=m.kind,
        subject=m.subject,
        held_at=m.held_at,
        place=m.place,
        host=m.host,
        organisation_ids=sorted(o.id for o in m.organisations),
        participants=m.participants,
        topics=list(m.topics or []),
        linked_type=m.linked_type,
        linked_id=m.linked_id,
        note=m.note,
    )


def actions_problem(m: Meeting, held_at: datetime | None) -> str | None:
    """Why a held meeting may not move to ``held_at``: a follow-up of it would then be
    due or done before the meeting took place."""
    if held_at is None:
        return None
    held_day = held_at.date()
    for a in m.actions:
        for when, what in ((a.due_on, "完成时限"), (a.done_on, "完成日期")):
            if when is not None and when < held_day:
                return (
                    f"落实事项「{a.description[:20]}」的{what}是{cn_date(when)}，"
                    "会议召开时间不能晚于该日。请核对召开时间。"
                )
    return None


def reason_text(c: Checker, field_name: str, raw: str | None, what: str, example: str) -> str:
    """A required reason: at least two letters or digits, not a placeholder such as 「无」."""
    reason = c.text(field_name, raw, what, REASON_MAX) or ""
    if field_name in c.problems:
        return ""
    if not reason:
        c.fail(field_name, f"请填写{what}")
    elif not is_real_reason(reason):
        c.fail(field_name, f"「{reason}」不足以说明{what}，请写明具体原因，如“{example}”。")
    return reason


# --- the follow-up form --------------------------------------------------------------------


def check_action(
    session: Session, m: Meeting, data: FollowUpInput
) -> tuple[dict[str, Any], dict[str, str]]:
    """(values, problems by field) of a new follow-up action of ``m``."""
    c = Checker()
    values: dict[str, Any] = {
        "description": c.text(
            "description", data.description, "落实事项", DESCRIPTION_MAX, required=True
        ),
        "owner_org_id": data.owner_org_id,
        "due_on": None,
    }
    owner_id = data.owner_org_id
    if owner_id is None or owner_id == "":
        c.fail("owner_org_id", "请选择责任单位")
    else:
        owner = (
            session.get(Organisation, owner_id)
            if isinstance(owner_id, int) and not isinstance(owner_id, bool)
            else None
        )
        if owner is None:
            c.fail("owner_org_id", "所选责任单位不存在，请重新选择。")
        elif not owner.active:
            c.fail("owner_org_id", f"「{owner.name}」已停用，不能作为责任单位。")
    due = data.due_on
    if due is None or due == "":
        c.fail("due_on", "请填写「完成时限」")
    elif isinstance(due, datetime):
        due = due.date()
    if due is not None and "due_on" not in c.problems:
        if not isinstance(due, date):
            c.fail("due_on", "「完成时限」应为日期")
        elif due < EARLIEST.date():
            c.fail("due_on", "「完成时限」不能早于2000年")
        elif due < m.held_at.date():
            c.fail(
                "due_on",
                f"完成时限不能早于会议召开的日期（{cn_date(m.held_at.date())}）",
            )
        else:
            values["due_on"] = due
    return values, dict(c.problems)


def done_day(c: Checker, m: Meeting, value: Any) -> date | None:
    """The day an action was done: not in the future, not before its meeting's day."""
    done = day(c, "done_on", value, "完成日期")
    if done is not None and done < m.held_at.date():
        c.fail("done_on", f"完成日期不能早于会议召开的日期（{cn_date(m.held_at.date())}）")
        return None
    return done
