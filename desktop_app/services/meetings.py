"""联合执法协商制度 (seed 三（四）): the ledger of consultation meetings (协商会议)
with the county departments and of the follow-up actions they decide.

The use cases the GUI and the headless commands share:

* the meeting: :func:`validate_meeting` while the form is filled;
  :func:`plan` (计划召开: a future meeting whose clock — its planned time — shows
  on the dashboard and stays overdue until it is held or cancelled) or
  :func:`record` (a meeting already held, entered afterwards, with its minutes);
  :func:`update` and :func:`load_input`; :func:`linkable` / :func:`link_choice`
  to pick the case, transfer or complaint a special meeting studies;
* its life (:mod:`meeting_flow`): :func:`hold`, :func:`cancel`,
  :func:`update_minutes`;
* follow-up actions (落实事项): :func:`add_action`, :func:`complete_action`,
  :func:`reopen_action`, :func:`list_actions`;
* :func:`allowed_actions`, :func:`get`, :func:`history`.

The regular-meeting reminder (定期召开, cadence in settings) is the dashboard's.
Split for size, everything re-exported here (the one module callers import):
:mod:`meeting_forms` (the forms, their checks, what the use cases share),
:mod:`meeting_flow` (the life of a meeting and its actions).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, MeetingKind
from desktop_app.services import scope
from desktop_app.services.assistance_forms import LinkChoice, link_choice, linkable
from desktop_app.services.context import ServiceContext, check_version
from desktop_app.services.errors import InvalidInput
from desktop_app.services.meeting_flow import (
    ActionRow,
    add_action,
    cancel,
    complete_action,
    hold,
    list_actions,
    reopen_action,
    touch,
    update_minutes,
)
from desktop_app.services.meeting_forms import (
    CLOCK,
    RECORD,
    Checked,
    FollowUpInput,
    MeetingInput,
    S,
    actions_problem,
    as_input,
    check_meeting,
    check_minutes,
    load,
    record_change,
    require,
    run_clock,
    snapshot,
    when_text,
)
from desktop_app.services.record_history import HistoryRow, record_history
from desktop_app.services.serials import next_serial
from desktop_app.storage.models import Meeting

__all__ = [
    "ACTIONS",
    "CLOCK",
    "ActionRow",
    "FollowUpInput",
    "HistoryRow",
    "LinkChoice",
    "MeetingInput",
    "add_action",
    "allowed_actions",
    "cancel",
    "complete_action",
    "get",
    "history",
    "hold",
    "link_choice",
    "linkable",
    "list_actions",
    "load_input",
    "plan",
    "record",
    "reopen_action",
    "update",
    "update_minutes",
    "validate_meeting",
]

ACTIONS = frozenset({"edit", "hold", "cancel", "minutes_edit", "add_action"})


# --- the form ------------------------------------------------------------------------------


def _check_stored(session: Session, m: Meeting, data: MeetingInput) -> Checked:
    """The form of a stored meeting, by the rules of its status: a planned one may
    keep its (passed) time or move to a new one from now on; a held one has
    taken place, and its follow-ups stay on or after its day."""
    keep = [o.id for o in m.organisations]
    if m.status == S.PLANNED:
        return check_meeting(session, data, held=False, keep_orgs=keep, keep_time=m.held_at)
    found = check_meeting(session, data, held=True, keep_orgs=keep)
    if "held_at" not in found.problems:
        why = actions_problem(m, found.values["held_at"])
        if why:
            found.problems["held_at"] = why
    return found


def validate_meeting(
    ctx: ServiceContext,
    data: MeetingInput,
    held: bool | None = None,
    meeting_id: int | None = None,
) -> dict[str, str]:
    """Every problem of the form, keyed by field (the dataclass's); nothing is written.

    ``meeting_id``: the meeting being edited (checked by the rules of its status).
    Otherwise ``held`` says whether it is recorded as held (:func:`record`) or
    planned (:func:`plan`); None: held when its time is not after now.
    """
    with ctx.read() as s:
        if meeting_id is not None:
            return _check_stored(s, load(s, meeting_id), data).problems
        if held is None:
            held = isinstance(data.held_at, datetime) and data.held_at <= clock.now()
        return check_meeting(s, data, held=held).problems


def _create(
    ctx: ServiceContext, data: MeetingInput, held: bool, minutes: tuple[Any, Any] | None
) -> int:
    with ctx.uow() as uow:
        s = uow.session
        found = check_meeting(s, data, held=held)
        problems = dict(found.problems)
        values: dict[str, Any] = dict(found.values)
        if minutes is not None:
            extra, minute_problems = check_minutes(*minutes)
            values.update(extra)
            problems.update(minute_problems)
        if problems:
            raise InvalidInput(problems)
        m = Meeting(
            serial=next_serial(s, Meeting, clock.today().year),
            status=S.HELD if held else S.PLANNED,
            created_by_id=ctx.operator_id,
            **values,
        )
        m.organisations = found.organisations
        run_clock(m)
        s.add(m)
        uow.flush()
        kind = MeetingKind.label_of(m.kind)
        what = "登记已召开的" if held else "计划召开"
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            m.id,
            f"{m.serial} {what}{kind}：{m.subject}（{when_text(m.held_at)}）",
            after=snapshot(m),
        )
        return m.id


def plan(ctx: ServiceContext, data: MeetingInput) -> int:
    """A meeting to be held (计划召开) at ``data.held_at`` — now or later, within a
    year. Its clock ("计划召开", due at that time) shows on the dashboard until it
    is recorded as held (:func:`hold`) or cancelled (:func:`cancel`)."""
    return _create(ctx, data, held=False, minutes=None)


def record(
    ctx: ServiceContext, data: MeetingInput, discussion: str | None, decisions: str | None
) -> int:
    """A meeting that already took place (``held_at`` not in the future), entered
    afterwards with its minutes; no clock runs. At least one topic is required."""
    return _create(ctx, data, held=True, minutes=(discussion, decisions))


def update(
    ctx: ServiceContext,
    meeting_id: int,
    data: MeetingInput,
    expected_version: int | None = None,
) -> None:
    """Correct a planned or held meeting (a cancelled one stays as it was).

    A planned meeting may be moved to a new time (改期, from now on) and its
    clock follows; left unchanged, a time that has passed stays overdue.
    The minutes of a held meeting are edited with :func:`update_minutes`.
    """
    with ctx.uow() as uow:
        s = uow.session
        m = load(s, meeting_id)
        require(m, (S.PLANNED, S.HELD), "修改")
        check_version(m, expected_version)
        found = _check_stored(s, m, data)
        if found.problems:
            raise InvalidInput(found.problems)
        before = snapshot(m)
        old_time = m.held_at
        for key, value in found.values.items():
            setattr(m, key, value)
        if {o.id for o in found.organisations} != {o.id for o in m.organisations}:
            m.organisations = found.organisations
            touch(m)
        if snapshot(m) == before:
            return
        summary = "修改"
        if m.status == S.PLANNED and m.held_at != old_time:
            summary = f"修改（改期：{when_text(old_time)} → {when_text(m.held_at)}）"
        record_change(uow, m, before, summary, AuditAction.UPDATE)


def load_input(ctx: ServiceContext, meeting_id: int) -> tuple[MeetingInput, int]:
    """A stored meeting as the form, with the version to pass back to :func:`update`."""
    m = get(ctx, meeting_id)
    return as_input(m), m.version


# --- reading -------------------------------------------------------------------------------


def get(ctx: ServiceContext, meeting_id: int) -> Meeting:
    """The meeting with its organisations and follow-up actions (and their owners)
    loaded, usable after the read."""
    with ctx.read() as s:
        m = load(s, meeting_id)
        scope.require_visible(s, Meeting, meeting_id, ctx, _missing(meeting_id))
        return m


def _missing(meeting_id: int) -> str:
    return f"会议记录 {meeting_id} 不存在或已被删除。"


def history(ctx: ServiceContext, meeting_id: int) -> list[HistoryRow]:
    """The meeting's audit entries (its actions' included) and its letters', oldest first."""
    with ctx.read() as s:
        load(s, meeting_id)
        scope.require_visible(s, Meeting, meeting_id, ctx, _missing(meeting_id))
        return record_history(s, RECORD, Meeting, meeting_id)


def allowed_actions(ctx: ServiceContext, meeting_id: int) -> set[str]:
    """The actions that apply now, a subset of :data:`ACTIONS` (the GUI's buttons):
    planned → edit, hold, cancel; held → edit, minutes_edit, add_action;
    cancelled → none."""
    m = get(ctx, meeting_id)
    if scope.receiver_only(ctx, m, None) is not None:  # another organisation's: to read
        return set()
    if m.status == S.PLANNED:
        return {"edit", "hold", "cancel"}
    if m.status == S.HELD:
        return {"edit", "minutes_edit", "add_action"}
    return set()
