"""举报人信息保密: the complainant's identity never leaves through an output.

Complaints by 李𠀀华 (13831112222, ID 110101198503071235, 赵八村12号) go
through every outcome — no violation, a case filed, a transfer made in one
step and one made through the wizard — plus an anonymous one. Then every
list, record view, history, duplicate check, dashboard entry, the transfers
and cases they created, every letter that goes to another organisation
(移送函, 移送材料清单, 送达回证, 处理结果反馈函: values and rendered PDF
text) and the whole audit trail are searched for the name, the phone, the
ID number, its last six digits and the address. Only the 登记表 (kept in
the township) and the 告知书 (to the complainant) carry the name. Reveals
are audited every time and refused to whoever may not see.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from complaint_helpers import (
    ADDRESS,
    ENV,
    ID_NUMBER,
    NAME,
    NOW,
    PHONE,
    People,
    complaint,
    get,
    informed,
    org,
    pdf_text,
    scan,
    verify,
)
from sqlalchemy import select, update

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.services import (
    attachments,
    audit,
    complaints,
    dashboard,
    ledgers,
    letters,
    records,
    referrals,
    settings,
)
from desktop_app.services.complaints import ComplainantInput
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, RuleViolation
from desktop_app.services.letter_fields import PROVIDERS
from desktop_app.storage.models import AuditEntry, Complaint, EnforcementCase

# The identity in every form it could leak in. The bundled PDF font has no
# glyph for 𠀀, so a leaked name would extract as "李华": that is searched too.
SECRETS = (NAME, "李华", PHONE, "138 3111 2222", ID_NUMBER, ID_NUMBER[-6:], ADDRESS)
OUTGOING_LETTERS = ("referral_letter", "referral_materials", "service_receipt")


def leaks(text: str) -> list[str]:
    flat = re.sub(r"\s", "", text)
    return [s for s in SECRETS if s in text or re.sub(r"\s", "", s) in flat]


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


# --- every output --------------------------------------------------------------------------


def _every_outcome(ctx: ServiceContext, op: ServiceContext, tmp_path: Path) -> dict[str, Any]:
    """Complaints through every outcome; returns their ids and what was issued."""
    env = org(ctx, ENV)
    out: dict[str, Any] = {"complaints": [], "referrals": [], "cases": [], "pdfs": []}

    def issue(code: str, record_id: int) -> None:
        out["pdfs"].append((code, letters.issue(op, code, record_id, on=NOW.date()).path))

    # 1. informed by a department, no violation: reply and feedback
    a = complaints.register(op, informed(ctx), [scan(tmp_path)])
    verify(op, a, "no_violation", note="经现场核实，未发现焚烧秸秆行为。")
    complaints.record_reply(op, a, datetime(2026, 11, 26, 9), "电话", "已电话告知核实结果。")
    complaints.record_feedback(op, a, datetime(2026, 11, 26, 10), "已函告县水利局。")
    issue("feedback_letter", a)
    # 2. informed, a case filed, its result, the final reply and the feedback
    b = complaints.register(op, informed(ctx, place="赵八村北街"))
    verify(op, b, "case_filed", note="确有焚烧行为，需要处罚。")
    case = complaints.file_case(op, b, "深赵综执立〔2026〕9号", date(2026, 11, 26))
    complaints.record_case_result(op, b, "对王建国罚款200元。", date(2026, 11, 27))
    complaints.record_reply(op, b, datetime(2026, 11, 27, 15), "当面", "当面告知处罚结果。")
    complaints.record_feedback(op, b, datetime(2026, 11, 27, 16), "已函告处罚结果。")
    issue("feedback_letter", b)
    out["cases"].append(case)
    # 3. informed, no jurisdiction, transferred in one step
    c = complaints.register(op, informed(ctx, place="赵八村南坑塘"))
    verify(op, c, "transferred", note="属生态环境部门职责，应移送。")
    out["prefill"] = complaints.transfer_prefill(op, c)
    r1 = complaints.start_transfer(op, c, env)
    complaints.record_reply(op, c, NOW, "电话", "已告知移送生态环境部门处理。")
    complaints.record_feedback(op, c, NOW, "已反馈移送情况。")
    issue("feedback_letter", c)
    # 4. by phone, transferred through the wizard (prefill → create → link)
    d = complaints.register(op, complaint(place="赵八村西河滩"))
    verify(op, d, "transferred", note="属生态环境部门职责。")
    data = complaints.transfer_prefill(op, d)
    data.receiver_id = env
    r2 = referrals.create_outgoing(op, data)
    complaints.link_transfer(op, d, r2)
    # 5. an earlier record whose note names the complainant (entered before this
    #    check existed): the transfer made from it is scrubbed all the same
    e = complaints.register(op, complaint(place="赵八村东大街"))
    verify(op, e, "transferred")
    with ctx.uow() as uow:
        uow.session.execute(
            update(Complaint)
            .where(Complaint.id == e)
            .values(verification_note=f"{NAME}（电话138-3111-2222，身份证{ID_NUMBER}）反映属实。")
        )
    r3 = complaints.start_transfer(op, e, env)
    # 6. anonymous, informed, a case filed
    f = complaints.register(op, informed(ctx, anonymous=True, complainant=ComplainantInput()))
    verify(op, f, "case_filed")
    out["cases"].append(complaints.file_case(op, f, "深赵综执立〔2026〕10号", date(2026, 11, 27)))
    issue("feedback_letter", f)
    for rid in (r1, r2, r3):
        for code in OUTGOING_LETTERS:
            issue(code, rid)
    out["complaints"] = [a, b, c, d, e, f]
    out["planted"] = e  # its own record holds the planted note: only its outputs are searched
    out["referrals"] = [r1, r2, r3]
    return out


def _everything_returned(op: ServiceContext, made: dict[str, Any]) -> dict[str, str]:
    """Every output the services return for these records, as text, by where it came from."""
    texts: dict[str, str] = {}
    for key in ledgers.LISTS:
        texts[f"ledgers.page({key})"] = dump(ledgers.page(op, key, ledgers.Query(), 0, 500))
    for cid in made["complaints"]:
        c = get(op, cid)
        if cid != made["planted"]:
            texts[f"complaint {cid} detail"] = dump(records.detail(op, "complaints", cid))
            texts[f"complaint {cid} record"] = dump(audit.snapshot(c))
        texts[f"complaint {cid} history"] = dump([asdict(h) for h in complaints.history(op, cid)])
        texts[f"complaint {cid} duties"] = dump(complaints.pending_duties(op, cid))
        texts[f"complaint {cid} masked"] = dump(asdict(complaints.complainant_masked(op, cid)))
        dups = complaints.find_duplicates(op, c.place, c.penalty_matter_id, c.content)
        texts[f"complaint {cid} duplicates"] = dump([asdict(r) for r in dups])
        files = attachments.list_for(op, RecordType.COMPLAINT, cid)
        texts[f"complaint {cid} files"] = dump([a.original_name for a in files])
    texts["prefill"] = dump(asdict(made["prefill"]))
    for rid in made["referrals"]:
        r = referrals.get(op, rid)
        texts[f"referral {rid} record"] = dump(audit.snapshot(r))
        texts[f"referral {rid} detail"] = dump(records.detail(op, "referrals", rid))
        texts[f"referral {rid} history"] = dump([asdict(h) for h in referrals.history(op, rid)])
        texts[f"referral {rid} materials"] = dump(
            [asdict(m) for m in referrals.list_materials(op, rid)]
        )
        texts[f"referral {rid} wizard"] = dump(asdict(referrals.load_outgoing(op, rid)[0]))
    for case_id in made["cases"]:
        with op.read() as s:
            case = s.get(EnforcementCase, case_id)
            texts[f"case {case_id} record"] = dump(audit.snapshot(case))
        texts[f"case {case_id} detail"] = dump(records.detail(op, "cases", case_id))
    texts["dashboard"] = dump([asdict(i) for i in dashboard.build(op, NOW).items])
    conf = settings.get_all(op)
    with op.read() as s:
        for code, path in made["pdfs"]:
            texts[f"{code} {path.name} pdf"] = pdf_text(path)
        for rid in made["referrals"]:
            for code in OUTGOING_LETTERS:
                built = PROVIDERS[code].build(s, rid, conf, NOW.date())
                texts[f"{code} {rid} values"] = dump(built.values) + dump(built.recipient_name)
        for cid in made["complaints"]:
            c = s.get(Complaint, cid)
            if c is not None and c.informing_org_id:
                built = PROVIDERS["feedback_letter"].build(s, cid, conf, NOW.date())
                texts[f"feedback_letter {cid} values"] = dump(built.values) + built.title
        for e in s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
            texts[f"audit {e.id} {e.action}"] = dump([e.summary, e.before, e.after])
    return texts


def test_no_output_carries_the_complainants_identity(
    ctx: ServiceContext, op: ServiceContext, tmp_path: Path
) -> None:
    made = _every_outcome(ctx, op, tmp_path)
    assert len(made["pdfs"]) == 4 + 3 * len(OUTGOING_LETTERS)
    for cid in made["complaints"][:3]:
        assert get(op, cid).status.value == "closed", cid
    texts = _everything_returned(op, made)
    found = {where: leaks(text) for where, text in texts.items() if leaks(text)}
    assert found == {}
    # The search finds a leak where there is one (the identity is really stored).
    assert complaints.reveal_complainant(op, made["complaints"][0], "核对").phone == PHONE
    # and the scrubbed facts of the old record still say what happened
    facts = referrals.get(op, made["referrals"][2]).facts or ""
    assert "投诉举报人（电话（已隐去），身份证（已隐去））反映属实" in facts


def test_letters_to_the_complainant_and_the_register_carry_the_name(
    ctx: ServiceContext, op: ServiceContext
) -> None:
    cid = complaints.register(op, complaint())
    verify(op, cid, "no_violation")
    conf = settings.get_all(op)
    with op.read() as s:
        form = PROVIDERS["complaint_form"].build(s, cid, conf, NOW.date())
        notice = PROVIDERS["complainant_notice"].build(s, cid, conf, NOW.date())
    assert form.values["complainant"] == NAME and form.values["phone"] == PHONE
    assert form.values["id_number"] == ID_NUMBER and form.personal
    assert notice.values["name"] == NAME and notice.personal
    before = _views(ctx, cid)
    path = letters.issue(op, "complaint_form", cid, on=NOW.date()).path
    assert PHONE in pdf_text(path) and ID_NUMBER in pdf_text(path)
    letters.issue(op, "complainant_notice", cid, on=NOW.date())
    assert len(_views(ctx, cid)) == len(before) + 2  # each issue is a view, audited
    assert all(not leaks(v) for v in _views(ctx, cid))


def _views(ctx: ServiceContext, cid: int) -> list[str]:
    with ctx.read() as s:
        return [
            e.summary or ""
            for e in s.execute(
                select(AuditEntry).where(
                    AuditEntry.action == AuditAction.VIEW_PERSONAL.value,
                    AuditEntry.record_type == RecordType.COMPLAINT.value,
                    AuditEntry.record_id == cid,
                )
            ).scalars()
        ]


def test_the_document_register_does_not_list_the_complainant(op: ServiceContext) -> None:
    cid = complaints.register(op, complaint())
    verify(op, cid, "no_violation")
    letters.issue(op, "complainant_notice", cid, on=NOW.date())
    assert leaks(dump(ledgers.page(op, "documents"))) == []


# --- reveal: who may, and the audit of every view ----------------------------------------------


def test_masked_by_default(op: ServiceContext) -> None:
    cid = complaints.register(op, complaint())
    view = complaints.complainant_masked(op, cid)
    assert (view.name, view.phone, view.id_number, view.address) == (
        "李*华",
        "138****2222",
        "1101**********1235",
        "赵八****",
    )
    assert view.masked and not view.anonymous
    assert not leaks(dump(asdict(view)))


def test_reveal_is_audited_every_time(
    ctx: ServiceContext, op: ServiceContext, people: People
) -> None:
    cid = complaints.register(op, complaint())
    serial = get(op, cid).serial
    assert complaints.can_see_complainant(op, cid)
    first = complaints.reveal_complainant(op, cid, "电话回访")
    assert (first.name, first.phone, first.id_number, first.address) == (
        NAME,
        PHONE,
        ID_NUMBER,
        ADDRESS,
    )
    assert not first.masked
    complaints.reveal_complainant(op, cid, f"回访{NAME}（{PHONE}）")
    leader = ctx.as_operator(people.leader, "王主任")
    assert complaints.can_see_complainant(leader, cid)
    assert "reveal" in complaints.allowed_actions(leader, cid)
    assert complaints.reveal_complainant(leader, cid).phone == PHONE
    views = _views(ctx, cid)
    assert views == [
        f"查看投诉举报 {serial} 的投诉举报人信息（用途：电话回访）",
        f"查看投诉举报 {serial} 的投诉举报人信息（用途：回访投诉举报人（（已隐去）））",
        f"查看投诉举报 {serial} 的投诉举报人信息",
    ]
    with ctx.read() as s:
        who = [
            e.operator_id
            for e in s.execute(
                select(AuditEntry).where(AuditEntry.action == AuditAction.VIEW_PERSONAL.value)
            ).scalars()
        ]
    assert who == [people.clerk, people.clerk, people.leader]


def test_reveal_is_refused_to_whoever_may_not_see(
    ctx: ServiceContext, op: ServiceContext, people: People
) -> None:
    cid = complaints.register(op, complaint())
    for other in (ctx.as_operator(people.other, "赵旁人"), ctx.as_operator(None, "未知")):
        assert not complaints.can_see_complainant(other, cid)
        assert "reveal" not in complaints.allowed_actions(other, cid)
        with pytest.raises(RuleViolation, match="无权查看投诉举报人信息"):
            complaints.reveal_complainant(other, cid, "好奇")
        assert complaints.complainant_masked(other, cid).masked
    views = _views(ctx, cid)
    assert len(views) == 2 and all("被拒绝" in v for v in views)
    # the staff flag, not the role, decides; withdrawn, the leader sees no more
    from desktop_app.services import staff

    person = staff.get(ctx, people.leader)
    staff.save(
        ctx,
        staff.StaffInput(name=person.name, role=person.role, sees_complainants=False),
        people.leader,
    )
    with pytest.raises(RuleViolation):
        complaints.reveal_complainant(ctx.as_operator(people.leader, "王主任"), cid)


def test_editing_a_named_complaint_needs_the_right_to_see_and_is_audited(
    ctx: ServiceContext, op: ServiceContext, people: People
) -> None:
    cid = complaints.register(op, complaint())
    data, version = complaints.edit_input(op, cid)
    assert (data.complainant.name, data.complainant.phone) == (NAME, PHONE)
    assert data.respondent.address == "赵八村3号" and data.channel == "phone"
    views = _views(ctx, cid)
    assert len(views) == 1 and "修改登记内容" in views[0] and NAME not in views[0]

    other = ctx.as_operator(people.other, "赵旁人")
    assert "edit" not in complaints.allowed_actions(other, cid)
    with pytest.raises(RuleViolation, match="首问责任人"):
        complaints.edit_input(other, cid)
    data.content = "反映村东农田有人露天焚烧秸秆，已持续两天。"
    with pytest.raises(RuleViolation, match="首问责任人"):
        complaints.update(other, cid, data, version)
    assert get(ctx, cid).content != data.content
    leader = ctx.as_operator(people.leader, "王主任")
    assert "edit" in complaints.allowed_actions(leader, cid)
    complaints.update(op, cid, data, version)
    assert get(ctx, cid).content == data.content
    assert len(_views(ctx, cid)) == 1  # saving is not another view

    # an anonymous complaint has nobody to protect: anyone may correct it
    anon = complaints.register(op, complaint(anonymous=True, complainant=ComplainantInput()))
    assert "edit" in complaints.allowed_actions(other, anon)
    anon_data, anon_version = complaints.edit_input(other, anon)
    assert _views(ctx, anon) == []
    anon_data.place = "赵八村村西农田"
    complaints.update(other, anon, anon_data, anon_version)
    assert get(ctx, anon).place == "赵八村村西农田"
    verify(op, anon, "no_violation")
    with pytest.raises(RuleViolation, match="不能再修改"):
        complaints.edit_input(other, anon)


def test_an_anonymous_complaint_has_nothing_to_reveal(op: ServiceContext) -> None:
    cid = complaints.register(op, complaint(anonymous=True, complainant=ComplainantInput()))
    assert "reveal" not in complaints.allowed_actions(op, cid)
    view = complaints.reveal_complainant(op, cid)
    assert view.anonymous and view.name == view.phone == ""


# --- the identity stays in its own fields ---------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("content", {"content": f"{NAME}来电反映有人焚烧秸秆。"}),
        ("content", {"content": "有人焚烧秸秆，请回电138-3111-2222。"}),
        ("content", {"content": f"反映人身份证{ID_NUMBER.lower()[:-1]}5，有人焚烧秸秆。"}),
        ("note", {"note": "回电１３８３１１１２２２２"}),
        ("respondent.name", {"respondent": complaints.PartyInput("person", NAME)}),
    ],
)
def test_free_text_may_not_carry_the_identity(
    op: ServiceContext, field: str, changes: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInput) as exc:
        complaints.register(op, complaint(**changes))
    assert "投诉举报人信息须保密" in exc.value.problems[field]
    anonymous = complaint(anonymous=True, complainant=ComplainantInput(), **changes)
    assert field not in complaints.validate_complaint(op, anonymous)


def test_later_texts_may_not_carry_the_identity(ctx: ServiceContext, op: ServiceContext) -> None:
    cid = complaints.register(op, informed(ctx))
    with pytest.raises(InvalidInput, match="投诉举报人信息须保密"):
        verify(op, cid, "no_violation", note=f"与{NAME}核实。")
    verify(op, cid, "no_violation")
    with pytest.raises(InvalidInput, match="投诉举报人信息须保密"):
        complaints.record_reply(op, cid, NOW, "电话", f"已拨打{PHONE}告知。")
    with pytest.raises(InvalidInput, match="投诉举报人信息须保密"):
        complaints.record_feedback(op, cid, NOW, f"投诉人{NAME}已知悉。")
    assert get(op, cid).replied_at is None


def test_a_file_named_after_the_complainant_is_refused(
    ctx: ServiceContext, op: ServiceContext, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput) as exc:
        complaints.register(op, informed(ctx), [scan(tmp_path, f"{NAME}举报信.pdf")])
    assert "改名" in exc.value.problems["materials"]


def test_letters_showing_the_complainant_are_for_those_who_may_see(
    ctx: ServiceContext, op: ServiceContext, people: People, tmp_path: Path
) -> None:
    cid = complaints.register(op, complaint())
    verify(op, cid, "no_violation")
    other = ctx.as_operator(people.other, "赵旁人")
    before = len(_views(ctx, cid))
    for code in sorted(letters.PERSONAL_TYPES):
        with pytest.raises(RuleViolation, match="举报人信息保密"):
            letters.preview(other, code, cid, on=NOW.date())
        with pytest.raises(RuleViolation, match="举报人信息保密"):
            letters.issue(other, code, cid, on=NOW.date())
    refused = _views(ctx, cid)[before:]
    assert len(refused) == 4 and all("被拒绝" in v for v in refused)
    assert letters.for_record(ctx, RecordType.COMPLAINT, cid) == []

    issued = letters.issue(op, "complainant_notice", cid, on=NOW.date())
    copy = tmp_path / "告知书.pdf"
    with pytest.raises(RuleViolation, match="举报人信息保密"):
        letters.stored_file(other, issued.id)
    with pytest.raises(RuleViolation, match="举报人信息保密"):
        letters.save_copy(other, issued.id, copy)
    assert not copy.exists()
    leader = ctx.as_operator(people.leader, "王主任")
    assert letters.save_copy(leader, issued.id, copy).read_bytes() == issued.path.read_bytes()
    assert any("另存" in v and "被拒绝" not in v for v in _views(ctx, cid))

    # letters to other organisations carry no identity: anyone may issue them
    dept = complaints.register(op, informed(ctx))
    verify(op, dept, "no_violation")
    complaints.record_feedback(op, dept, datetime(2026, 11, 26, 10), "已函告县水利局。")
    letters.issue(other, "feedback_letter", dept, on=NOW.date())
    # nor does an anonymous complaint's register form
    anon = complaints.register(op, complaint(anonymous=True, complainant=ComplainantInput()))
    letters.issue(other, "complaint_form", anon, on=NOW.date())
