"""Every document type renders from demo data and says what it must.

One demo database (1,500 records) serves the module; each type is previewed
and issued for a record that fits it, and its PDF is read back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session
from template_helpers import (
    CODES,
    HAN,
    PICK,
    TODAY,
    TODAY_CN,
    build,
    overdue_request,
    pdf_text,
    squeeze,
)

from desktop_app.documents import template as templates
from desktop_app.domain.terms import MaterialKind, RecordType
from desktop_app.services import letters
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.services.letter_fields import PROVIDERS, LetterValues, Provider
from desktop_app.storage.models import (
    AssistanceRequest,
    Complaint,
    CriminalTransfer,
    Dispute,
    Document,
    Material,
    Meeting,
    Organisation,
    Referral,
    UrgentNotice,
)


@pytest.fixture(scope="module")
def picked(demo: ServiceContext) -> dict[str, int]:
    with demo.uow() as uow:  # a write: the dispute is put back to "escalated"
        return {code: pick(uow.session) for code, pick in PICK.items()}


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
