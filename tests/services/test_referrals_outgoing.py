"""案件移送 (seed 三（一）): the life of an outgoing transfer.

The order of the times, the letter and case-source material before sending
(三（一）3), the late reason, the state machine, and the whole life of a
transfer with its audit history.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from referral_helpers import (
    ENV,
    NOW,
    counts,
    evidence_file,
    load,
    org,
    outgoing,
    pdf_text,
    ready_to_send,
)
from sqlalchemy import select

from desktop_app.domain import clock
from desktop_app.domain.terms import (
    AuditAction,
    DisputeStatus,
    MaterialKind,
    RecordType,
    ReferralStatus,
)
from desktop_app.services import attachments, letters, referrals
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, RuleViolation
from desktop_app.storage.models import AuditEntry, Dispute, Staff


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


# --- the order of times ------------------------------------------------------------------


def test_times_of_the_life_must_follow_each_other(ctx: ServiceContext) -> None:
    rid = ready_to_send(ctx)
    with pytest.raises(InvalidInput, match="「发送时间」不能早于「发现时间」"):
        referrals.mark_sent(ctx, rid, datetime(2026, 11, 25, 9, 0), "mail", None)
    with pytest.raises(InvalidInput, match="将来"):
        referrals.mark_sent(ctx, rid, NOW + timedelta(days=1), "mail", None)
    referrals.mark_sent(ctx, rid, datetime(2026, 11, 26, 9, 0), "mail", None)
    with pytest.raises(InvalidInput, match="「送达时间」不能早于「发送时间」"):
        referrals.mark_delivered(ctx, rid, datetime(2026, 11, 26, 8, 0))
    referrals.mark_delivered(ctx, rid, datetime(2026, 11, 27, 9, 0))
    with pytest.raises(InvalidInput, match="「签收时间」不能早于「送达时间」"):
        referrals.mark_signed(ctx, rid, datetime(2026, 11, 26, 12, 0), "李四")
    with pytest.raises(InvalidInput, match="「退回时间」不能早于「送达时间」"):
        referrals.mark_returned(ctx, rid, datetime(2026, 11, 26, 12, 0), "不属本局管辖")
    referrals.mark_signed(ctx, rid, datetime(2026, 11, 27, 9, 30), "李四")
    with pytest.raises(InvalidInput, match="「反馈处理结果时间」不能早于「签收时间」"):
        referrals.record_result(ctx, rid, datetime(2026, 11, 27, 9, 0), "已立案")
    r = load(ctx, rid)
    assert r.status == ReferralStatus.SIGNED and r.result_at is None


# --- sending (三（一）3) and the late reason --------------------------------------------------


def test_cannot_send_without_case_source_material_or_issued_letter(ctx: ServiceContext) -> None:
    rid = referrals.create_outgoing(ctx, outgoing(ctx))
    when = datetime(2026, 11, 26, 9, 0)
    referrals.add_material(ctx, rid, MaterialKind.EVIDENCE, "现场照片")  # not case-source
    with pytest.raises(RuleViolation, match="还没有案源材料"):
        referrals.mark_ready(ctx, rid)
    with pytest.raises(RuleViolation, match="还没有案源材料"):
        referrals.mark_sent(ctx, rid, when, "in_person", None)
    referrals.add_material(ctx, rid, MaterialKind.COMPLAINT_MATERIAL, "投诉举报登记表")
    referrals.mark_ready(ctx, rid)
    with pytest.raises(RuleViolation, match="还没有出具涉嫌违法案件移送函"):
        referrals.mark_sent(ctx, rid, when, "in_person", None)
    issued = letters.issue(ctx, "referral_letter", rid, on=NOW.date())
    letters.void(ctx, issued.id, "当事人名称写错")
    with pytest.raises(RuleViolation, match="还没有出具涉嫌违法案件移送函"):
        referrals.mark_sent(ctx, rid, when, "in_person", None)
    assert load(ctx, rid).status == ReferralStatus.READY
    letters.issue(ctx, "referral_letter", rid, on=NOW.date())
    referrals.mark_sent(ctx, rid, when, "in_person", None)
    assert load(ctx, rid).status == ReferralStatus.SENT


def test_late_send_needs_a_reason_on_time_does_not(ctx: ServiceContext) -> None:
    late = ready_to_send(ctx, found_at=datetime(2026, 11, 20, 9, 0))  # due 2026-11-25
    with pytest.raises(InvalidInput) as err:
        referrals.mark_sent(ctx, late, datetime(2026, 11, 26, 9, 0), "mail", None)
    assert err.value.problems["late_reason"].startswith("逾期移送须说明理由")
    assert load(ctx, late).status == ReferralStatus.DRAFT
    referrals.mark_sent(ctx, late, datetime(2026, 11, 26, 9, 0), "mail", None, "等待检测报告")
    r = load(ctx, late)
    assert r.late_reason == "等待检测报告" and r.deadline_at is None and r.deadline_what is None
    on_time = ready_to_send(ctx, found_at=datetime(2026, 11, 20, 9, 0))
    referrals.mark_sent(ctx, on_time, datetime(2026, 11, 25, 23, 59, 59), "mail", None, "无")
    assert load(ctx, on_time).late_reason is None  # on time: no reason kept


def test_urgent_transfer_is_late_after_24_hours(ctx: ServiceContext) -> None:
    rid = ready_to_send(ctx, urgency="urgent")  # found 2026-11-25 10:05
    with pytest.raises(InvalidInput, match="逾期移送须说明理由"):
        referrals.mark_sent(ctx, rid, datetime(2026, 11, 26, 10, 6), "electronic", None)
    referrals.mark_sent(ctx, rid, datetime(2026, 11, 26, 10, 5), "electronic", None)


def test_send_checks_method_and_staff(ctx: ServiceContext) -> None:
    rid = ready_to_send(ctx)
    with pytest.raises(InvalidInput) as err:
        referrals.mark_sent(ctx, rid, datetime(2026, 11, 26, 9, 0), "pigeon", 99999)
    assert set(err.value.problems) == {"method", "sent_by_id"}


# --- the state machine ---------------------------------------------------------------------


def test_actions_out_of_order_are_refused_naming_the_status(ctx: ServiceContext) -> None:
    rid = referrals.create_outgoing(ctx, outgoing(ctx))
    t = datetime(2026, 11, 27, 9, 0)
    for act in (
        lambda: referrals.mark_delivered(ctx, rid, t),
        lambda: referrals.mark_signed(ctx, rid, t, "李四"),
        lambda: referrals.record_result(ctx, rid, t, "结果"),
        lambda: referrals.mark_returned(ctx, rid, t, "理由"),
        lambda: referrals.open_dispute(ctx, rid),
    ):
        with pytest.raises(RuleViolation, match="当前状态为「草稿」"):
            act()
    with pytest.raises(RuleViolation, match="只适用于县级部门移入"):
        referrals.file_case(ctx, rid, "案号1", date(2026, 11, 27))
    referrals.add_material(ctx, rid, MaterialKind.INSPECTION_RECORD, "现场检查记录")
    referrals.mark_ready(ctx, rid)
    with pytest.raises(RuleViolation, match="当前状态为「待发送」"):
        referrals.mark_ready(ctx, rid)
    letters.issue(ctx, "referral_letter", rid, on=NOW.date())
    referrals.mark_sent(ctx, rid, datetime(2026, 11, 26, 9, 0), "mail", None)
    for act in (
        lambda: referrals.update_outgoing(ctx, rid, outgoing(ctx)),
        lambda: referrals.add_material(ctx, rid, MaterialKind.EVIDENCE, "补充照片"),
        lambda: referrals.withdraw(ctx, rid, "误报"),
        lambda: referrals.record_result(ctx, rid, t, "结果"),
        lambda: referrals.mark_sent(ctx, rid, t, "mail", None),
    ):
        with pytest.raises(RuleViolation, match="当前状态为「已发送」"):
            act()
    [material] = referrals.list_materials(ctx, rid)
    with pytest.raises(RuleViolation, match="已发送"):
        referrals.remove_material(ctx, material.id)


def test_withdraw_keeps_the_reason_and_stops_the_clock(ctx: ServiceContext) -> None:
    rid = referrals.create_outgoing(ctx, outgoing(ctx, note="原备注"))
    with pytest.raises(InvalidInput, match="撤回理由"):
        referrals.withdraw(ctx, rid, "  ")
    referrals.withdraw(ctx, rid, "经复核属本镇管辖，由本镇立案查处")
    r = load(ctx, rid)
    assert r.status == ReferralStatus.WITHDRAWN and r.deadline_at is None
    assert r.note == "原备注\n撤回理由：经复核属本镇管辖，由本镇立案查处"
    assert referrals.allowed_actions(ctx, rid) == set()
    with pytest.raises(RuleViolation, match="当前状态为「已撤回」"):
        referrals.mark_sent(ctx, rid, datetime(2026, 11, 26, 9, 0), "mail", None)


def test_returned_transfer_opens_one_dispute(ctx: ServiceContext) -> None:
    rid = ready_to_send(ctx)
    referrals.mark_sent(ctx, rid, datetime(2026, 11, 26, 9, 0), "in_person", None)
    referrals.mark_signed(ctx, rid, datetime(2026, 11, 26, 10, 0), "李四")
    with pytest.raises(InvalidInput, match="退回理由"):
        referrals.mark_returned(ctx, rid, datetime(2026, 11, 27, 9, 0), "")
    referrals.mark_returned(ctx, rid, datetime(2026, 11, 27, 9, 0), "该事项已划转乡镇")
    assert referrals.allowed_actions(ctx, rid) == {"dispute", "letter"}
    did = referrals.open_dispute(ctx, rid)
    with ctx.read() as s:
        d = s.get(Dispute, did)
        assert d is not None
        assert d.department_id == org(ctx, ENV) and d.referral_id == rid
        assert d.matter == "露天焚烧秸秆" and d.status == DisputeStatus.NEGOTIATING
        assert d.serial == "争2026-0001" and d.opened_on == NOW.date()
    before = counts(ctx)
    assert referrals.open_dispute(ctx, rid) == did  # the existing one, nothing new
    assert counts(ctx) == before


# --- the whole life of an outgoing transfer --------------------------------------------------


def test_full_outgoing_life(ctx: ServiceContext, tmp_path: Path) -> None:
    with ctx.read() as s:
        officer = s.execute(select(Staff.id)).scalars().first()
    rid = referrals.create_outgoing(ctx, outgoing(ctx))
    assert referrals.allowed_actions(ctx, rid) == {
        "edit",
        "materials",
        "ready",
        "letter",
        "send",
        "withdraw",
    }
    scan = evidence_file(tmp_path, "现场检查记录.pdf", b"%PDF-1.4 scan")
    referrals.add_material(ctx, rid, MaterialKind.REFERRAL_LETTER, "涉嫌违法案件移送函")
    referrals.add_material(ctx, rid, "inspection_record", "现场检查记录", pages=2, file=scan)
    referrals.add_material(ctx, rid, "evidence", "现场照片", pages=6, copies=1)
    rows = referrals.list_materials(ctx, rid)
    assert [(m.kind_label, m.title, m.original_name) for m in rows] == [
        ("涉嫌违法案件移送函", "涉嫌违法案件移送函", None),
        ("现场检查记录", "现场检查记录", "现场检查记录.pdf"),
        ("证据材料", "现场照片", None),
    ]
    assert rows[1].attachment_id is not None
    assert attachments.path_of(ctx, rows[1].attachment_id).read_bytes() == b"%PDF-1.4 scan"
    referrals.mark_ready(ctx, rid)
    assert "ready" not in referrals.allowed_actions(ctx, rid)
    issued = letters.issue(ctx, "referral_letter", rid, on=date(2026, 11, 26))
    text = pdf_text(issued.path)
    assert "现场检查记录（2页）" in text and "现场照片（6页）" in text
    assert "石家庄市生态环境局深泽县分局" in text and issued.number == "赵八镇执移〔2026〕1号"
    referrals.mark_sent(ctx, rid, datetime(2026, 11, 26, 9, 0), "in_person", officer)
    assert referrals.allowed_actions(ctx, rid) == {"letter", "deliver", "sign", "return"}
    referrals.mark_delivered(ctx, rid, datetime(2026, 11, 26, 9, 40))
    referrals.mark_signed(ctx, rid, datetime(2026, 11, 26, 10, 0), "李四")
    assert referrals.allowed_actions(ctx, rid) == {"letter", "result", "return"}
    reply = evidence_file(tmp_path, "处理结果告知.pdf", b"%PDF reply")
    referrals.record_result(
        ctx, rid, datetime(2026, 11, 28, 15, 0), "已立案查处，罚款500元。", file=reply
    )
    r = load(ctx, rid)
    assert r.status == ReferralStatus.RESULT and r.late_reason is None
    assert (r.sent_at, r.delivered_at, r.signed_at, r.result_at) == (
        datetime(2026, 11, 26, 9, 0),
        datetime(2026, 11, 26, 9, 40),
        datetime(2026, 11, 26, 10, 0),
        datetime(2026, 11, 28, 15, 0),
    )
    assert r.sent_by_id == officer and r.signed_by == "李四" and r.deadline_at is None
    files = attachments.list_for(ctx, RecordType.REFERRAL, rid)
    assert [(a.original_name, a.category) for a in files] == [
        ("现场检查记录.pdf", "现场检查记录"),
        ("处理结果告知.pdf", "处理结果"),
    ]
    assert referrals.allowed_actions(ctx, rid) == {"letter"}

    rows_h = referrals.history(ctx, rid)
    summaries = [h.summary for h in rows_h]
    assert summaries[0] == "移2026-0001 新增移出案件：露天焚烧秸秆"
    for expected in (
        "添加附件：现场检查记录.pdf",
        "添加材料：现场照片",
        "材料齐备，标记为待发送",
        "发文：涉嫌违法案件移送函 赵八镇执移〔2026〕1号",
        "登记发送",
        "登记送达",
        "登记签收（签收人：李四）",
        "登记处理结果",
    ):
        assert any(expected in s for s in summaries), expected
    assert all(h.operator == "测试员" for h in rows_h)
    assert [h.at for h in rows_h] == sorted(h.at for h in rows_h)
    sent = next(h for h in rows_h if h.summary.endswith("登记发送"))
    assert sent.action_label == "状态变更"
    assert ("状态", "待发送", "已发送") in sent.changes
    assert ("发送时间", "", "2026-11-26 09:00") in sent.changes
    assert ("当前期限", "2026-11-30", "") in sent.changes
    assert ("送达方式", "", "直接送达") in sent.changes
    with ctx.read() as s:
        actions = [
            a
            for (a,) in s.execute(
                select(AuditEntry.action).where(
                    AuditEntry.record_type == "referral", AuditEntry.record_id == rid
                )
            )
        ]
    assert actions.count(AuditAction.STATUS) == 4  # ready, sent, signed, result
