"""争议协调制度 (seed 三（六）): a jurisdiction dispute is negotiated; failing that, the
township asks the county government (提请县人民政府决定) and records its decision.

The form and its bad input (nothing half-written), the other party, rounds,
agreement, escalation with its letter read back, the decision, the transfer
following the outcome, optimistic locking, history and the allowed actions.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from dispute_helpers import (
    COURT,
    ENV,
    MATTER,
    SCJG_STATION,
    TEAM,
    TODAY,
    TOWNSHIP,
    WATER,
    a_round,
    counts,
    dispute,
    escalated,
    last_audit,
    negotiated,
    org,
    returned_transfer,
)
from referral_helpers import incoming, ready_to_send
from referral_helpers import pdf_text as referral_pdf_text
from sqlalchemy import select

from desktop_app.domain.terms import AuditAction, DisputeStatus, ReferralStatus
from desktop_app.services import disputes, letters, referrals
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import Conflict, InvalidInput, RuleViolation
from desktop_app.storage.models import Dispute, Organisation, Referral

S = DisputeStatus


def status(ctx: ServiceContext, did: int) -> DisputeStatus:
    return disputes.get(ctx, did).status


# --- the form ----------------------------------------------------------------------------------


def test_open_dispute_negotiating_with_serial_and_audit(ctx: ServiceContext) -> None:
    did = disputes.open_dispute(ctx, dispute(ctx))
    d = disputes.get(ctx, did)
    assert d.serial == "争2026-0001" and d.status == S.NEGOTIATING
    assert d.department.name == WATER and d.matter == MATTER
    assert d.deadline_at is None and d.deadline_what is None  # no period is fixed
    entry = last_audit(ctx)
    assert entry.action == AuditAction.CREATE and "新增管辖争议" in entry.summary
    assert disputes.allowed_actions(ctx, did) == {"edit", "round"}


def test_bad_form_reports_every_field_and_writes_nothing(ctx: ServiceContext) -> None:
    before = counts(ctx)
    bad = dispute(ctx, department_id=None, matter="  ", opened_on=date(2026, 12, 5))
    problems = disputes.validate_dispute(ctx, bad)
    assert set(problems) == {"department_id", "matter", "opened_on"}
    assert "将来" in problems["opened_on"]
    with pytest.raises(InvalidInput) as err:
        disputes.open_dispute(ctx, bad)
    assert set(err.value.problems) == {"department_id", "matter", "opened_on"}
    assert counts(ctx) == before


@pytest.mark.parametrize(
    ("name", "words"),
    [
        (TOWNSHIP, "本乡镇"),
        (TEAM, "本乡镇"),
        (COURT, "县级职能部门"),
        (SCJG_STATION, "不能以自己的名义"),
    ],
)
def test_other_party_must_be_a_county_department(
    ctx: ServiceContext, name: str, words: str
) -> None:
    before = counts(ctx)
    bad = dispute(ctx, department_id=org(ctx, name))
    assert words in disputes.validate_dispute(ctx, bad)["department_id"]
    with pytest.raises(RuleViolation, match=words):
        disputes.open_dispute(ctx, bad)
    assert counts(ctx) == before


def test_inactive_department_refused_for_new_but_kept_on_edit(ctx: ServiceContext) -> None:
    did = disputes.open_dispute(ctx, dispute(ctx))
    with ctx.uow() as uow:
        o = uow.session.get(Organisation, org(ctx, WATER))
        assert o is not None
        o.active = False
    assert "已停用" in disputes.validate_dispute(ctx, dispute(ctx))["department_id"]
    data, version = disputes.load_input(ctx, did)
    data.matter = "赵八村河道采砂行为的管辖争议"
    disputes.update(ctx, did, data, version)
    assert disputes.get(ctx, did).matter == "赵八村河道采砂行为的管辖争议"


def test_link_must_exist(ctx: ServiceContext) -> None:
    problems = disputes.validate_dispute(ctx, dispute(ctx, linked_type="case", linked_id=999))
    assert "不存在" in problems["linked_id"]
    problems = disputes.validate_dispute(ctx, dispute(ctx, linked_type="meeting", linked_id=1))
    assert "linked_type" in problems


def test_update_and_stale_version(ctx: ServiceContext) -> None:
    did = disputes.open_dispute(ctx, dispute(ctx))
    data, version = disputes.load_input(ctx, did)
    assert data.matter == MATTER and data.department_id == org(ctx, WATER)
    data.note = "补充：县水利局书面回复不予接收。"
    disputes.update(ctx, did, data, version)
    assert disputes.get(ctx, did).note == "补充：县水利局书面回复不予接收。"
    assert last_audit(ctx).action == AuditAction.UPDATE
    before = counts(ctx)
    data.note = "另一人的修改"
    with pytest.raises(Conflict):
        disputes.update(ctx, did, data, version)
    assert counts(ctx) == before
    assert disputes.get(ctx, did).note == "补充：县水利局书面回复不予接收。"


def test_opened_on_not_after_first_round(ctx: ServiceContext) -> None:
    did = negotiated(ctx)
    data, version = disputes.load_input(ctx, did)
    data.opened_on = date(2026, 11, 6)  # the round was on 11-05
    with pytest.raises(InvalidInput, match="第一次协商"):
        disputes.update(ctx, did, data, version)


# --- rounds ----------------------------------------------------------------------------------


def test_round_rules_and_nothing_half_written(ctx: ServiceContext) -> None:
    did = disputes.open_dispute(ctx, dispute(ctx))
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        disputes.add_round(ctx, did, a_round(people=" ", positions=""))
    assert set(err.value.problems) == {"people", "positions"}
    with pytest.raises(InvalidInput, match="发生日期"):
        disputes.add_round(ctx, did, a_round(held_on=date(2026, 11, 1)))
    with pytest.raises(InvalidInput, match="将来"):
        disputes.add_round(ctx, did, a_round(held_on=date(2026, 11, 30)))
    assert counts(ctx) == before
    disputes.add_round(ctx, did, a_round())
    disputes.add_round(ctx, did, a_round(held_on=date(2026, 11, 3), outcome="补记的一次"))
    rounds = disputes.get(ctx, did).rounds
    assert [r.held_on for r in rounds] == [date(2026, 11, 3), date(2026, 11, 5)]
    assert "登记第2次协商" in last_audit(ctx).summary
    assert disputes.allowed_actions(ctx, did) == {"edit", "round", "agree", "escalate"}


def test_round_only_while_negotiating(ctx: ServiceContext) -> None:
    did = escalated(ctx)
    with pytest.raises(RuleViolation, match="当前状态为「已提请县人民政府决定」"):
        disputes.add_round(ctx, did, a_round())
    with pytest.raises(RuleViolation, match="不能修改"):
        data, version = disputes.load_input(ctx, did)
        disputes.update(ctx, did, data, version)


# --- agreement -------------------------------------------------------------------------------


def test_agreement_needs_a_round_and_a_party(ctx: ServiceContext) -> None:
    did = disputes.open_dispute(ctx, dispute(ctx))
    water = org(ctx, WATER)
    with pytest.raises(RuleViolation, match="还没有协商记录"):
        disputes.record_agreement(ctx, did, water, TODAY)
    disputes.add_round(ctx, did, a_round())
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        disputes.record_agreement(ctx, did, org(ctx, ENV), date(2026, 11, 4))
    assert "不是争议的一方" in err.value.problems["handler_id"]
    assert "协商日期" in err.value.problems["agreed_on"]  # before the last round
    assert counts(ctx) == before and status(ctx, did) == S.NEGOTIATING
    disputes.record_agreement(ctx, did, water, date(2026, 11, 6))
    d = disputes.get(ctx, did)
    assert d.status == S.AGREED and d.agreed_handler_id == water
    assert d.agreed_on == date(2026, 11, 6)
    assert "协商一致" in last_audit(ctx).summary
    assert disputes.allowed_actions(ctx, did) == set()
    with pytest.raises(RuleViolation, match="当前状态为「协商一致」"):
        disputes.record_agreement(ctx, did, water, TODAY)
    with pytest.raises(RuleViolation, match="无需提请"):
        letters.issue(ctx, "dispute_request", did, on=TODAY)


def test_agreement_by_the_township_or_its_team(ctx: ServiceContext) -> None:
    did = negotiated(ctx)
    disputes.record_agreement(ctx, did, org(ctx, TEAM), TODAY)
    assert disputes.get(ctx, did).agreed_handler_id == org(ctx, TEAM)


# --- escalation and the letter --------------------------------------------------------------


def test_letter_refused_without_a_round(ctx: ServiceContext) -> None:
    did = disputes.open_dispute(ctx, dispute(ctx))
    with pytest.raises(RuleViolation, match="还没有协商记录"):
        letters.issue(ctx, "dispute_request", did, on=TODAY)


def test_escalate_needs_a_round_and_the_letter(ctx: ServiceContext) -> None:
    did = disputes.open_dispute(ctx, dispute(ctx))
    with pytest.raises(RuleViolation, match="还没有协商记录"):
        disputes.escalate(ctx, did, TODAY)
    disputes.add_round(ctx, did, a_round())
    with pytest.raises(RuleViolation, match="还没有出具管辖争议提请决定函"):
        disputes.escalate(ctx, did, TODAY)
    assert status(ctx, did) == S.NEGOTIATING


def test_escalate_with_the_letter_read_back(ctx: ServiceContext) -> None:
    did = negotiated(ctx)
    disputes.add_round(
        ctx,
        did,
        a_round(
            held_on=date(2026, 11, 12),
            positions="镇方认为应由县水利局查处；县水利局坚持认为已划转乡镇。",
            outcome="双方仍未达成一致意见",
        ),
    )
    issued = letters.issue(ctx, "dispute_request", did, on=date(2026, 11, 13))
    text = referral_pdf_text(issued.path)
    assert "关于赵八村河道内非法采砂行为管辖争议提请决定的函" in text
    assert "第一次协商时，我镇认为该事项未划转乡镇" in text  # every round's positions
    assert "第二次协商时，我镇认为应由县水利局查处" in text
    assert "双方先后进行了2次协商" in text
    before = counts(ctx)
    with pytest.raises(InvalidInput, match="成文日期"):
        disputes.escalate(ctx, did, date(2026, 11, 12))
    assert counts(ctx) == before
    disputes.escalate(ctx, did, date(2026, 11, 13))
    d = disputes.get(ctx, did)
    assert d.status == S.ESCALATED and d.escalated_on == date(2026, 11, 13)
    assert d.deadline_at is None and d.deadline_what == "等待县人民政府决定"
    assert "提请县人民政府决定" in last_audit(ctx).summary
    assert disputes.allowed_actions(ctx, did) == {"decide"}
    # a reprint of the letter is still possible once escalated
    letters.issue(ctx, "dispute_request", did, on=TODAY)


def test_letter_issued_before_a_later_round_does_not_count(ctx: ServiceContext) -> None:
    did = negotiated(ctx)
    letters.issue(ctx, "dispute_request", did, on=date(2026, 11, 6))
    disputes.add_round(ctx, did, a_round(held_on=date(2026, 11, 9)))
    with pytest.raises(RuleViolation, match="请作废该函"):
        disputes.escalate(ctx, did, date(2026, 11, 10))


def test_letter_about_an_edited_matter_does_not_count(ctx: ServiceContext) -> None:
    did = negotiated(ctx)
    letters.issue(ctx, "dispute_request", did, on=date(2026, 11, 6))
    data, version = disputes.load_input(ctx, did)
    data.matter = "赵八村河道内采砂坑回填的管辖争议"
    disputes.update(ctx, did, data, version)
    with pytest.raises(RuleViolation, match="请作废该函"):
        disputes.escalate(ctx, did, date(2026, 11, 10))


# --- the decision ----------------------------------------------------------------------------


def test_decision(ctx: ServiceContext) -> None:
    did = negotiated(ctx)
    with pytest.raises(RuleViolation, match="当前状态为「协商中」"):
        disputes.record_decision(ctx, did, TODAY, org(ctx, WATER), "由县水利局查处")
    letters.issue(ctx, "dispute_request", did, on=date(2026, 11, 10))
    disputes.escalate(ctx, did, date(2026, 11, 10))
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        disputes.record_decision(ctx, did, date(2026, 11, 9), org(ctx, COURT), " ")
    assert set(err.value.problems) == {"decided_on", "handler_id", "decision_text"}
    assert counts(ctx) == before
    disputes.record_decision(
        ctx, did, date(2026, 11, 20), org(ctx, WATER), "经县人民政府研究，由县水利局负责查处。"
    )
    d = disputes.get(ctx, did)
    assert d.status == S.DECIDED and d.decided_handler_id == org(ctx, WATER)
    assert d.decided_on == date(2026, 11, 20) and d.decision.startswith("经县人民政府研究")
    assert d.deadline_what is None
    assert disputes.allowed_actions(ctx, did) == set()
    with pytest.raises(RuleViolation, match="已于"):
        letters.issue(ctx, "dispute_request", did, on=TODAY)


# --- from a returned transfer, and the transfer following the outcome ----------------------------


def test_open_from_referral_prefilled(ctx: ServiceContext) -> None:
    rid = returned_transfer(ctx)
    did = disputes.open_from_referral(ctx, rid)
    d = disputes.get(ctx, did)
    assert d.department_id == org(ctx, ENV) and d.referral_id == rid
    assert d.matter == "露天焚烧秸秆" and d.opened_on == TODAY
    assert (d.linked_type, d.linked_id) == ("referral", rid)
    assert "该事项已划转乡镇" in (d.note or "")
    assert any("提出管辖争议" in h.summary for h in referrals.history(ctx, rid))
    before = counts(ctx)
    with pytest.raises(RuleViolation, match="已有管辖争议"):
        disputes.open_from_referral(ctx, rid)
    assert counts(ctx) == before
    assert referrals.open_dispute(ctx, rid) == did  # the GUI's entry: the existing one


def test_open_from_referral_refused_unless_returned(ctx: ServiceContext) -> None:
    rid = ready_to_send(ctx)
    with pytest.raises(RuleViolation, match="只有被退回的案件移送"):
        disputes.open_from_referral(ctx, rid)
    rid = returned_transfer(ctx)
    with pytest.raises(InvalidInput, match="退回时间"):
        disputes.open_from_referral(ctx, rid, opened_on=date(2026, 11, 26))


def test_referral_department_must_be_the_other_side(ctx: ServiceContext) -> None:
    rid = returned_transfer(ctx)
    problems = disputes.validate_dispute(ctx, dispute(ctx, referral_id=rid, opened_on=TODAY))
    assert "另一方" in problems["department_id"]


def test_gui_entry_goes_through_the_dispute_service(ctx: ServiceContext) -> None:
    rid = returned_transfer(ctx)
    did = referrals.open_dispute(ctx, rid)
    assert last_audit(ctx).summary.endswith("提出管辖争议 争2026-0001")
    assert disputes.get(ctx, did).status == S.NEGOTIATING


def _from_transfer(ctx: ServiceContext) -> tuple[int, int]:
    rid = returned_transfer(ctx)
    did = disputes.open_from_referral(ctx, rid)
    disputes.add_round(ctx, did, a_round(held_on=TODAY))
    return rid, did


def test_agreement_for_the_department_puts_the_transfer_back_to_it(
    ctx: ServiceContext,
) -> None:
    rid, did = _from_transfer(ctx)
    disputes.record_agreement(ctx, did, org(ctx, ENV), TODAY)
    r = referrals.get(ctx, rid)
    assert r.status == ReferralStatus.SIGNED and r.signed_by == "李四"  # the signature stays
    assert r.signed_at == datetime(2026, 11, 26, 10, 0)
    assert r.returned_at == datetime(2026, 11, 27, 9, 0)  # the return stays as history
    assert "result" in referrals.allowed_actions(ctx, rid)
    assert "协商一致" in referrals.history(ctx, rid)[-1].summary
    referrals.record_result(ctx, rid, datetime(2026, 11, 29, 15, 0), "已立案查处")
    assert referrals.get(ctx, rid).status == ReferralStatus.RESULT


def test_transfer_returned_unsigned_counts_as_received_at_the_return(
    ctx: ServiceContext,
) -> None:
    rid = ready_to_send(ctx)
    referrals.mark_sent(ctx, rid, datetime(2026, 11, 26, 9, 0), "mail", None)
    referrals.mark_returned(ctx, rid, datetime(2026, 11, 28, 9, 0), "不属本局管辖")
    did = disputes.open_from_referral(ctx, rid)
    disputes.add_round(ctx, did, a_round(held_on=TODAY))
    disputes.record_agreement(ctx, did, org(ctx, ENV), TODAY)
    r = referrals.get(ctx, rid)
    assert r.status == ReferralStatus.SIGNED and r.signed_at == r.returned_at
    assert r.signed_by == "按管辖争议争2026-0001结果"


def test_agreement_for_the_township_withdraws_the_transfer(ctx: ServiceContext) -> None:
    rid, did = _from_transfer(ctx)
    disputes.record_agreement(ctx, did, org(ctx, TOWNSHIP), TODAY)
    r = referrals.get(ctx, rid)
    assert r.status == ReferralStatus.WITHDRAWN and "由本镇管辖查处" in (r.note or "")
    assert referrals.allowed_actions(ctx, rid) == set()


def test_decision_is_applied_to_the_transfer(ctx: ServiceContext) -> None:
    rid, did = _from_transfer(ctx)
    letters.issue(ctx, "dispute_request", did, on=TODAY)
    text = referral_pdf_text(letters.issue(ctx, "dispute_request", did, on=TODAY).path)
    assert "以“该事项已划转乡镇”为由将该案退回我镇" in text
    disputes.escalate(ctx, did, TODAY)
    assert referrals.get(ctx, rid).status == ReferralStatus.RETURNED  # until decided
    disputes.record_decision(ctx, did, TODAY, org(ctx, ENV), "由生态环境分局查处。")
    r = referrals.get(ctx, rid)
    assert r.status == ReferralStatus.SIGNED
    assert "县人民政府决定" in referrals.history(ctx, rid)[-1].summary


def test_incoming_transfer_returned_comes_back_to_the_township(ctx: ServiceContext) -> None:
    rid = referrals.register_incoming(ctx, incoming(ctx))
    referrals.return_incoming(ctx, rid, datetime(2026, 11, 27, 9, 0), "未划转乡镇")
    did = disputes.open_from_referral(ctx, rid)
    assert disputes.get(ctx, did).department_id == org(ctx, ENV)
    disputes.add_round(ctx, did, a_round(held_on=TODAY))
    disputes.record_agreement(ctx, did, org(ctx, TOWNSHIP), TODAY)
    r = referrals.get(ctx, rid)
    assert r.status == ReferralStatus.SIGNED
    assert "file_case" in referrals.allowed_actions(ctx, rid)


def test_failed_follow_rolls_back_the_agreement(ctx: ServiceContext) -> None:
    rid, did = _from_transfer(ctx)
    with ctx.uow() as uow:
        r = uow.session.get(Referral, rid)
        assert r is not None
        r.status = ReferralStatus.RESULT
    before = counts(ctx)
    with pytest.raises(RuleViolation, match="不再是「已退回」"):
        disputes.record_agreement(ctx, did, org(ctx, ENV), TODAY)
    assert counts(ctx) == before and status(ctx, did) == S.NEGOTIATING


# --- history ---------------------------------------------------------------------------------


def test_history_tells_the_whole_life(ctx: ServiceContext) -> None:
    did = escalated(ctx)
    disputes.record_decision(ctx, did, TODAY, org(ctx, TOWNSHIP), "由赵八镇查处。")
    summaries = [h.summary for h in disputes.history(ctx, did)]
    assert any("新增管辖争议" in x for x in summaries)
    assert any("登记第1次协商" in x for x in summaries)
    assert any("提请决定" in x or "提请县人民政府决定" in x for x in summaries)
    assert any("县人民政府决定由" in x for x in summaries)
    with ctx.read() as s:
        assert s.execute(select(Dispute.status)).scalar() == S.DECIDED


def test_escalate_only_once_and_only_while_negotiating(ctx: ServiceContext) -> None:
    did = escalated(ctx)
    with pytest.raises(RuleViolation, match="当前状态为「已提请县人民政府决定」"):
        disputes.escalate(ctx, did, TODAY)
    with pytest.raises(RuleViolation, match="当前状态为「已提请县人民政府决定」"):
        disputes.record_agreement(ctx, did, org(ctx, WATER), TODAY)
