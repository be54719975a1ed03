"""投诉举报 (seed 三（二）): 投诉举报登记表, 处理结果告知书, 处理结果反馈函.

The 登记表 stays in the township and shows the complainant (or 匿名); the
告知书 goes to the complainant by name; the 反馈函 goes to the county
department that informed the township and never carries the complainant's
name, phone, ID number or address (举报人信息保密) — the free text it
quotes from the record is scrubbed of them as well.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.documents.template import Value
from desktop_app.domain.terms import ComplaintChannel, ComplaintOutcome, RecordType
from desktop_app.services import identity
from desktop_app.services.letter_fields import (
    LetterValues,
    cn_date,
    contact,
    get_or_404,
    honorific,
    label,
    org,
    org_name,
    provider,
    redact,
    refuse,
    sentence,
    short_name,
    staff_name,
    township,
)
from desktop_app.storage.models import Complaint, EnforcementCase, PenaltyMatter, Referral

_CHANNEL_VERB = {
    ComplaintChannel.PHONE.value: "来电反映",
    ComplaintChannel.VISIT.value: "来访反映",
    ComplaintChannel.LETTER.value: "来信反映",
    ComplaintChannel.ONLINE.value: "通过网络反映",
    ComplaintChannel.HOTLINE_12345.value: "通过12345政务服务便民热线反映",
}


def _core(matter_name: str) -> str:
    """ "对露天焚烧秸秆的处罚" → "露天焚烧秸秆"."""
    text = matter_name.strip()
    if text.startswith("对"):
        text = text[1:]
    for tail in ("的行政处罚", "的处罚"):
        if text.endswith(tail):
            text = text[: -len(tail)]
    return text


def subject(session: Session, c: Complaint) -> str:
    """What the complaint is about, short: "韩家庄村内主街露天烧烤问题"."""
    what = ""
    ref = session.get(Referral, c.referral_id) if c.referral_id else None
    case = session.get(EnforcementCase, c.case_id) if c.case_id else None
    if ref is not None and ref.matter:
        what = ref.matter
    elif case is not None and case.title:
        what = case.title
        if case.party_name and what.startswith(case.party_name):
            what = what[len(case.party_name) :]
        what = what.removeprefix("涉嫌").removesuffix("案")
    else:
        matter = session.get(PenaltyMatter, c.penalty_matter_id) if c.penalty_matter_id else None
        core = _core(matter.name) if matter is not None else ""
        what = core if core and len(core) <= 14 and "，" not in core else "有关"
    return f"{c.place or ''}{what}问题"


def _secrets(c: Complaint) -> list[str | None]:
    """The identity to keep off the letter, in clear (encrypted: needs the log-in key)."""
    p = identity.require_person(c.complainant)
    return [p.name, p.phone, p.id_number, p.address] if p is not None else []


def result_text(session: Session, c: Complaint, with_note: bool = True) -> str:
    """The result of the handling, in the third person (no complainant in it).

    ``with_note``: start with the verification note (letters); the 登记表
    has its own row for it.
    """
    if c.outcome is None:
        raise refuse(f"投诉举报 {c.serial} 尚未完成初步核实，还没有可以告知或反馈的处理结果。")
    note = sentence(c.verification_note) if with_note else ""
    if c.outcome == ComplaintOutcome.NO_VIOLATION and not with_note:
        return label(ComplaintOutcome, c.outcome) + "。"
    if c.outcome == ComplaintOutcome.NO_VIOLATION:
        return note or "经执法人员现场核实，未发现违法行为。"
    if c.outcome == ComplaintOutcome.CASE_FILED:
        case = session.get(EnforcementCase, c.case_id) if c.case_id else None
        if case is None:
            return note + "我镇已依法立案调查，处理结果将另行告知。"
        number = f"（案号：{case.case_number}）" if case.case_number else ""
        text = note + f"我镇已于{cn_date(case.filed_on)}依法立案调查{number}。"
        if case.closed_on and case.penalty_summary:
            closed = cn_date(case.closed_on)
            text += f"该案已于{closed}办结，处理结果为：{sentence(case.penalty_summary)}"
        elif case.closed_on:
            text += f"该案已于{cn_date(case.closed_on)}办结。"
        else:
            text += "目前该案正在依法办理中，办理结果将另行告知。"
        return text
    ref = session.get(Referral, c.referral_id) if c.referral_id else None
    receiver = org_name(session, ref.receiver_id) if ref else org_name(session, c.competent_org_id)
    if not receiver:
        return note + "该事项不属于我镇管辖，我镇已将相关材料移交有管辖权的部门处理。"
    # The verification note of a transfer says the same in other words: not repeated.
    text = f"经核实，该事项不属于我镇管辖，依照职责分工属于{receiver}的职责范围。"
    when = f"于{cn_date(ref.sent_at)}" if ref is not None and ref.sent_at else ""
    text += f"我镇已{when}形成书面材料，将该事项移送{receiver}依法处理。"
    if ref is not None and ref.result_summary:
        text += f"据{receiver}反馈，{sentence(ref.result_summary.split('：', 1)[-1])}"
    return text


@provider("complaint_form", RecordType.COMPLAINT)
def complaint_form(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    c: Complaint = get_or_404(session, Complaint, record_id, "投诉举报")
    town = township(session, conf)
    p = None if c.anonymous else identity.require_person(c.complainant, session)
    anonymous = c.anonymous or p is None or not (p.name or "").strip()
    informing = org(session, c.informing_org_id)
    party = c.party_name or ""
    if party and c.party_address:
        party += f"（{c.party_address}）"
    verification = ""
    if c.verified_at or c.verification_note:
        who = staff_name(session, c.verified_by_id)
        verification = (
            cn_date(c.verified_at)
            + (f"，{who}" if who else "")
            + (f"：{c.verification_note}" if c.verification_note else "")
        ).lstrip("，：")
    handling = label(ComplaintOutcome, c.outcome) if c.outcome else ""
    if c.outcome is not None:
        handling = result_text(session, c, with_note=False)
    reply = ""
    if c.replied_at:
        reply = f"{cn_date(c.replied_at)}，{c.reply_method or '答复'}" + (
            f"：{c.reply_summary}" if c.reply_summary else ""
        )
    feedback = ""
    if c.feedback_at:
        feedback = cn_date(c.feedback_at) + (
            f"：{c.feedback_summary}" if c.feedback_summary else ""
        )
    values: dict[str, Value] = {
        "issuer": town.name,
        "serial": c.serial,
        "received": f"{cn_date(c.received_at)} {c.received_at:%H:%M}",
        "channel": label(ComplaintChannel, c.channel),
        "first_contact": staff_name(session, c.first_contact_id),
        "complainant": "匿名" if anonymous or p is None else (p.name or ""),
        "phone": "" if anonymous or p is None else (p.phone or ""),
        "id_number": "" if anonymous or p is None else (p.id_number or ""),
        "address": "" if anonymous or p is None else (p.address or ""),
        "informing": short_name(informing),
        "informed_on": cn_date(c.informed_on)
        + ("（已移交书面材料）" if informing and c.materials_handed_over else ""),
        "party": party,
        "place": c.place or "",
        "content": c.content,
        "competent": short_name(org(session, c.competent_org_id)),
        "verification": verification,
        "handling": handling,
        "reply": reply,
        "feedback": feedback,
        "registrar": staff_name(session, c.first_contact_id)
        or staff_name(session, c.created_by_id),
        "registered_on": cn_date(c.received_at),
    }
    return LetterValues(
        values,
        RecordType.COMPLAINT,
        f"投诉举报登记表（{c.serial}）",
        None,
        None,
        town.name,
        personal=c.complainant is not None,
    )


@provider("complainant_notice", RecordType.COMPLAINT)
def complainant_notice(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    c: Complaint = get_or_404(session, Complaint, record_id, "投诉举报")
    p = None if c.anonymous else identity.require_person(c.complainant, session)
    if c.anonymous or p is None or not (p.name or "").strip():
        raise refuse(
            f"投诉举报 {c.serial} 是匿名投诉举报，没有投诉举报人的姓名和联系方式，"
            "不能出具处理结果告知书。"
        )
    town = township(session, conf)
    result = result_text(session, c)
    if c.channel == ComplaintChannel.DEPARTMENT:
        dept = org(session, c.informing_org_id)
        how = f"向{short_name(dept)}反映" if dept else "反映"
        accepted = f"该部门已告知我镇依法办理（我镇登记编号：{c.serial}）"
    else:
        how = _CHANNEL_VERB.get(str(c.channel), "反映")
        accepted = f"我镇已依法受理（登记编号：{c.serial}）"
    person, phone = contact(session, conf)
    values: dict[str, Value] = {
        "issuer": town.name,
        "name": p.name or "",
        "received_date": cn_date(c.received_at),
        "how": how,
        "subject": subject(session, c),
        "accepted": accepted,
        "result": result,
        "contact": person,
        "contact_phone": phone,
        "date": cn_date(on),
    }
    return LetterValues(
        values,
        RecordType.COMPLAINT,
        f"投诉举报处理结果告知书（{c.serial}）",
        None,
        "投诉举报人（信息保密）",  # the register is read by everyone: never the name
        town.name,
        personal=True,
    )


@provider("feedback_letter", RecordType.COMPLAINT)
def feedback_letter(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    c: Complaint = get_or_404(session, Complaint, record_id, "投诉举报")
    dept = org(session, c.informing_org_id)
    if dept is None:
        raise refuse(
            f"投诉举报 {c.serial} 不是县级职能部门告知本镇处理的，没有需要反馈处理结果的部门"
            "（机制 三（二）3 只要求向告知的县级职能部门反馈）。"
        )
    town = township(session, conf)
    secrets = _secrets(c)
    you = honorific(dept.name)
    about = subject(session, c)
    result = redact(result_text(session, c), secrets)
    told = ""
    if c.replied_at and not c.anonymous:
        told = f"我镇已于{cn_date(c.replied_at)}将调查处理结果告知投诉举报人。"
    elif c.anonymous:
        told = "该投诉举报为匿名投诉举报，无法向投诉举报人告知处理结果。"
    person, phone = contact(session, conf)
    values: dict[str, Value] = {
        "issuer": town.name,
        "receiver": dept.name,
        "you": you,
        "informed_on": cn_date(c.informed_on or c.received_at),
        "subject": redact(about, secrets),
        "received_what": "投诉举报及移交的书面材料" if c.materials_handed_over else "投诉举报",
        "serial": c.serial,
        "result": result,
        "told": told,
        "contact": person,
        "contact_phone": phone,
        "date": cn_date(on),
    }
    return LetterValues(
        values,
        RecordType.COMPLAINT,
        f"关于反馈{values['subject']}投诉举报处理结果的函",
        dept.id,
        dept.name,
        town.name,
    )
