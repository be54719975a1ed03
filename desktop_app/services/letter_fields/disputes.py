"""争议协调 (seed 三（六）): 管辖争议提请决定函.

A jurisdiction dispute is negotiated first; only when the negotiation fails
does the township ask the county government to decide (协商不成的，提请县级
人民政府决定; 行政处罚法第二十五条).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.documents.template import Value
from desktop_app.domain.terms import DisputeStatus, RecordType
from desktop_app.services.letter_fields import (
    LetterValues,
    cn_date,
    contact,
    county_government,
    get_or_404,
    issued_document,
    org,
    provider,
    refuse,
    sentence,
    short_name,
    township,
)
from desktop_app.storage.models import Dispute, NegotiationRound, Referral

_ORDINALS = "一二三四五六七八九十"


def _ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if 1 <= n <= len(_ORDINALS) else str(n)


def _core(matter: str) -> str:
    """ "某地无证行医行为的管辖争议" → "某地无证行医行为"."""
    text = matter.strip().rstrip("。")
    for tail in ("的管辖争议", "管辖争议", "的争议"):
        if text.endswith(tail):
            return text[: -len(tail)]
    return text


def _people(text: str | None) -> str:
    """ "赵八镇：甲、乙；县水利局：丙" → "赵八镇甲、乙，县水利局丙"."""
    parts = []
    for part in re.split(r"[；;\n]", text or ""):
        unit, sep, names = part.strip().partition("：")
        if part.strip():
            parts.append(f"{unit}{names}" if sep else part.strip())
    return "，".join(parts)


def _round(n: int | None, r: NegotiationRound) -> str:
    people = _people(r.people)
    who = f"（参加人员：{people}）" if people else ""
    outcome = (r.outcome or "").strip().rstrip("。；;")
    which = f"进行第{_ordinal(n)}次协商" if n else "进行了协商"
    return f"{cn_date(r.held_on)}，双方{which}{who}" + (f"，{outcome}" if outcome else "")


def _referral_part(session: Session, d: Dispute, dept_short: str) -> str:
    ref = session.get(Referral, d.referral_id) if d.referral_id else None
    if ref is None:
        return ""
    letter = issued_document(session, RecordType.REFERRAL, ref.id, "referral_letter")
    number = f"（{letter.number}）" if letter and letter.number else ""
    party = ref.party_name or "当事人"
    text = ""
    if ref.sent_at:
        text = f"{cn_date(ref.sent_at)}，我镇将{party}涉嫌{ref.matter}一案移送{dept_short}{number}"
    if ref.returned_at:
        reason = (ref.return_reason or "").strip().rstrip("。")
        because = f"以“{reason}”为由" if reason else ""
        text += (
            "；" if text else ""
        ) + f"{cn_date(ref.returned_at)}，{dept_short}{because}将该案退回我镇"
    return f"{text}。" if text else ""


def letter_title(d: Dispute) -> str:
    return f"关于{_core(d.matter)}管辖争议提请决定的函"


def _positions(rounds: list[NegotiationRound]) -> str:
    """Each side's position as negotiated: the one text when every round kept it,
    else each round's, in order."""
    texts = [(n, (r.positions or "").strip()) for n, r in enumerate(rounds, 1)]
    texts = [(n, t.replace("镇方", "我镇")) for n, t in texts if t]
    if len({t for _, t in texts}) <= 1:
        return texts[-1][1] if texts else ""
    return "；".join(f"第{_ordinal(n)}次协商时，{t.rstrip('。；;')}" for n, t in texts)


@provider("dispute_request", RecordType.DISPUTE)
def dispute_request(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    d: Dispute = get_or_404(session, Dispute, record_id, "管辖争议")
    if d.status == DisputeStatus.AGREED:
        handler = org(session, d.agreed_handler_id)
        who = f"由{handler.name}负责查处" if handler else "已确定处理单位"
        raise refuse(
            f"管辖争议 {d.serial} 已于{cn_date(d.agreed_on)}协商一致（{who}），"
            "无需提请县人民政府决定。"
        )
    if d.status == DisputeStatus.DECIDED:
        raise refuse(
            f"管辖争议 {d.serial} 县人民政府已于{cn_date(d.decided_on)}作出决定，不能再提请决定。"
        )
    rounds = list(d.rounds)
    if d.status not in (DisputeStatus.NEGOTIATING, DisputeStatus.ESCALATED):
        raise refuse(
            f"管辖争议 {d.serial} 当前状态为「{DisputeStatus.label_of(d.status)}」，"
            "不能出具提请决定函。"
        )
    if not rounds:
        raise refuse(
            f"管辖争议 {d.serial} 还没有协商记录。按照争议协调制度，管辖争议应先由双方协商解决，"
            "协商不成的，方可提请县人民政府决定。请先登记协商情况。"
        )
    town = township(session, conf)
    dept = org(session, d.department_id)
    dept_name = dept.name if dept else ""
    dept_short = short_name(dept)
    gov_id, gov = county_government(session, conf)
    positions = _positions(rounds)
    if len(rounds) == 1:
        history = _round(None, rounds[0]) + "。"
    else:
        texts = [_round(n, r) for n, r in enumerate(rounds, 1)]
        history = f"双方先后进行了{len(rounds)}次协商：" + "；".join(texts) + "。"
    person, phone = contact(session, conf)
    materials = ["管辖争议协商情况记录"]
    if d.referral_id:
        materials.append("涉嫌违法案件移送函及退回材料")
    values: dict[str, Value] = {
        "issuer": town.name,
        "receiver": gov,
        "department": dept_name,
        "matter": _core(d.matter),
        "opened": cn_date(d.opened_on),
        "history": _referral_part(session, d, dept_short),
        "positions": sentence(positions),
        "rounds": history,
        "materials": materials,
        "contact": person,
        "contact_phone": phone,
        "date": cn_date(on),
        "cc": dept_name,
    }
    return LetterValues(
        values,
        RecordType.DISPUTE,
        letter_title(d),
        gov_id,
        gov,
        town.name,
    )
