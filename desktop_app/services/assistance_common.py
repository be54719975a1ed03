"""执法协助: what the assistance use cases share — loading, the status guard, the
department rule, the linked record and the clock.

The clock (``deadline_at`` / ``deadline_what``) runs only while a request is
SENT (seed 三（五）):

* normal: the written opinion and evidence within 5 working days of the written
  request (``requested_on``, the start day not counted) — "书面答复期限";
* urgent, or on-site disposal (情况紧急或证据可能灭失): officers on site at once,
  so the clock is due at the moment the request was sent — "立即派员现场处置";
  once they have arrived the on-site clock stops and the written opinion and
  evidence are still owed on the 5-working-day clock (the 执法协助函 asks for
  them: 将现场处置情况书面告知我镇，并移交相关证据材料);
* extended (情况特殊, the department told in advance): the agreed date of the
  latest extension replaces the 5 working days; no calendar moves it;
* reminded (催办): the department is late, so the date stays; the clock's name
  says it was chased.

A reply, a refusal and a withdrawal stop the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.domain import deadlines
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import (
    AssistanceKind,
    AssistanceStatus,
    AuditAction,
    OrgKind,
    RecordType,
)
from desktop_app.services import audit, scope
from desktop_app.services.context import ServiceContext, UnitOfWork
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.services.organisations import may_act_in_own_name
from desktop_app.storage.models import (
    AssistanceRequest,
    Complaint,
    EnforcementCase,
    Organisation,
    Referral,
)

RECORD = RecordType.ASSISTANCE
S = AssistanceStatus

WRITTEN_CLOCK = "书面答复期限"
AT_ONCE_CLOCK = "立即派员现场处置"
EXTENDED_MARK = "已延期"
REMINDED_MARK = "已催办"

# Seed 三（五）: the request goes to a county-level functional department (县级职能部门);
# the county public security bureau is one. A body that may not act in its own name
# (内设机构、直属机构、派出机构 without a legal basis) cannot give the written opinion
# that serves as evidence, by the same rule as a transfer (三（一）4).
DEPARTMENT_KINDS = frozenset(
    {OrgKind.COUNTY_DEPARTMENT, OrgKind.PUBLIC_SECURITY, OrgKind.INTERNAL_UNIT}
)

# What a request may be linked to (the LinkedRecord columns).
LINK_MODELS: dict[str, Any] = {
    RecordType.CASE.value: EnforcementCase,
    RecordType.REFERRAL.value: Referral,
    RecordType.COMPLAINT.value: Complaint,
}


def load(session: Session, request_id: int, ctx: ServiceContext | None = None) -> AssistanceRequest:
    """The record; with ``ctx``, only one it may see (services/scope.py), else not found."""
    if ctx is None:
        a = session.get(AssistanceRequest, request_id)
    else:
        a = scope.get_visible(session, AssistanceRequest, request_id, ctx)
    if a is None:
        raise NotFound(f"执法协助记录 {request_id} 不存在或已被删除。")
    return a


def require(a: AssistanceRequest, statuses: Iterable[AssistanceStatus], action: str) -> None:
    statuses = tuple(statuses)
    if a.status not in statuses:
        allowed = "、".join(f"「{s.label}」" for s in statuses)
        raise RuleViolation(
            f"执法协助 {a.serial} 当前状态为「{S.label_of(a.status)}」，不能{action}"
            f"（只有{allowed}状态可以）。"
        )


# --- the department (seed 三（五）, 三（一）4) ----------------------------------------------


def department_problem(session: Session, org: Organisation | None) -> str | None:
    """Why ``org`` may not receive an assistance request, or None."""
    if org is None:
        return "所选部门不存在，请重新选择。"
    if not org.active:
        return f"「{org.name}」已停用，不能作为被请求部门。"
    if org.kind not in DEPARTMENT_KINDS:
        return (
            f"执法协助应书面函告县级职能部门（机制 三（五）），「{org.name}」是"
            f"{OrgKind.label_of(org.kind)}，不能作为被请求部门。"
        )
    ok, _ = may_act_in_own_name(org)
    if ok:
        return None
    parent = session.get(Organisation, org.parent_id) if org.parent_id else None
    if org.kind == OrgKind.INTERNAL_UNIT:
        where = (
            f"请向其所属的「{parent.name}」函告。"
            if parent is not None and parent.kind in DEPARTMENT_KINDS
            else "请向有关县级职能部门函告。"
        )
        return (
            f"「{org.name}」是内设机构、直属机构或派出机构，不能以自己的名义出具书面意见和证据材料"
            f"（法律、法规、规章明确规定的除外，需在单位信息中记录依据）。{where}"
        )
    return f"「{org.name}」在单位信息中被标记为不能以自己的名义对外办理，不能作为被请求部门。"


# --- the linked record --------------------------------------------------------------------


def linked_record(session: Session, a: AssistanceRequest) -> Any | None:
    model = LINK_MODELS.get(a.linked_type or "")
    if model is None or a.linked_id is None:
        return None
    return session.get(model, a.linked_id)


def linked_case(session: Session, a: AssistanceRequest) -> EnforcementCase | None:
    """The case the request serves: the linked case, or the case filed from the linked
    transfer or complaint (立案 from a received transfer or a verified complaint)."""
    found = linked_record(session, a)
    if isinstance(found, EnforcementCase):
        return found
    case_id = getattr(found, "case_id", None)
    return session.get(EnforcementCase, case_id) if case_id else None


# --- the clock ---------------------------------------------------------------------------


def needs_officers(a: AssistanceRequest) -> bool:
    """情况紧急或证据可能灭失: the department must send officers on site at once."""
    return bool(a.urgent) or a.kind == AssistanceKind.ON_SITE


def awaiting_officers(a: AssistanceRequest) -> bool:
    return needs_officers(a) and a.officers_arrived_at is None


def written_due(a: AssistanceRequest, cal: WorkCalendar, start: date | None = None) -> datetime:
    """When the written opinion and evidence are due: the latest extension's date, else
    5 working days from the written request (``start`` when not yet sent)."""
    if a.extensions:
        return a.extensions[-1].new_deadline_at
    begin = a.requested_on or start
    if begin is None:
        raise ValueError("the request has not been sent")
    return deadlines.assistance_deadline(begin, cal).due_at


def clock_of(a: AssistanceRequest, cal: WorkCalendar) -> tuple[datetime | None, str | None]:
    """(deadline_at, deadline_what) of the request's running clock."""
    if a.status != S.SENT or a.requested_on is None:
        return None, None
    marks = [EXTENDED_MARK] if a.extensions else []
    if a.reminder_sent_on is not None:
        marks.append(REMINDED_MARK)
    tail = f"（{'、'.join(marks)}）" if marks else ""
    if awaiting_officers(a):
        return a.sent_at, AT_ONCE_CLOCK + tail
    return written_due(a, cal), WRITTEN_CLOCK + tail


def when_text(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if deadlines.is_end_of_day(value):
            return f"{value:%Y-%m-%d}"
        return f"{value:%Y-%m-%d %H:%M}"
    return f"{value:%Y-%m-%d}"


# --- audit ---------------------------------------------------------------------------------


def record_change(
    uow: UnitOfWork,
    a: AssistanceRequest,
    before: dict[str, Any],
    summary: str,
    cal: WorkCalendar,
    action: AuditAction = AuditAction.STATUS,
) -> None:
    """Bring the clock up to date and write one audit entry with before and after."""
    uow.flush()
    a.deadline_at, a.deadline_what = clock_of(a, cal)
    uow.flush()
    b, after = audit.diff(before, audit.snapshot(a))
    uow.audit(action, RECORD, a.id, f"{a.serial} {summary}", before=b, after=after)
