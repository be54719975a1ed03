"""行刑衔接 (国务院令第310号): the steps, their clocks in both day modes, the team,
the materials and the 移送书, and bad input refused with nothing half-written."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from assistance_helpers import pdf_text
from criminal_helpers import (
    REASON,
    TITLE,
    Team,
    approved,
    counts,
    flag_case,
    get,
    last_audit,
    make_team,
    new_case,
    police,
    procuratorate,
    ready,
    reported,
    transferred,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import CaseStatus
from desktop_app.domain.terms import CriminalTransferStatus as S
from desktop_app.services import criminal, letters, settings
from desktop_app.services.context import ServiceContext
from desktop_app.services.criminal import FlagInput
from desktop_app.services.errors import Conflict, InvalidInput, RuleViolation
from desktop_app.storage.models import EnforcementCase, Organisation


def end(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59))


@pytest.fixture
def team(ctx: ServiceContext) -> Team:
    return make_team(ctx)


@pytest.fixture(params=["calendar", "working"])
def mode(request: pytest.FixtureRequest, ctx: ServiceContext) -> str:
    if request.param == "working":
        settings.save(ctx, {"criminal_working_days": 1})
    return str(request.param)


# --- the clocks ---------------------------------------------------------------------------


def test_every_step_has_its_clock(ctx: ServiceContext, team: Team, mode: str) -> None:
    work = mode == "working"
    tid = flag_case(ctx, new_case(ctx))
    t = get(ctx, tid)
    assert (t.status, t.deadline_at, t.deadline_what) == (S.FLAGGED, None, None)
    criminal.set_team(ctx, tid, [team.a, team.b])
    criminal.record_report(ctx, tid, datetime(2026, 11, 20, 10, 0))  # a Friday
    t = get(ctx, tid)
    # 3 days from the report: Mon 23 (calendar) or Wed 25 (working days)
    assert t.deadline_at == end(date(2026, 11, 25 if work else 23))
    assert t.deadline_what == "负责人决定期限"
    criminal.record_decision(ctx, tid, datetime(2026, 11, 21, 9, 0), team.head, True)
    t = get(ctx, tid)  # 24 clock hours, whatever the mode
    assert (t.deadline_at, t.deadline_what) == (datetime(2026, 11, 22, 9, 0), "移送公安期限")
    ready(ctx, tid, date(2026, 11, 21))
    criminal.record_transfer(
        ctx, tid, datetime(2026, 11, 21, 15, 0), police(ctx), procuratorate(ctx)
    )
    t = get(ctx, tid)  # from the transfer (Saturday) while the receipt is not recorded
    assert t.deadline_at == end(date(2026, 11, 25 if work else 24))
    assert t.deadline_what == "公安立案决定期限"
    assert t.procuratorate_informed_at == datetime(2026, 11, 21, 15, 0)
    criminal.record_receipt(ctx, tid, datetime(2026, 11, 23, 10, 0))  # Monday
    assert get(ctx, tid).deadline_at == end(date(2026, 11, 26))
    criminal.record_police_decision(ctx, tid, datetime(2026, 11, 27, 10, 0), "not_filed", "不够罪")
    t = get(ctx, tid)  # 复议 within 3 days of the notice (Friday): Mon 30 / Wed 2 Dec
    assert t.deadline_at == end(date(2026, 12, 2) if work else date(2026, 11, 30))
    assert (t.status, t.deadline_what) == (S.NOT_FILED, "提请复议期限")
    assert "reconsider" in criminal.allowed_actions(ctx, tid)
    criminal.request_reconsideration(ctx, tid, datetime(2026, 11, 28, 9, 0))  # Saturday
    t = get(ctx, tid)
    assert t.deadline_at == end(date(2026, 12, 2) if work else date(2026, 12, 1))
    assert (t.status, t.deadline_what) == (S.RECONSIDERATION, "公安复议决定期限")
    criminal.record_reconsideration_result(ctx, tid, datetime(2026, 11, 29, 9, 0), "维持不予立案")
    t = get(ctx, tid)
    assert (t.status, t.deadline_at) == (S.NOT_FILED, None)
    assert criminal.allowed_actions(ctx, tid) == {"supervision", "close"}
    criminal.close(ctx, tid, datetime(2026, 11, 29, 10, 0), "复议维持，转行政处罚程序。")
    assert get(ctx, tid).status == S.CLOSED


def test_filed_then_handover_clock_then_close(ctx: ServiceContext, team: Team, mode: str) -> None:
    tid = transferred(ctx, team, datetime(2026, 11, 21, 15, 0))
    criminal.record_police_decision(ctx, tid, datetime(2026, 11, 24, 10, 0), "filed")
    t = get(ctx, tid)  # Tue 24 + 3: Fri 27 both ways
    assert (t.status, t.deadline_what, t.deadline_at) == (
        S.FILED,
        "移交涉案物品期限",
        end(date(2026, 11, 27)),
    )
    with pytest.raises(RuleViolation, match="提请复议"):
        criminal.request_reconsideration(ctx, tid, datetime(2026, 11, 25, 9))
    criminal.close(ctx, tid, datetime(2026, 11, 26, 9), "涉案物品已移交。")
    t = get(ctx, tid)
    assert (t.status, t.handover_at, t.deadline_at) == (S.CLOSED, datetime(2026, 11, 26, 9), None)


def test_changing_the_day_mode_moves_the_running_clock(ctx: ServiceContext, team: Team) -> None:
    tid = reported(ctx, team, datetime(2026, 11, 20, 10, 0))
    assert get(ctx, tid).deadline_at == end(date(2026, 11, 23))
    settings.save(ctx, {"criminal_working_days": 1})
    assert get(ctx, tid).deadline_at == end(date(2026, 11, 25))
    with pytest.raises(InvalidInput, match="不能大于1"):
        settings.save(ctx, {"criminal_working_days": 2})


# --- the flag ------------------------------------------------------------------------------


def test_flag_marks_the_case_and_one_open_transfer_per_source(ctx: ServiceContext) -> None:
    case_id = new_case(ctx)
    with pytest.raises(InvalidInput) as err:
        criminal.flag(ctx, FlagInput("case", case_id, TITLE, ""))
    assert "reason" in err.value.problems
    with pytest.raises(InvalidInput) as err:
        criminal.flag(ctx, FlagInput("case", 9999, TITLE, REASON))
    assert "source_id" in err.value.problems
    with pytest.raises(InvalidInput):
        criminal.flag(ctx, FlagInput("meeting", case_id, TITLE, REASON))
    tid = flag_case(ctx, case_id)
    t = get(ctx, tid)
    assert (t.case_id, t.status, t.serial.startswith("刑2026-")) == (case_id, S.FLAGGED, True)
    with ctx.read() as s:
        case = s.get(EnforcementCase, case_id)
        assert case is not None and case.suspected_crime and case.crime_reason == REASON
    before = counts(ctx)
    with pytest.raises(RuleViolation, match="不能重复标记"):
        flag_case(ctx, case_id)
    assert counts(ctx) == before


def test_update_load_input_and_stale_version(ctx: ServiceContext) -> None:
    tid = flag_case(ctx, new_case(ctx))
    data, version = criminal.load_input(ctx, tid)
    data.title = "王某涉嫌非法采矿罪案（修改）"
    criminal.update(ctx, tid, data, version)
    assert get(ctx, tid).title.endswith("（修改）")
    with pytest.raises(Conflict):
        criminal.update(ctx, tid, data, version)
    data.source_id = new_case(ctx, "深赵综执立〔2026〕18号")
    with pytest.raises(RuleViolation, match="来源记录不能修改"):
        criminal.update(ctx, tid, data)


# --- the team and the report (art. 5) ------------------------------------------------


def test_team_of_two_officers_with_certificates(ctx: ServiceContext, team: Team) -> None:
    tid = flag_case(ctx, new_case(ctx))
    before = counts(ctx)
    with pytest.raises(RuleViolation, match="专案组"):
        criminal.record_report(ctx, tid, datetime(2026, 11, 20, 10))
    with pytest.raises(InvalidInput, match="至少选择两人"):
        criminal.set_team(ctx, tid, [team.a])
    with pytest.raises(InvalidInput, match="至少选择两人"):
        criminal.set_team(ctx, tid, [team.a, team.a])
    with pytest.raises(InvalidInput, match="执法证号"):
        criminal.set_team(ctx, tid, [team.a, team.nocert])
    assert counts(ctx) == before
    assert get(ctx, tid).officers == []
    criminal.set_team(ctx, tid, [team.a, team.b, team.c])
    assert {o.id for o in get(ctx, tid).officers} == {team.a, team.b, team.c}
    assert "李执法" in (last_audit(ctx).after or {}).get("team", "")
    with pytest.raises(InvalidInput, match="不能早于"):
        criminal.record_report(ctx, tid, datetime(2026, 11, 19, 10))
    with pytest.raises(InvalidInput, match="将来"):
        criminal.record_report(ctx, tid, datetime(2026, 12, 19, 10))
    assert get(ctx, tid).status == S.FLAGGED


def test_the_heads_decision(ctx: ServiceContext, team: Team) -> None:
    tid = flag_case(ctx, new_case(ctx))
    criminal.set_team(ctx, tid, [team.a, team.head2])
    with pytest.raises(RuleViolation, match="不能登记负责人决定"):  # before the report
        criminal.record_decision(ctx, tid, datetime(2026, 11, 21, 9), team.head, True)
    criminal.record_report(ctx, tid, datetime(2026, 11, 20, 10))
    before = counts(ctx)
    with pytest.raises(InvalidInput, match="不能早于"):
        criminal.record_decision(ctx, tid, datetime(2026, 11, 20, 9), team.head, True)
    with pytest.raises(InvalidInput, match="专案组成员"):
        criminal.record_decision(ctx, tid, datetime(2026, 11, 21, 9), team.head2, True)
    with pytest.raises(InvalidInput, match="不是在职的负责人"):
        criminal.record_decision(ctx, tid, datetime(2026, 11, 21, 9), team.c, True)
    with pytest.raises(InvalidInput) as err:
        criminal.record_decision(ctx, tid, datetime(2026, 11, 21, 9), team.head, False)
    assert "reason" in err.value.problems
    assert counts(ctx) == before and get(ctx, tid).status == S.REPORTED
    criminal.record_decision(
        ctx, tid, datetime(2026, 11, 21, 9), team.head, False, "数额未达追诉标准。"
    )
    t = get(ctx, tid)
    assert (t.status, t.approved, t.rejection_reason, t.deadline_at) == (
        S.REJECTED,
        False,
        "数额未达追诉标准。",
        None,
    )
    assert criminal.allowed_actions(ctx, tid) == {"supervision", "close"}
    with pytest.raises(RuleViolation, match="不予移送"):
        letters.issue(ctx, "criminal_transfer", tid, on=date(2026, 11, 21))


# --- the transfer (arts. 5–7) -----------------------------------------------------------


def test_transfer_needs_approval_materials_and_the_letter(ctx: ServiceContext, team: Team) -> None:
    tid = reported(ctx, team, datetime(2026, 11, 20, 10))
    args = (datetime(2026, 11, 21, 15), police(ctx), procuratorate(ctx))
    with pytest.raises(RuleViolation, match="不能登记移送"):
        criminal.record_transfer(ctx, tid, *args)
    criminal.record_decision(ctx, tid, datetime(2026, 11, 21, 9), team.head, True)
    before = counts(ctx)
    with pytest.raises(RuleViolation, match="涉嫌犯罪案件移送书、涉嫌犯罪案件情况的调查报告"):
        criminal.record_transfer(ctx, tid, *args)
    criminal.add_material(ctx, tid, "criminal_transfer_letter", "涉嫌犯罪案件移送书")
    criminal.add_material(ctx, tid, "investigation_report", "涉嫌犯罪案件情况的调查报告")
    assert [m.kind_label for m in criminal.list_materials(ctx, tid)] == [
        "涉嫌犯罪案件移送书",
        "涉嫌犯罪案件情况的调查报告",
    ]
    with pytest.raises(RuleViolation, match="还没有出具涉嫌犯罪案件移送书"):
        criminal.record_transfer(ctx, tid, *args)
    with pytest.raises(InvalidInput):
        criminal.add_material(ctx, tid, "referral_letter", "移送函")
    assert get(ctx, tid).status == S.APPROVED
    assert counts(ctx)[0] == before[0]
    issued = letters.issue(ctx, "criminal_transfer", tid, on=date(2026, 11, 21))
    with pytest.raises(InvalidInput) as err:  # wrong kinds of organisation
        criminal.record_transfer(ctx, tid, args[0], procuratorate(ctx), police(ctx))
    assert {"police_org_id", "procuratorate_org_id"} <= set(err.value.problems)
    criminal.record_transfer(ctx, tid, *args)
    t = get(ctx, tid)
    assert (t.status, t.police_org_id, t.procuratorate_org_id, t.late_reason) == (
        S.TRANSFERRED,
        police(ctx),
        procuratorate(ctx),
        None,
    )
    text = pdf_text(issued.path)
    with ctx.read() as s:
        names = [s.get(Organisation, i).name for i in (police(ctx), procuratorate(ctx))]  # type: ignore[union-attr]
    assert "涉嫌犯罪案件移送书" in text and "非法采矿罪" in text
    assert names[0] in text and names[1] in text  # 主送公安机关，抄送人民检察院
    assert "李执法" in text and "涉嫌犯罪案件情况的调查报告" in text
    with pytest.raises(RuleViolation, match="不能添加移送材料"):
        criminal.add_material(ctx, tid, "other", "补充材料")


def test_late_transfer_needs_a_reason(ctx: ServiceContext, team: Team) -> None:
    tid = approved(ctx, team, datetime(2026, 11, 21, 9, 0))
    ready(ctx, tid, date(2026, 11, 21))
    late = datetime(2026, 11, 22, 9, 1)
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        criminal.record_transfer(ctx, tid, late, police(ctx), procuratorate(ctx))
    assert "24小时" in err.value.problems["late_reason"]
    assert counts(ctx) == before and get(ctx, tid).status == S.APPROVED
    criminal.record_transfer(
        ctx, tid, late, police(ctx), procuratorate(ctx), "周末联系不上派出所。"
    )
    assert get(ctx, tid).late_reason == "周末联系不上派出所。"


def test_on_time_transfer_keeps_no_late_reason(ctx: ServiceContext, team: Team) -> None:
    tid = approved(ctx, team, datetime(2026, 11, 21, 9, 0))
    ready(ctx, tid, date(2026, 11, 21))
    criminal.record_transfer(
        ctx, tid, datetime(2026, 11, 22, 9, 0), police(ctx), procuratorate(ctx), "多余的说明"
    )
    assert get(ctx, tid).late_reason is None


# --- after the transfer ---------------------------------------------------------------


def test_reconsideration_only_after_not_filed_and_within_the_window(
    ctx: ServiceContext, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    tid = transferred(ctx, team, datetime(2026, 11, 21, 15, 0))
    with pytest.raises(RuleViolation, match="不能提请复议"):
        criminal.request_reconsideration(ctx, tid, datetime(2026, 11, 22, 9))
    criminal.record_receipt(ctx, tid, datetime(2026, 11, 21, 16, 0))
    with pytest.raises(RuleViolation, match="已登记公安机关接收"):
        criminal.record_receipt(ctx, tid, datetime(2026, 11, 21, 17, 0))
    with pytest.raises(InvalidInput):
        criminal.record_police_decision(ctx, tid, datetime(2026, 11, 22, 9), "maybe")
    criminal.record_police_decision(ctx, tid, datetime(2026, 11, 22, 9), "not_filed")
    assert "reconsider" not in criminal.allowed_actions(ctx, tid)  # due Nov 25, now Nov 29
    with pytest.raises(RuleViolation, match="已超过期限"):
        criminal.request_reconsideration(ctx, tid, datetime(2026, 11, 26, 9))
    assert get(ctx, tid).status == S.NOT_FILED
    criminal.request_reconsideration(ctx, tid, datetime(2026, 11, 25, 9))
    assert criminal.allowed_actions(ctx, tid) == {"reconsideration_result", "supervision"}
    criminal.record_reconsideration_result(
        ctx, tid, datetime(2026, 11, 27, 9), "复议后决定立案。", filed=True
    )
    t = get(ctx, tid)
    assert (t.status, t.deadline_what) == (S.FILED, "移交涉案物品期限")


def test_supervision_is_kept_and_audited(ctx: ServiceContext, team: Team) -> None:
    tid = reported(ctx, team, datetime(2026, 11, 20, 10))
    with pytest.raises(RuleViolation, match="不能登记检察院监督"):
        criminal.record_procuratorate_supervision(ctx, tid, datetime(2026, 11, 22), "监督")
    criminal.record_decision(ctx, tid, datetime(2026, 11, 21, 9), team.head, False, "不够罪。")
    with pytest.raises(InvalidInput):
        criminal.record_procuratorate_supervision(ctx, tid, datetime(2026, 11, 22), "")
    criminal.record_procuratorate_supervision(
        ctx, tid, datetime(2026, 11, 23, 9), "检察院要求说明不移送理由。"
    )
    t = get(ctx, tid)
    assert (t.supervision_at, t.supervision_note) == (
        datetime(2026, 11, 23, 9),
        "检察院要求说明不移送理由。",
    )
    rows = criminal.history(ctx, tid)
    summaries = [r.summary for r in rows]
    assert any("标记涉嫌犯罪" in x for x in summaries)
    assert any("组成专案组" in x for x in summaries)
    assert any("决定不予移送" in x for x in summaries)
    assert any("人民检察院立案监督" in x for x in summaries)
    labels = {c[0] for r in rows for c in r.changes}
    assert {"检察院立案监督情况", "专案组成员", "不批准的理由"} <= labels


def test_allowed_actions_follow_the_status(ctx: ServiceContext, team: Team) -> None:
    tid = flag_case(ctx, new_case(ctx))
    assert criminal.allowed_actions(ctx, tid) == {"edit", "team", "report"}
    criminal.set_team(ctx, tid, [team.a, team.b])
    criminal.record_report(ctx, tid, datetime(2026, 11, 20, 10))
    assert criminal.allowed_actions(ctx, tid) == {"edit", "team", "decide"}
    criminal.record_decision(ctx, tid, datetime(2026, 11, 21, 9), team.head, True)
    assert criminal.allowed_actions(ctx, tid) == {"edit", "transfer"}
    assert criminal.allowed_actions(ctx, tid) <= criminal.ACTIONS


def test_the_case_stays_open_under_the_guard(ctx: ServiceContext) -> None:
    case_id = new_case(ctx)
    flag_case(ctx, case_id)
    with ctx.read() as s:
        case = s.get(EnforcementCase, case_id)
        assert case is not None and case.status == CaseStatus.OPEN
    assert clock.now() == datetime(2026, 11, 29, 20, 0)
