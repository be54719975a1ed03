"""执法协助: the life of a request after its draft (seed 三（五）).

draft → sent (the issued 执法协助函; the clock starts) → replied (书面意见和证据
材料, the clock stops); while sent: officers on site (urgent / on-site), an
extension the department told in advance (情况特殊), a reminder once overdue
(the issued 催办函), or a refusal or stalling recorded (推诿、刁难 — a reply may
still follow); draft / sent / refused → withdrawn.

Every action checks the status it starts from and the order of its dates,
keeps the clock current (:func:`assistance_common.clock_of`) and writes one
audit entry with before and after (files and case evidence add their own).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain import clock, deadlines
from desktop_app.domain.terms import AuditAction, MaterialKind, RecordType, SendMethod
from desktop_app.services import attachments, audit, scope
from desktop_app.services import calendar as calendar_service
from desktop_app.services.assistance_common import (
    RECORD,
    S,
    awaiting_officers,
    linked_case,
    load,
    needs_officers,
    record_change,
    require,
    when_text,
    written_due,
)
from desktop_app.services.context import ServiceContext, UnitOfWork
from desktop_app.services.errors import InvalidInput, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.letter_fields import issued_document
from desktop_app.services.letter_fields.assistance import letter_title, reminder_title
from desktop_app.services.referral_common import after, day, moment
from desktop_app.storage.models import (
    AssistanceExtension,
    AssistanceRequest,
    Attachment,
    Document,
    EnforcementCase,
    Material,
    Organisation,
)

REPLY_FILES = "书面意见和证据材料"
MAX_EXTENSION_DAYS = 366  # an extension "适当延长" for months, not years: a typing slip


def _cn(d: date | datetime | None) -> str:
    return deadlines.cn_date(d) if d is not None else ""


def _dept_short(session: Session, a: AssistanceRequest) -> str:
    org = session.get(Organisation, a.department_id)
    return (org.short_name or org.name) if org else "被请求部门"


def _letter(
    session: Session, a: AssistanceRequest, code: str, title: str, what: str, action: str
) -> Document:
    """The issued, not voided letter of the request, addressed to its department and
    about its subject (a letter issued before the draft was edited does not count)."""
    doc = issued_document(session, RECORD, a.id, code)
    if doc is None:
        raise RuleViolation(
            f"执法协助 {a.serial} 还没有出具{what}（或已出具的已作废）。"
            f"请先在“文书”中出具{what}，再{action}。"
        )
    if doc.recipient_id != a.department_id or doc.title != title:
        raise RuleViolation(
            f"已出具的{what}（{doc.number or doc.title}）与执法协助 {a.serial} 现在的"
            f"被请求部门或协助事项不一致（请求登记后又作了修改）。请作废该{what}、重新出具后，"
            f"再{action}。"
        )
    return doc


# --- sending ---------------------------------------------------------------------------------


def mark_sent(
    ctx: ServiceContext,
    request_id: int,
    requested_on: date,
    sent_at: datetime,
    method: SendMethod | str,
    person: str | None = None,
) -> None:
    """书面函告: needs the issued 执法协助函; starts the clock (5 working days from
    ``requested_on``, or officers at once from ``sent_at`` when urgent / on site).

    ``person`` is who received the letter at the department (接收人); it is kept
    in the audit entry (the record has no column for it)."""
    with ctx.uow() as uow:
        s = uow.session
        a = load(s, request_id)
        require(a, (S.DRAFT,), "登记发函")
        doc = _letter(s, a, "assistance_letter", letter_title(a), "执法协助函", "登记发函")
        c = Checker()
        start = day(c, "requested_on", requested_on, "发函日期")
        when = moment(c, "sent_at", sent_at, "发送时间")
        how = c.term("method", SendMethod, method, "送达方式")
        who = c.text("person", person, "接收人", 40)
        after(c, "sent_at", start, when, "requested_on", "sent_at")
        if start is not None and "requested_on" not in c.problems and start < doc.issued_on:
            c.fail(
                "requested_on",
                f"「发函日期」不能早于执法协助函的成文日期（{doc.issued_on:%Y-%m-%d}）",
            )
        c.raise_if_any()
        assert start is not None and when is not None
        cal = calendar_service.load(s)
        before = audit.snapshot(a)
        a.status, a.requested_on, a.sent_at, a.sent_method = S.SENT, start, when, how
        uow.flush()
        if needs_officers(a):
            clock_text = "情况紧急，请部门立即派执法人员现场处置"
        else:
            clock_text = f"应于{_cn(written_due(a, cal))}前书面答复"
        receiver = f"，接收人：{who}" if who else ""
        record_change(
            uow,
            a,
            before,
            f"登记发函（{doc.number or '执法协助函'}，{SendMethod.label_of(how)}{receiver}）；"
            f"{clock_text}",
            cal,
        )


def record_arrival(ctx: ServiceContext, request_id: int, arrived_at: datetime) -> None:
    """The department's officers arrived on site (情况紧急/现场处置). The on-site
    clock stops; the written opinion and evidence are still owed within 5 working
    days of the request (or an extension), so that clock runs on."""
    with ctx.uow() as uow:
        s = uow.session
        a = load(s, request_id)
        require(a, (S.SENT, S.REPLIED), "登记执法人员到场")
        if not needs_officers(a):
            raise RuleViolation(
                f"执法协助 {a.serial} 不是情况紧急或现场处置的请求，不需要登记执法人员到场。"
            )
        if a.officers_arrived_at is not None:
            raise RuleViolation(
                f"执法协助 {a.serial} 已登记执法人员于{when_text(a.officers_arrived_at)}到场。"
            )
        c = Checker()
        when = moment(c, "arrived_at", arrived_at, "执法人员到场时间")
        after(c, "arrived_at", a.sent_at, when, "sent_at", "officers_arrived_at")
        if "arrived_at" not in c.problems and when and a.replied_on and when.date() > a.replied_on:
            c.fail("arrived_at", "「执法人员到场时间」不能晚于「答复日期」")
        c.raise_if_any()
        assert when is not None and a.sent_at is not None
        cal = calendar_service.load(s)
        before = audit.snapshot(a)
        a.officers_arrived_at = when
        waited = when - a.sent_at
        hours, minutes = divmod(int(waited.total_seconds()) // 60, 60)
        summary = f"登记执法人员到场（发函后{hours}小时{minutes}分钟）"
        if a.status == S.SENT:
            summary += f"；现场处置完成，书面意见和证据材料应于{_cn(written_due(a, cal))}前移交"
        record_change(uow, a, before, summary, cal, AuditAction.UPDATE)


# --- extension (情况特殊，事先告知) -------------------------------------------------------------


def extend(ctx: ServiceContext, request_id: int, new_due: date, reason: str, told_on: date) -> None:
    """情况特殊或认定过程所需时间较长: the department told the township in advance
    (on or before the current due date) and the written answer is due later.
    The extension row keeps the old and the new deadline; several may follow."""
    with ctx.uow() as uow:
        s = uow.session
        a = load(s, request_id)
        require(a, (S.SENT,), "延长答复期限")
        scope.let_receiver(uow, a, a.department_id)  # the department tells
        if awaiting_officers(a):
            raise RuleViolation(
                f"执法协助 {a.serial} 情况紧急，部门应立即派执法人员现场处置，不能延期"
                "（机制 三（五））。执法人员到场后，书面意见的期限可以延长。"
            )
        assert a.requested_on is not None
        cal = calendar_service.load(s)
        current = written_due(a, cal)
        c = Checker()
        told = day(c, "told_on", told_on, "部门告知日期")
        why = c.text("reason", reason, "延期理由", 1000, required=True)
        if not isinstance(new_due, date) or isinstance(new_due, datetime):
            c.fail("new_due", "请填写延长后的答复期限（日期）")
        elif new_due <= current.date():
            c.fail(
                "new_due",
                f"延长后的期限应晚于现在的答复期限（{current:%Y-%m-%d}）",
            )
        elif (new_due - a.requested_on).days > MAX_EXTENSION_DAYS:
            c.fail("new_due", "延长后的期限距发函日期超过一年，请核对日期")
        if told is not None and "told_on" not in c.problems:
            if told < a.requested_on:
                c.fail(
                    "told_on", f"「部门告知日期」不能早于「发函日期」（{a.requested_on:%Y-%m-%d}）"
                )
            elif told > current.date():
                c.fail(
                    "told_on",
                    f"部门应在答复期限（{current:%Y-%m-%d}）届满前事先告知（机制 三（五）："
                    f"相关县级职能部门应事先告知）；{told:%Y-%m-%d}才告知的，不能延期，"
                    "逾期未答复的可以催办。",
                )
        c.raise_if_any()
        assert told is not None and why is not None
        due = deadlines.assistance_deadline(a.requested_on, cal, extended_to=new_due)
        before = audit.snapshot(a)
        a.extensions.append(
            AssistanceExtension(
                old_deadline_at=current,
                new_deadline_at=due.due_at,
                reason=why,
                told_on=told,
                created_at=clock.now(),
                created_by_id=ctx.operator_id,
            )
        )
        record_change(
            uow,
            a,
            before,
            f"延长答复期限：由{_cn(current)}延长至{_cn(due.due_at)}"
            f"（部门于{_cn(told)}事先告知；理由：{why}）",
            cal,
            AuditAction.UPDATE,
        )


# --- the reply and the evidence -----------------------------------------------------------------


def _to_case(
    uow: UnitOfWork,
    a: AssistanceRequest,
    case: EnforcementCase,
    stored: list[Attachment],
    evidence: str | None,
) -> None:
    """Seed 三（五）: the opinion and evidence are handed over 作为实施行政处罚的证据, so
    they join the case's materials (the files stay stored once, under the request)."""
    s = uow.session
    dept = _dept_short(s, a)
    last = max((m.sort_order for m in _case_materials(s, case.id)), default=0)
    rows: list[tuple[MaterialKind, str, int | None]] = [
        (MaterialKind.EVIDENCE, f"{dept}执法协助答复材料（{a.serial}）：{f.original_name}", f.id)
        for f in stored
    ]
    if not stored:
        text = f"{dept}书面意见（执法协助 {a.serial}）"
        if evidence:
            text += f"及移交的证据材料：{evidence}"
        rows.append((MaterialKind.OPINION, text, None))
    for n, (kind, title, att_id) in enumerate(rows, start=1):
        s.add(
            Material(
                record_type=RecordType.CASE.value,
                record_id=case.id,
                kind=kind,
                title=title if len(title) <= 200 else title[:199] + "…",
                attachment_id=att_id,
                sort_order=last + n,
            )
        )
    uow.flush()
    uow.audit(
        AuditAction.CREATE,
        RecordType.CASE,
        case.id,
        f"添加证据材料 {len(rows)} 项（来自执法协助 {a.serial} 的书面答复）",
        after={"title": "；".join(t for _, t, _ in rows)},
    )


def _case_materials(s: Session, case_id: int) -> list[Material]:
    return list(
        s.execute(
            select(Material).where(
                Material.record_type == RecordType.CASE.value, Material.record_id == case_id
            )
        ).scalars()
    )


def record_reply(
    ctx: ServiceContext,
    request_id: int,
    replied_on: date,
    opinion_summary: str,
    evidence_received: str | None,
    files: Sequence[Path] = (),
) -> None:
    """书面意见和相关证据材料 received: the clock stops. The files are stored with the
    request in the same transaction (one unreadable file and nothing is kept); when
    the request serves a case, they become evidence of that case. A reply after
    the deadline is accepted and recorded as late; a refused request may still
    be answered."""
    with ctx.uow() as uow:
        s = uow.session
        a = load(s, request_id)
        require(a, (S.SENT, S.REFUSED), "登记书面答复")
        scope.let_receiver(uow, a, a.department_id)  # the department answers
        c = Checker()
        on = day(c, "replied_on", replied_on, "答复日期")
        after(c, "replied_on", a.requested_on, on, "requested_on", "replied_on")
        opinion = c.text("opinion_summary", opinion_summary, "书面意见摘要", 5000, required=True)
        evidence = c.text("evidence_received", evidence_received, "收到的证据材料", 2000)
        c.raise_if_any()
        assert on is not None
        cal = calendar_service.load(s)
        due = written_due(a, cal)
        late = on > due.date()
        stored = [attachments.store(uow, RECORD, a.id, Path(f), REPLY_FILES) for f in files]
        before = audit.snapshot(a)
        was_refused = a.status == S.REFUSED
        a.status, a.replied_on = S.REPLIED, on
        a.opinion_summary, a.evidence_received = opinion, evidence
        summary = "登记书面答复"
        if late:
            summary += f"（逾期答复：应于{_cn(due)}前答复，{_cn(on)}才答复）"
        if was_refused:
            summary += "（此前已登记推诿、刁难或拒绝）"
        if stored:
            summary += f"，附件 {len(stored)} 个"
        record_change(uow, a, before, summary, cal)
        case = linked_case(s, a)
        if case is not None:
            _to_case(uow, a, case, stored, evidence)


# --- refusal, reminder, withdrawal -----------------------------------------------------------


def record_refusal(ctx: ServiceContext, request_id: int, on: date, note: str) -> None:
    """推诿、刁难 or a refusal (seed 三（五）: 不得推诿、刁难): recorded with its date;
    the clock stops, and a reply may still be recorded later."""
    with ctx.uow() as uow:
        s = uow.session
        a = load(s, request_id)
        require(a, (S.SENT,), "登记推诿、刁难或拒绝")
        c = Checker()
        when = day(c, "on", on, "登记日期")
        text = c.text("note", note, "推诿、刁难情况", 2000, required=True)
        if when is not None and "on" not in c.problems and a.requested_on and when < a.requested_on:
            c.fail("on", f"「登记日期」不能早于「发函日期」（{a.requested_on:%Y-%m-%d}）")
        c.raise_if_any()
        assert when is not None
        cal = calendar_service.load(s)
        before = audit.snapshot(a)
        a.status = S.REFUSED
        a.refusal_note = f"{_cn(when)}：{text}"
        record_change(uow, a, before, f"登记推诿、刁难或拒绝（{_cn(when)}）：{text}", cal)


def record_reminder(ctx: ServiceContext, request_id: int, sent_on: date) -> None:
    """催办: the written answer is overdue and the issued 催办函 went out on ``sent_on``.
    The deadline stays (the department is late); the clock's name says it was chased.
    A request recorded as stalled or refused (推诿、刁难) may be chased the same way."""
    with ctx.uow() as uow:
        s = uow.session
        a = load(s, request_id)
        require(a, (S.SENT, S.REFUSED), "登记催办")
        c = Checker()
        when = day(c, "sent_on", sent_on, "催办日期")
        c.raise_if_any()
        assert when is not None and a.requested_on is not None
        cal = calendar_service.load(s)
        due = written_due(a, cal)
        if when <= due.date():
            raise RuleViolation(
                f"执法协助 {a.serial} 的答复期限是{_cn(due)}，{_cn(when)}尚未逾期，不能催办。"
            )
        previous = a.reminder_sent_on
        if previous is not None and when <= previous:
            raise InvalidInput(
                {"sent_on": f"「催办日期」应晚于上次催办的日期（{previous:%Y-%m-%d}）"}
            )
        doc = _letter(s, a, "reminder_letter", reminder_title(a), "催办函", "登记催办")
        if doc.issued_on > when:
            raise InvalidInput(
                {"sent_on": f"「催办日期」不能早于催办函的成文日期（{doc.issued_on:%Y-%m-%d}）"}
            )
        if previous is not None and doc.issued_on <= previous:
            raise RuleViolation(
                f"最近一份催办函（{doc.number or doc.title}）已在{_cn(previous)}的催办中使用。"
                "再次催办请重新出具催办函。"
            )
        before = audit.snapshot(a)
        a.reminder_sent_on = when
        again = "再次" if previous is not None else ""
        record_change(
            uow,
            a,
            before,
            f"{again}催办（{doc.number or '催办函'}）：答复期限{_cn(due)}已过，部门尚未书面答复",
            cal,
            AuditAction.UPDATE,
        )


def withdraw(ctx: ServiceContext, request_id: int, reason: str) -> None:
    """撤回 a request no longer needed; the reason is kept in the note and the audit trail."""
    c = Checker()
    why = c.text("reason", reason, "撤回理由", 500, required=True)
    c.raise_if_any()
    with ctx.uow() as uow:
        s = uow.session
        a = load(s, request_id)
        require(a, (S.DRAFT, S.SENT, S.REFUSED), "撤回")
        cal = calendar_service.load(s)
        before = audit.snapshot(a)
        a.status = S.WITHDRAWN
        a.note = ((a.note + "\n") if a.note else "") + f"撤回理由：{why}"
        record_change(uow, a, before, f"撤回执法协助请求：{why}", cal)
