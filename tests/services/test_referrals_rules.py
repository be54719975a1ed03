"""案件移送 (seed 三（一）): the rules checked before anything is saved.

Each rule has a test that fails when the rule is removed: who may send and
receive (三（一）4), the clock (三（一）2) over holidays, 调休 and office
overrides, the ongoing-violation duties, the time found, and bad input with
nothing half-saved.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from referral_helpers import (
    ENV,
    NOW,
    POLICE_STATION,
    SCJG_STATION,
    TEAM,
    VALID_CODE,
    VALID_ID,
    counts,
    evidence_file,
    incoming,
    load,
    org,
    outgoing,
    ready_to_send,
)

from desktop_app.domain import clock
from desktop_app.domain.terms import MaterialKind, RecordType, ReferralStatus
from desktop_app.services import attachments, calendar, referrals, settings
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import Conflict, InvalidInput, RuleViolation, ServiceError
from desktop_app.services.referrals import PartyInput
from desktop_app.storage.models import Organisation


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


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


# --- found_at --------------------------------------------------------------------------


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
