"""执法协助制度 (seed 三（五）): the township asks a county department in writing for
a technical determination (技术支撑/认定), for its archives (查阅、复制档案), or for
officers on site at once (现场处置) when the matter is urgent or evidence may be lost.

The use cases the GUI and the headless commands share:

* the request: :func:`validate_request` while the form is filled,
  :func:`create` (a draft with its 台账编号), :func:`update` and
  :func:`load_input` while it is a draft, :func:`linkable` to pick the case,
  transfer or complaint it serves;
* its life (:mod:`assistance_flow`): :func:`mark_sent` with the issued
  执法协助函 (the clock starts: 5 working days, or officers at once),
  :func:`record_arrival`, :func:`extend` (情况特殊, told in advance),
  :func:`record_reply` (the clock stops; files kept, and evidence of the case),
  :func:`record_refusal` (推诿、刁难), :func:`record_reminder` with the issued
  催办函 once overdue, :func:`withdraw`;
* :func:`allowed_actions`, :func:`history`, :func:`extensions`.

Split for size, everything re-exported here (the one module callers import):
:mod:`assistance_forms` (the form, its checks, the link picker),
:mod:`assistance_flow` (the life of a request), :mod:`assistance_common`
(loading, the department rule, the clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import selectinload

from desktop_app.domain import clock, deadlines
from desktop_app.domain.terms import AuditAction
from desktop_app.services import audit, scope
from desktop_app.services import calendar as calendar_service
from desktop_app.services.assistance_common import (
    AT_ONCE_CLOCK,
    RECORD,
    WRITTEN_CLOCK,
    S,
    awaiting_officers,
    load,
    needs_officers,
    record_change,
    require,
    written_due,
)
from desktop_app.services.assistance_flow import (
    extend,
    mark_sent,
    record_arrival,
    record_refusal,
    record_reminder,
    record_reply,
    withdraw,
)
from desktop_app.services.assistance_forms import (
    AssistanceInput,
    LinkChoice,
    check_request,
    link_choice,
    linkable,
    validate_request,
)
from desktop_app.services.context import ServiceContext, check_version
from desktop_app.services.errors import NotFound
from desktop_app.services.record_history import HistoryRow, record_history
from desktop_app.services.referral_forms import raise_problems
from desktop_app.services.serials import next_serial
from desktop_app.storage.models import AssistanceRequest

__all__ = [
    "ACTIONS",
    "AT_ONCE_CLOCK",
    "WRITTEN_CLOCK",
    "AssistanceInput",
    "ExtensionRow",
    "HistoryRow",
    "LinkChoice",
    "allowed_actions",
    "create",
    "deadline_preview",
    "extend",
    "extensions",
    "get",
    "history",
    "link_choice",
    "linkable",
    "load_input",
    "mark_sent",
    "record_arrival",
    "record_refusal",
    "record_reminder",
    "record_reply",
    "update",
    "validate_request",
    "withdraw",
]

ACTIONS = frozenset({"edit", "send", "arrival", "extend", "reply", "refuse", "remind", "withdraw"})


@dataclass(frozen=True)
class ExtensionRow:
    old_deadline_at: datetime | None
    new_deadline_at: datetime
    reason: str
    told_on: date | None
    created_at: datetime


# --- the draft --------------------------------------------------------------------------------


def create(ctx: ServiceContext, data: AssistanceInput) -> int:
    """A new request (草稿) with its 台账编号; no clock runs until it is sent."""
    with ctx.uow() as uow:
        s = uow.session
        values, problems, rules = check_request(s, data)
        raise_problems(problems, rules)
        a = AssistanceRequest(
            serial=next_serial(s, AssistanceRequest, clock.today().year),
            status=S.DRAFT,
            created_by_id=ctx.operator_id,
            **values,
        )
        s.add(a)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            a.id,
            f"{a.serial} 新增执法协助请求：{a.subject}",
            after=audit.snapshot(a),
        )
        return a.id


def update(
    ctx: ServiceContext,
    request_id: int,
    data: AssistanceInput,
    expected_version: int | None = None,
) -> None:
    """Edit a request not yet sent (a letter issued before stays valid only if its
    department and subject are unchanged; :func:`mark_sent` checks)."""
    with ctx.uow() as uow:
        s = uow.session
        a = load(s, request_id)
        require(a, (S.DRAFT,), "修改")
        check_version(a, expected_version)
        values, problems, rules = check_request(s, data)
        raise_problems(problems, rules)
        before = audit.snapshot(a)
        for key, value in values.items():
            setattr(a, key, value)
        uow.flush()
        if audit.diff(before, audit.snapshot(a))[1]:
            record_change(uow, a, before, "修改", calendar_service.load(s), AuditAction.UPDATE)


def get(ctx: ServiceContext, request_id: int) -> AssistanceRequest:
    """The request with its department and extensions loaded (usable after the read)."""
    with ctx.read() as s:
        a = scope.get_visible(
            s,
            AssistanceRequest,
            request_id,
            ctx,
            options=[
                selectinload(AssistanceRequest.extensions),
                selectinload(AssistanceRequest.department),
            ],
        )
        if a is None:
            raise NotFound(f"执法协助记录 {request_id} 不存在或已被删除。")
        return a


def load_input(ctx: ServiceContext, request_id: int) -> tuple[AssistanceInput, int]:
    """A stored request as the form, with the version to pass back to :func:`update`."""
    a = get(ctx, request_id)
    data = AssistanceInput(
        kind=a.kind,
        department_id=a.department_id,
        subject=a.subject,
        questions=a.questions,
        materials_sent=a.materials_sent,
        urgent=bool(a.urgent),
        linked_type=a.linked_type,
        linked_id=a.linked_id,
        note=a.note,
    )
    return data, a.version


# --- reading ----------------------------------------------------------------------------------


def deadline_preview(ctx: ServiceContext, requested_on: date) -> deadlines.Deadline:
    """The written answer's due date if the request is sent on ``requested_on``
    (5 working days, the start day not counted) — what the send dialog shows."""
    with ctx.read() as s:
        return deadlines.assistance_deadline(requested_on, calendar_service.load(s))


def extensions(ctx: ServiceContext, request_id: int) -> list[ExtensionRow]:
    """The request's extensions, oldest first (each keeps the deadline it replaced)."""
    a = get(ctx, request_id)
    return [
        ExtensionRow(e.old_deadline_at, e.new_deadline_at, e.reason, e.told_on, e.created_at)
        for e in a.extensions
    ]


def history(ctx: ServiceContext, request_id: int) -> list[HistoryRow]:
    """The record's audit entries (and its letters'), oldest first."""
    with ctx.read() as s:
        load(s, request_id, ctx)
        return record_history(s, RECORD, AssistanceRequest, request_id)


def allowed_actions(ctx: ServiceContext, request_id: int) -> set[str]:
    """The actions that apply now, a subset of :data:`ACTIONS` (the GUI's buttons).

    Status and dates decide: "remind" only once the written answer is overdue,
    "arrival" only for an urgent / on-site request whose officers are not yet
    recorded, "extend" only while the written-answer clock runs. The checks of
    the action itself (the issued letter, dates in order, texts given) run
    when it is carried out.
    """
    with ctx.read() as s:
        a = load(s, request_id, ctx)
        cal = calendar_service.load(s)
        st = a.status
        receiver = scope.receiver_only(ctx, a, a.department_id)
        if receiver is not None:  # another organisation's request: the department's answers
            if not receiver or st not in (S.SENT, S.REFUSED):
                return set()
            told = {"extend"} if st == S.SENT and not awaiting_officers(a) else set()
            return {"reply"} | told
        arrival = {"arrival"} if needs_officers(a) and a.officers_arrived_at is None else set()
        if st == S.DRAFT:
            return {"edit", "send", "withdraw"}
        overdue = a.requested_on is not None and written_due(a, cal).date() < clock.today()
        if st == S.REFUSED:  # stalling is chased with a 催办函 once the answer is late
            return {"reply", "withdraw"} | ({"remind"} if overdue else set())
        if st == S.REPLIED:
            return arrival
        if st != S.SENT:
            return set()
        acts = {"reply", "refuse", "withdraw"} | arrival
        if not awaiting_officers(a):
            acts.add("extend")
        if overdue:
            acts.add("remind")
        return acts
