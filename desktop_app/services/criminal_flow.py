"""行刑衔接: the steps of 国务院令第310号 (revised 2020) after the flag.

flagged → reported (written report by the team of ≥2; the head decides within
3 日) → approved (transfer within 24 hours) / rejected (reason kept) →
transferred (the issued 涉嫌犯罪案件移送书, the 移送书 and 调查报告 recorded as
materials, the procuratorate informed at the same time; late needs a reason)
→ receipt → the police decide within 3 日: filed (hand the items over within
3 日, then close) / not filed (复议 may be requested within 3 日; the police
decide it within 3 日) → closed. The procuratorate's supervision (立案监督,
art. 14) may be recorded at any point after the head's decision.

Every action checks the status it starts from and the order of its dates,
keeps the clock current and writes one audit entry with before and after.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.domain import deadlines
from desktop_app.domain.terms import AuditAction, OrgKind, PoliceDecision
from desktop_app.services import calendar as calendar_service
from desktop_app.services.context import ServiceContext, check_version
from desktop_app.services.criminal_common import (
    RECORD,
    S,
    load,
    reconsideration_due,
    record_change,
    require,
    snapshot,
    when_text,
    working_days,
)
from desktop_app.services.criminal_forms import is_leader, missing_materials, team_problem
from desktop_app.services.errors import InvalidInput, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.letter_fields import issued_document
from desktop_app.services.referral_common import after, moment
from desktop_app.storage.models import CriminalTransfer, Document, Organisation, Staff

LETTER = "criminal_transfer"


def check_org(
    c: Checker, session: Session, field: str, org_id: Any, kind: OrgKind, what: str
) -> None:
    if org_id is None:
        c.fail(field, f"请选择{what}")
        return
    found = session.get(Organisation, org_id)
    if found is None:
        c.fail(field, f"所选{what}不存在，请重新选择。")
    elif not found.active:
        c.fail(field, f"「{found.name}」已停用，不能选择。")
    elif found.kind != kind:
        c.fail(field, f"「{found.name}」是{OrgKind.label_of(found.kind)}，不是{what}。")


def _letter(session: Session, t: CriminalTransfer, police_org_id: int | None) -> Document:
    """The issued, not voided 涉嫌犯罪案件移送书 addressed to the chosen police organ."""
    doc = issued_document(session, RECORD, t.id, LETTER)
    if doc is None:
        raise RuleViolation(
            f"行刑衔接 {t.serial} 还没有出具涉嫌犯罪案件移送书（或已出具的已作废）。"
            "请先在“文书”中出具移送书，再登记移送。"
        )
    if police_org_id is not None and doc.recipient_id != police_org_id:
        raise RuleViolation(
            f"已出具的涉嫌犯罪案件移送书（{doc.number or doc.title}）的主送机关与所选公安机关"
            "不一致。请作废该移送书、重新出具后，再登记移送。"
        )
    return doc


# --- report and decision (art. 5) -------------------------------------------------------


def record_report(
    ctx: ServiceContext,
    transfer_id: int,
    report_at: datetime,
    expected_version: int | None = None,
) -> None:
    """The team's written report for approval; the head's 3-日 clock starts."""
    with ctx.uow() as uow:
        s = uow.session
        t = load(s, transfer_id)
        require(t, (S.FLAGGED,), "登记书面报告")
        check_version(t, expected_version)
        officers = list(t.officers)
        problem = team_problem(officers, [o.id for o in officers])  # type: ignore[arg-type]
        if problem:
            raise RuleViolation(f"行刑衔接 {t.serial}：{problem}请先组成专案组。")
        c = Checker()
        when = moment(c, "report_at", report_at, "书面报告时间")
        after(c, "report_at", t.flagged_at, when, "flagged_at", "report_at")
        c.raise_if_any()
        before = snapshot(t)
        t.status, t.report_at = S.REPORTED, when
        record_change(uow, t, before, "专案组提出书面报告，报负责人审批")


def record_decision(
    ctx: ServiceContext,
    transfer_id: int,
    decision_at: datetime,
    approver_id: int,
    approved: bool,
    reason: str | None = None,
    expected_version: int | None = None,
) -> None:
    """The head's decision (正职负责人或者主持工作的负责人): a leader who is not in the
    team; approval starts the 24-hour clock, a rejection needs its reason."""
    with ctx.uow() as uow:
        s = uow.session
        t = load(s, transfer_id)
        require(t, (S.REPORTED,), "登记负责人决定")
        check_version(t, expected_version)
        c = Checker()
        when = moment(c, "decision_at", decision_at, "负责人决定时间")
        after(c, "decision_at", t.report_at, when, "report_at", "decision_at")
        head = s.get(Staff, approver_id) if approver_id is not None else None
        if head is None:
            c.fail("approver_id", "请选择审批负责人")
        elif not is_leader(head):
            c.fail(
                "approver_id",
                f"「{head.name}」不是在职的负责人。移送须经本机关正职负责人或者主持工作的"
                "负责人批准（国务院令第310号第五条）。",
            )
        elif head.id in {o.id for o in t.officers}:
            c.fail(
                "approver_id",
                f"「{head.name}」是专案组成员，不能审批本组的书面报告，请由其他负责人审批。",
            )
        text = c.text("reason", reason, "不批准的理由", 2000, required=not approved)
        c.raise_if_any()
        assert head is not None
        before = snapshot(t)
        t.decision_at, t.approver_id, t.approved = when, head.id, bool(approved)
        if approved:
            t.status, t.rejection_reason = S.APPROVED, None
            due = deadlines.criminal_transfer_deadline(when).due_at  # type: ignore[arg-type]
            summary = f"负责人{head.name}批准移送；应于{when_text(due)}前移送公安机关"
        else:
            t.status, t.rejection_reason = S.REJECTED, text
            summary = f"负责人{head.name}决定不予移送：{text}"
        record_change(uow, t, before, summary)


# --- the transfer (arts. 5, 6, 7) -------------------------------------------------------


def record_transfer(
    ctx: ServiceContext,
    transfer_id: int,
    transferred_at: datetime,
    police_org_id: int,
    procuratorate_org_id: int,
    late_reason: str | None = None,
    expected_version: int | None = None,
) -> None:
    """移送: with the issued 移送书, the 移送书 and 调查报告 recorded as materials; the
    procuratorate is informed (抄送) at the same time; later than 24 hours after the
    approval needs a reason. The police decision clock starts."""
    with ctx.uow() as uow:
        s = uow.session
        t = load(s, transfer_id)
        require(t, (S.APPROVED,), "登记移送")
        check_version(t, expected_version)
        c = Checker()
        when = moment(c, "transferred_at", transferred_at, "移送公安机关时间")
        after(c, "transferred_at", t.decision_at, when, "decision_at", "transferred_at")
        check_org(c, s, "police_org_id", police_org_id, OrgKind.PUBLIC_SECURITY, "公安机关")
        check_org(
            c,
            s,
            "procuratorate_org_id",
            procuratorate_org_id,
            OrgKind.PROCURATORATE,
            "人民检察院",
        )
        late = c.text("late_reason", late_reason, "逾期原因", 2000)
        due = deadlines.criminal_transfer_deadline(t.decision_at).due_at if t.decision_at else None
        if when is not None and due is not None and when > due and not late:
            c.fail(
                "late_reason",
                f"批准后应在24小时内（{when_text(due)}前）移送，已超时，请填写「逾期原因」。",
            )
        c.raise_if_any()
        missing = missing_materials(s, t)
        if missing:
            names = "、".join(k.label for k in missing)
            raise RuleViolation(
                f"行刑衔接 {t.serial} 的移送材料中还没有{names}。按照国务院令第310号第六条，"
                "请先在“移送材料”中登记。"
            )
        doc = _letter(s, t, police_org_id)
        assert when is not None
        if when.date() < doc.issued_on:
            raise InvalidInput(
                {"transferred_at": f"移送时间不能早于移送书的成文日期（{doc.issued_on:%Y-%m-%d}）"}
            )
        before = snapshot(t)
        t.status, t.transferred_at = S.TRANSFERRED, when
        t.police_org_id, t.procuratorate_org_id = police_org_id, procuratorate_org_id
        t.procuratorate_informed_at = when
        t.late_reason = late if due is not None and when > due else None
        tail = f"（超时，原因：{late}）" if t.late_reason else ""
        record_change(
            uow, t, before, f"移送公安机关（{doc.number or '移送书'}），同时抄送人民检察院{tail}"
        )


def record_receipt(
    ctx: ServiceContext,
    transfer_id: int,
    received_at: datetime,
    expected_version: int | None = None,
) -> None:
    """公安机关接受移送 (在回执上签字); the 3-日 filing clock runs from it."""
    with ctx.uow() as uow:
        s = uow.session
        t = load(s, transfer_id)
        require(t, (S.TRANSFERRED,), "登记公安机关接收")
        check_version(t, expected_version)
        if t.police_received_at is not None:
            raise RuleViolation(f"行刑衔接 {t.serial} 已登记公安机关接收。")
        c = Checker()
        when = moment(c, "police_received_at", received_at, "公安机关接收时间")
        after(
            c, "police_received_at", t.transferred_at, when, "transferred_at", "police_received_at"
        )
        c.raise_if_any()
        before = snapshot(t)
        t.police_received_at = when
        record_change(uow, t, before, "公安机关接收移送")


def record_police_decision(
    ctx: ServiceContext,
    transfer_id: int,
    decided_at: datetime,
    decision: PoliceDecision | str,
    note: str | None = None,
    expected_version: int | None = None,
) -> None:
    """立案 / 不予立案, as the written notice says (``decided_at``: when the township
    received it — the 复议 and handover periods run from it)."""
    with ctx.uow() as uow:
        s = uow.session
        t = load(s, transfer_id)
        require(t, (S.TRANSFERRED,), "登记公安机关决定")
        check_version(t, expected_version)
        c = Checker()
        when = moment(c, "police_decision_at", decided_at, "公安机关决定时间")
        start = t.police_received_at or t.transferred_at
        field = "police_received_at" if t.police_received_at else "transferred_at"
        after(c, "police_decision_at", start, when, field, "police_decision_at")
        what = c.term("police_decision", PoliceDecision, decision, "公安机关决定")
        text = c.text("note", note, "说明", 2000)
        c.raise_if_any()
        before = snapshot(t)
        t.police_decision, t.police_decision_at = what, when
        t.status = S.FILED if what == PoliceDecision.FILED else S.NOT_FILED
        tail = f"：{text}" if text else ""
        record_change(uow, t, before, f"公安机关决定{PoliceDecision.label_of(what)}{tail}")


def request_reconsideration(
    ctx: ServiceContext,
    transfer_id: int,
    requested_at: datetime,
    expected_version: int | None = None,
) -> None:
    """提请复议 (art. 9): only after 不予立案, within 3 日 of the notice, once."""
    with ctx.uow() as uow:
        s = uow.session
        t = load(s, transfer_id)
        require(t, (S.NOT_FILED,), "提请复议")
        check_version(t, expected_version)
        if t.reconsideration_at is not None:
            raise RuleViolation(f"行刑衔接 {t.serial} 已提请过复议。")
        c = Checker()
        when = moment(c, "reconsideration_at", requested_at, "提请复议时间")
        after(
            c,
            "reconsideration_at",
            t.police_decision_at,
            when,
            "police_decision_at",
            "reconsideration_at",
        )
        c.raise_if_any()
        assert when is not None
        due = reconsideration_due(t, calendar_service.load(s), working_days(s))
        if due is not None and when > due:
            raise RuleViolation(
                f"提请复议应在收到不予立案通知书之日起3日内（{when_text(due)}前）提出"
                "（国务院令第310号第九条），已超过期限。"
            )
        before = snapshot(t)
        t.status, t.reconsideration_at = S.RECONSIDERATION, when
        record_change(uow, t, before, "向公安机关提请复议")


def record_reconsideration_result(
    ctx: ServiceContext,
    transfer_id: int,
    at: datetime,
    text: str,
    filed: bool = False,
    expected_version: int | None = None,
) -> None:
    """The police's 复议 decision: upheld (不予立案 stands) or, with ``filed``, the
    case filed after all (the handover clock starts)."""
    with ctx.uow() as uow:
        s = uow.session
        t = load(s, transfer_id)
        require(t, (S.RECONSIDERATION,), "登记复议结果")
        check_version(t, expected_version)
        c = Checker()
        when = moment(c, "at", at, "复议决定时间")
        after(c, "at", t.reconsideration_at, when, "reconsideration_at", "police_decision_at")
        result = c.text("text", text, "复议结果", 2000, required=True)
        c.raise_if_any()
        before = snapshot(t)
        t.reconsideration_result = result
        if filed:
            t.status, t.police_decision, t.police_decision_at = S.FILED, PoliceDecision.FILED, when
        else:
            t.status = S.NOT_FILED
        record_change(uow, t, before, f"公安机关复议决定：{result}")


SUPERVISED = (S.REJECTED, S.TRANSFERRED, S.FILED, S.NOT_FILED, S.RECONSIDERATION, S.CLOSED)


def record_procuratorate_supervision(
    ctx: ServiceContext,
    transfer_id: int,
    at: datetime,
    text: str,
    expected_version: int | None = None,
) -> None:
    """人民检察院立案监督 (art. 14): after the head's decision (a rejection or a
    transfer) — the latest is kept on the record, every one in the audit trail."""
    with ctx.uow() as uow:
        s = uow.session
        t = load(s, transfer_id)
        require(t, SUPERVISED, "登记检察院监督")
        check_version(t, expected_version)
        c = Checker()
        when = moment(c, "supervision_at", at, "检察院监督时间")
        after(c, "supervision_at", t.decision_at, when, "decision_at", "supervision_at")
        note = c.text("supervision_note", text, "检察院立案监督情况", 2000, required=True)
        c.raise_if_any()
        before = snapshot(t)
        t.supervision_at, t.supervision_note = when, note
        record_change(uow, t, before, f"人民检察院立案监督：{note}", AuditAction.UPDATE)


CLOSABLE = (S.REJECTED, S.FILED, S.NOT_FILED)


def close(
    ctx: ServiceContext,
    transfer_id: int,
    at: datetime,
    note: str,
    expected_version: int | None = None,
) -> None:
    """办结: after a rejection, after 不予立案 (no 复议 pending — closing gives up a
    复议 not yet requested), or after 立案 with the items handed over (``at`` is the
    handover, art. 12)."""
    with ctx.uow() as uow:
        s = uow.session
        t = load(s, transfer_id)
        require(t, CLOSABLE, "办结")
        check_version(t, expected_version)
        c = Checker()
        when = moment(c, "at", at, "办结时间")
        start = t.police_decision_at or t.decision_at
        after(
            c,
            "at",
            start,
            when,
            "police_decision_at" if t.police_decision_at else "decision_at",
            "handover_at",
        )
        text = c.text("note", note, "办结说明", 2000, required=True)
        c.raise_if_any()
        before = snapshot(t)
        if t.status == S.FILED:
            t.handover_at = when
        t.status = S.CLOSED
        t.note = f"{t.note}\n办结：{text}" if t.note else f"办结：{text}"
        record_change(uow, t, before, f"办结：{text}")
