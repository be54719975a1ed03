"""案件移送: the life of a transfer after it is registered (seed 三（一）).

Outgoing: draft → ready → sent (date, method) → delivered (optional) →
signed for (签收) → result (处理结果); sent/signed → returned (退回) → a
jurisdiction dispute may be opened; draft/ready → withdrawn.
Incoming: signed (on registration) → a case filed (立案) → result, whose
处理结果反馈函 goes back to the sender; or signed → returned with reasons.

Every action checks the status it starts from and the order of the times
it records, and writes one audit entry with before and after.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from desktop_app.domain import deadlines
from desktop_app.domain.terms import (
    AuditAction,
    Direction,
    RecordType,
    ReferralStatus,
    SendMethod,
)
from desktop_app.services import attachments, audit, scope
from desktop_app.services import calendar as calendar_service
from desktop_app.services.case_filing import check_filing, open_case
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.letter_fields import issued_document
from desktop_app.services.referral_common import (
    RECORD,
    after,
    case_source_missing,
    check_staff,
    has_case_source,
    load,
    moment,
    record_change,
    require,
)
from desktop_app.storage.models import Dispute, EnforcementCase

S = ReferralStatus
OUT, IN = Direction.OUTGOING, Direction.INCOMING


def when_text(value: datetime) -> str:
    if deadlines.is_end_of_day(value):
        return f"{value:%Y-%m-%d}（当日24时前）"
    return f"{value:%Y-%m-%d %H:%M}"


# --- outgoing ------------------------------------------------------------------------


def mark_ready(ctx: ServiceContext, referral_id: int) -> None:
    """草稿 → 待发送: the checklist has at least one case-source material (三（一）3)."""
    with ctx.uow() as uow:
        r = load(uow.session, referral_id)
        require(r, (S.DRAFT,), "标记为待发送", OUT)
        if not has_case_source(uow.session, r.id):
            raise case_source_missing(r)
        before = audit.snapshot(r)
        r.status = S.READY
        record_change(uow, r, before, "材料齐备，标记为待发送")


def mark_sent(
    ctx: ServiceContext,
    referral_id: int,
    sent_at: datetime,
    method: SendMethod | str,
    sent_by_id: int | None,
    late_reason: str | None = None,
) -> None:
    """Record the sending. Needs the issued 移送函 and a case-source material;
    after the deadline a reason is required. Sending stops the clock."""
    with ctx.uow() as uow:
        s = uow.session
        r = load(s, referral_id)
        require(r, (S.DRAFT, S.READY), "登记发送", OUT)
        if not has_case_source(s, r.id):
            raise case_source_missing(r)
        if issued_document(s, RECORD, r.id, "referral_letter") is None:
            raise RuleViolation(
                f"案件移送 {r.serial} 还没有出具涉嫌违法案件移送函（或已出具的已作废）。"
                "请先在“文书”中出具移送函，再登记发送。"
            )
        c = Checker()
        when = moment(c, "sent_at", sent_at, "发送时间")
        how = c.term("method", SendMethod, method, "送达方式")
        check_staff(c, s, "sent_by_id", sent_by_id)
        reason = c.text("late_reason", late_reason, "逾期原因", 1000)
        after(c, "sent_at", r.found_at, when, "found_at", "sent_at")
        c.raise_if_any()
        assert when is not None
        due = deadlines.referral_deadline(r.found_at, r.urgency, calendar_service.load(s))
        late = deadlines.is_late(due.due_at, when)
        if late and not reason:
            raise InvalidInput(
                {
                    "late_reason": f"逾期移送须说明理由：应于{when_text(due.due_at)}前移送，"
                    f"登记的发送时间是{when:%Y-%m-%d %H:%M}。"
                }
            )
        before = audit.snapshot(r)
        r.status = S.SENT
        r.sent_at, r.sent_method, r.sent_by_id = when, how, sent_by_id
        r.late_reason = reason if late else None
        r.deadline_at, r.deadline_what = None, None
        record_change(uow, r, before, "登记发送" + ("（逾期移送）" if late else ""))


def mark_delivered(ctx: ServiceContext, referral_id: int, delivered_at: datetime) -> None:
    """送达: the letter reached the receiver (it may be signed for later)."""
    with ctx.uow() as uow:
        r = load(uow.session, referral_id)
        require(r, (S.SENT,), "登记送达", OUT)
        c = Checker()
        when = moment(c, "delivered_at", delivered_at, "送达时间")
        after(c, "delivered_at", r.sent_at, when, "sent_at", "delivered_at")
        c.raise_if_any()
        before = audit.snapshot(r)
        r.delivered_at = when
        record_change(uow, r, before, "登记送达", AuditAction.UPDATE)


def mark_signed(ctx: ServiceContext, referral_id: int, signed_at: datetime, signed_by: str) -> None:
    """签收: the receiver signed the 送达回证."""
    with ctx.uow() as uow:
        r = load(uow.session, referral_id)
        require(r, (S.SENT,), "登记签收", OUT)
        scope.let_receiver(uow, r, r.receiver_id)  # the department's own step
        c = Checker()
        when = moment(c, "signed_at", signed_at, "签收时间")
        who = c.text("signed_by", signed_by, "签收人", 40, required=True)
        after(c, "signed_at", r.sent_at, when, "sent_at", "signed_at")
        after(c, "signed_at", r.delivered_at, when, "delivered_at", "signed_at")
        c.raise_if_any()
        before = audit.snapshot(r)
        r.status, r.signed_at, r.signed_by = S.SIGNED, when, who
        record_change(uow, r, before, f"登记签收（签收人：{who}）")


def record_result(
    ctx: ServiceContext,
    referral_id: int,
    result_at: datetime,
    summary: str,
    file: Path | None = None,
) -> None:
    """处理结果: what the department did with the transfer (with its reply, if a file)."""
    with ctx.uow() as uow:
        r = load(uow.session, referral_id)
        require(r, (S.SIGNED,), "登记处理结果", OUT)
        scope.let_receiver(uow, r, r.receiver_id)  # the department's own step
        c = Checker()
        when = moment(c, "result_at", result_at, "反馈处理结果时间")
        text = c.text("summary", summary, "处理结果", 5000, required=True)
        after(c, "result_at", r.sent_at, when, "sent_at", "result_at")
        after(c, "result_at", r.signed_at, when, "signed_at", "result_at")
        c.raise_if_any()
        if file is not None:
            attachments.store(uow, RECORD, r.id, Path(file), category="处理结果")
        before = audit.snapshot(r)
        r.status, r.result_at, r.result_summary = S.RESULT, when, text
        record_change(uow, r, before, "登记处理结果")


def mark_returned(
    ctx: ServiceContext, referral_id: int, returned_at: datetime, reason: str
) -> None:
    """退回: the department sent the transfer back (may become a dispute, 三（六）)."""
    with ctx.uow() as uow:
        r = load(uow.session, referral_id)
        require(r, (S.SENT, S.SIGNED), "登记退回", OUT)
        scope.let_receiver(uow, r, r.receiver_id)  # the department's own step
        c = Checker()
        when = moment(c, "returned_at", returned_at, "退回时间")
        why = c.text("reason", reason, "退回理由", 2000, required=True)
        after(c, "returned_at", r.sent_at, when, "sent_at", "returned_at")
        after(c, "returned_at", r.delivered_at, when, "delivered_at", "returned_at")
        after(c, "returned_at", r.signed_at, when, "signed_at", "returned_at")
        c.raise_if_any()
        before = audit.snapshot(r)
        r.status, r.returned_at, r.return_reason = S.RETURNED, when, why
        record_change(uow, r, before, "登记被退回")


def withdraw(ctx: ServiceContext, referral_id: int, reason: str) -> None:
    """撤回 a transfer not yet sent; the reason is kept in the note and the audit trail."""
    c = Checker()
    why = c.text("reason", reason, "撤回理由", 500, required=True)
    c.raise_if_any()
    with ctx.uow() as uow:
        r = load(uow.session, referral_id)
        require(r, (S.DRAFT, S.READY), "撤回", OUT)
        before = audit.snapshot(r)
        r.status = S.WITHDRAWN
        r.deadline_at, r.deadline_what = None, None
        r.note = ((r.note + "\n") if r.note else "") + f"撤回理由：{why}"
        record_change(uow, r, before, f"撤回移送：{why}")


def open_dispute(ctx: ServiceContext, referral_id: int) -> int:
    """A returned transfer becomes a jurisdiction dispute (争议协调, seed 三（六）),
    through :func:`disputes.open_from_referral`.

    If one is already linked to this referral, its id is returned and nothing
    is written (the dialog then opens it).
    """
    from desktop_app.services import disputes

    with ctx.read() as s:
        r = load(s, referral_id)
        existing = s.execute(
            select(Dispute.id).where(Dispute.referral_id == r.id).order_by(Dispute.id)
        ).scalar()
        if existing is not None:
            return int(existing)
        require(r, (S.RETURNED,), "提出管辖争议")
    return disputes.open_from_referral(ctx, referral_id)


# --- incoming ------------------------------------------------------------------------


def file_case(ctx: ServiceContext, referral_id: int, case_number: str, filed_on: date) -> int:
    """立案: the township files a case for a transfer it received; returns the case id."""
    with ctx.uow() as uow:
        s = uow.session
        r = load(s, referral_id)
        require(r, (S.SIGNED,), "立案", IN)
        number, filed = check_filing(
            s, r, "案件移送", case_number, filed_on, (r.signed_at, "signed_at")
        )
        case = open_case(
            ctx,
            uow,
            r,
            "案件移送",
            number=number,
            filed=filed,
            title=r.matter,
            facts=r.facts,
            note=f"由案件移送 {r.serial} 移入后立案。",
        )
        before = audit.snapshot(r)
        r.case_id = case.id
        record_change(uow, r, before, f"立案（案号：{number}）", AuditAction.UPDATE)
        return case.id


def return_incoming(
    ctx: ServiceContext, referral_id: int, returned_at: datetime, reason: str
) -> None:
    """The township sends a transfer back with its reasons (not within its jurisdiction…)."""
    with ctx.uow() as uow:
        r = load(uow.session, referral_id)
        require(r, (S.SIGNED,), "退回移送单位", IN)
        if r.case_id is not None:
            raise RuleViolation(f"案件移送 {r.serial} 已经立案，不能再退回移送单位。")
        c = Checker()
        when = moment(c, "returned_at", returned_at, "退回时间")
        why = c.text("reason", reason, "退回理由", 2000, required=True)
        after(c, "returned_at", r.signed_at, when, "signed_at", "returned_at")
        c.raise_if_any()
        before = audit.snapshot(r)
        r.status, r.returned_at, r.return_reason = S.RETURNED, when, why
        record_change(uow, r, before, "退回移送单位")


def record_incoming_result(
    ctx: ServiceContext, referral_id: int, result_at: datetime, summary: str
) -> None:
    """The township's result of a filed case; the 处理结果反馈函 is then issued from letters."""
    with ctx.uow() as uow:
        s = uow.session
        r = load(s, referral_id)
        require(r, (S.SIGNED,), "登记处理结果", IN)
        case = s.get(EnforcementCase, r.case_id) if r.case_id else None
        if case is None:
            raise RuleViolation(
                f"案件移送 {r.serial} 还没有立案。请先立案；不属本镇管辖的，请退回移送单位。"
            )
        # 以罚代刑: a case flagged as a suspected crime is not concluded administratively
        # while its transfer to the police stands in the way (override: 以罚代刑检查)
        from desktop_app.services.criminal_guard import check_penalty_allowed

        check_penalty_allowed(s, RecordType.CASE.value, case.id)
        check_penalty_allowed(s, RecordType.REFERRAL.value, r.id)
        c = Checker()
        when = moment(c, "result_at", result_at, "反馈处理结果时间")
        text = c.text("summary", summary, "处理结果", 5000, required=True)
        after(c, "result_at", r.signed_at, when, "signed_at", "result_at")
        after(c, "result_at", case.filed_on, when, "filed_on", "result_at")
        c.raise_if_any()
        before = audit.snapshot(r)
        r.status, r.result_at, r.result_summary = S.RESULT, when, text
        record_change(uow, r, before, "登记处理结果")
