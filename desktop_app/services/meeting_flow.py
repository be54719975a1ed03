"""联合执法协商: the life of a meeting after it is planned, and its follow-up actions.

planned (计划召开; its clock is the planned time) → held (已召开, the clock stops)
or cancelled (已取消, with the reason). A held meeting keeps its minutes
(会议情况, 议定事项) and its follow-up actions (落实事项: owner, due date,
open → done, and reopened when the work turns out unfinished). Open actions
show on the dashboard until done. Every write is one transaction with one audit
entry on the meeting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import attributes

from desktop_app.domain import clock
from desktop_app.domain.deadlines import cn_date
from desktop_app.domain.terms import ActionStatus, AuditAction
from desktop_app.services import audit
from desktop_app.services.context import ServiceContext, UnitOfWork, check_version
from desktop_app.services.errors import InvalidInput, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.meeting_forms import (
    DESCRIPTION_MAX,
    RECORD,
    FollowUpInput,
    S,
    action_snapshot,
    as_input,
    check_action,
    check_meeting,
    check_minutes,
    done_day,
    load,
    load_action,
    reason_text,
    record_change,
    require,
    snapshot,
    when_text,
)
from desktop_app.storage.models import FollowUpAction, Meeting

A = ActionStatus


@dataclass(frozen=True)
class ActionRow:
    """A follow-up action as the meeting's window lists it."""

    id: int
    description: str
    owner_name: str
    due_on: date | None
    status: ActionStatus
    status_label: str
    done_on: date | None
    note: str | None
    overdue: bool  # open and its due day has passed


# --- the meeting ---------------------------------------------------------------------------


def hold(
    ctx: ServiceContext,
    meeting_id: int,
    held_at: datetime,
    participants: str | None,
    organisation_ids: Iterable[int],
    discussion: str | None,
    decisions: str | None,
    topics: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> None:
    """A planned meeting took place: 已召开 at ``held_at`` (not in the future, not
    before the day it was planned), with who came and the minutes; the clock stops.

    The topics stay those of the plan unless ``topics`` is given; a held
    meeting needs at least one (and a regular or special one a participating
    organisation from outside the township)."""
    with ctx.uow() as uow:
        s = uow.session
        m = load(s, meeting_id)
        require(m, (S.PLANNED,), "登记为已召开")
        check_version(m, expected_version)
        data = as_input(m)
        data.held_at, data.participants = held_at, participants
        data.organisation_ids = list(organisation_ids or [])
        if topics is not None:
            data.topics = list(topics)
        found = check_meeting(
            s,
            data,
            held=True,
            keep_orgs=[o.id for o in m.organisations],
            not_before=m.created_at.date(),
        )
        minutes, minute_problems = check_minutes(discussion, decisions)
        problems = {**found.problems, **minute_problems}
        if "topics" in problems and topics is None:
            problems["topics"] = (
                "会议计划中没有选择议题类别。请先“修改”会议，选择至少一项议题类别。"
            )
        if problems:
            raise InvalidInput(problems)
        before = snapshot(m)
        planned = m.held_at
        for key in ("held_at", "participants", "topics"):
            setattr(m, key, found.values[key])
        for key, value in minutes.items():
            setattr(m, key, value)
        m.organisations = found.organisations
        m.status = S.HELD
        moved = f"，原计划{when_text(planned)}" if m.held_at != planned else ""
        record_change(uow, m, before, f"登记会议已召开（{when_text(m.held_at)}{moved}）")


def cancel(
    ctx: ServiceContext, meeting_id: int, reason: str, expected_version: int | None = None
) -> None:
    """A planned meeting will not take place: 已取消, the reason kept in the note and
    the audit trail; the clock stops. Only a planned meeting can be cancelled."""
    with ctx.uow() as uow:
        s = uow.session
        m = load(s, meeting_id)
        require(m, (S.PLANNED,), "取消")
        check_version(m, expected_version)
        c = Checker()
        why = reason_text(c, "reason", reason, "取消会议的原因", "主要参会部门有紧急任务，改期召开")
        c.raise_if_any()
        before = snapshot(m)
        line = f"{clock.today():%Y-%m-%d}取消会议，原因：{why}"
        m.note = f"{m.note}\n{line}" if m.note else line
        m.status = S.CANCELLED
        record_change(uow, m, before, f"取消会议（原定{when_text(m.held_at)}）：{why}")


def update_minutes(
    ctx: ServiceContext,
    meeting_id: int,
    discussion: str | None,
    decisions: str | None,
    expected_version: int | None = None,
) -> None:
    """Correct the minutes (会议情况, 议定事项) of a meeting that took place."""
    with ctx.uow() as uow:
        s = uow.session
        m = load(s, meeting_id)
        require(m, (S.HELD,), "修改会议纪要内容")
        check_version(m, expected_version)
        values, problems = check_minutes(discussion, decisions)
        if problems:
            raise InvalidInput(problems)
        before = snapshot(m)
        for key, value in values.items():
            setattr(m, key, value)
        if snapshot(m) != before:
            record_change(uow, m, before, "修改会议情况和议定事项", AuditAction.UPDATE)


# --- follow-up actions ---------------------------------------------------------------------


def add_action(ctx: ServiceContext, meeting_id: int, data: FollowUpInput) -> int:
    """A follow-up action of a held meeting: what, who (an active organisation — the
    township, its team or a county department), by when (not before the meeting)."""
    with ctx.uow() as uow:
        s = uow.session
        m = load(s, meeting_id)
        require(m, (S.HELD,), "添加落实事项")
        values, problems = check_action(s, m, data)
        if problems:
            raise InvalidInput(problems)
        a = FollowUpAction(meeting_id=m.id, status=A.OPEN, **values)
        s.add(a)
        uow.flush()
        after = action_snapshot(s, a)
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            m.id,
            f"{m.serial} 新增落实事项：{a.description}（责任单位：{after['owner_org']}，"
            f"完成时限：{cn_date(a.due_on) if a.due_on else ''}）",
            after=after,
        )
        return a.id


def _note(old: str | None, line: str | None) -> str | None:
    return "\n".join(x for x in (old, line) if x) or None


def complete_action(
    ctx: ServiceContext, action_id: int, done_on: date, note: str | None = None
) -> None:
    """An open action was carried out on ``done_on`` (not in the future, not before
    the meeting); ``note``: how (落实情况), added to the action's note."""
    with ctx.uow() as uow:
        s = uow.session
        a = load_action(s, action_id)
        m = load(s, a.meeting_id)
        if a.status == A.DONE:
            when = cn_date(a.done_on) if a.done_on else ""
            raise RuleViolation(
                f"落实事项「{a.description[:30]}」已于{when}完成。如需重新办理，请先“重新打开”。"
            )
        c = Checker()
        done = done_day(c, m, done_on)
        text = c.text("note", note, "落实情况", DESCRIPTION_MAX)
        c.raise_if_any()
        before = action_snapshot(s, a)
        a.status, a.done_on, a.note = A.DONE, done, _note(a.note, text)
        uow.flush()
        _audit_action(uow, m, a, before, f"落实事项已完成（{cn_date(done) if done else ''}）")


def reopen_action(ctx: ServiceContext, action_id: int, reason: str) -> None:
    """A done action turns out unfinished: open again (back on the dashboard), its
    completion date cleared; the reason is required and kept in its note."""
    with ctx.uow() as uow:
        s = uow.session
        a = load_action(s, action_id)
        m = load(s, a.meeting_id)
        if a.status != A.DONE:
            raise RuleViolation(f"落实事项「{a.description[:30]}」尚未完成，无需重新打开。")
        c = Checker()
        why = reason_text(c, "reason", reason, "重新打开的原因", "复查发现仍有占道经营")
        c.raise_if_any()
        before = action_snapshot(s, a)
        a.status, a.done_on = A.OPEN, None
        a.note = _note(a.note, f"{clock.today():%Y-%m-%d}重新打开，原因：{why}")
        uow.flush()
        _audit_action(uow, m, a, before, f"落实事项重新打开：{why}")


def _audit_action(
    uow: UnitOfWork, m: Meeting, a: FollowUpAction, before: dict[str, Any], summary: str
) -> None:
    """One audit entry on the meeting: what changed, and which action it was."""
    b, after = audit.diff(before, action_snapshot(uow.session, a))
    for key in ("action_id", "action_description"):
        b[key] = after[key] = before[key]
    uow.audit(
        AuditAction.STATUS,
        RECORD,
        m.id,
        f"{m.serial} {summary}：{a.description}",
        before=b,
        after=after,
    )


def list_actions(ctx: ServiceContext, meeting_id: int) -> list[ActionRow]:
    """The meeting's follow-up actions in the order they were added."""
    today = clock.today()
    with ctx.read() as s:
        m = load(s, meeting_id)
        return [
            ActionRow(
                id=a.id,
                description=a.description,
                owner_name=a.owner_org.name if a.owner_org else "",
                due_on=a.due_on,
                status=A(a.status),
                status_label=A.label_of(a.status),
                done_on=a.done_on,
                note=a.note,
                overdue=a.status == A.OPEN and a.due_on is not None and a.due_on < today,
            )
            for a in m.actions
        ]


def touch(m: Meeting) -> None:
    """A new version of the meeting when only its organisations changed."""
    attributes.flag_modified(m, "updated_at")
