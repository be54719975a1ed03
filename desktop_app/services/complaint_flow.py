"""投诉举报: from the preliminary verification to the end (seed 三（二）1 and 3).

Verification gives exactly one outcome: no violation (reply directly), a
case the township files itself (立案 → 查处结果), or no jurisdiction (a
transfer, :mod:`complaint_transfer`). The replies to the complainant and the
feedback to an informing department follow; every step checks the status
and the order of its times, writes one audit entry (never with the
complainant's identity in it), and the complaint closes by itself when the
last duty is done (:func:`complaint_common.settle`).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from desktop_app.domain.terms import (
    AuditAction,
    CaseClosure,
    CaseStatus,
    ComplaintOutcome,
    ComplaintStatus,
    RecordType,
)
from desktop_app.services import audit
from desktop_app.services import calendar as calendar_service
from desktop_app.services import settings as settings_service
from desktop_app.services.case_filing import check_filing, open_case
from desktop_app.services.complaint_common import (
    Secrets,
    duties,
    excerpt,
    first_sentence,
    keep_out,
    load,
    matter_core,
    record_change,
    require,
    require_outcome,
    scrub,
    township_has,
)
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.referral_common import after, day, moment
from desktop_app.storage.models import Complaint, EnforcementCase, PenaltyMatter, Staff

S = ComplaintStatus
O = ComplaintOutcome  # noqa: E741


def _staff(c: Checker, session: Session, field: str, staff_id: int | None, what: str) -> None:
    if staff_id is None:
        c.fail(field, f"请选择{what}")
        return
    person = session.get(Staff, staff_id)
    if person is None:
        c.fail(field, f"所选{what}不存在，请重新选择。")
    elif not person.active:
        c.fail(field, f"「{person.name}」已停用，不能作为{what}。")


def outcome_locked(c: Complaint, session: Session) -> str | None:
    """Why the outcome can no longer change, or None."""
    if c.case_id is not None:
        case = session.get(EnforcementCase, c.case_id)
        number = case.case_number if case is not None else c.case_id
        return f"已经立案（案号：{number}）"
    if c.referral_id is not None:
        return "已经移送有管辖权的部门"
    if c.replied_at is not None:
        return "已经答复投诉举报人"
    if c.feedback_at is not None:
        return "已经向告知部门反馈"
    return None


def _jurisdiction(session: Session, c: Complaint, outcome: ComplaintOutcome) -> None:
    """Filing a case needs the township's jurisdiction; a transfer needs its absence."""
    m = session.get(PenaltyMatter, c.penalty_matter_id) if c.penalty_matter_id else None
    if m is None:
        return
    ours = township_has(m, c.received_at.date())
    if outcome == O.CASE_FILED and not ours:
        raise RuleViolation(
            f"投诉举报 {c.serial} 涉及的「{m.name}」在受理时未划转乡镇，本镇无管辖权，不能立案"
            "（机制 三（二）1：无管辖权的，形成书面材料移交有管辖权的部门）。"
            "如涉及事项登记有误，请先修改登记内容。"
        )
    if outcome == O.TRANSFERRED and ours:
        raise RuleViolation(
            f"投诉举报 {c.serial} 涉及的「{m.name}」已划转乡镇，属本镇管辖，不应移送"
            "（机制 三（二）1：需要实施行政处罚且属于本镇管辖的，依法立案调查）。"
            "如涉及事项登记有误，请先修改登记内容。"
        )


def record_verification(
    ctx: ServiceContext,
    complaint_id: int,
    verified_at: datetime,
    verified_by_id: int | None,
    note: str,
    outcome: ComplaintOutcome | str,
) -> None:
    """初步核实 → exactly one outcome (seed 三（二）1). May be corrected while
    nothing has followed from it (no case, transfer, reply or feedback)."""
    with ctx.uow() as uow:
        s = uow.session
        c = load(s, complaint_id)
        require(c, (S.REGISTERED, S.HANDLING), "登记核实结果")
        if c.status == S.HANDLING:
            why = outcome_locked(c, s)
            if why:
                raise RuleViolation(
                    f"投诉举报 {c.serial} {why}，不能再更改核实结果"
                    f"（现为「{O.label_of(c.outcome)}」，核实结果只能有一个）。"
                )
        chk = Checker()
        when = moment(chk, "verified_at", verified_at, "核实时间")
        after(chk, "verified_at", c.received_at, when, "received_at", "verified_at")
        who = verified_by_id or ctx.operator_id or c.first_contact_id  # else the owner
        _staff(chk, s, "verified_by_id", who, "核实人")
        text = chk.text("note", note, "核实情况", 5000, required=True)
        result = chk.term("outcome", ComplaintOutcome, outcome, "核实结果")
        keep_out(chk, "note", text, "核实情况", Secrets.of(c.complainant))
        chk.raise_if_any()
        assert result is not None and when is not None
        _jurisdiction(s, c, result)
        again = c.status == S.HANDLING
        before = audit.snapshot(c)
        c.status, c.outcome = S.HANDLING, result
        c.verified_at, c.verified_by_id, c.verification_note = when, who, text
        summary = "更正核实结果" if again else "登记核实结果"
        record_change(uow, c, before, f"{summary}：{result.label}", AuditAction.STATUS, at=when)


def _secrets(c: Complaint) -> Secrets:
    return Secrets.of(c.complainant)


def file_case(ctx: ServiceContext, complaint_id: int, case_number: str, filed_on: date) -> int:
    """立案 for a complaint within the township's jurisdiction; returns the case id."""
    with ctx.uow() as uow:
        s = uow.session
        c = load(s, complaint_id)
        require(c, (S.HANDLING,), "立案")
        require_outcome(c, O.CASE_FILED, "立案")
        number, filed = check_filing(
            s, c, "投诉举报", case_number, filed_on, (c.verified_at, "verified_at")
        )
        matter = s.get(PenaltyMatter, c.penalty_matter_id) if c.penalty_matter_id else None
        what = matter_core(matter.name) if matter else first_sentence(c.content, 40)
        title = f"{c.party_name or ''}涉嫌{what}案" if matter else what
        secrets = _secrets(c)
        facts = scrub(c.content, secrets)
        if c.verification_note:
            facts += "\n经初步核实：" + scrub(c.verification_note, secrets)
        case = open_case(
            ctx,
            uow,
            c,
            "投诉举报",
            number=number,
            filed=filed,
            title=scrub(title, secrets),
            facts=facts,
            note=f"由投诉举报 {c.serial} 核实后立案。",
        )
        before = audit.snapshot(c)
        c.case_id = case.id
        record_change(uow, c, before, f"立案（案号：{number}）", at=None)
        return case.id


def record_case_result(
    ctx: ServiceContext,
    complaint_id: int,
    summary: str,
    closed_on: date,
    *,
    penalty: bool = True,
) -> None:
    """查处结果: the case filed for the complaint is closed (with a penalty, or
    without one when ``penalty`` is False)."""
    with ctx.uow() as uow:
        s = uow.session
        c = load(s, complaint_id)
        require(c, (S.HANDLING,), "登记立案查处结果")
        require_outcome(c, O.CASE_FILED, "登记立案查处结果")
        case = s.get(EnforcementCase, c.case_id) if c.case_id else None
        if case is None:
            raise RuleViolation(f"投诉举报 {c.serial} 还没有立案，请先立案。")
        if case.status == CaseStatus.CLOSED:
            raise RuleViolation(f"案件 {case.case_number or case.serial} 已经结案。")
        if penalty:  # 不得以罚代刑 (seed 三（七）): the case and the complaint itself
            from desktop_app.services.criminal_guard import check_penalty_allowed

            check_penalty_allowed(s, RecordType.CASE.value, case.id)
            check_penalty_allowed(s, RecordType.COMPLAINT.value, c.id)
        chk = Checker()
        text = chk.text("summary", summary, "查处结果", 5000, required=True)
        closed = day(chk, "closed_on", closed_on, "结案日期")
        after(chk, "closed_on", case.filed_on, closed, "filed_on", "closed_on")
        keep_out(chk, "summary", text, "查处结果", _secrets(c))
        chk.raise_if_any()
        assert closed is not None
        before_case = audit.snapshot(case)
        case.status, case.closed_on, case.penalty_summary = CaseStatus.CLOSED, closed, text
        case.closure = CaseClosure.PENALTY if penalty else CaseClosure.NO_PENALTY
        uow.flush()
        b, a = audit.diff(before_case, audit.snapshot(case))
        uow.audit(
            AuditAction.STATUS,
            RecordType.CASE,
            case.id,
            f"结案 {case.serial}（{CaseClosure.label_of(case.closure)}，来自投诉举报 {c.serial}）",
            before=b,
            after=a,
        )
        before = audit.snapshot(c)
        at = datetime.combine(closed, time.min)
        record_change(
            uow,
            c,
            before,
            f"登记立案查处结果（{CaseClosure.label_of(case.closure)}）：{excerpt(text)}",
            at=max(at, c.verified_at) if c.verified_at else at,
        )


def _ready_to_answer(c: Complaint, action: str) -> None:
    """A reply or feedback tells the result: after verification, and after the
    case was filed or the transfer made."""
    require(c, (S.HANDLING,), action)
    if c.outcome == O.CASE_FILED and c.case_id is None:
        raise RuleViolation(f"投诉举报 {c.serial} 核实结果为立案调查，请先立案，再{action}。")
    if c.outcome == O.TRANSFERRED and c.referral_id is None:
        raise RuleViolation(
            f"投诉举报 {c.serial} 核实结果为移送有管辖权的部门，请先移送，再{action}。"
        )


def record_reply(
    ctx: ServiceContext, complaint_id: int, replied_at: datetime, method: str, summary: str
) -> None:
    """乡镇告知投诉举报人调查处理结果 (seed 三（二）3); not for an anonymous complaint."""
    with ctx.uow() as uow:
        s = uow.session
        c = load(s, complaint_id)
        if c.anonymous:
            raise RuleViolation(
                f"投诉举报 {c.serial} 是匿名投诉举报，没有可以答复的投诉举报人，无需登记答复。"
            )
        if c.status == S.REGISTERED:
            raise RuleViolation(f"投诉举报 {c.serial} 还没有核实，请先登记核实结果，再答复。")
        _ready_to_answer(c, "答复投诉举报人")
        chk = Checker()
        when = moment(chk, "replied_at", replied_at, "答复时间")
        after(chk, "replied_at", c.verified_at, when, "verified_at", "replied_at")
        case = s.get(EnforcementCase, c.case_id) if c.case_id else None
        if case is not None:
            after(chk, "replied_at", case.filed_on, when, "filed_on", "replied_at")
        how = chk.text("method", method, "答复方式", 40, required=True)
        text = chk.text("summary", summary, "答复内容", 2000, required=True)
        keep_out(chk, "summary", text, "答复内容", _secrets(c))
        chk.raise_if_any()
        before = audit.snapshot(c)
        c.replied_at, c.reply_method, c.reply_summary = when, how, text
        record_change(uow, c, before, f"答复投诉举报人（{how}）", at=when)


def record_feedback(
    ctx: ServiceContext, complaint_id: int, feedback_at: datetime, summary: str
) -> None:
    """乡镇应向告知的县级职能部门反馈调查处理结果 (seed 三（二）3)."""
    with ctx.uow() as uow:
        s = uow.session
        c = load(s, complaint_id)
        if c.informing_org_id is None:
            raise RuleViolation(
                f"投诉举报 {c.serial} 不是县级职能部门告知本镇的，没有需要反馈的部门"
                "（机制 三（二）3 只要求向告知的县级职能部门反馈）。"
            )
        if c.status == S.REGISTERED:
            raise RuleViolation(f"投诉举报 {c.serial} 还没有核实，请先登记核实结果，再反馈。")
        _ready_to_answer(c, "向告知部门反馈")
        chk = Checker()
        when = moment(chk, "feedback_at", feedback_at, "反馈时间")
        after(chk, "feedback_at", c.verified_at, when, "verified_at", "feedback_at")
        case = s.get(EnforcementCase, c.case_id) if c.case_id else None
        if case is not None:
            after(chk, "feedback_at", case.filed_on, when, "filed_on", "feedback_at")
        text = chk.text("summary", summary, "反馈内容", 2000, required=True)
        keep_out(chk, "summary", text, "反馈内容", _secrets(c))
        chk.raise_if_any()
        before = audit.snapshot(c)
        c.feedback_at, c.feedback_summary = when, text
        record_change(uow, c, before, "向告知部门反馈处理结果", at=when)


def pending_duties(ctx: ServiceContext, complaint_id: int) -> list[str]:
    """What is still to be done, in Chinese ("答复投诉举报人", "向深泽县水利局反馈处理结果")."""
    with ctx.read() as s:
        c = load(s, complaint_id)
        cal = calendar_service.load(s)
        conf = settings_service.read_all(s)
        return [d.text for d in duties(s, c, cal, conf)]
