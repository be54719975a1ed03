"""案件移送: the forms of a transfer (what the wizard and dialogs fill) and their checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.domain.terms import FoundHow, PartyKind, PreTransferState, Urgency
from desktop_app.domain.validators import check_credit_code, check_id_number
from desktop_app.services.errors import InvalidInput, RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.referral_common import (
    DEPARTMENT_KINDS,
    TOWNSHIP_KINDS,
    after,
    basis_of,
    check_matter,
    moment,
    org_problem,
    township_id,
)
from desktop_app.storage.models import Complaint, Organisation


@dataclass
class PartyInput:
    kind: PartyKind | str | None = None
    name: str | None = None
    id_number: str | None = None  # GB 11643, checked when the party is a person
    credit_code: str | None = None  # GB 32100, checked when the party is an organisation
    address: str | None = None
    phone: str | None = None


@dataclass
class OutgoingInput:
    matter: str
    party: PartyInput
    place: str
    found_at: datetime
    found_how: FoundHow | str
    receiver_id: int | None
    urgency: Urgency | str
    penalty_matter_id: int | None = None
    facts: str | None = None
    sender_id: int | None = None  # None → the township (settings township_org_id)
    sender_legal_basis: str | None = None
    dissuaded_at: datetime | None = None
    dissuasion_note: str | None = None
    notified_at: datetime | None = None
    notice_method: str | None = None
    notice_person: str | None = None
    complaint_id: int | None = None
    note: str | None = None


@dataclass
class IncomingInput:
    sender_id: int | None
    received_at: datetime
    matter: str
    party: PartyInput
    place: str | None = None
    found_at: datetime | None = None  # when the department found it; default received_at
    facts: str | None = None
    penalty_matter_id: int | None = None
    signed_by: str | None = None  # who signed for it at the township
    note: str | None = None


@dataclass
class PreTransferInput:
    department_id: int | None
    matter: str
    state: PreTransferState | str
    archive_holder: str
    party: PartyInput = field(default_factory=PartyInput)
    found_at: datetime | None = None
    consultation_note: str | None = None  # required for LEFTOVER (三（一）1: 协商处理)
    note: str | None = None


# Which OutgoingInput fields each wizard page edits.
STEPS: dict[str, frozenset[str]] = {
    "found": frozenset(
        {"matter", "place", "found_at", "found_how", "facts", "complaint_id", "note"}
    ),
    "jurisdiction": frozenset(
        {"receiver_id", "sender_id", "sender_legal_basis", "penalty_matter_id"}
    ),
    "urgency": frozenset(
        {
            "urgency",
            "dissuaded_at",
            "dissuasion_note",
            "notified_at",
            "notice_method",
            "notice_person",
        }
    ),
}


# --- validation ----------------------------------------------------------------------


def party_values(c: Checker, p: PartyInput) -> dict[str, Any]:
    kind = c.term("party.kind", PartyKind, p.kind, "当事人类型", required=False)
    name = c.text("party.name", p.name, "当事人", 100)
    raw_id, raw_code = (p.id_number or "").strip(), (p.credit_code or "").strip()
    id_number = credit_code = None
    if raw_id and kind == PartyKind.ORGANISATION:
        c.fail("party.id_number", "当事人是单位，请填写统一社会信用代码，不填身份证号码")
    elif raw_id:
        id_number = c.run("party.id_number", check_id_number, raw_id)
    if raw_code and kind == PartyKind.PERSON:
        c.fail("party.credit_code", "当事人是自然人，请填写身份证号码，不填统一社会信用代码")
    elif raw_code:
        credit_code = c.run("party.credit_code", check_credit_code, raw_code)
    address = c.text("party.address", p.address, "当事人地址", 200)
    phone = c.phone("party.phone", p.phone, "当事人电话")
    if not name and (raw_id or raw_code or address or phone):
        c.fail("party.name", "填写了当事人的证件或联系方式，请同时填写当事人名称")
    return {
        "party_kind": kind,
        "party_name": name,
        "party_id_number": id_number,
        "party_credit_code": credit_code,
        "party_address": address,
        "party_phone": phone,
    }


def check_outgoing(
    session: Session, data: OutgoingInput
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(values, field problems, rule problems of 三（一）4) of an outgoing transfer."""
    c = Checker()
    rules: dict[str, str] = {}
    found = moment(c, "found_at", data.found_at, "发现时间")
    urgency = c.term("urgency", Urgency, data.urgency, "紧急程度")
    values: dict[str, Any] = {
        "matter": c.text("matter", data.matter, "违法事项", 300, required=True),
        **party_values(c, data.party),
        "place": c.text("place", data.place, "地点", 200, required=True),
        "found_at": found,
        "found_how": c.term("found_how", FoundHow, data.found_how, "发现途径"),
        "facts": c.text("facts", data.facts, "基本违法事实", 5000),
        "note": c.text("note", data.note, "备注", 2000),
        "penalty_matter_id": data.penalty_matter_id,
        "complaint_id": data.complaint_id,
        "urgency": urgency,
        "dissuaded_at": None,
        "dissuasion_note": None,
        "notified_at": None,
        "notice_method": None,
        "notice_person": None,
    }
    check_matter(c, session, data.penalty_matter_id)
    if data.complaint_id is not None and session.get(Complaint, data.complaint_id) is None:
        c.fail("complaint_id", "所选投诉举报记录不存在。")
    if urgency == Urgency.ONGOING:
        # Seed 三（一）2: 立即劝阻当事人停止违法行为，并及时告知有管辖权的部门.
        dissuaded = moment(c, "dissuaded_at", data.dissuaded_at, "劝阻时间")
        notified = moment(c, "notified_at", data.notified_at, "告知（通知）时间")
        after(c, "dissuaded_at", found, dissuaded, "found_at", "dissuaded_at")
        after(c, "notified_at", found, notified, "found_at", "notified_at")
        values.update(
            dissuaded_at=dissuaded,
            notified_at=notified,
            dissuasion_note=c.text("dissuasion_note", data.dissuasion_note, "劝阻情况", 2000),
            notice_method=c.text("notice_method", data.notice_method, "告知方式", 40, True),
            notice_person=c.text("notice_person", data.notice_person, "被告知人", 40),
        )
    town = township_id(session)
    sender_id = data.sender_id or town
    basis = c.text("sender_legal_basis", data.sender_legal_basis, "以自己名义办理的依据", 2000)
    sender = session.get(Organisation, sender_id)
    why = org_problem(sender, "移送单位", TOWNSHIP_KINDS, basis)
    if why:
        rules["sender_id"] = why
    receiver = None
    if data.receiver_id is None:
        c.fail("receiver_id", "请选择接收单位（有管辖权的县级职能部门）")
    else:
        receiver = session.get(Organisation, data.receiver_id)
        why = org_problem(receiver, "接收单位", DEPARTMENT_KINDS, None)
        if data.receiver_id == sender_id:
            why = "移送单位和接收单位不能是同一单位。"
        if why:
            rules["receiver_id"] = why
    values.update(
        sender_id=sender_id,
        receiver_id=data.receiver_id,
        sender_legal_basis=basis_of(sender, basis),
        receiver_legal_basis=basis_of(receiver, None),
    )
    return values, c.problems, rules


def raise_problems(problems: dict[str, str], rules: dict[str, str]) -> None:
    """Field problems first (InvalidInput), then the rules of the seed (RuleViolation)."""
    if problems:
        raise InvalidInput(problems)
    if rules:
        raise RuleViolation("\n".join(dict.fromkeys(rules.values())))
