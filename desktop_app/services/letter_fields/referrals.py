"""案件移送 (seed 三（一）): 涉嫌违法案件移送函, 移送材料清单, 送达回证, 案件处理结果反馈函.

The first three belong to a referral the township sends (移出). For a
referral a county department sent to the township, the department issues
them; the township signs the department's receipt instead, and answers with
the 案件处理结果反馈函 once it has a result.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.documents.template import Value
from desktop_app.domain.terms import (
    Direction,
    FoundHow,
    MaterialKind,
    RecordType,
    ReferralStatus,
    SendMethod,
    Urgency,
)
from desktop_app.services import identity
from desktop_app.services.letter_fields import (
    LetterValues,
    cn_date,
    cn_time,
    contact,
    get_or_404,
    honorific,
    issued_document,
    label,
    material_line,
    materials,
    org,
    provider,
    redact,
    refuse,
    sentence,
    staff_name,
    township,
)
from desktop_app.storage.models import Complaint, EnforcementCase, Referral

# Seed 三（一）3: 移送函、案源材料（现场检查记录、投诉举报材料等）、证据材料.
_GROUPS = {
    MaterialKind.REFERRAL_LETTER.value: "移送函",
    MaterialKind.INSPECTION_RECORD.value: "案源材料",
    MaterialKind.COMPLAINT_MATERIAL.value: "案源材料",
    MaterialKind.EVIDENCE.value: "证据材料",
    MaterialKind.SEIZED_ITEMS.value: "证据材料",
    MaterialKind.TEST_REPORT.value: "证据材料",
    MaterialKind.OTHER.value: "其他材料",
}


def _party(r: Referral) -> str:
    return r.party_name or "当事人"


def _outgoing(r: Referral, what: str) -> None:
    """Only a referral the township sends gets the township's letters."""
    if r.direction != Direction.OUTGOING:
        raise refuse(
            f"案件移送 {r.serial} 是县级部门移送本镇的案件，{what}由移送单位出具，本镇不再出具。"
        )
    if r.status == ReferralStatus.WITHDRAWN:
        raise refuse(f"案件移送 {r.serial} 已撤回，不能再出具{what}。")


def _secrets(session: Session, r: Referral) -> list[str | None]:
    """The complainant's identity, when the referral came from a complaint (never printed)."""
    c = session.get(Complaint, r.complaint_id) if r.complaint_id else None
    if c is None or c.complainant is None:
        return []
    p = identity.require_person(c.complainant, session)  # encrypted: needs the log-in key
    assert p is not None
    return [p.name, p.phone, p.id_number, p.address]


@provider("referral_letter", RecordType.REFERRAL)
def referral_letter(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    r: Referral = get_or_404(session, Referral, record_id, "案件移送")
    _outgoing(r, "涉嫌违法案件移送函")
    town = township(session, conf)
    receiver = org(session, r.receiver_id)
    receiver_name = receiver.name if receiver else ""
    you = honorific(receiver_name)
    hows = {FoundHow.INSPECTION.value: "日常巡查检查", FoundHow.COMPLAINT.value: "办理群众投诉举报"}
    how = hows.get(str(r.found_how), "工作")
    dissuasion = ""
    if r.dissuaded_at or r.notified_at:
        parts = ["发现该违法行为正在进行"]
        if r.dissuaded_at:
            parts.append(
                f"我镇执法人员已于{cn_time(r.dissuaded_at)}当场劝阻当事人停止违法行为"
                + (f"（{r.dissuasion_note.rstrip('。')}）" if r.dissuasion_note else "")
            )
        if r.notified_at:
            method = f"以{r.notice_method}方式" if r.notice_method else ""
            person = f"（接收人：{r.notice_person}）" if r.notice_person else ""
            parts.append(f"并于{cn_time(r.notified_at)}{method}告知{you}{person}")
        dissuasion = "，".join(parts) + "。"
    basis = "该行为"
    matter = r.penalty_matter
    if matter is not None:
        # The facts often name the provision already: it is not repeated.
        if matter.legal_basis and "涉嫌违反" not in (r.facts or ""):
            basis += f"涉嫌违反{matter.legal_basis}的规定，"
        basis += f"属于“{matter.name}”事项，"
    basis += f"依照职责分工属于{you}管辖。"
    urgent = ""
    if r.urgency == Urgency.URGENT:
        urgent = f"因情况紧急，请{you}收到本函后尽快依法处理。"
    secrets = _secrets(session, r)
    person, phone = contact(session, conf)
    attached = [
        material_line(m)
        for m in materials(session, RecordType.REFERRAL, record_id)
        if m.kind != MaterialKind.REFERRAL_LETTER
    ]
    values: dict[str, Value] = {
        "issuer": town.name,
        "receiver": receiver_name,
        "you": you,
        "party": _party(r),
        "matter": r.matter,
        "found_date": cn_date(r.found_at),
        "found_how": how,
        "place": r.place or "",
        "facts": redact(r.facts or "", secrets),
        "jurisdiction_basis": basis,
        "dissuasion": redact(dissuasion, secrets),
        "urgent": urgent,
        "materials": [redact(a, secrets) for a in attached],
        "contact": person,
        "contact_phone": phone,
        "date": cn_date(on),
        "cc": "",
    }
    return LetterValues(
        values,
        RecordType.REFERRAL,
        f"关于移送{_party(r)}涉嫌{r.matter}案件的函",
        r.receiver_id,
        receiver_name,
        town.name,
    )


@provider("referral_materials", RecordType.REFERRAL)
def referral_materials(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    r: Referral = get_or_404(session, Referral, record_id, "案件移送")
    _outgoing(r, "移送材料清单")
    found = materials(session, RecordType.REFERRAL, record_id)
    if not found:
        raise refuse(
            f"案件移送 {r.serial} 还没有登记移送材料。请先在“移送材料”中逐项登记，再生成清单。"
        )
    town = township(session, conf)
    receiver = org(session, r.receiver_id)
    letter = issued_document(session, RecordType.REFERRAL, r.id, "referral_letter")
    secrets = _secrets(session, r)
    items: list[dict[str, str]] = []
    for n, m in enumerate(found, start=1):
        note = redact(m.note or "", secrets)
        if m.kind == MaterialKind.REFERRAL_LETTER and letter is not None and letter.number:
            note = letter.number + (f"；{note}" if note else "")
        items.append(
            {
                "seq": str(n),
                "kind": _GROUPS.get(str(m.kind), label(MaterialKind, m.kind)),
                "name": redact(m.title, secrets),
                "copies": str(m.copies or 1),
                "pages": str(m.pages) if m.pages else "",
                "note": note,
            }
        )
    total_pages = sum(m.pages or 0 for m in found)
    summary = f"共{len(found)}项" + (f"，{total_pages}页" if total_pages else "")
    values: dict[str, Value] = {
        "issuer": town.name,
        "case_name": f"{_party(r)}涉嫌{r.matter}案",
        "receiver": receiver.name if receiver else "",
        "letter_number": letter.number if letter and letter.number else "",
        "items": items,
        "summary": summary,
    }
    return LetterValues(
        values,
        RecordType.REFERRAL,
        f"移送材料清单（{_party(r)}涉嫌{r.matter}案）",
        r.receiver_id,
        receiver.name if receiver else None,
        town.name,
    )


@provider("service_receipt", RecordType.REFERRAL)
def service_receipt(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    r: Referral = get_or_404(session, Referral, record_id, "案件移送")
    _outgoing(r, "送达回证")
    town = township(session, conf)
    receiver = org(session, r.receiver_id)
    letter = issued_document(session, RecordType.REFERRAL, r.id, "referral_letter")
    has_materials = any(
        m.kind != MaterialKind.REFERRAL_LETTER
        for m in materials(session, RecordType.REFERRAL, record_id)
    )
    person, phone = contact(session, conf)
    values: dict[str, Value] = {
        "issuer": town.name,
        "document": "涉嫌违法案件移送函" + ("及移送材料" if has_materials else ""),
        "document_number": letter.number if letter and letter.number else "",
        "recipient": receiver.name if receiver else "",
        "address": receiver.address if receiver and receiver.address else "",
        "method": label(SendMethod, r.sent_method) if r.sent_method else "直接送达",
        "server": staff_name(session, r.sent_by_id),
        "contact": person,
        "contact_phone": phone,
    }
    number = str(values["document_number"])
    return LetterValues(
        values,
        RecordType.REFERRAL,
        "送达回证" + (f"（{number}）" if number else ""),
        r.receiver_id,
        receiver.name if receiver else None,
        town.name,
    )


@provider("referral_feedback", RecordType.REFERRAL)
def referral_feedback(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    """案件处理结果反馈函: the township tells the sending department what it did
    with a transfer it received (filed and decided, or returned with reasons)."""
    r: Referral = get_or_404(session, Referral, record_id, "案件移送")
    if r.direction != Direction.INCOMING:
        raise refuse(
            f"案件移送 {r.serial} 是本镇移出的案件，处理结果由接收部门反馈本镇，"
            "本镇不出具案件处理结果反馈函。"
        )
    if r.status not in (ReferralStatus.RESULT, ReferralStatus.RETURNED):
        now_label = label(ReferralStatus, r.status)
        raise refuse(
            f"案件移送 {r.serial} 还没有登记处理结果（当前状态：{now_label}）。"
            "请先登记处理结果（或退回），再出具案件处理结果反馈函。"
        )
    town = township(session, conf)
    dept = org(session, r.sender_id)
    dept_name = dept.name if dept else ""
    you = honorific(dept_name)
    secrets = _secrets(session, r)
    case_name = f"{r.party_name}涉嫌{r.matter}案" if r.party_name else f"涉嫌{r.matter}案"
    case = session.get(EnforcementCase, r.case_id) if r.case_id else None
    rule = "《深泽县赵八镇综合行政执法协调联动机制》案件移送制度"
    if r.status == ReferralStatus.RETURNED:
        handling = (
            f"经审查，我镇认为该案件不宜由我镇办理，已于{cn_date(r.returned_at)}"
            f"将该案件退回{you}。理由如下："
        )
        result = r.return_reason or ""
    elif case is not None:
        number = f"（案号：{case.case_number}）" if case.case_number else ""
        handling = (
            f"我镇按照{rule}的规定，于{cn_date(case.filed_on)}依法立案调查{number}。"
            "现将处理结果反馈如下："
        )
        result = r.result_summary or ""
    else:
        handling = f"我镇按照{rule}的规定对该案件进行了审查核实。现将处理结果反馈如下："
        result = r.result_summary or ""
    person, phone = contact(session, conf)
    values: dict[str, Value] = {
        "issuer": town.name,
        "receiver": dept_name,
        "you": you,
        "case_name": redact(case_name, secrets),
        "received_date": cn_date(r.signed_at or r.created_at),
        "serial": r.serial,
        "handling": handling,
        "result": redact(sentence(result), secrets),
        "contact": person,
        "contact_phone": phone,
        "date": cn_date(on),
    }
    return LetterValues(
        values,
        RecordType.REFERRAL,
        f"关于反馈{values['case_name']}处理结果的函",
        r.sender_id,
        dept_name,
        town.name,
    )
