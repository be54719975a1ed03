"""投诉举报 (seed 三（二）): verification and what follows it.

Exactly one outcome, dates in order, the three outcomes end to end (no
violation → reply; case filed → result → reply; no jurisdiction → transfer →
reply), the feedback to an informing department and the closing by itself,
the clocks over the office calendar and settings, the lists and the history.
Intake is in test_complaint_intake.py and the complainant's confidentiality
in test_complaint_privacy.py; all three use complaint_helpers.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from complaint_helpers import (  # noqa: F401 (fixtures)
    ADDRESS,
    ENV,
    ID_NUMBER,
    NAME,
    NOW,
    PHONE,
    RECEIVED,
    SCJG_STATION,
    TOWNSHIP,
    VERIFIED,
    WATER,
    People,
    complaint,
    counts,
    end,
    get,
    informed,
    make_people,
    org,
    pdf_text,
    scan,
    stored_files,
    verify,
)
from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.domain.terms import (
    CaseClosure,
    CaseStatus,
    ComplaintOutcome,
    ComplaintStatus,
    FoundHow,
    MaterialKind,
    ReferralStatus,
)
from desktop_app.services import (
    calendar,
    complaints,
    ledgers,
    letters,
    records,
    referrals,
    settings,
)
from desktop_app.services.complaints import ComplainantInput
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, RuleViolation
from desktop_app.storage.models import (
    AuditEntry,
    EnforcementCase,
    PenaltyMatter,
)

# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


# --- verification: exactly one outcome -----------------------------------------------------


def test_verification_needs_one_valid_outcome_and_a_note(op: ServiceContext) -> None:
    cid = complaints.register(op, complaint())
    for outcome in (None, "", "both", "case_filed,transferred"):
        with pytest.raises(InvalidInput) as exc:
            verify(op, cid, outcome)  # type: ignore[arg-type]
        assert "outcome" in exc.value.problems
    with pytest.raises(InvalidInput) as exc:
        verify(op, cid, "no_violation", note=" ")
    assert "note" in exc.value.problems
    assert get(op, cid).status == ComplaintStatus.REGISTERED


def test_outcome_may_be_corrected_until_something_followed_from_it(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    cid = complaints.register(op, complaint())
    verify(op, cid, "no_violation")
    verify(op, cid, "case_filed")  # corrected: nothing followed yet
    assert get(op, cid).outcome == ComplaintOutcome.CASE_FILED
    complaints.file_case(op, cid, "深赵综执立〔2026〕1号", date(2026, 11, 26))
    with pytest.raises(RuleViolation, match=r"已经立案.*不能再更改核实结果"):
        verify(op, cid, "transferred")
    other = complaints.register(op, complaint())
    verify(op, other, "transferred")
    complaints.start_transfer(op, other, org(ctx, ENV))
    with pytest.raises(RuleViolation, match=r"已经移送.*不能再更改核实结果"):
        verify(op, other, "no_violation")
    assert get(op, other).outcome == ComplaintOutcome.TRANSFERRED


def test_outcome_must_fit_the_jurisdiction_of_the_catalogue(
    loaded: ServiceContext, people: People
) -> None:
    op = loaded.as_operator(people.clerk, "张首问")
    with loaded.read() as s:
        straw, food = (
            s.execute(select(PenaltyMatter.id).where(PenaltyMatter.name.contains(k))).scalar_one()
            for k in ("焚烧秸秆", "食品")
        )
    ours = complaints.register(op, complaint(penalty_matter_id=straw))
    theirs = complaints.register(op, complaint(penalty_matter_id=food, content="无证卖熟食。"))
    assert get(op, ours).competent_org_id == org(loaded, TOWNSHIP)
    assert get(op, theirs).competent_org_id == org(loaded, "深泽县市场监督管理局")
    with pytest.raises(RuleViolation, match="未划转乡镇，本镇无管辖权，不能立案"):
        verify(op, theirs, "case_filed")
    with pytest.raises(RuleViolation, match="属本镇管辖，不应移送"):
        verify(op, ours, "transferred")
    verify(op, ours, "case_filed")
    verify(op, theirs, "transferred")
    prefill = complaints.transfer_prefill(op, theirs)
    assert prefill.receiver_id == org(loaded, "深泽县市场监督管理局")
    assert prefill.matter == "未取得食品生产经营许可从事食品生产经营活动"


def test_suggest_jurisdiction_uses_the_catalogue(loaded: ServiceContext) -> None:
    hits = complaints.suggest_jurisdiction(loaded, "秸秆", date(2026, 11, 23))
    assert hits and hits[0].by_township


# --- dates in order ----------------------------------------------------------------------


def test_times_must_follow_each_other(ctx: ServiceContext, op: ServiceContext) -> None:
    cid = complaints.register(op, informed(ctx))
    with pytest.raises(InvalidInput) as exc:
        verify(op, cid, "case_filed", at=RECEIVED - timedelta(hours=1))
    assert "不能早于「受理时间」" in exc.value.problems["verified_at"]
    with pytest.raises(RuleViolation, match="还没有核实"):
        complaints.record_reply(op, cid, NOW, "电话", "已告知。")
    with pytest.raises(RuleViolation, match="还没有核实"):
        complaints.record_feedback(op, cid, NOW, "已反馈。")
    verify(op, cid, "case_filed")
    with pytest.raises(InvalidInput) as exc:
        complaints.file_case(op, cid, "深赵综执立〔2026〕2号", date(2026, 11, 24))
    assert "不能早于「核实时间」" in exc.value.problems["filed_on"]
    complaints.file_case(op, cid, "深赵综执立〔2026〕2号", date(2026, 11, 26))
    with pytest.raises(InvalidInput) as exc:
        complaints.record_case_result(op, cid, "罚款200元。", date(2026, 11, 25))
    assert "不能早于「立案日期」" in exc.value.problems["closed_on"]
    with pytest.raises(InvalidInput) as exc:
        complaints.record_reply(op, cid, VERIFIED - timedelta(minutes=1), "电话", "已告知。")
    assert "replied_at" in exc.value.problems
    with pytest.raises(InvalidInput) as exc:
        complaints.record_feedback(op, cid, datetime(2026, 11, 25, 16), "已反馈。")
    assert "不能早于「立案日期」" in exc.value.problems["feedback_at"]
    with pytest.raises(InvalidInput, match="将来"):
        complaints.record_reply(op, cid, NOW + timedelta(hours=1), "电话", "已告知。")


# --- the three outcomes end to end ------------------------------------------------------------


def test_no_violation_reply_closes_the_complaint(op: ServiceContext) -> None:
    cid = complaints.register(op, complaint())
    assert complaints.allowed_actions(op, cid) == {"edit", "verify", "reveal"}
    assert complaints.pending_duties(op, cid) == ["初步核实"]
    verify(op, cid, "no_violation", note="现场未发现焚烧痕迹。")
    c = get(op, cid)
    assert c.status == ComplaintStatus.HANDLING and c.verified_by_id == op.operator_id
    assert (c.deadline_at, c.deadline_what) == (end(date(2026, 12, 14)), "答复期限：答复投诉人")
    assert complaints.pending_duties(op, cid) == ["答复投诉举报人"]
    assert complaints.allowed_actions(op, cid) == {"verify", "reply", "reveal"}
    with pytest.raises(RuleViolation, match="不是县级职能部门告知"):
        complaints.record_feedback(op, cid, NOW, "无")
    replied = datetime(2026, 11, 26, 9, 0)
    complaints.record_reply(op, cid, replied, "电话", "已电话告知核实结果。")
    c = get(op, cid)
    assert c.status == ComplaintStatus.CLOSED and c.closed_at == replied
    assert c.deadline_at is None and c.deadline_what is None
    assert complaints.pending_duties(op, cid) == []
    assert complaints.allowed_actions(op, cid) == {"reveal"}
    with pytest.raises(RuleViolation, match="已办结"):
        complaints.record_reply(op, cid, NOW, "电话", "再次告知。")
    issued = letters.issue(op, "complainant_notice", cid, on=NOW.date())
    assert "现场未发现焚烧痕迹" in pdf_text(issued.path)


def test_case_filed_then_result_then_final_reply(ctx: ServiceContext, op: ServiceContext) -> None:
    cid = complaints.register(op, complaint())
    verify(op, cid, "case_filed", note="确有焚烧秸秆行为，需要处罚。")
    assert complaints.allowed_actions(op, cid) == {"verify", "file_case", "reveal"}
    with pytest.raises(RuleViolation, match="请先立案"):
        complaints.record_reply(op, cid, NOW, "电话", "已立案。")
    with pytest.raises(RuleViolation, match="只适用于核实结果为「无管辖权"):
        complaints.start_transfer(op, cid, org(ctx, ENV))
    case_id = complaints.file_case(op, cid, "深赵综执立〔2026〕3号", date(2026, 11, 26))
    with pytest.raises(RuleViolation, match="已经立案"):
        complaints.file_case(op, cid, "深赵综执立〔2026〕4号", date(2026, 11, 26))
    # the detail view names the case by its serial and number, not its row id
    linked = dict(records.detail(op, "complaints", cid))["关联立案案件"]
    assert linked.endswith("（深赵综执立〔2026〕3号）") and linked.startswith("案")
    with ctx.read() as s:
        case = s.get(EnforcementCase, case_id)
        assert case is not None
        assert (case.party_name, case.place, case.filed_on) == (
            "王建国",
            "赵八村村东农田",
            date(2026, 11, 26),
        )
        assert "确有焚烧秸秆行为" in (case.facts or "") and case.status == CaseStatus.OPEN
    c = get(op, cid)
    assert c.case_id == case_id
    assert c.deadline_what == "答复期限：立案查处结果、答复投诉人"
    # An interim reply ("已立案，结果另行告知") is kept; the final one still waits for the result.
    complaints.record_reply(
        op, cid, datetime(2026, 11, 26, 16), "电话", "已立案调查，结果另行告知。"
    )
    assert complaints.pending_duties(op, cid) == [
        "登记立案查处结果",
        "答复投诉举报人（待立案查处结果后再次告知）",
    ]
    assert get(op, cid).deadline_at is None  # only the case result is pending: the case's own clock
    complaints.record_case_result(op, cid, "对王建国作出罚款200元的行政处罚。", date(2026, 11, 27))
    with ctx.read() as s:
        case = s.get(EnforcementCase, case_id)
        assert case is not None
        assert (case.status, case.closure, case.closed_on) == (
            CaseStatus.CLOSED,
            CaseClosure.PENALTY,
            date(2026, 11, 27),
        )
    c = get(op, cid)
    assert c.status == ComplaintStatus.HANDLING
    assert complaints.pending_duties(op, cid) == ["答复投诉举报人"]
    # 15 working days from the result (later than 15 from receipt)
    assert c.deadline_at == end(date(2026, 12, 18))
    with pytest.raises(RuleViolation, match="已经结案"):
        complaints.record_case_result(op, cid, "再次结案。", date(2026, 11, 27))
    complaints.record_reply(
        op, cid, datetime(2026, 11, 30, 9), "书面（处理结果告知书）", "告知处罚结果。"
    )
    assert get(op, cid).status == ComplaintStatus.CLOSED
    notice = letters.issue(op, "complainant_notice", cid, on=NOW.date())
    assert "罚款200元" in pdf_text(notice.path)


def test_case_result_without_penalty_and_the_suspected_crime_rule(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    cid = complaints.register(op, complaint(anonymous=True, complainant=ComplainantInput()))
    verify(op, cid, "case_filed")
    case_id = complaints.file_case(op, cid, "深赵综执立〔2026〕5号", date(2026, 11, 26))
    with ctx.uow() as uow:
        case = uow.session.get(EnforcementCase, case_id)
        assert case is not None
        case.suspected_crime = True
    with pytest.raises(RuleViolation, match="以罚代刑"):
        complaints.record_case_result(op, cid, "罚款。", date(2026, 11, 27))
    complaints.record_case_result(
        op, cid, "情节轻微，不予处罚。", date(2026, 11, 27), penalty=False
    )
    with ctx.read() as s:
        case = s.get(EnforcementCase, case_id)
        assert case is not None and case.closure == CaseClosure.NO_PENALTY
    c = get(op, cid)  # anonymous, not informed: the case result was the last duty
    assert c.status == ComplaintStatus.CLOSED and c.closed_at == datetime(2026, 11, 27, 0, 0)


def test_transferred_creates_the_outgoing_transfer_prefilled(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    cid = complaints.register(op, complaint())
    verify(op, cid, "transferred", note="属生态环境部门职责。")
    c = get(op, cid)
    # 3 working days from the verification (seed 三（一）2) until the transfer is made
    assert (c.deadline_at, c.deadline_what) == (
        end(date(2026, 11, 30)),
        "移送期限：移送有管辖权部门、答复投诉人",
    )
    with pytest.raises(RuleViolation, match="请先移送"):
        complaints.record_reply(op, cid, NOW, "电话", "已移送。")
    with pytest.raises(RuleViolation, match="只适用于核实结果为「属本镇管辖"):
        complaints.file_case(op, cid, "X1", date(2026, 11, 26))
    rid = complaints.start_transfer(op, cid, org(ctx, ENV))
    assert complaints.start_transfer(op, cid, org(ctx, ENV)) == rid  # once only
    r = referrals.get(op, rid)
    assert r.status == ReferralStatus.DRAFT and r.complaint_id == cid
    assert (r.found_at, r.found_how, r.receiver_id) == (VERIFIED, FoundHow.COMPLAINT, org(ctx, ENV))
    assert (r.party_name, r.place) == ("王建国", "赵八村村东农田")
    assert r.matter == "村东农田有人露天焚烧秸秆，浓烟很大，影响附近居民"
    assert "属生态环境部门职责" in (r.facts or "")
    assert r.deadline_at == end(date(2026, 11, 30))
    mats = referrals.list_materials(op, rid)
    assert [(m.kind, m.title) for m in mats] == [
        (MaterialKind.COMPLAINT_MATERIAL, "投诉举报材料（已隐去投诉举报人信息）")
    ]
    c = get(op, cid)
    assert c.referral_id == rid and c.competent_org_id == org(ctx, ENV)
    assert c.deadline_what == "答复期限：答复投诉人"
    assert complaints.allowed_actions(op, cid) == {"reply", "reveal"}
    complaints.record_reply(op, cid, NOW, "电话", "已告知移送生态环境部门处理。")
    assert get(op, cid).status == ComplaintStatus.CLOSED


def test_transfer_through_the_wizard_prefill_and_link(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    cid = complaints.register(op, complaint(place=None))
    verify(op, cid, "transferred")
    with pytest.raises(RuleViolation, match="没有登记地点"):
        complaints.start_transfer(op, cid, org(ctx, ENV))
    before = counts(ctx)
    prefill = complaints.transfer_prefill(op, cid)
    assert counts(ctx) == before  # nothing written
    assert prefill.complaint_id == cid and prefill.found_how == FoundHow.COMPLAINT
    assert prefill.found_at == VERIFIED and prefill.place == ""
    # "反映…": how the clerk wrote it down is not the matter transferred
    assert prefill.matter == "村东农田有人露天焚烧秸秆，浓烟很大，影响附近居民"
    assert "反映：村东农田有人露天焚烧秸秆" in (prefill.facts or "")
    # The wizard fills the place; a clerk who typed the complainant's phone into it is stopped.
    prefill.place, prefill.receiver_id = "赵八村村东农田", org(ctx, ENV)
    prefill.facts = (prefill.facts or "") + f"\n投诉人电话{PHONE[:3]} {PHONE[3:]}"
    leaky = referrals.create_outgoing(op, prefill)
    with pytest.raises(RuleViolation, match="含有投诉举报人的联系电话"):
        complaints.link_transfer(op, cid, leaky)
    referrals.withdraw(op, leaky, "含有投诉举报人信息")
    prefill.facts = complaints.transfer_prefill(op, cid).facts
    rid = referrals.create_outgoing(op, prefill)
    complaints.link_transfer(op, cid, rid)
    complaints.link_transfer(op, cid, rid)  # again: nothing happens
    assert get(op, cid).referral_id == rid
    assert [m.title for m in referrals.list_materials(op, rid)] == [
        "投诉举报材料（已隐去投诉举报人信息）"
    ]
    with pytest.raises(RuleViolation, match=r"已撤回|已经关联"):
        complaints.link_transfer(op, cid, leaky)


# --- informed by a county department: feedback, closing by itself -----------------------------


def test_informed_complaint_needs_reply_and_feedback_before_it_closes(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    cid = complaints.register(op, informed(ctx))
    verify(op, cid, "no_violation", note="经现场核实，未发现焚烧行为。")
    assert complaints.pending_duties(op, cid) == ["答复投诉举报人", "向深泽县水利局反馈处理结果"]
    assert complaints.allowed_actions(op, cid) >= {"reply", "feedback"}
    assert get(op, cid).deadline_what == "答复期限：答复投诉人、向告知部门反馈"
    complaints.record_reply(op, cid, datetime(2026, 11, 26, 9), "电话", "已告知核实结果。")
    c = get(op, cid)
    assert c.status == ComplaintStatus.HANDLING
    assert (c.deadline_at, c.deadline_what) == (end(date(2026, 12, 14)), "答复期限：向告知部门反馈")
    issued = letters.issue(op, "feedback_letter", cid, on=NOW.date())
    text = pdf_text(issued.path)
    assert "深泽县水利局" in text and "未发现焚烧行为" in text
    complaints.record_feedback(op, cid, datetime(2026, 11, 27, 10), "已函告县水利局。")
    c = get(op, cid)
    assert c.status == ComplaintStatus.CLOSED and c.closed_at == datetime(2026, 11, 27, 10)
    assert c.deadline_at is None


def test_anonymous_informed_complaint_owes_only_the_feedback(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    cid = complaints.register(op, informed(ctx, anonymous=True, complainant=ComplainantInput()))
    verify(op, cid, "no_violation")
    assert complaints.pending_duties(op, cid) == ["向深泽县水利局反馈处理结果"]
    assert "reply" not in complaints.allowed_actions(op, cid)
    with pytest.raises(RuleViolation, match="匿名"):
        complaints.record_reply(op, cid, NOW, "电话", "无")
    complaints.record_feedback(op, cid, NOW, "已反馈。")
    assert get(op, cid).status == ComplaintStatus.CLOSED


def test_anonymous_complaint_end_to_end_without_reply(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    cid = complaints.register(op, complaint(anonymous=True, complainant=ComplainantInput()))
    with pytest.raises(RuleViolation, match="匿名"):
        letters.preview(op, "complainant_notice", cid)
    verify(op, cid, "no_violation")
    c = get(op, cid)  # no reply owed, nobody informed: verified is done
    assert c.status == ComplaintStatus.CLOSED and c.closed_at == VERIFIED
    other = complaints.register(op, complaint(anonymous=True, complainant=ComplainantInput()))
    verify(op, other, "transferred")
    assert get(op, other).deadline_what == "移送期限：移送有管辖权部门"
    complaints.start_transfer(op, other, org(ctx, ENV))
    assert get(op, other).status == ComplaintStatus.CLOSED
    letters.issue(op, "complaint_form", other, on=NOW.date())


# --- clocks ------------------------------------------------------------------------------


def test_verify_deadline_from_the_settings_over_working_days(op: ServiceContext) -> None:
    cid = complaints.register(op, complaint())
    c = get(op, cid)
    assert (c.deadline_at, c.deadline_what) == (end(date(2026, 12, 2)), "核实期限")
    settings.save(op, {"complaint_verify_days": 3, "complaint_reply_days": 5})
    assert get(op, cid).deadline_at == end(date(2026, 11, 26))  # the running clock follows
    fast = complaints.register(op, complaint())
    assert get(op, fast).deadline_at == end(date(2026, 11, 26))
    verify(op, fast, "no_violation")
    assert get(op, fast).deadline_at == end(date(2026, 11, 30))


def test_office_override_moves_open_complaint_deadlines(op: ServiceContext) -> None:
    registered = complaints.register(op, complaint())
    handling = complaints.register(op, complaint())
    verify(op, handling, "no_violation")
    closed = complaints.register(op, complaint(anonymous=True, complainant=ComplainantInput()))
    verify(op, closed, "no_violation")
    moved = calendar.set_override(op, date(2026, 12, 1), False, "临时停电放假")
    assert moved >= 2
    assert get(op, registered).deadline_at == end(date(2026, 12, 3))
    assert get(op, registered).deadline_what == "核实期限"
    assert get(op, handling).deadline_at == end(date(2026, 12, 15))
    assert get(op, closed).deadline_at is None
    calendar.remove_override(op, date(2026, 12, 1))
    assert get(op, registered).deadline_at == end(date(2026, 12, 2))


def test_open_complaints_are_on_the_dashboard(op: ServiceContext) -> None:
    from desktop_app.services import dashboard

    cid = complaints.register(op, complaint(received_at=datetime(2026, 11, 19, 9)))
    board = dashboard.build(op, NOW)
    item = next(i for i in board.items if i.record_id == cid and i.ledger_key == "complaints")
    assert item.what == "核实期限" and item.bucket.value == "today"


# --- lists and history --------------------------------------------------------------------


def test_ledger_filters_by_channel_and_outcome(ctx: ServiceContext, op: ServiceContext) -> None:
    a = complaints.register(op, complaint())
    b = complaints.register(op, informed(ctx))
    verify(op, b, "case_filed")
    q = ledgers.Query(filters=(("channel", "department"),))
    assert [r["id"] for r in ledgers.page(op, "complaints", q)] == [b]
    q = ledgers.Query(filters=(("outcome", "case_filed"),))
    assert [r["id"] for r in ledgers.page(op, "complaints", q)] == [b]
    q = ledgers.Query(filters=(("channel", "phone"),), status="registered")
    assert [r["id"] for r in ledgers.page(op, "complaints", q)] == [a]
    with pytest.raises(InvalidInput):
        ledgers.page(op, "complaints", ledgers.Query(filters=(("outcome", "maybe"),)))


def test_history_records_every_step(ctx: ServiceContext, op: ServiceContext) -> None:
    cid = complaints.register(op, informed(ctx))
    verify(op, cid, "no_violation")
    complaints.record_reply(op, cid, NOW, "电话", "已告知。")
    complaints.record_feedback(op, cid, NOW, "已反馈。")
    rows = complaints.history(op, cid)
    summaries = [r.summary for r in rows]
    assert summaries[0].startswith("诉2026-0001 登记投诉举报（县级部门告知，首问责任人：张首问）")
    assert any("登记核实结果：未发现违法行为" in s for s in summaries)
    assert summaries[-1].endswith("向告知部门反馈处理结果；各项职责均已完成，办结")
    last = rows[-1]
    assert ("状态", "处理中", "已办结") in last.changes
    with ctx.read() as s:
        n = s.execute(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.record_type == "complaint", AuditEntry.record_id == cid
            )
        ).scalar()
    assert n == len(rows)
