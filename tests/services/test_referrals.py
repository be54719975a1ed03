"""案件移送 (seed 三（一）): every rule the services enforce, and the life of a transfer.

Each rule has a test that fails when the rule is removed: who may send and
receive (三（一）4), the clock (三（一）2) over holidays, 调休 and office
overrides, the ongoing-violation duties, the letter and case-source material
before sending (三（一）3), the late reason, the order of the times, the state
machine, bad input with nothing half-saved, and the audit history.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.domain.terms import (
    AuditAction,
    DisputeStatus,
    MaterialKind,
    PreTransferState,
    RecordType,
    ReferralStatus,
)
from desktop_app.services import attachments, calendar, letters, referrals, settings
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import Conflict, InvalidInput, RuleViolation, ServiceError
from desktop_app.services.referrals import (
    IncomingInput,
    OutgoingInput,
    PartyInput,
    PreTransferInput,
)
from desktop_app.storage.models import (
    Attachment,
    AuditEntry,
    Dispute,
    EnforcementCase,
    Material,
    Organisation,
    Referral,
    Staff,
)

NOW = datetime(2026, 11, 29, 10, 0)
ENV = "石家庄市生态环境局深泽县分局"
SCJG_STATION = "深泽县市场监督管理局赵八市场监督管理所"  # internal unit, no basis
POLICE_STATION = "深泽县公安局赵八派出所"  # internal unit with a recorded basis
TEAM = "赵八镇综合行政执法队"
VALID_ID = "11010519491231002X"
VALID_CODE = "91350100M000100Y43"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def org(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def outgoing(ctx: ServiceContext, **changes: Any) -> OutgoingInput:
    data = OutgoingInput(
        matter="露天焚烧秸秆",
        party=PartyInput("person", "王建国", VALID_ID, None, "赵八村3号", "13800138000"),
        place="赵八村村东农田",
        found_at=datetime(2026, 11, 25, 10, 5),
        found_how="inspection",
        receiver_id=org(ctx, ENV),
        urgency="normal",
        facts="2026年11月25日，我镇执法人员在日常巡查中发现王建国在村东农田露天焚烧秸秆。",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(m)).scalar() or 0)
            for m in (Referral, Material, Attachment, EnforcementCase, Dispute)
        )


def load(ctx: ServiceContext, rid: int) -> Referral:
    return referrals.get(ctx, rid)


def evidence_file(tmp_path: Path, name: str = "现场检查记录.pdf", data: bytes = b"%PDF") -> Path:
    folder = tmp_path / "scans"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def ready_to_send(ctx: ServiceContext, **changes: Any) -> int:
    """A draft with a case-source material and its issued 移送函."""
    rid = referrals.create_outgoing(ctx, outgoing(ctx, **changes))
    referrals.add_material(ctx, rid, MaterialKind.INSPECTION_RECORD, "现场检查记录", pages=2)
    letters.issue(ctx, "referral_letter", rid, on=NOW.date())
    return rid


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s", "", "".join(p.extract_text() or "" for p in reader.pages))


def incoming(ctx: ServiceContext, **changes: Any) -> IncomingInput:
    data = IncomingInput(
        sender_id=org(ctx, ENV),
        received_at=datetime(2026, 11, 2, 9, 30),
        matter="违规倾倒建筑垃圾",
        party=PartyInput("organisation", "深泽县某某建材有限公司", None, VALID_CODE),
        place="赵八村北侧坑塘",
        found_at=datetime(2026, 10, 30, 15, 0),
        signed_by="张建国",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


# --- who may send and receive (三（一）4) ------------------------------------------------


def test_internal_unit_without_basis_cannot_receive(ctx: ServiceContext) -> None:
    before = counts(ctx)
    with pytest.raises(RuleViolation, match=r"赵八市场监督管理所.*内设机构"):
        referrals.create_outgoing(ctx, outgoing(ctx, receiver_id=org(ctx, SCJG_STATION)))
    assert counts(ctx) == before
    problems = referrals.validate_outgoing(
        ctx, outgoing(ctx, receiver_id=org(ctx, SCJG_STATION)), "jurisdiction"
    )
    assert "内设机构" in problems["receiver_id"]


def test_internal_unit_with_recorded_basis_may_receive(ctx: ServiceContext) -> None:
    rid = referrals.create_outgoing(ctx, outgoing(ctx, receiver_id=org(ctx, POLICE_STATION)))
    assert "治安管理处罚法" in (load(ctx, rid).receiver_legal_basis or "")


def test_enforcement_team_cannot_send_in_its_own_name(ctx: ServiceContext) -> None:
    team = org(ctx, TEAM)
    with pytest.raises(RuleViolation, match=r"赵八镇综合行政执法队.*内设机构"):
        referrals.create_outgoing(ctx, outgoing(ctx, sender_id=team))
    # … unless a law, regulation or rule says so, and that basis is recorded
    basis = "《某某条例》第十条：乡镇综合行政执法队可以自己的名义移送"
    rid = referrals.create_outgoing(ctx, outgoing(ctx, sender_id=team, sender_legal_basis=basis))
    assert load(ctx, rid).sender_id == team and load(ctx, rid).sender_legal_basis == basis


def test_default_sender_is_the_township(ctx: ServiceContext) -> None:
    rid = referrals.create_outgoing(ctx, outgoing(ctx))
    assert load(ctx, rid).sender_id == settings.get(ctx, "township_org_id")


@pytest.mark.parametrize(
    ("receiver", "message"),
    [
        ("深泽县人民政府", "接收单位应为.*县级职能部门.*县人民政府"),
        ("深泽县赵八镇人民政府", "不能是同一单位"),
        ("深泽县人民法院", "接收单位应为"),
    ],
)
def test_receiver_must_be_a_county_department_other_than_the_sender(
    ctx: ServiceContext, receiver: str, message: str
) -> None:
    with pytest.raises(RuleViolation, match=message):
        referrals.create_outgoing(ctx, outgoing(ctx, receiver_id=org(ctx, receiver)))


def test_inactive_department_is_refused(ctx: ServiceContext) -> None:
    with ctx.uow() as uow:
        dept = uow.session.get(Organisation, org(ctx, ENV))
        assert dept is not None
        dept.active = False
    with pytest.raises(RuleViolation, match="已停用"):
        referrals.create_outgoing(ctx, outgoing(ctx))


def test_incoming_sender_must_act_in_its_own_name(ctx: ServiceContext) -> None:
    before = counts(ctx)
    with pytest.raises(RuleViolation, match="内设机构"):
        referrals.register_incoming(ctx, incoming(ctx, sender_id=org(ctx, SCJG_STATION)))
    with pytest.raises(RuleViolation, match="同一单位"):
        referrals.register_incoming(
            ctx, incoming(ctx, sender_id=settings.get(ctx, "township_org_id"))
        )
    with pytest.raises(InvalidInput) as err:
        referrals.register_incoming(ctx, incoming(ctx, sender_id=None))
    assert "sender_id" in err.value.problems
    assert counts(ctx) == before


# --- the clock (三（一）2) ----------------------------------------------------------------


def test_deadline_across_national_day_and_makeup_saturday(ctx: ServiceContext) -> None:
    found = datetime(2026, 9, 30, 10, 0)
    rid = referrals.create_outgoing(ctx, outgoing(ctx, found_at=found))
    r = load(ctx, rid)
    # 3 working days, the day found not counted: 10-01…10-07 off, 10-08, 10-09, 10-10 (调休上班)
    assert r.deadline_at == datetime(2026, 10, 10, 23, 59, 59)
    assert r.deadline_what == "移送期限" and r.status == ReferralStatus.DRAFT
    assert r.serial == "移2026-0001"
    preview = referrals.deadline_preview(ctx, found, "normal")
    assert preview.due_at == r.deadline_at and "3个工作日" in preview.rule
    urgent = referrals.deadline_preview(ctx, found, "urgent")
    assert urgent.due_at == datetime(2026, 10, 1, 10, 0)  # 24 clock hours, holiday or not
    with pytest.raises(InvalidInput):
        referrals.deadline_preview(ctx, found, "soon")


def test_office_override_applies_to_new_and_open_deadlines(ctx: ServiceContext) -> None:
    sent = ready_to_send(ctx, found_at=datetime(2026, 9, 30, 10, 0))
    referrals.mark_sent(ctx, sent, datetime(2026, 10, 9, 9, 0), "in_person", None)
    draft = referrals.create_outgoing(ctx, outgoing(ctx, found_at=datetime(2026, 9, 30, 11, 0)))
    moved = calendar.set_override(ctx, date(2026, 10, 10), False, "本地调整")
    assert moved == 1
    assert load(ctx, draft).deadline_at == datetime(2026, 10, 12, 23, 59, 59)
    assert load(ctx, sent).deadline_at is None  # sending stopped that clock
    # a new transfer uses the override from the start
    again = referrals.create_outgoing(ctx, outgoing(ctx, found_at=datetime(2026, 9, 30, 12, 0)))
    assert load(ctx, again).deadline_at == datetime(2026, 10, 12, 23, 59, 59)
    assert referrals.deadline_preview(ctx, datetime(2026, 9, 30, 12, 0), "normal").due_at == (
        datetime(2026, 10, 12, 23, 59, 59)
    )


def test_update_recomputes_the_deadline_and_checks_the_version(ctx: ServiceContext) -> None:
    rid = referrals.create_outgoing(ctx, outgoing(ctx))
    version = load(ctx, rid).version
    referrals.update_outgoing(ctx, rid, outgoing(ctx, urgency="urgent"), version)
    r = load(ctx, rid)
    assert r.deadline_at == datetime(2026, 11, 26, 10, 5) and r.urgency == "urgent"
    with pytest.raises(Conflict):
        referrals.update_outgoing(ctx, rid, outgoing(ctx, matter="别的"), version)
    assert load(ctx, rid).matter == "露天焚烧秸秆"


def test_load_outgoing_round_trips_through_the_wizard(ctx: ServiceContext) -> None:
    rid = referrals.create_outgoing(ctx, outgoing(ctx, note="备注𠀀"))
    data, version = referrals.load_outgoing(ctx, rid)
    assert data.party.id_number == VALID_ID and data.note == "备注𠀀"
    audits = len(referrals.history(ctx, rid))
    referrals.update_outgoing(ctx, rid, data, version)
    assert len(referrals.history(ctx, rid)) == audits  # nothing changed, nothing audited
    incoming_id = referrals.register_incoming(ctx, incoming(ctx))
    with pytest.raises(RuleViolation, match="不是本镇移出"):
        referrals.load_outgoing(ctx, incoming_id)


# --- 违法行为正在进行: 立即劝阻、及时告知 ------------------------------------------------------


def test_ongoing_violation_needs_dissuasion_and_notice(ctx: ServiceContext) -> None:
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        referrals.create_outgoing(ctx, outgoing(ctx, urgency="ongoing"))
    assert {"dissuaded_at", "notified_at", "notice_method"} <= set(err.value.problems)
    assert counts(ctx) == before
    rid = referrals.create_outgoing(
        ctx,
        outgoing(
            ctx,
            urgency="ongoing",
            dissuaded_at=datetime(2026, 11, 25, 10, 10),
            dissuasion_note="当场劝阻，当事人已熄灭火源",
            notified_at=datetime(2026, 11, 25, 10, 30),
            notice_method="电话告知",
            notice_person="李明",
        ),
    )
    r = load(ctx, rid)
    assert r.notified_at == datetime(2026, 11, 25, 10, 30) and r.notice_method == "电话告知"
    assert r.deadline_at == datetime(2026, 11, 30, 23, 59, 59)  # the written transfer: 3 days


def test_ongoing_times_not_before_found_nor_in_the_future(ctx: ServiceContext) -> None:
    data = outgoing(
        ctx,
        urgency="ongoing",
        dissuaded_at=datetime(2026, 11, 25, 9, 0),
        notified_at=NOW + timedelta(hours=1),
        notice_method="电话告知",
    )
    problems = referrals.validate_outgoing(ctx, data, "urgency")
    assert problems["dissuaded_at"] == "「劝阻时间」不能早于「发现时间」"
    assert "将来" in problems["notified_at"]


def test_dissuasion_is_dropped_when_not_ongoing(ctx: ServiceContext) -> None:
    rid = referrals.create_outgoing(
        ctx, outgoing(ctx, dissuaded_at=datetime(2026, 11, 25, 10, 10), notice_method="电话")
    )
    assert load(ctx, rid).dissuaded_at is None and load(ctx, rid).notice_method is None


# --- found_at and the order of times -----------------------------------------------------


def test_found_at_not_in_the_future_but_clock_skew_allowed(ctx: ServiceContext) -> None:
    with pytest.raises(InvalidInput) as err:
        referrals.create_outgoing(ctx, outgoing(ctx, found_at=NOW + timedelta(minutes=10)))
    assert "将来" in err.value.problems["found_at"]
    rid = referrals.create_outgoing(ctx, outgoing(ctx, found_at=NOW + timedelta(minutes=3)))
    assert load(ctx, rid).found_at == NOW + timedelta(minutes=3)
    with pytest.raises(InvalidInput, match="不能早于2000年"):
        referrals.create_outgoing(ctx, outgoing(ctx, found_at=datetime(1999, 12, 31, 8, 0)))
    with pytest.raises(InvalidInput, match="请填写「发现时间」"):
        referrals.create_outgoing(ctx, outgoing(ctx, found_at=None))


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


# --- bad input, nothing half-saved ---------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "key", "message"),
    [
        ({"matter": " "}, "matter", "「违法事项」不能为空"),
        ({"matter": "烧" * 301}, "matter", "「违法事项」不能超过300个字"),
        ({"place": "地" * 201}, "place", "「地点」不能超过200个字"),
        ({"place": ""}, "place", "「地点」不能为空"),
        ({"facts": "事" * 5001}, "facts", "「基本违法事实」不能超过5000个字"),
        ({"found_how": None}, "found_how", "请选择「发现途径」"),
        ({"urgency": "later"}, "urgency", "「紧急程度」的取值无效"),
        ({"receiver_id": None}, "receiver_id", "请选择接收单位"),
        ({"penalty_matter_id": 4242}, "penalty_matter_id", "不存在"),
        ({"complaint_id": 4242}, "complaint_id", "不存在"),
        ({"party": PartyInput("person", "王" * 101)}, "party.name", "不能超过100个字"),
        ({"party": PartyInput("person", "王建国", "110105194912310021")}, "party.id_number", ""),
        ({"party": PartyInput("organisation", "某公司", None, "91350100M000100Y44")}, "", ""),
        (
            {"party": PartyInput("person", "王建国", phone="1380013800")},
            "party.phone",
            "当事人电话",
        ),
        ({"party": PartyInput("organisation", "某公司", VALID_ID)}, "party.id_number", "单位"),
        ({"party": PartyInput("person", "王建国", None, VALID_CODE)}, "party.credit_code", ""),
        ({"party": PartyInput(None, None, phone="13800138000")}, "party.name", "当事人名称"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(
    ctx: ServiceContext, changes: dict[str, Any], key: str, message: str
) -> None:
    before = counts(ctx)
    with pytest.raises(InvalidInput) as err:
        referrals.create_outgoing(ctx, outgoing(ctx, **changes))
    key = key or "party.credit_code"
    assert key in err.value.problems, err.value.problems
    assert message in err.value.problems[key]
    assert counts(ctx) == before


def test_validator_messages_reach_the_form(ctx: ServiceContext) -> None:
    problems = referrals.validate_outgoing(
        ctx,
        outgoing(
            ctx,
            party=PartyInput("person", "王建国", "110105194912310021", None, None, "1380013800"),
            receiver_id=None,
        ),
        "found",
    )
    assert set(problems) == {"party.id_number", "party.phone"}  # receiver is another page
    assert "校验" in problems["party.id_number"]
    assert set(referrals.validate_outgoing(ctx, outgoing(ctx, receiver_id=None))) == {"receiver_id"}
    assert referrals.validate_outgoing(ctx, outgoing(ctx)) == {}
    with pytest.raises(ValueError):
        referrals.validate_outgoing(ctx, outgoing(ctx), "nonsense")


def test_rare_characters_are_stored_intact(ctx: ServiceContext) -> None:
    rid = referrals.create_outgoing(
        ctx,
        outgoing(
            ctx,
            matter="露天焚烧秸秆🔥",
            party=PartyInput("person", "𠀀王𡃁"),
            place="赵八村𠀀号地块",
        ),
    )
    r = load(ctx, rid)
    assert (r.matter, r.party_name, r.place) == ("露天焚烧秸秆🔥", "𠀀王𡃁", "赵八村𠀀号地块")
    assert r.party_id_number is None


def test_failing_attachment_leaves_no_material_and_no_file(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = referrals.create_outgoing(ctx, outgoing(ctx))
    source = evidence_file(tmp_path, "询问笔录.docx")
    before = counts(ctx)

    def locked(*a: Any, **kw: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(attachments, "open", locked, raising=False)
    with pytest.raises(ServiceError, match=r"无法读取「询问笔录.docx」"):
        referrals.add_material(ctx, rid, MaterialKind.EVIDENCE, "询问笔录", file=source)
    monkeypatch.undo()
    monkeypatch.setattr(clock, "now", lambda: NOW)
    with pytest.raises(ServiceError, match="找不到文件"):
        referrals.add_material(ctx, rid, MaterialKind.EVIDENCE, "询问笔录", file=tmp_path / "x")
    with pytest.raises(InvalidInput) as err:
        referrals.add_material(ctx, rid, "nonsense", "", pages=0, copies=0)
    assert set(err.value.problems) == {"kind", "title", "pages", "copies"}
    assert counts(ctx) == before
    assert ctx.paths is not None
    assert not [p for p in ctx.paths.attachments.rglob("*") if p.is_file()]


def test_remove_material_takes_its_file_and_keeps_the_last_case_source(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    rid = referrals.create_outgoing(ctx, outgoing(ctx))
    first = referrals.add_material(
        ctx, rid, "inspection_record", "现场检查记录", file=evidence_file(tmp_path)
    )
    referrals.mark_ready(ctx, rid)
    with pytest.raises(RuleViolation, match="唯一的案源材料"):
        referrals.remove_material(ctx, first)
    referrals.add_material(ctx, rid, "complaint_material", "投诉举报材料")
    [row, _] = referrals.list_materials(ctx, rid)
    assert row.attachment_id is not None
    path = attachments.path_of(ctx, row.attachment_id)
    referrals.remove_material(ctx, first)
    assert not path.exists()
    assert [m.title for m in referrals.list_materials(ctx, rid)] == ["投诉举报材料"]
    assert attachments.list_for(ctx, RecordType.REFERRAL, rid) == []


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
