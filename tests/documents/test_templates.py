"""Every document type renders from demo data, says what it must, refuses what it must not.

One demo database (1,500 records) serves the module; each type is previewed
and issued for a record that fits it, and its PDF is read back. Letters to
other organisations never carry the complainant's identity.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.documents import template as templates
from desktop_app.domain.terms import (
    AssistanceStatus,
    ComplaintOutcome,
    Direction,
    DisputeStatus,
    MaterialKind,
    RecordType,
    UrgentNoticeStatus,
)
from desktop_app.services import letters
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, RuleViolation, ServiceError
from desktop_app.services.letter_fields import PROVIDERS, LetterValues, Provider
from desktop_app.storage.models import (
    AssistanceRequest,
    Complainant,
    Complaint,
    CriminalTransfer,
    Dispute,
    Document,
    Material,
    Meeting,
    NegotiationRound,
    Organisation,
    Referral,
    UrgentNotice,
)

TODAY = date(2026, 11, 29)
TODAY_CN = "2026年11月29日"
HAN = re.compile(r"[\u4e00-\u9fff]")
CODES = (
    "referral_feedback",
    "referral_letter",
    "referral_materials",
    "service_receipt",
    "complaint_form",
    "complainant_notice",
    "feedback_letter",
    "assistance_letter",
    "reminder_letter",
    "meeting_minutes",
    "urgent_notice",
    "refusal_report",
    "dispute_request",
    "criminal_transfer",
    "seized_items_list",
)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with all whitespace removed (justified lines extract with gaps)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def first(session: Session, query: Any) -> int:
    found = session.execute(query.limit(1)).scalar()
    assert found is not None, "演示数据中没有合适的记录"
    return int(found)


# --- picking a record that fits each type ------------------------------------------------


def outgoing_referral(s: Session) -> int:
    return first(
        s,
        select(Referral.id)
        .join(Material, (Material.record_type == "referral") & (Material.record_id == Referral.id))
        .where(Referral.direction == Direction.OUTGOING.value)
        .order_by(Referral.id),
    )


def answered_incoming(s: Session) -> int:
    """An incoming transfer the township filed as a case and answered."""
    return first(
        s,
        select(Referral.id).where(
            Referral.direction == "incoming",
            Referral.status == "result",
            Referral.pre_transfer.is_(False),
            Referral.case_id.is_not(None),
        ),
    )


def informed_complaint(s: Session) -> int:
    """Informed by a department, with a named complainant and a result."""
    return first(
        s,
        select(Complaint.id)
        .join(Complainant, Complainant.complaint_id == Complaint.id)
        .where(
            Complaint.informing_org_id.is_not(None),
            Complaint.outcome.is_not(None),
            Complaint.anonymous.is_(False),
            Complainant.phone.is_not(None),
        )
        .order_by(Complaint.id),
    )


def named_transferred_complaint(s: Session) -> int:
    return first(
        s,
        select(Complaint.id)
        .join(Complainant, Complainant.complaint_id == Complaint.id)
        .where(
            Complaint.outcome == ComplaintOutcome.TRANSFERRED.value,
            Complaint.anonymous.is_(False),
        )
        .order_by(Complaint.id),
    )


def overdue_request(s: Session) -> int:
    return first(
        s,
        select(AssistanceRequest.id)
        .where(
            AssistanceRequest.status == AssistanceStatus.SENT.value,
            AssistanceRequest.deadline_at < datetime(2026, 11, 29),
        )
        .order_by(AssistanceRequest.id),
    )


def meeting_with_decisions(s: Session) -> int:
    return first(
        s,
        select(Meeting.id)
        .where(Meeting.kind == "regular", Meeting.decisions.is_not(None))
        .order_by(Meeting.id),
    )


def refused_notice(s: Session) -> int:
    return first(
        s,
        select(UrgentNotice.id)
        .where(
            UrgentNotice.status.in_(
                (UrgentNoticeStatus.REFUSED.value, UrgentNoticeStatus.REPORTED.value)
            )
        )
        .order_by(UrgentNotice.id),
    )


def failed_dispute(s: Session) -> int:
    """A decided dispute from the demo, put back to "escalated" (the request's moment)."""
    d = s.get(
        Dispute,
        first(
            s,
            select(Dispute.id)
            .where(Dispute.status == DisputeStatus.DECIDED.value, Dispute.referral_id.is_not(None))
            .order_by(Dispute.id),
        ),
    )
    assert d is not None
    d.status = DisputeStatus.ESCALATED
    d.decision, d.decided_on, d.decided_handler_id = None, None, None
    return d.id


def transferred_crime(s: Session) -> int:
    return first(
        s,
        select(CriminalTransfer.id)
        .where(CriminalTransfer.approved.is_(True), CriminalTransfer.police_org_id.is_not(None))
        .order_by(CriminalTransfer.id),
    )


PICK: dict[str, Callable[[Session], int]] = {
    "referral_feedback": answered_incoming,
    "referral_letter": outgoing_referral,
    "referral_materials": outgoing_referral,
    "service_receipt": outgoing_referral,
    "complaint_form": informed_complaint,
    "complainant_notice": named_transferred_complaint,
    "feedback_letter": informed_complaint,
    "assistance_letter": overdue_request,
    "reminder_letter": overdue_request,
    "meeting_minutes": meeting_with_decisions,
    "urgent_notice": refused_notice,
    "refusal_report": refused_notice,
    "dispute_request": failed_dispute,
    "criminal_transfer": transferred_crime,
    "seized_items_list": transferred_crime,
}


@pytest.fixture(scope="module")
def picked(demo: ServiceContext) -> dict[str, int]:
    with demo.uow() as uow:  # a write: the dispute is put back to "escalated"
        return {code: pick(uow.session) for code, pick in PICK.items()}


def build(ctx: ServiceContext, code: str, record_id: int) -> LetterValues:
    with ctx.read() as s:
        return letters._values(s, code, record_id, TODAY)


# --- templates -----------------------------------------------------------------------------


def test_every_template_loads_declares_its_placeholders_and_has_a_provider() -> None:
    codes = templates.available()
    assert set(codes) == set(CODES) == set(PROVIDERS)
    for code in codes:
        tpl = templates.load(code)
        assert tpl.code == code and HAN.search(tpl.name)
        assert tpl.placeholders() <= set(tpl.fields), code
        for spec in tpl.fields.values():
            assert HAN.search(spec.label), f"{code}: {spec.key} has no Chinese label"
        if tpl.layout == "letter":
            assert tpl.numbered and tpl.issuer == "{issuer}", code


def test_document_types_cover_every_ledger_with_letters() -> None:
    names = {t.code: t.name for t in letters.document_types()}
    assert names["feedback_letter"] == "处理结果反馈函"
    assert {t.code for t in letters.document_types(RecordType.URGENT_NOTICE)} == {
        "urgent_notice",
        "refusal_report",
    }


@pytest.mark.parametrize("code", CODES)
def test_provider_fills_every_declared_field(
    demo: ServiceContext, picked: dict[str, int], code: str
) -> None:
    built = build(demo, code, picked[code])
    tpl = templates.load(code)
    assert set(tpl.fields) <= set(built.values), set(tpl.fields) - set(built.values)
    assert built.issuer == "深泽县赵八镇人民政府"  # never the enforcement team
    assert "执法队" not in str(built.values.get("issuer", ""))


# --- every type renders from demo data -------------------------------------------------------


def expected(ctx: ServiceContext, code: str, record_id: int) -> list[str]:
    """Key values the PDF must show."""
    with ctx.read() as s:
        if code == "referral_feedback":
            r = s.get(Referral, record_id)
            assert r is not None
            sender = s.get(Organisation, r.sender_id)
            assert sender is not None
            return [sender.name, r.serial, "立案调查", TODAY_CN]
        if code in ("referral_letter", "referral_materials", "service_receipt"):
            r = s.get(Referral, record_id)
            assert r is not None
            receiver = s.get(Organisation, r.receiver_id)
            assert receiver is not None
            out = [receiver.name, "深泽县赵八镇人民政府"]
            return out + ([r.party_name or ""] if code != "service_receipt" else [])
        if code in ("complaint_form", "complainant_notice", "feedback_letter"):
            c = s.get(Complaint, record_id)
            assert c is not None and c.complainant is not None
            if code == "feedback_letter":
                dept = s.get(Organisation, c.informing_org_id)
                assert dept is not None
                return [dept.name, c.serial, TODAY_CN]
            if code == "complainant_notice":
                return [c.complainant.name or "", c.serial, TODAY_CN]
            return [c.serial, c.complainant.name or "", c.complainant.phone or ""]
        if code in ("assistance_letter", "reminder_letter"):
            a = s.get(AssistanceRequest, record_id)
            assert a is not None
            return [a.department.name, a.subject, TODAY_CN]
        if code == "meeting_minutes":
            m = s.get(Meeting, record_id)
            assert m is not None
            return [m.subject, f"{m.held_at.year}年{m.held_at.month}月{m.held_at.day}日", "出席"]
        if code in ("urgent_notice", "refusal_report"):
            n = s.get(UrgentNotice, record_id)
            assert n is not None
            out = [n.department.name, n.hazard, TODAY_CN]
            return out + (
                ["深泽县人民政府", "抄送", "印发"] if code == "refusal_report" else ["特急"]
            )
        if code == "dispute_request":
            d = s.get(Dispute, record_id)
            assert d is not None
            return ["深泽县人民政府", d.department.name, "协商", TODAY_CN]
        t = s.get(CriminalTransfer, record_id)
        assert t is not None and t.police_org is not None
        if code == "seized_items_list":
            return [t.title, t.police_org.name, "序号", "物品名称", "存放地点"]
        party = t.title.split("涉嫌")[0]
        return [
            party,
            t.police_org.name,
            "深泽县人民检察院",
            "涉嫌犯罪案件情况的调查报告",
            TODAY_CN,
        ]


@pytest.mark.parametrize("code", CODES)
def test_every_type_previews_and_issues_from_demo_data(
    demo: ServiceContext, picked: dict[str, int], code: str
) -> None:
    rid = picked[code]
    shown = letters.preview(demo, code, rid, on=TODAY)
    text = pdf_text(shown.pdf)
    for value in expected(demo, code, rid):
        assert squeeze(value) in text, f"{code}: 「{value}」不在文书中"
    issued = letters.issue(demo, code, rid, on=TODAY)
    stored = pdf_text(issued.path.read_bytes())
    tpl = templates.load(code)
    if tpl.numbered:
        assert issued.number and issued.number.startswith("赵八镇") and "〔2026〕" in issued.number
        assert issued.number in stored
    else:
        assert issued.number is None
    with demo.read() as s:
        doc = s.get(Document, issued.id)
        assert doc is not None and doc.doc_type == code and doc.record_id == rid


def test_referral_letter_lists_the_materials_but_not_itself(
    demo: ServiceContext, picked: dict[str, int]
) -> None:
    built = build(demo, "referral_letter", picked["referral_letter"])
    attached = built.values["materials"]
    assert isinstance(attached, list) and attached
    assert not any(str(a).startswith("涉嫌违法案件移送函") for a in attached)
    assert "我单位" not in str(built.values) and "贵局" in str(built.values["you"])


def test_reminder_cites_the_assistance_letter_issued_for_the_request(
    demo: ServiceContext, picked: dict[str, int]
) -> None:
    rid = picked["reminder_letter"]
    earlier = letters.issue(demo, "assistance_letter", rid, on=date(2026, 11, 13))
    text = pdf_text(letters.preview(demo, "reminder_letter", rid, on=TODAY).pdf)
    assert earlier.number and earlier.number in text
    assert "2026年11月13日" in text and "截至目前" in text
    assert "2026年12月2日" in text  # 3 working days after Sunday 2026-11-29


def test_assistance_letter_asks_for_the_answer_within_five_working_days(
    demo: ServiceContext,
) -> None:
    with demo.uow() as uow:
        a = uow.session.get(AssistanceRequest, overdue_request(uow.session))
        assert a is not None
        draft = AssistanceRequest(
            serial="助2026-测试",
            kind=a.kind,
            department_id=a.department_id,
            subject="商请对测试地块地类进行认定",
            questions="1.地类；2.面积。",
        )
        uow.session.add(draft)
        uow.flush()
        rid = draft.id
    text = pdf_text(letters.preview(demo, "assistance_letter", rid, on=TODAY).pdf)
    # requested on Sunday 2026-11-29: five working days are Nov 30 – Dec 4
    assert "5个工作日内（2026年12月4日前）" in text
    assert "1.地类；" in text and "2.面积。" in text


def test_minutes_number_the_decisions_with_owner_and_due_date(
    demo: ServiceContext, picked: dict[str, int]
) -> None:
    built = build(demo, "meeting_minutes", picked["meeting_minutes"])
    decisions = built.values["decisions"]
    assert isinstance(decisions, list) and len(decisions) >= 2
    first_decision = str(decisions[0])
    assert first_decision.startswith("1.") and "责任单位：" in first_decision
    assert "完成时限：" in first_decision and first_decision.endswith("。")
    text = pdf_text(
        letters.preview(demo, "meeting_minutes", picked["meeting_minutes"], on=TODAY).pdf
    )
    assert all(squeeze(str(d))[:12] in text for d in decisions)  # one paragraph each


def test_seized_items_list_shows_registered_items_or_blank_rows(
    demo: ServiceContext, picked: dict[str, int]
) -> None:
    rid = picked["seized_items_list"]
    blank = build(demo, "seized_items_list", rid)
    assert blank.values["items"] == []  # the demo registers the list itself, not items
    with demo.uow() as uow:
        uow.session.add(
            Material(
                record_type=RecordType.CRIMINAL_TRANSFER.value,
                record_id=rid,
                kind=MaterialKind.SEIZED_ITEMS,
                title="挖掘机",
                copies=1,
                sort_order=99,
                note="规格：小松PC200；单位：台；存放地点：村委会院内；已封存",
            )
        )
    built = build(demo, "seized_items_list", rid)
    assert built.values["items"] == [
        {
            "seq": "1",
            "name": "挖掘机",
            "spec": "小松PC200",
            "quantity": "1",
            "unit": "台",
            "store": "村委会院内",
            "note": "已封存",
        }
    ]
    text = pdf_text(letters.preview(demo, "seized_items_list", rid, on=TODAY).pdf)
    assert "挖掘机" in text and "小松PC200" in text and "执法证号" in text


# --- confidentiality -------------------------------------------------------------------------


def secrets_of(ctx: ServiceContext, complaint_id: int) -> list[str]:
    with ctx.read() as s:
        p = s.execute(
            select(Complainant).where(Complainant.complaint_id == complaint_id)
        ).scalar_one()
        return [x for x in (p.name, p.phone, p.id_number, p.address) if x]


def test_feedback_letters_never_carry_the_complainant(demo: ServiceContext) -> None:
    with demo.read() as s:
        ids = list(
            s.execute(
                select(Complaint.id)
                .join(Complainant, Complainant.complaint_id == Complaint.id)
                .where(Complaint.informing_org_id.is_not(None), Complaint.outcome.is_not(None))
                .order_by(Complaint.id)
            ).scalars()
        )
    assert len(ids) >= 10
    for cid in ids[:25]:
        secrets = secrets_of(demo, cid)
        built = build(demo, "feedback_letter", cid)
        flat = squeeze(" ".join(str(v) for v in built.values.values()))
        text = pdf_text(letters.preview(demo, "feedback_letter", cid, on=TODAY).pdf)
        for secret in secrets:
            assert squeeze(secret) not in flat and squeeze(secret) not in text, (cid, secret)


def test_letters_about_a_complaint_to_other_organisations_hide_the_complainant(
    demo: ServiceContext,
) -> None:
    with demo.uow() as uow:
        # A clerk's note that names the complainant must not leak into a referral letter.
        c = uow.session.get(Complaint, named_transferred_complaint(uow.session))
        assert c is not None and c.complainant is not None and c.referral_id
        r = uow.session.get(Referral, c.referral_id)
        assert r is not None
        person = c.complainant
        r.facts = f"{r.facts or ''}投诉人{person.name}（电话{person.phone}）反映属实。"
        cid, rid = c.id, r.id
    secrets = secrets_of(demo, cid)
    for code in ("referral_letter", "referral_materials", "service_receipt"):
        text = pdf_text(letters.preview(demo, code, rid, on=TODAY).pdf)
        for secret in secrets:
            assert squeeze(secret) not in text, (code, secret)
    form = pdf_text(letters.preview(demo, "complaint_form", cid, on=TODAY).pdf)
    assert all(squeeze(secret) in form for secret in secrets[:2])  # name and phone
    notice = pdf_text(letters.preview(demo, "complainant_notice", cid, on=TODAY).pdf)
    assert squeeze(secrets[0]) in notice  # addressed to the complainant by name


def test_anonymous_complaint_form_says_anonymous(demo: ServiceContext) -> None:
    with demo.read() as s:
        cid = first(s, select(Complaint.id).where(Complaint.anonymous.is_(True)))
    built = build(demo, "complaint_form", cid)
    assert built.values["complainant"] == "匿名" and built.values["phone"] == ""


# --- refusals --------------------------------------------------------------------------------


def refusal(ctx: ServiceContext, code: str, record_id: int) -> str:
    with pytest.raises(RuleViolation) as caught:
        letters.preview(ctx, code, record_id, on=TODAY)
    message = str(caught.value)
    assert HAN.search(message), message
    return message


def test_letters_for_an_incoming_referral_are_refused(demo: ServiceContext) -> None:
    with demo.read() as s:
        rid = first(s, select(Referral.id).where(Referral.direction == Direction.INCOMING.value))
    for code in ("referral_letter", "referral_materials", "service_receipt"):
        assert "移送单位出具" in refusal(demo, code, rid)


def test_complaint_letters_refuse_the_wrong_complaint(demo: ServiceContext) -> None:
    with demo.read() as s:
        own = first(
            s,
            select(Complaint.id).where(
                Complaint.informing_org_id.is_(None), Complaint.outcome.is_not(None)
            ),
        )
        anonymous = first(
            s,
            select(Complaint.id).where(
                Complaint.anonymous.is_(True), Complaint.outcome.is_not(None)
            ),
        )
        unverified = first(s, select(Complaint.id).where(Complaint.outcome.is_(None)))
    assert "不是县级职能部门告知" in refusal(demo, "feedback_letter", own)
    assert "匿名" in refusal(demo, "complainant_notice", anonymous)
    letters.preview(demo, "complaint_form", unverified, on=TODAY)  # registered, not yet verified
    with demo.read() as s:
        c = s.get(Complaint, unverified)
        assert c is not None
        named = c.complainant is not None and not c.anonymous
    if named:
        assert "尚未完成初步核实" in refusal(demo, "complainant_notice", unverified)


def test_assistance_letters_refuse_what_does_not_fit(demo: ServiceContext) -> None:
    with demo.read() as s:
        replied = first(
            s,
            select(AssistanceRequest.id).where(
                AssistanceRequest.status == AssistanceStatus.REPLIED.value
            ),
        )
        draft = first(
            s,
            select(AssistanceRequest.id).where(
                AssistanceRequest.status == AssistanceStatus.DRAFT.value
            ),
        )
        waiting = first(
            s,
            select(AssistanceRequest.id).where(
                AssistanceRequest.status == AssistanceStatus.SENT.value,
                AssistanceRequest.deadline_at >= datetime(2026, 11, 29),
            ),
        )
    assert "无需催办" in refusal(demo, "reminder_letter", replied)
    assert "不能再出具协助函" in refusal(demo, "assistance_letter", replied)
    assert "尚未发出协助函" in refusal(demo, "reminder_letter", draft)
    assert "尚未逾期" in refusal(demo, "reminder_letter", waiting)


def test_refusal_report_only_for_a_refusal_without_reason(demo: ServiceContext) -> None:
    with demo.read() as s:
        by_status = {
            status: first(s, select(UrgentNotice.id).where(UrgentNotice.status == status.value))
            for status in (UrgentNoticeStatus.RESPONDED, UrgentNoticeStatus.REFUSED_WITH_REASON)
        }
    assert "已派执法人员到场处置" in refusal(
        demo, "refusal_report", by_status[UrgentNoticeStatus.RESPONDED]
    )
    assert "已说明不处理的理由" in refusal(
        demo, "refusal_report", by_status[UrgentNoticeStatus.REFUSED_WITH_REASON]
    )


def test_dispute_request_only_after_failed_negotiation(demo: ServiceContext) -> None:
    with demo.uow() as uow:
        s = uow.session
        agreed = first(s, select(Dispute.id).where(Dispute.status == DisputeStatus.AGREED.value))
        d = s.get(Dispute, agreed)
        assert d is not None
        fresh = Dispute(
            serial="争2026-测试",
            department_id=d.department_id,
            matter="测试地点违法建设行为的管辖争议",
            opened_on=date(2026, 11, 20),
        )
        s.add(fresh)
        uow.flush()
        fresh_id = fresh.id
    assert "协商一致" in refusal(demo, "dispute_request", agreed)
    assert "还没有协商记录" in refusal(demo, "dispute_request", fresh_id)
    with demo.uow() as uow:
        uow.session.add(
            NegotiationRound(
                dispute_id=fresh_id,
                held_on=date(2026, 11, 24),
                people="赵八镇：王芳；县住建局：韩冬梅",
                positions="镇方认为不属划转事项；县住建局认为已划转乡镇。",
                outcome="双方未达成一致意见。",
            )
        )
    text = pdf_text(letters.preview(demo, "dispute_request", fresh_id, on=TODAY).pdf)
    assert "2026年11月24日，双方进行了协商" in text and "我镇认为" in text


def test_criminal_transfer_needs_the_heads_approval(demo: ServiceContext) -> None:
    with demo.read() as s:
        rejected = first(s, select(CriminalTransfer.id).where(CriminalTransfer.approved.is_(False)))
        pending = first(s, select(CriminalTransfer.id).where(CriminalTransfer.approved.is_(None)))
    assert "不予移送" in refusal(demo, "criminal_transfer", rejected)
    assert "尚未经负责人批准" in refusal(demo, "criminal_transfer", pending)
    letters.preview(demo, "seized_items_list", pending, on=TODAY)  # the list is fine before


def test_minutes_of_a_meeting_not_yet_held_are_refused(demo: ServiceContext) -> None:
    with demo.read() as s:
        mid = first(s, select(Meeting.id).order_by(Meeting.held_at.desc()))
    with pytest.raises(RuleViolation, match="尚未召开"):
        letters.preview(demo, "meeting_minutes", mid, on=date(2020, 1, 1))


def test_a_record_that_does_not_exist_is_not_found(demo: ServiceContext) -> None:
    for code in CODES:
        with pytest.raises(ServiceError, match="不存在"):
            letters.preview(demo, code, 999_999, on=TODAY)


# --- a missing value, rare characters --------------------------------------------------------


@pytest.fixture
def dropping_receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    real = PROVIDERS["referral_letter"]

    def build_without_receiver(
        session: Session, record_id: int, conf: dict[str, Any], on: date
    ) -> LetterValues:
        built = real.build(session, record_id, conf, on)
        values = {k: v for k, v in built.values.items() if k != "receiver"}
        return LetterValues(
            values,
            built.record_type,
            built.title,
            built.recipient_id,
            built.recipient_name,
            built.issuer,
        )

    monkeypatch.setitem(
        PROVIDERS, "referral_letter", Provider(real.record_type, build_without_receiver)
    )
    yield


def test_a_missing_value_names_the_field_in_chinese(
    demo: ServiceContext, picked: dict[str, int], dropping_receiver: None
) -> None:
    rid = picked["referral_letter"]
    with pytest.raises(InvalidInput, match="主送单位（接收单位）"):
        letters.preview(demo, "referral_letter", rid, on=TODAY)
    with pytest.raises(InvalidInput, match="未填写"):
        letters.issue(demo, "referral_letter", rid, on=TODAY)


def test_rare_characters_in_a_party_name_survive(
    demo: ServiceContext, picked: dict[str, int]
) -> None:
    rid = picked["referral_letter"]
    with demo.uow() as uow:
        r = uow.session.get(Referral, rid)
        assert r is not None
        old, r.party_name = r.party_name, "龑䶮𠀀养殖场"
    try:
        text = pdf_text(letters.preview(demo, "referral_letter", rid, on=TODAY).pdf)
        assert "龑䶮" in text
        issued = letters.issue(demo, "referral_materials", rid, on=TODAY)
        assert "养殖场" in pdf_text(issued.path.read_bytes())
    finally:
        with demo.uow() as uow:
            r = uow.session.get(Referral, rid)
            assert r is not None
            r.party_name = old


def test_every_view_of_the_complainant_in_a_document_is_audited(demo: ServiceContext) -> None:
    from desktop_app.domain.terms import AuditAction
    from desktop_app.storage.models import AuditEntry

    with demo.read() as s:
        cid = first(
            s,
            select(Complaint.id)
            .join(Complainant, Complainant.complaint_id == Complaint.id)
            .where(Complaint.anonymous.is_(False)),
        )

    def views() -> int:
        with demo.read() as s:
            return len(
                s.execute(
                    select(AuditEntry.id).where(
                        AuditEntry.action == AuditAction.VIEW_PERSONAL.value,
                        AuditEntry.record_id == cid,
                    )
                ).all()
            )

    before = views()
    letters.preview(demo, "complaint_form", cid, on=TODAY)
    assert views() == before + 1
    letters.issue(demo, "complaint_form", cid, on=TODAY)
    assert views() == before + 2
