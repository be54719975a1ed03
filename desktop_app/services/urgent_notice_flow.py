"""紧急情况通知: the life of a notice (seed 三（四）) and its clock.

notified (the department must send officers at once) → responded (officers
arrived; closed) | refused_with_reason (the department said why it will not
act; closed) | refused (不能说明理由又拒不处理) → reported (the 拒不处理情况报告
went to the county government) → settled (what the county government did).

The clock (``deadline_at`` / ``deadline_what``):

* notified: "立即派员处置", due at the moment of notice — the seed says the
  department sends officers *at once* (立即), so any wait shows as overdue on the
  dashboard until the response or the refusal is recorded (as the at-once clock
  of an urgent assistance request);
* refused without a reason: "报告县人民政府", due at the end of the day of the
  refusal. The seed sets no period (应向县级人民政府报告); the hazard is serious
  and still there, so the report is due the same day. The refusal's moment is
  kept in ``response_note`` (printed in the report) and in the audit trail; the
  model has no column of its own for it;
* reported: no fixed deadline (the county government sets none), but the
  record stays open: ``deadline_what`` says "等待县人民政府处理" with no
  ``deadline_at`` (so it is not on the dashboard) until the county government's
  handling is recorded;
* responded, refused with a reason, settled: no clock.

Every action checks the status it starts from and the order of its times,
keeps the clock current and writes one audit entry with before and after.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.domain.deadlines import end_of_day
from desktop_app.domain.terms import AuditAction, OrgKind, RecordType, UrgentNoticeStatus
from desktop_app.domain.validators import check_date_order
from desktop_app.services import audit, scope
from desktop_app.services.context import ServiceContext, UnitOfWork
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.info_share_forms import is_real_reason
from desktop_app.services.letter_fields import cn_date, cn_time, issued_document
from desktop_app.services.letter_fields.consultation import refusal_report_title
from desktop_app.services.referral_common import moment
from desktop_app.storage.models import Document, Organisation, UrgentNotice

RECORD = RecordType.URGENT_NOTICE
S = UrgentNoticeStatus

AT_ONCE_CLOCK = "立即派员处置"
REPORT_CLOCK = "报告县人民政府"
AWAITING_COUNTY = "等待县人民政府处理"
REPORT_LETTER = "拒不处理情况报告"

NOTE_MAX = 2000
REASON_MAX = 1000


def load(session: Session, notice_id: int) -> UrgentNotice:
    n = session.get(UrgentNotice, notice_id)
    if n is None:
        raise NotFound(f"紧急情况通知记录 {notice_id} 不存在或已被删除。")
    return n


def require(n: UrgentNotice, statuses: Iterable[UrgentNoticeStatus], action: str) -> None:
    statuses = tuple(statuses)
    if n.status not in statuses:
        allowed = "、".join(f"「{s.label}」" for s in statuses)
        raise RuleViolation(
            f"紧急情况通知 {n.serial} 当前状态为「{S.label_of(n.status)}」，不能{action}"
            f"（只有{allowed}状态可以）。"
        )


def clock_of(n: UrgentNotice, refused_on: date | None = None) -> tuple[datetime | None, str | None]:
    """(deadline_at, deadline_what) of the notice; ``refused_on``: the day of a refusal
    being recorded (afterwards the stored due time is kept)."""
    if n.status == S.NOTIFIED:
        return n.notified_at, AT_ONCE_CLOCK
    if n.status == S.REFUSED:
        return (end_of_day(refused_on) if refused_on else n.deadline_at), REPORT_CLOCK
    if n.status == S.REPORTED:
        return None, AWAITING_COUNTY
    return None, None


def refused_on(n: UrgentNotice) -> date | None:
    """The day of a refusal without reason, while the report is due (its clock)."""
    if n.status == S.REFUSED and n.deadline_at is not None:
        return n.deadline_at.date()
    return None


def dept_name(session: Session, n: UrgentNotice) -> str:
    org = session.get(Organisation, n.department_id)
    return (org.short_name or org.name) if org else "通知部门"


def waited(start: datetime | None, end: datetime) -> str:
    """ "2小时05分钟" / "35分钟" between two moments."""
    if start is None:
        return ""
    minutes = max(0, int((end - start).total_seconds()) // 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours}小时{rest:02d}分钟" if hours else f"{rest}分钟"


def refusal_note(when: datetime, dept: str, with_reason: bool) -> str:
    """What the department did, kept in ``response_note`` (the report prints it)."""
    if with_reason:
        return f"{cn_time(when)}，{dept}答复不派执法人员处理，并说明了理由。"
    return f"截至{cn_time(when)}，{dept}接到通知后未说明理由，拒不派执法人员处理。"


def record_change(
    uow: UnitOfWork,
    n: UrgentNotice,
    before: dict[str, Any],
    summary: str,
    action: AuditAction = AuditAction.STATUS,
    refused: date | None = None,
) -> None:
    """Bring the clock up to date and write one audit entry with before and after
    (one flush: one new version per change)."""
    n.deadline_at, n.deadline_what = clock_of(n, refused)
    uow.flush()
    b, after = audit.diff(before, audit.snapshot(n))
    uow.audit(action, RECORD, n.id, f"{n.serial} {summary}", before=b, after=after)


def _order(c: Checker, field: str, earlier: Any, later: Any, first: str, second: str) -> None:
    if field not in c.problems:
        c.run(field, check_date_order, earlier, later, first, second)


# --- the department's answer ----------------------------------------------------------------


def record_response(
    ctx: ServiceContext, notice_id: int, arrived_at: datetime, note: str | None = None
) -> None:
    """The department sent officers (接到通知的部门应立即派执法人员进行处理): the clock
    stops. ``note``: what they did on site (处置情况)."""
    with ctx.uow() as uow:
        s = uow.session
        n = load(s, notice_id)
        require(n, (S.NOTIFIED,), "登记部门派员处置")
        scope.let_receiver(uow, n, n.department_id)  # the department's own answer
        c = Checker()
        when = moment(c, "arrived_at", arrived_at, "执法人员到场时间")
        _order(c, "arrived_at", n.notified_at, when, "通知时间", "执法人员到场时间")
        text = c.text("note", note, "处置情况", NOTE_MAX)
        c.raise_if_any()
        assert when is not None
        before = audit.snapshot(n)
        n.status, n.officers_arrived_at, n.response_note = S.RESPONDED, when, text
        summary = f"登记{dept_name(s, n)}执法人员到场（通知后{waited(n.notified_at, when)}）"
        record_change(uow, n, before, summary + (f"：{text}" if text else ""))


def record_refusal(ctx: ServiceContext, notice_id: int, on: datetime, reason: str | None) -> None:
    """The department will not send officers.

    With the reason it gave (``reason``): 部门未处置（已说明理由）, closed — the seed
    reports only a refusal without reason. Without one (None or blank):
    不能说明理由又拒不处理 — it must be reported to the county government, so the
    clock "报告县人民政府" runs to the end of that day. A placeholder such as
    「无」 is neither: the form asks to leave it blank or write the reason.
    """
    with ctx.uow() as uow:
        s = uow.session
        n = load(s, notice_id)
        require(n, (S.NOTIFIED,), "登记部门拒不处理")
        c = Checker()
        when = moment(c, "on", on, "拒不处理时间")
        _order(c, "on", n.notified_at, when, "通知时间", "拒不处理时间")
        why = c.text("reason", reason, "未处理理由", REASON_MAX)
        if why and not is_real_reason(why):
            c.fail(
                "reason",
                f"「{why}」不是理由。部门说明了理由的，请写明其理由；"
                "部门未说明理由又拒不处理的，请留空（将报告县人民政府）。",
            )
        c.raise_if_any()
        assert when is not None
        dept = dept_name(s, n)
        before = audit.snapshot(n)
        n.response_note = refusal_note(when, dept, bool(why))
        if why:
            n.status, n.refusal_reason = S.REFUSED_WITH_REASON, why
            record_change(uow, n, before, f"登记{dept}未处置（已说明理由：{why}）")
            return
        n.status, n.refusal_reason = S.REFUSED, None
        record_change(
            uow,
            n,
            before,
            f"登记{dept}拒不处理（未说明理由）；应于当日（{cn_date(when)}）报告县人民政府",
            refused=when.date(),
        )


# --- the report to the county government ---------------------------------------------------------


def _report_letter(session: Session, n: UrgentNotice) -> Document:
    """The issued, not voided 拒不处理情况报告 of the notice, about its department."""
    doc = issued_document(session, RECORD, n.id, "refusal_report")
    if doc is None:
        raise RuleViolation(
            f"紧急情况通知 {n.serial} 还没有出具{REPORT_LETTER}（或已出具的已作废）。"
            f"请先在“文书”中出具{REPORT_LETTER}，再登记报告县人民政府。"
        )
    org = session.get(Organisation, n.department_id)
    if org is None or doc.title != refusal_report_title(org.name):
        raise RuleViolation(
            f"已出具的{REPORT_LETTER}（{doc.number or doc.title}）与紧急情况通知 {n.serial} "
            f"现在的通知部门不一致。请作废该报告、重新出具后，再登记报告县人民政府。"
        )
    return doc


def record_report(ctx: ServiceContext, notice_id: int, reported_at: datetime) -> None:
    """对接到通知后不能说明理由又拒不处理的，应向县级人民政府报告: needs the issued
    拒不处理情况报告; the record then waits for the county government's handling."""
    with ctx.uow() as uow:
        s = uow.session
        n = load(s, notice_id)
        require(n, (S.REFUSED,), "登记报告县人民政府")
        doc = _report_letter(s, n)
        c = Checker()
        when = moment(c, "reported_at", reported_at, "报告县人民政府时间")
        _order(c, "reported_at", refused_on(n), when, "拒不处理日期", "报告县人民政府时间")
        _order(c, "reported_at", n.notified_at, when, "通知时间", "报告县人民政府时间")
        if when is not None and "reported_at" not in c.problems and when.date() < doc.issued_on:
            c.fail(
                "reported_at",
                f"「报告县人民政府时间」不能早于{REPORT_LETTER}的成文日期（{doc.issued_on:%Y-%m-%d}）",
            )
        c.raise_if_any()
        assert when is not None
        due = n.deadline_at
        before = audit.snapshot(n)
        n.status, n.reported_at = S.REPORTED, when
        late = f"（逾期：应于{cn_date(due)}报告）" if due is not None and when > due else ""
        record_change(
            uow,
            n,
            before,
            f"报告县人民政府（{doc.number or REPORT_LETTER}，{cn_time(when)}）{late}；"
            "等待县人民政府处理",
        )


def record_report_reply(ctx: ServiceContext, notice_id: int, at: datetime, text: str) -> None:
    """What the county government did about the report (督促、协调、责令…): settled."""
    with ctx.uow() as uow:
        s = uow.session
        n = load(s, notice_id)
        require(n, (S.REPORTED,), "登记县人民政府处理情况")
        if uow.ctx.org_kind == OrgKind.COUNTY_GOVERNMENT.value:  # its own answer to the report
            scope.let_receiver(uow, n, uow.ctx.org_id)
        c = Checker()
        when = moment(c, "at", at, "县人民政府处理时间")
        _order(c, "at", n.reported_at, when, "报告县人民政府时间", "县人民政府处理时间")
        what = c.text("text", text, "县人民政府处理情况", NOTE_MAX, required=True)
        c.raise_if_any()
        assert when is not None and what is not None
        before = audit.snapshot(n)
        n.status, n.report_reply_at, n.report_reply = S.SETTLED, when, what
        record_change(uow, n, before, f"登记县人民政府处理情况（{cn_time(when)}）：{what}")
