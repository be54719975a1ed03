"""不得以罚代刑: a record flagged as a suspected crime is not closed with a penalty
alone unless its transfer's outcome allows it or an audited override exists —
also through the complaint service."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from complaint_helpers import People, complaint, verify
from criminal_helpers import (
    REASON,
    Team,
    flag_case,
    last_audit,
    make_team,
    new_case,
    transferred,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, CaseClosure
from desktop_app.services import complaints, criminal
from desktop_app.services.context import ServiceContext
from desktop_app.services.criminal import FlagInput
from desktop_app.services.errors import InvalidInput, RuleViolation
from desktop_app.storage.models import EnforcementCase


@pytest.fixture
def team(ctx: ServiceContext) -> Team:
    return make_team(ctx)


def allowed(ctx: ServiceContext, kind: str, rid: int) -> bool:
    with ctx.read() as s:
        try:
            criminal.check_penalty_allowed(s, kind, rid)
        except RuleViolation:
            return False
        return True


def test_unflagged_allowed_flagged_refused_rejected_allowed(
    ctx: ServiceContext, team: Team
) -> None:
    case_id = new_case(ctx)
    assert allowed(ctx, "case", case_id)
    tid = flag_case(ctx, case_id)
    assert not allowed(ctx, "case", case_id)
    criminal.set_team(ctx, tid, [team.a, team.b])
    criminal.record_report(ctx, tid, datetime(2026, 11, 20, 10))
    assert not allowed(ctx, "case", case_id)
    criminal.record_decision(ctx, tid, datetime(2026, 11, 21, 9), team.head, False, "未达标准。")
    assert allowed(ctx, "case", case_id)


def test_suspected_case_without_a_transfer_is_refused(ctx: ServiceContext) -> None:
    case_id = new_case(ctx)
    with ctx.uow() as uow:
        case = uow.session.get(EnforcementCase, case_id)
        assert case is not None
        case.suspected_crime = True
    with ctx.read() as s, pytest.raises(RuleViolation, match="还没有登记行刑衔接"):
        criminal.check_penalty_allowed(s, "case", case_id)
    rows = criminal.flagged_report(ctx)
    assert [(r.transfer_id, r.source_id, r.penalty_allowed) for r in rows] == [
        (None, case_id, False)
    ]


def test_not_filed_waits_for_the_reconsideration_window(
    ctx: ServiceContext, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    tid = transferred(ctx, team, datetime(2026, 11, 21, 15))
    case_id = criminal.get(ctx, tid).case_id
    assert case_id is not None and not allowed(ctx, "case", case_id)
    criminal.record_police_decision(ctx, tid, datetime(2026, 11, 27, 10), "not_filed")
    assert not allowed(ctx, "case", case_id)  # 复议 possible until Nov 30
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 9, 0))
    assert allowed(ctx, "case", case_id)


def test_pending_reconsideration_and_filed_are_refused(ctx: ServiceContext, team: Team) -> None:
    tid = transferred(ctx, team, datetime(2026, 11, 21, 15))
    case_id = criminal.get(ctx, tid).case_id
    assert case_id is not None
    criminal.record_police_decision(ctx, tid, datetime(2026, 11, 27, 10), "not_filed")
    criminal.request_reconsideration(ctx, tid, datetime(2026, 11, 28, 9))
    assert not allowed(ctx, "case", case_id)
    criminal.record_reconsideration_result(ctx, tid, datetime(2026, 11, 29, 9), "改为立案", True)
    with ctx.read() as s, pytest.raises(RuleViolation, match="公安机关已立案"):
        criminal.check_penalty_allowed(s, "case", case_id)
    criminal.close(ctx, tid, datetime(2026, 11, 29, 10), "物品已移交。")
    assert not allowed(ctx, "case", case_id)


def test_override_needs_a_reason_and_a_second_officer(ctx: ServiceContext, team: Team) -> None:
    case_id = new_case(ctx)
    other = new_case(ctx, "深赵综执立〔2026〕17号")
    flag_case(ctx, case_id)
    op = ctx.as_operator(team.a, "李执法")
    with pytest.raises(InvalidInput):
        criminal.override_penalty_guard(op, "case", case_id, "", team.b)
    with pytest.raises(InvalidInput, match="另一名"):
        criminal.override_penalty_guard(op, "case", case_id, "理由", team.a)
    with pytest.raises(RuleViolation, match="未被标记"):
        criminal.override_penalty_guard(op, "case", other, "理由", team.b)
    assert not allowed(ctx, "case", case_id)
    criminal.override_penalty_guard(op, "case", case_id, "经县检察院书面意见不构成犯罪。", team.b)
    assert allowed(ctx, "case", case_id)
    entry = last_audit(ctx)
    assert entry.action == AuditAction.UPDATE and entry.operator_name == "李执法"
    assert "经县检察院书面意见不构成犯罪" in (entry.summary or "") and "周执法" in (
        entry.summary or ""
    )
    with ctx.read() as s:
        case = s.get(EnforcementCase, case_id)
        assert case is not None and (case.override_by_id, case.override_reason) == (
            team.b,
            "经县检察院书面意见不构成犯罪。",
        )
    row = next(r for r in criminal.flagged_report(ctx) if r.source_id == case_id)
    assert row.penalty_allowed and row.override_reason


def _complaint_case(op: ServiceContext) -> tuple[int, int]:
    cid = complaints.register(op, complaint())
    verify(op, cid, "case_filed")
    case_id = complaints.file_case(op, cid, "深赵综执立〔2026〕7号", date(2026, 11, 26))
    return cid, case_id


def test_complaint_result_cannot_bypass_the_guard(
    ctx: ServiceContext, op: ServiceContext, team: Team
) -> None:
    cid, case_id = _complaint_case(op)
    tid = criminal.flag(
        ctx,
        FlagInput(
            "complaint", cid, "王建国涉嫌污染环境罪案", REASON, flagged_at=datetime(2026, 11, 26, 9)
        ),
    )
    # even with the case's own mark cleared, the complaint's transfer still blocks
    with ctx.uow() as uow:
        case = uow.session.get(EnforcementCase, case_id)
        assert case is not None
        case.suspected_crime = False
    with pytest.raises(RuleViolation, match="以罚代刑"):
        complaints.record_case_result(op, cid, "罚款500元。", date(2026, 11, 27))
    criminal.set_team(ctx, tid, [team.a, team.b])
    criminal.record_report(ctx, tid, datetime(2026, 11, 26, 10))
    criminal.record_decision(ctx, tid, datetime(2026, 11, 27, 9), team.head, False, "未达标准。")
    complaints.record_case_result(op, cid, "罚款500元。", date(2026, 11, 27))
    with ctx.read() as s:
        case = s.get(EnforcementCase, case_id)
        assert case is not None and case.closure == CaseClosure.PENALTY


def test_complaint_result_after_an_override(
    ctx: ServiceContext, op: ServiceContext, people: People, team: Team
) -> None:
    cid, case_id = _complaint_case(op)
    flag_case(ctx, case_id, datetime(2026, 11, 26, 9))
    with pytest.raises(RuleViolation, match="以罚代刑"):
        complaints.record_case_result(op, cid, "罚款500元。", date(2026, 11, 27))
    criminal.override_penalty_guard(op, "complaint", cid, "检察院认为情节显著轻微。", team.b)
    complaints.record_case_result(op, cid, "罚款500元。", date(2026, 11, 27))


def test_a_received_transfer_cannot_report_a_result_past_the_guard(
    ctx: ServiceContext, team: Team
) -> None:
    from referral_helpers import incoming

    from desktop_app.domain.terms import MaterialKind
    from desktop_app.services import referrals

    rid = referrals.register_incoming(ctx, incoming(ctx))
    referrals.add_material(ctx, rid, MaterialKind.INSPECTION_RECORD, "部门现场检查笔录")
    case_id = referrals.file_case(ctx, rid, "赵八镇综执罚立〔2026〕12号", date(2026, 11, 3))
    criminal.flag(
        ctx, FlagInput("case", case_id, "某公司涉嫌污染环境案", "倾倒危险废物，涉嫌污染环境罪")
    )
    with pytest.raises(RuleViolation, match="涉嫌犯罪"):
        referrals.record_incoming_result(ctx, rid, datetime(2026, 11, 20, 9, 0), "罚款5000元")
    criminal.override_penalty_guard(ctx, "case", case_id, "经鉴定未达追诉标准", team.b)
    referrals.record_incoming_result(ctx, rid, datetime(2026, 11, 20, 9, 0), "罚款5000元")
