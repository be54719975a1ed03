"""案件移送 (seed 三（一）): incoming transfers, those before the transfer of powers, the rest.

An incoming transfer filed as a case or returned, with its feedback letter;
registrations from before the transfer of powers (三（一）1); receivers
suggested from the catalogue; serial numbers and the audit of creation.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from referral_helpers import (
    ENV,
    NOW,
    SCJG_STATION,
    VALID_CODE,
    counts,
    incoming,
    load,
    org,
    outgoing,
    pdf_text,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import MaterialKind, PreTransferState, RecordType, ReferralStatus
from desktop_app.services import letters, referrals, settings
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, RuleViolation, ServiceError
from desktop_app.services.referrals import PreTransferInput
from desktop_app.storage.models import Dispute, EnforcementCase


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


# --- incoming --------------------------------------------------------------------------------


def test_incoming_register_file_case_result_and_feedback_letter(ctx: ServiceContext) -> None:
    town = settings.get(ctx, "township_org_id")
    rid = referrals.register_incoming(ctx, incoming(ctx))
    r = load(ctx, rid)
    assert (r.direction, r.status, r.receiver_id) == ("incoming", ReferralStatus.SIGNED, town)
    assert r.signed_at == datetime(2026, 11, 2, 9, 30) and r.signed_by == "张建国"
    assert r.deadline_at is None and r.party_credit_code == VALID_CODE
    assert referrals.allowed_actions(ctx, rid) == {"materials", "file_case", "return_incoming"}
    referrals.add_material(ctx, rid, MaterialKind.INSPECTION_RECORD, "部门现场检查笔录")
    with pytest.raises(RuleViolation, match="还没有立案"):
        referrals.record_incoming_result(ctx, rid, datetime(2026, 11, 20, 9, 0), "结果")
    with pytest.raises(RuleViolation, match="还没有登记处理结果"):
        letters.preview(ctx, "referral_feedback", rid)
    with pytest.raises(InvalidInput, match="「立案日期」不能早于「签收时间」"):
        referrals.file_case(ctx, rid, "赵八镇综执罚立〔2026〕12号", date(2026, 11, 1))
    case_id = referrals.file_case(ctx, rid, "赵八镇综执罚立〔2026〕12号", date(2026, 11, 3))
    with ctx.read() as s:
        case = s.get(EnforcementCase, case_id)
        assert case is not None
        assert (case.title, case.party_name, case.party_credit_code, case.filed_on) == (
            "违规倾倒建筑垃圾",
            "深泽县某某建材有限公司",
            VALID_CODE,
            date(2026, 11, 3),
        )
        assert case.serial == "案2026-0001" and case.case_number == "赵八镇综执罚立〔2026〕12号"
    assert load(ctx, rid).case_id == case_id
    assert referrals.allowed_actions(ctx, rid) == {"materials", "incoming_result"}
    with pytest.raises(RuleViolation, match="已经立案"):
        referrals.file_case(ctx, rid, "另一个案号", date(2026, 11, 3))
    with pytest.raises(RuleViolation, match="已经立案"):
        referrals.return_incoming(ctx, rid, datetime(2026, 11, 4, 9, 0), "不属本镇管辖")
    with pytest.raises(InvalidInput, match="「反馈处理结果时间」不能早于「立案日期」"):
        referrals.record_incoming_result(ctx, rid, datetime(2026, 11, 2, 10, 0), "结果")
    summary = "经调查，当事人违规倾倒建筑垃圾事实清楚，我镇依法作出罚款人民币5000元的行政处罚决定"
    referrals.record_incoming_result(ctx, rid, datetime(2026, 11, 20, 9, 0), summary)
    assert load(ctx, rid).status == ReferralStatus.RESULT
    assert referrals.allowed_actions(ctx, rid) == {"letter"}

    issued = letters.issue(ctx, "referral_feedback", rid, on=date(2026, 11, 21))
    assert issued.number == "赵八镇执反〔2026〕1号"
    text = pdf_text(issued.path)
    for part in (
        "关于反馈深泽县某某建材有限公司涉嫌违规倾倒建筑垃圾案处理结果的函",
        "石家庄市生态环境局深泽县分局：",
        "贵局移送我镇的深泽县某某建材有限公司涉嫌违规倾倒建筑垃圾案",
        "2026年11月2日签收",
        "2026年11月3日依法立案调查（案号：赵八镇综执罚立〔2026〕12号）",
        summary + "。",
        "深泽县赵八镇人民政府",
        "2026年11月21日",
    ):
        assert part in text, part
    [doc] = letters.for_record(ctx, RecordType.REFERRAL, rid)
    assert doc.recipient_id == org(ctx, ENV) and doc.doc_type == "referral_feedback"
    assert any("发文：案件处理结果反馈函" in h.summary for h in referrals.history(ctx, rid))


def test_incoming_returned_with_reasons_and_its_feedback(ctx: ServiceContext) -> None:
    rid = referrals.register_incoming(ctx, incoming(ctx))
    with pytest.raises(InvalidInput, match="「退回时间」不能早于「签收时间」"):
        referrals.return_incoming(ctx, rid, datetime(2026, 11, 1, 9, 0), "不属本镇管辖")
    referrals.return_incoming(
        ctx, rid, datetime(2026, 11, 4, 9, 0), "该事项未划转乡镇，仍由贵局管辖"
    )
    r = load(ctx, rid)
    assert (
        r.status == ReferralStatus.RETURNED and r.return_reason == "该事项未划转乡镇，仍由贵局管辖"
    )
    with pytest.raises(RuleViolation, match="当前状态为「已退回」"):
        referrals.file_case(ctx, rid, "案号", date(2026, 11, 5))
    text = pdf_text(letters.issue(ctx, "referral_feedback", rid, on=date(2026, 11, 5)).path)
    assert "2026年11月4日将该案件退回贵局" in text
    assert "该事项未划转乡镇，仍由贵局管辖。" in text
    did = referrals.open_dispute(ctx, rid)
    with ctx.read() as s:
        d = s.get(Dispute, did)
        assert d is not None and d.department_id == org(ctx, ENV)


def test_feedback_letter_refused_for_an_outgoing_transfer(ctx: ServiceContext) -> None:
    rid = referrals.create_outgoing(ctx, outgoing(ctx))
    with pytest.raises(RuleViolation, match="本镇移出的案件"):
        letters.issue(ctx, "referral_feedback", rid, on=NOW.date())


def test_incoming_found_after_received_is_refused(ctx: ServiceContext) -> None:
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        referrals.register_incoming(ctx, incoming(ctx, found_at=datetime(2026, 11, 3, 9, 0)))
    assert err.value.problems["found_at"] == "「收到时间」不能早于「发现时间」"
    with pytest.raises(InvalidInput) as err:
        referrals.register_incoming(ctx, incoming(ctx, received_at=NOW + timedelta(hours=2)))
    assert "将来" in err.value.problems["received_at"]
    assert counts(ctx) == before
    rid = referrals.register_incoming(ctx, incoming(ctx, found_at=None))
    assert load(ctx, rid).found_at == datetime(2026, 11, 2, 9, 30)


# --- before the transfer of powers (三（一）1) ----------------------------------------------------


def test_pre_transfer_registration_and_leftover_consultation(ctx: ServiceContext) -> None:
    dept = org(ctx, ENV)
    leftover = PreTransferInput(
        department_id=dept,
        matter="历史遗留的违法占地问题",
        state=PreTransferState.LEFTOVER,
        archive_holder="石家庄市生态环境局深泽县分局档案室",
    )
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        referrals.register_pre_transfer(ctx, leftover)
    assert "协商" in err.value.problems["consultation_note"]
    with pytest.raises(InvalidInput) as err:
        referrals.register_pre_transfer(
            ctx, PreTransferInput(dept, "某事项", "closed", archive_holder="")
        )
    assert set(err.value.problems) == {"archive_holder"}
    with pytest.raises(RuleViolation, match="内设机构"):
        referrals.register_pre_transfer(
            ctx, PreTransferInput(org(ctx, SCJG_STATION), "某事项", "closed", "档案室")
        )
    assert counts(ctx) == before
    leftover.consultation_note = "2026年3月经双方协商，移交赵八镇依法处理。"
    rid = referrals.register_pre_transfer(ctx, leftover)
    r = load(ctx, rid)
    assert r.pre_transfer and r.status == ReferralStatus.ARCHIVED
    assert r.pre_transfer_state == PreTransferState.LEFTOVER and r.deadline_at is None
    assert r.sender_id == dept and r.archive_holder.endswith("档案室")
    assert r.found_at == NOW  # not known: the registration time
    closed = referrals.register_pre_transfer(
        ctx,
        PreTransferInput(dept, "已结案件", "closed", "分局档案室", found_at=datetime(2020, 5, 1)),
    )
    assert load(ctx, closed).consultation_note is None
    assert referrals.allowed_actions(ctx, closed) == {"materials"}
    with pytest.raises(RuleViolation, match="只适用于本镇移出"):
        referrals.mark_sent(ctx, closed, NOW, "mail", None)


def test_suggest_receivers_uses_the_catalogue(loaded: ServiceContext) -> None:
    hits = referrals.suggest_receivers(loaded, "秸秆", date(2020, 1, 1))
    assert hits and hits[0].competent_name == ENV and not hits[0].by_township
    assert referrals.suggest_receivers(loaded, "  ") == []


def test_history_of_an_unknown_referral(ctx: ServiceContext) -> None:
    with pytest.raises(ServiceError, match="不存在"):
        referrals.history(ctx, 4242)


def test_referral_numbers_and_audit_of_creation(ctx: ServiceContext) -> None:
    first = referrals.create_outgoing(ctx, outgoing(ctx))
    second = referrals.register_incoming(ctx, incoming(ctx))
    assert (load(ctx, first).serial, load(ctx, second).serial) == ("移2026-0001", "移2026-0002")
    [created] = [h for h in referrals.history(ctx, second) if h.action_label == "新增"]
    assert ("当事人", "", "深泽县某某建材有限公司") in created.changes
    assert ("状态", "", "已签收") in created.changes
