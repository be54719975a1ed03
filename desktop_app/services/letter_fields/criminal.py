"""行刑衔接 (seed 三（七）; 国务院令第310号): 涉嫌犯罪案件移送书, 涉案物品清单.

The 移送书 goes to the public security organ named in the record, with a
copy to the procuratorate (高检会〔2006〕2号: 抄送同级人民检察院), and lists
the materials of art. 6 as its attachments. It exists only after the head's
approval (art. 5). The 涉案物品清单 lists the items (art. 4); without
registered items it prints blank rows to be filled in by hand.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.documents.template import Value
from desktop_app.domain.terms import MaterialKind, OrgKind, RecordType
from desktop_app.services.letter_fields import (
    LetterValues,
    cn_date,
    contact,
    get_or_404,
    honorific,
    material_line,
    materials,
    only_org_of_kind,
    org,
    provider,
    refuse,
    sentence,
    township,
)
from desktop_app.storage.models import (
    Complaint,
    CriminalTransfer,
    EnforcementCase,
    Material,
    Organisation,
    Referral,
)

_CRIME = re.compile(r"涉嫌([^，。；（(、]{2,20}?罪)")
_NOTE_KEYS = {
    "规格": "spec",
    "数量": "quantity",
    "单位": "unit",
    "存放地点": "store",
    "备注": "note",
}


def _case(session: Session, t: CriminalTransfer) -> EnforcementCase | None:
    case_id = t.case_id or (t.source_id if t.source_type == RecordType.CASE.value else None)
    return session.get(EnforcementCase, case_id) if case_id else None


def _party(t: CriminalTransfer, case: EnforcementCase | None) -> str:
    if case is not None and case.party_name:
        return case.party_name
    return t.title.split("涉嫌", 1)[0] if "涉嫌" in t.title else ""


def _crime(t: CriminalTransfer) -> str:
    found = _CRIME.search(t.reason or "") or _CRIME.search(t.title)
    return found.group(1) if found else ""


def _source(session: Session, t: CriminalTransfer, case: EnforcementCase | None) -> str:
    """Where the case came from: "在办理某某违法建设案（赵八综执立字〔2026〕第3号）过程中"."""
    if case is not None:
        number = f"（{case.case_number}）" if case.case_number else ""
        return f"在办理{case.title}{number}过程中"
    if t.source_type == RecordType.REFERRAL.value and t.source_id:
        ref = session.get(Referral, t.source_id)
        if ref is not None:
            return f"在办理案件移送（{ref.serial}）过程中"
    if t.source_type == RecordType.COMPLAINT.value and t.source_id:
        c = session.get(Complaint, t.source_id)
        if c is not None:
            return "在办理群众投诉举报过程中"
    return "在行政执法过程中"


def _organ(session: Session, org_id: int | None, kind: OrgKind) -> Organisation | None:
    """The organisation named in the record, else the only one of its kind."""
    return org(session, org_id) or only_org_of_kind(session, kind)


def _seized(found: list[Material]) -> list[Material]:
    """Registered items: SEIZED_ITEMS materials other than the list document itself."""
    return [
        m for m in found if m.kind == MaterialKind.SEIZED_ITEMS and "清单" not in (m.title or "")
    ]


def _item(n: int, m: Material) -> dict[str, str]:
    """An item row; the note may carry "规格：…；数量：…；单位：…；存放地点：…；备注：…"."""
    row = {"seq": str(n), "name": m.title, "spec": "", "quantity": "", "unit": "", "store": ""}
    rest: list[str] = []
    for part in re.split(r"[；;\n]", m.note or ""):
        key, sep, value = part.strip().partition("：")
        if sep and key.strip() in _NOTE_KEYS:
            row[_NOTE_KEYS[key.strip()]] = value.strip()
        elif part.strip():
            rest.append(part.strip())
    if not row["quantity"] and m.copies:
        row["quantity"] = str(m.copies)
    row["note"] = (
        "；".join([*rest, row.get("note", "")]).strip("；") if rest else row.get("note", "")
    )
    return row


@provider("criminal_transfer", RecordType.CRIMINAL_TRANSFER)
def criminal_transfer(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    t: CriminalTransfer = get_or_404(session, CriminalTransfer, record_id, "行刑衔接")
    if t.approved is False:
        reason = f"（理由：{t.rejection_reason.rstrip('。')}）" if t.rejection_reason else ""
        raise refuse(
            f"行刑衔接 {t.serial} 经负责人决定不予移送{reason}，不能出具涉嫌犯罪案件移送书。"
        )
    if not t.approved or t.decision_at is None:
        raise refuse(
            f"行刑衔接 {t.serial} 尚未经负责人批准移送。按照国务院令第310号第五条，"
            "须经本机关正职负责人或者主持工作的负责人批准后，方可出具涉嫌犯罪案件移送书。"
        )
    police = _organ(session, t.police_org_id, OrgKind.PUBLIC_SECURITY)
    if police is None:
        raise refuse(f"行刑衔接 {t.serial} 没有选定接受移送的公安机关，请先在记录中选定。")
    procuratorate = _organ(session, t.procuratorate_org_id, OrgKind.PROCURATORATE)
    found = materials(session, RecordType.CRIMINAL_TRANSFER, t.id)
    attached = [m for m in found if m.kind != MaterialKind.CRIMINAL_TRANSFER_LETTER]
    if not any(m.kind == MaterialKind.INVESTIGATION_REPORT for m in attached):
        raise refuse(
            f"行刑衔接 {t.serial} 的移送材料中没有“涉嫌犯罪案件情况的调查报告”。按照国务院令"
            "第310号第六条，移送时应附调查报告、涉案物品清单、检验报告或者鉴定意见等材料，"
            "请先登记移送材料。"
        )
    town = township(session, conf)
    case = _case(session, t)
    party = _party(t, case)
    crime = _crime(t)
    you = honorific(police.name)
    officers = [o for o in t.officers]
    names = "、".join(o.name for o in officers)
    team = ""
    if names:
        team = f"我镇指派执法人员{names}组成专案组，对案件事实进行了调查核实"
        team += f"，于{cn_date(t.report_at)}形成书面报告" if t.report_at else ""
    items = (
        "涉案物品已登记造册（见涉案物品清单），"
        if any(m.kind == MaterialKind.SEIZED_ITEMS for m in attached)
        else ""
    )
    if items:
        items += f"待{you}决定立案后依法移交。"
    lead = next((o for o in officers if o.phone), None)
    person, phone = (lead.name, lead.phone or "") if lead else contact(session, conf)
    values: dict[str, Value] = {
        "issuer": town.name,
        "receiver": police.name,
        "you": you,
        "party": party or "当事人",
        "crime": crime or "犯罪",
        "source": _source(session, t, case),
        "facts": sentence(t.reason),
        "team": team,
        "approved": cn_date(t.decision_at),
        "items": items,
        "materials": [material_line(m) for m in attached],
        "contact": person,
        "contact_phone": phone,
        "date": cn_date(on),
        "cc": procuratorate.name if procuratorate else "",
    }
    return LetterValues(
        values,
        RecordType.CRIMINAL_TRANSFER,
        f"涉嫌犯罪案件移送书（{t.title}）",
        police.id,
        police.name,
        town.name,
    )


@provider("seized_items_list", RecordType.CRIMINAL_TRANSFER)
def seized_items_list(
    session: Session, record_id: int, conf: dict[str, Any], on: date
) -> LetterValues:
    t: CriminalTransfer = get_or_404(session, CriminalTransfer, record_id, "行刑衔接")
    town = township(session, conf)
    case = _case(session, t)
    party = _party(t, case)
    if party and case is not None and case.party_address:
        party += f"（{case.party_address}）"
    police = _organ(session, t.police_org_id, OrgKind.PUBLIC_SECURITY)
    found = _seized(materials(session, RecordType.CRIMINAL_TRANSFER, t.id))
    officers = [
        o.name + (f"，执法证号{o.certificate_number}" if o.certificate_number else "")
        for o in t.officers
    ]
    values: dict[str, Value] = {
        "issuer": town.name,
        "case_name": t.title,
        "party": party,
        "receiver": police.name if police else "",
        "items": [_item(n, m) for n, m in enumerate(found, start=1)],
        "officers": "；".join(officers),
    }
    return LetterValues(
        values,
        RecordType.CRIMINAL_TRANSFER,
        f"涉案物品清单（{t.title}）",
        police.id if police else None,
        police.name if police else None,
        town.name,
    )
