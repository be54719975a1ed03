"""紧急情况通知 (seed 三（四）): a serious public-order or safety hazard found during
enforcement that is in another department's remit is notified at once; the
department must send officers at once; one that cannot give a reason and still
refuses is reported to the county government (拒不处理情况报告).

The use cases the GUI and the headless commands share:

* the notice: :func:`validate_notice` while the form is filled, :func:`create`
  (its 台账编号; the clock "立即派员处置" runs), :func:`update` (a correction, any
  time; the department only until it has answered), :func:`load_input`;
* its life (:mod:`urgent_notice_flow`): :func:`record_response` (officers
  arrived), :func:`record_refusal` (with a reason: closed; without: to be
  reported the same day), :func:`record_report` with the issued 拒不处理情况报告,
  :func:`record_report_reply` (what the county government did);
* :func:`get`, :func:`history`, :func:`allowed_actions`.

Split for size, everything re-exported here (the one module callers import):
:mod:`urgent_notice_forms` (the form, its checks, the department rule),
:mod:`urgent_notice_flow` (the life of a notice and its clock).
"""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, OrgKind
from desktop_app.services import audit, scope
from desktop_app.services.context import ServiceContext, check_version
from desktop_app.services.errors import InvalidInput, NotFound
from desktop_app.services.record_history import HistoryRow, record_history
from desktop_app.services.serials import next_serial
from desktop_app.services.urgent_notice_flow import (
    AT_ONCE_CLOCK,
    AWAITING_COUNTY,
    RECORD,
    REPORT_CLOCK,
    S,
    clock_of,
    dept_name,
    load,
    record_refusal,
    record_report,
    record_report_reply,
    record_response,
    waited,
)
from desktop_app.services.urgent_notice_forms import (
    NoticeInput,
    check_notice,
    department_choices,
    validate_notice,
)
from desktop_app.storage.models import UrgentNotice

__all__ = [
    "ACTIONS",
    "AT_ONCE_CLOCK",
    "AWAITING_COUNTY",
    "REPORT_CLOCK",
    "HistoryRow",
    "NoticeInput",
    "allowed_actions",
    "create",
    "department_choices",
    "get",
    "history",
    "load_input",
    "record_refusal",
    "record_report",
    "record_report_reply",
    "record_response",
    "update",
    "validate_notice",
]

ACTIONS = frozenset({"edit", "respond", "refuse", "report", "report_reply"})


def create(ctx: ServiceContext, data: NoticeInput) -> int:
    """登记紧急情况通知 with its 台账编号; the clock "立即派员处置" starts at the
    time of notice."""
    with ctx.uow() as uow:
        s = uow.session
        values, problems = check_notice(s, data)
        if problems:
            raise InvalidInput(problems)
        n = UrgentNotice(
            serial=next_serial(s, UrgentNotice, clock.today().year),
            status=S.NOTIFIED,
            created_by_id=ctx.operator_id,
            **values,
        )
        n.deadline_at, n.deadline_what = clock_of(n)
        s.add(n)
        uow.flush()
        delay = waited(n.found_at, n.notified_at) if n.notified_at else ""
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            n.id,
            f"{n.serial} 登记紧急情况通知：{_short(n.hazard)}（通知{dept_name(s, n)}，"
            f"{n.notice_method}，发现后{delay}通知）",
            after=audit.snapshot(n),
        )
        return n.id


def update(
    ctx: ServiceContext,
    notice_id: int,
    data: NoticeInput,
    expected_version: int | None = None,
) -> None:
    """Correct a notice. Its times stay in order with the steps recorded since; the
    department is fixed once it has answered; the clock follows the time of notice."""
    with ctx.uow() as uow:
        s = uow.session
        n = load(s, notice_id)
        check_version(n, expected_version)
        values, problems = check_notice(s, data, n)
        if problems:
            raise InvalidInput(problems)
        before = audit.snapshot(n)
        for key, value in values.items():
            setattr(n, key, value)
        n.deadline_at, n.deadline_what = clock_of(n)
        uow.flush()
        b, after = audit.diff(before, audit.snapshot(n))
        if after:
            uow.audit(AuditAction.UPDATE, RECORD, n.id, f"{n.serial} 修改", before=b, after=after)


def get(ctx: ServiceContext, notice_id: int) -> UrgentNotice:
    """The notice with its department loaded (usable after the read)."""
    with ctx.read() as s:
        options = [selectinload(UrgentNotice.department)]
        n = scope.get_visible(s, UrgentNotice, notice_id, ctx, options=options)
        if n is None:
            raise NotFound(_missing(notice_id))
        return n


def _missing(notice_id: int) -> str:
    return f"紧急情况通知记录 {notice_id} 不存在或已被删除。"


def load_input(ctx: ServiceContext, notice_id: int) -> tuple[NoticeInput, int]:
    """A stored notice as the form, with the version to pass back to :func:`update`."""
    n = get(ctx, notice_id)
    data = NoticeInput(
        department_id=n.department_id,
        hazard=n.hazard,
        place=n.place,
        found_at=n.found_at,
        notified_at=n.notified_at,
        notice_method=n.notice_method,
        notified_person=n.notified_person,
        linked_type=n.linked_type,
        linked_id=n.linked_id,
        note=n.note,
    )
    return data, n.version


def history(ctx: ServiceContext, notice_id: int) -> list[HistoryRow]:
    """The notice's audit entries (and its letters'), oldest first."""
    with ctx.read() as s:
        load(s, notice_id)
        scope.require_visible(s, UrgentNotice, notice_id, ctx, _missing(notice_id))
        return record_history(s, RECORD, UrgentNotice, notice_id)


def allowed_actions(ctx: ServiceContext, notice_id: int) -> set[str]:
    """The actions that apply now, a subset of :data:`ACTIONS` (the GUI's buttons).

    Corrections ("edit") any time; the department's answer ("respond" or
    "refuse") while it has not answered; "report" once it refused without a
    reason (the issued 拒不处理情况报告 is checked when it is carried out);
    "report_reply" once reported."""
    with ctx.read() as s:
        n = load(s, notice_id)
        st = n.status
        scope.require_visible(s, UrgentNotice, notice_id, ctx, _missing(notice_id))
        government = ctx.org_kind == OrgKind.COUNTY_GOVERNMENT.value
        receiver = scope.receiver_only(ctx, n, ctx.org_id if government else n.department_id)
    if receiver is not None:  # another organisation's notice: the receiver's own answer
        if government:  # the 拒不处理情况报告 went to it
            return {"report_reply"} if receiver and st == S.REPORTED else set()
        return {"respond"} if receiver and st == S.NOTIFIED else set()
    acts = {"edit"}
    if st == S.NOTIFIED:
        acts |= {"respond", "refuse"}
    elif st == S.REFUSED:
        acts.add("report")
    elif st == S.REPORTED:
        acts.add("report_reply")
    return acts


def _short(text: str, n: int = 40) -> str:
    s = " ".join(text.split())
    return s if len(s) <= n else s[: n - 1] + "…"
