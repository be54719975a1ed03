"""投诉举报: the intake form (what the clerk fills while on the phone) and its checks.

首问负责 (the receiving staff member, an active one), the channel and the
informing department (seed 三（二）2), the complainant or anonymity, the
respondent (被投诉举报对象, the referral's :class:`PartyInput`), and the
complainant's identity kept out of every free-text field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.domain.terms import ComplaintChannel, OrgKind
from desktop_app.domain.validators import check_date_order, check_id_number
from desktop_app.services.complaint_common import Secrets, identity_in, keep_out, township_has
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput
from desktop_app.services.forms import Checker
from desktop_app.services.organisations import may_act_in_own_name
from desktop_app.services.referral_common import check_matter, day, moment, township_id
from desktop_app.services.referral_forms import PartyInput, party_values
from desktop_app.storage.models import Organisation, PenaltyMatter, Staff

# Seed 三（二）2: 县级职能部门 inform the township; like a transfer, in their own name.
INFORMING_KINDS = frozenset(
    {OrgKind.COUNTY_DEPARTMENT, OrgKind.PUBLIC_SECURITY, OrgKind.INTERNAL_UNIT}
)
PERSON_LABELS = {
    "name": "姓名",
    "phone": "联系电话",
    "id_number": "身份证号码",
    "address": "住址",
}


@dataclass
class ComplainantInput:
    name: str | None = None
    phone: str | None = None
    id_number: str | None = None
    address: str | None = None


@dataclass
class ComplaintInput:
    received_at: datetime
    channel: ComplaintChannel | str
    content: str
    place: str | None = None
    first_contact_id: int | None = None  # None → the operator (首问责任人)
    anonymous: bool = False
    complainant: ComplainantInput = field(default_factory=ComplainantInput)
    respondent: PartyInput = field(default_factory=PartyInput)  # 被投诉举报对象
    penalty_matter_id: int | None = None
    informing_org_id: int | None = None  # required when channel is DEPARTMENT
    informed_on: date | None = None  # required with informing_org_id; not after received
    materials_handed_over: bool = False
    note: str | None = None


# --- the form ------------------------------------------------------------------------


def _first_contact(c: Checker, s: Session, staff_id: int | None) -> None:
    """首问负责: whoever received the complaint owns it; an active staff member."""
    if staff_id is None:
        c.fail("first_contact_id", "请选择首问责任人（首问负责：接到投诉举报的工作人员）")
        return
    person = s.get(Staff, staff_id)
    if person is None:
        c.fail("first_contact_id", "所选首问责任人不存在，请重新选择。")
    elif not person.active:
        c.fail("first_contact_id", f"「{person.name}」已停用，不能作为首问责任人。")


def _complainant(c: Checker, anonymous: bool, p: ComplainantInput) -> dict[str, Any] | None:
    given = {k: getattr(p, k) for k in PERSON_LABELS if str(getattr(p, k) or "").strip()}
    if anonymous:
        for key in given:
            c.fail(
                f"complainant.{key}",
                f"匿名投诉举报不登记投诉举报人的{PERSON_LABELS[key]}。"
                "请清空此项，或取消勾选“匿名”。",
            )
        return None
    if not given.get("name"):
        c.fail("complainant.name", "请填写投诉举报人姓名；不愿留名的，请勾选“匿名”。")
    name = c.text("complainant.name", p.name, "投诉举报人姓名", 40)
    id_number = None
    if given.get("id_number"):
        id_number = c.run("complainant.id_number", check_id_number, str(p.id_number))
    return {
        "name": name,
        "phone": c.phone("complainant.phone", p.phone, "投诉举报人联系电话"),
        "id_number": id_number,
        "address": c.text("complainant.address", p.address, "投诉举报人住址", 200),
    }


def _respondent(c: Checker, p: PartyInput | None) -> dict[str, Any]:
    inner = Checker()
    values = party_values(inner, p or PartyInput())
    for key, message in inner.problems.items():
        c.fail(
            "respondent." + key.removeprefix("party."),
            message.replace("当事人", "被投诉举报对象"),
        )
    return values


def _informing(
    c: Checker, s: Session, data: ComplaintInput, received: datetime | None
) -> date | None:
    """Seed 三（二）2–3: a county department informs the township of a complaint;
    returns the day it did."""
    if data.channel != ComplaintChannel.DEPARTMENT:
        if data.informing_org_id is not None:
            c.fail("informing_org_id", "只有“县级部门告知”的投诉举报才填写告知部门。")
        if data.informed_on is not None:
            c.fail("informed_on", "只有“县级部门告知”的投诉举报才填写告知日期。")
        if data.materials_handed_over:
            c.fail("materials_handed_over", "只有“县级部门告知”的投诉举报才有部门移交的材料。")
        return None
    if data.informing_org_id is None:
        c.fail("informing_org_id", "请选择告知本镇的县级职能部门")
    else:
        org = s.get(Organisation, data.informing_org_id)
        why = None
        if org is None:
            why = "所选告知部门不存在，请重新选择。"
        elif not org.active:
            why = f"「{org.name}」已停用，不能作为告知部门。"
        elif org.kind not in INFORMING_KINDS:
            why = (
                f"告知部门应为县级职能部门，「{org.name}」是{OrgKind.label_of(org.kind)}"
                "（机制 三（二）：县级职能部门告知乡镇）。"
            )
        else:
            ok, why_not = may_act_in_own_name(org)
            why = None if ok else why_not
        if why:
            c.fail("informing_org_id", why)
    informed = day(c, "informed_on", data.informed_on, "告知日期")
    if "informed_on" not in c.problems:
        c.run("informed_on", check_date_order, informed, received, "告知日期", "受理时间")
    return informed


def _competent(s: Session, matter_id: int | None, on: date | None) -> int | None:
    m = s.get(PenaltyMatter, matter_id) if matter_id else None
    if m is None or on is None:
        return None
    return township_id(s) if township_has(m, on) else m.department_id


def check_complaint(
    ctx: ServiceContext, s: Session, data: ComplaintInput
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, str]]:
    """(complaint values, complainant values or None, problems by field)."""
    c = Checker()
    received = moment(c, "received_at", data.received_at, "受理时间")
    channel = c.term("channel", ComplaintChannel, data.channel, "受理渠道")
    first_contact = data.first_contact_id or ctx.operator_id
    _first_contact(c, s, first_contact)
    anonymous = bool(data.anonymous)
    person = _complainant(c, anonymous, data.complainant or ComplainantInput())
    values: dict[str, Any] = {
        "received_at": received,
        "channel": channel,
        "first_contact_id": first_contact,
        "anonymous": anonymous,
        "content": c.text("content", data.content, "投诉举报内容", 5000, required=True),
        "place": c.text("place", data.place, "地点", 200),
        "note": c.text("note", data.note, "备注", 2000),
        **_respondent(c, data.respondent),
        "penalty_matter_id": data.penalty_matter_id,
        "informing_org_id": None,
        "informed_on": None,
        "materials_handed_over": False,
    }
    check_matter(c, s, data.penalty_matter_id)
    informed = _informing(c, s, data, received) if channel is not None else None
    if channel == ComplaintChannel.DEPARTMENT:
        values.update(
            informing_org_id=data.informing_org_id,
            informed_on=informed,
            materials_handed_over=bool(data.materials_handed_over),
        )
    if person is not None:
        secrets = Secrets(**person)
        for key, label in (
            ("content", "投诉举报内容"),
            ("place", "地点"),
            ("note", "备注"),
            ("party_name", "被投诉举报对象"),
            ("party_address", "被投诉举报对象地址"),
        ):
            where = key.replace("party_", "respondent.")
            keep_out(c, where, values[key], label, secrets)
        if not any(person.values()):
            person = None
    values["competent_org_id"] = (
        _competent(s, data.penalty_matter_id, received.date() if received else None)
        if "penalty_matter_id" not in c.problems
        else None
    )
    return values, person, c.problems


def validate_complaint(ctx: ServiceContext, data: ComplaintInput) -> dict[str, str]:
    """Every problem of the intake form, keyed by field ("complainant.phone", …)."""
    with ctx.read() as s:
        _, _, problems = check_complaint(ctx, s, data)
    return problems


def check_files(materials: Sequence[Path], secrets: Secrets) -> None:
    for path in materials:
        if identity_in(Path(path).name, secrets):
            raise InvalidInput(
                {
                    "materials": f"文件名「{Path(path).name}」中含有投诉举报人的信息。文件名会记入"
                    "操作留痕，请先把文件改名（不含投诉举报人姓名、电话、身份证号码）再添加。"
                }
            )
