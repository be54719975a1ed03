"""What goes into each letter: values built from a record, per document type.

One provider per type, registered with ``@provider(code, record_type)``. A
provider reads (never writes) and returns every field its template declares.
The complainant's identity goes only into documents that stay in the
township or go to the complainant; a letter to another organisation never
receives it (举报人信息保密).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.documents.template import Value
from desktop_app.domain.terms import Direction, FoundHow, RecordType, SendMethod, Term
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.storage.models import Material, Organisation, Referral, Staff


@dataclass(frozen=True)
class LetterValues:
    values: dict[str, Value]
    record_type: RecordType
    title: str  # how the register names the letter
    recipient_id: int | None
    recipient_name: str | None
    issuer: str  # the issuing organisation (PDF author)


Builder = Callable[[Session, int, dict[str, Any], date], LetterValues]


@dataclass(frozen=True)
class Provider:
    record_type: RecordType
    build: Builder


PROVIDERS: dict[str, Provider] = {}


def provider(code: str, record_type: RecordType) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        PROVIDERS[code] = Provider(record_type, fn)
        return fn

    return register


# --- shared helpers ----------------------------------------------------------------


def cn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{cn_date(value)}{value.hour}时{value.minute:02d}分"


def label(term: type[Term], code: Any) -> str:
    return term.label_of(code)


def org(session: Session, org_id: int | None) -> Organisation | None:
    return session.get(Organisation, org_id) if org_id else None


def org_name(session: Session, org_id: int | None) -> str:
    found = org(session, org_id)
    return found.name if found else ""


def township(session: Session, conf: dict[str, Any]) -> Organisation:
    found = org(session, conf.get("township_org_id"))
    if found is None:
        raise NotFound("“设置 → 乡镇信息”中没有选定本乡镇，无法生成文书。")
    return found


def contact(session: Session, conf: dict[str, Any]) -> tuple[str, str]:
    """The township's contact for letters: the enforcement team's liaison person."""
    team = org(session, conf.get("team_org_id"))
    town = org(session, conf.get("township_org_id"))
    for o in (team, town):
        if o is not None and o.liaison_name and o.liaison_phone:
            return o.liaison_name, o.liaison_phone
    return "", str(conf.get("phone") or "")


def staff_name(session: Session, staff_id: int | None) -> str:
    person = session.get(Staff, staff_id) if staff_id else None
    return person.name if person else ""


def materials(session: Session, record_type: RecordType, record_id: int) -> list[Material]:
    from sqlalchemy import select

    return list(
        session.execute(
            select(Material)
            .where(Material.record_type == record_type.value, Material.record_id == record_id)
            .order_by(Material.sort_order, Material.id)
        ).scalars()
    )


def material_line(m: Material) -> str:
    extra = f"（{m.pages}页）" if m.pages else ""
    copies = f"（{m.copies}份）" if m.copies and m.copies > 1 and not m.pages else ""
    return f"{m.title}{extra}{copies}"


def get_or_404(session: Session, model: Any, record_id: int, what: str) -> Any:
    obj = session.get(model, record_id)
    if obj is None:
        raise NotFound(f"{what}记录 {record_id} 不存在。")
    return obj


# --- 案件移送 -------------------------------------------------------------------------


def _party(r: Referral) -> str:
    return r.party_name or "当事人"


@provider("referral_letter", RecordType.REFERRAL)
def referral_letter(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    r: Referral = get_or_404(session, Referral, record_id, "案件移送")
    if r.direction != Direction.OUTGOING:
        raise RuleViolation(
            f"案件移送 {r.serial} 是县级部门移送本镇的案件，移送函由移送单位出具，本镇不再发函。"
        )
    sender = org_name(session, r.sender_id)
    receiver = org_name(session, r.receiver_id)
    hows = {FoundHow.INSPECTION.value: "日常巡查检查", FoundHow.COMPLAINT.value: "办理群众投诉举报"}
    how = hows.get(str(r.found_how), "工作")
    dissuasion = ""
    if r.dissuaded_at or r.notified_at:
        parts = ["发现该违法行为正在进行"]
        if r.dissuaded_at:
            parts.append(
                f"我单位执法人员已于{cn_time(r.dissuaded_at)}当场劝阻"
                + (f"，{r.dissuasion_note}" if r.dissuasion_note else "")
            )
        if r.notified_at:
            method = f"以{r.notice_method}方式" if r.notice_method else ""
            person = f"（接收人：{r.notice_person}）" if r.notice_person else ""
            parts.append(f"并于{cn_time(r.notified_at)}{method}告知贵单位{person}")
        dissuasion = "，".join(parts) + "。"
    basis = ""
    if r.penalty_matter is not None and r.penalty_matter.legal_basis:
        basis = (
            f"该行为涉嫌违反{r.penalty_matter.legal_basis}的规定，"
            f"属于“{r.penalty_matter.name}”事项，"
        )
    basis += "依照职责分工属于贵单位管辖。"
    person, phone = contact(session, conf)
    values: dict[str, Value] = {
        "issuer": sender,
        "receiver": receiver,
        "party": _party(r),
        "matter": r.matter,
        "found_date": cn_date(r.found_at),
        "found_how": how,
        "place": r.place or "",
        "facts": r.facts or "",
        "jurisdiction_basis": basis,
        "dissuasion": dissuasion,
        "materials": [material_line(m) for m in materials(session, RecordType.REFERRAL, record_id)],
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
        receiver,
        sender,
    )


@provider("service_receipt", RecordType.REFERRAL)
def service_receipt(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    from sqlalchemy import select

    from desktop_app.storage.models import Document

    r: Referral = get_or_404(session, Referral, record_id, "案件移送")
    receiver = org(session, r.receiver_id)
    letter = (
        session.execute(
            select(Document)
            .where(
                Document.record_type == RecordType.REFERRAL.value,
                Document.record_id == r.id,
                Document.doc_type == "referral_letter",
                Document.status == "issued",
            )
            .order_by(Document.id.desc())
        )
        .scalars()
        .first()
    )
    values: dict[str, Value] = {
        "document": "涉嫌违法案件移送函"
        + ("及移送材料" if materials(session, RecordType.REFERRAL, record_id) else ""),
        "document_number": letter.number if letter and letter.number else "（尚未发文）",
        "recipient": receiver.name if receiver else "",
        "address": (receiver.address if receiver and receiver.address else "深泽县"),
        "method": label(SendMethod, r.sent_method) if r.sent_method else "直接送达",
        "server": staff_name(session, r.sent_by_id) or "",
        "issuer": org_name(session, r.sender_id),
    }
    return LetterValues(
        values,
        RecordType.REFERRAL,
        f"送达回证（{values['document_number']}）",
        r.receiver_id,
        receiver.name if receiver else None,
        str(values["issuer"]),
    )
