"""What goes into each letter: values built from a record, per document type.

One provider per type, registered with ``@provider(code, record_type)``. A
provider reads (never writes) and returns every field its template declares
(an optional part gets ``""`` and the template leaves it out with ``when`` /
``unless``). A record that does not fit the letter — an incoming referral
for a 移送函, an anonymous complaint for a 告知书, a request already
answered for a 催办函 — is refused with a Chinese :class:`RuleViolation`
rather than rendered as nonsense.

Letters are issued in the township's own name (settings ``township_org_id``),
never in the name of the enforcement team, an internal unit (seed 三（一）4).
The complainant's identity goes only into documents that stay in the
township or go to the complainant; a letter to another organisation never
receives it (举报人信息保密).

One module per system: ``referrals``, ``complaints``, ``assistance``,
``consultation``, ``disputes``, ``criminal``; the shared helpers live here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.documents.template import Value
from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.terms import DocumentStatus, OrgKind, RecordType, Term
from desktop_app.services import scope
from desktop_app.services.errors import NotFound, RuleViolation
from desktop_app.storage.models import Document, Material, Organisation, Staff


@dataclass(frozen=True)
class LetterValues:
    values: dict[str, Value]
    record_type: RecordType
    title: str  # how the register names the letter
    recipient_id: int | None
    recipient_name: str | None
    issuer: str  # the issuing organisation (PDF author)
    personal: bool = False  # shows the complainant's identity: every view is audited


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


# --- dates and labels ----------------------------------------------------------------


def cn_date(value: date | datetime | None) -> str:
    """成文日期 style: 2026年11月29日 (Arabic numerals, no leading zeros)."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{cn_date(value)}{value.hour}时{value.minute:02d}分"


def label(term: type[Term], code: Any) -> str:
    return term.label_of(code)


def day_of(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


# --- organisations and people ----------------------------------------------------------


def org(session: Session, org_id: int | None) -> Organisation | None:
    return session.get(Organisation, org_id) if org_id else None


def org_name(session: Session, org_id: int | None) -> str:
    found = org(session, org_id)
    return found.name if found else ""


def short_name(o: Organisation | None) -> str:
    if o is None:
        return ""
    return o.short_name or o.name


def township(session: Session, conf: dict[str, Any]) -> Organisation:
    """The issuing township (never the enforcement team: seed 三（一）4): the
    logged-in account's organisation, else the settings' (services/scope.py)."""
    found = org(session, scope.acting_org_id(session))
    if found is None:
        raise NotFound("“设置 → 乡镇信息”中没有选定本乡镇，无法生成文书。")
    return found


def county_government(session: Session, conf: dict[str, Any]) -> tuple[int | None, str]:
    """The county government (主送机关 of reports and requests for decision): id and name."""
    found = session.execute(
        select(Organisation)
        .where(Organisation.kind == OrgKind.COUNTY_GOVERNMENT.value, Organisation.active)
        .order_by(Organisation.sort_order, Organisation.id)
    ).scalar()
    if found is not None:
        return found.id, found.name
    return None, f"{conf.get('county_name') or '深泽县'}人民政府"


def only_org_of_kind(session: Session, kind: OrgKind) -> Organisation | None:
    """The single active organisation of a kind that acts in its own name, if unique."""
    found = list(
        session.execute(
            select(Organisation).where(
                Organisation.kind == kind.value,
                Organisation.active,
                Organisation.acts_in_own_name,
            )
        ).scalars()
    )
    return found[0] if len(found) == 1 else None


def office_name(town: Organisation) -> str:
    """印发机关 of the township's documents: its office."""
    return f"{town.name}办公室"


def honorific(name: str) -> str:
    """How a letter addresses its receiver in the body: 贵局, 贵院, 贵大队… or 贵单位."""
    for suffix, word in (
        ("分局", "贵局"),
        ("局", "贵局"),
        ("大队", "贵大队"),
        ("院", "贵院"),
        ("委员会", "贵委"),
        ("所", "贵所"),
        ("人民政府", "贵政府"),
    ):
        if name.endswith(suffix):
            return word
    return "贵单位"


def contact(session: Session, conf: dict[str, Any]) -> tuple[str, str]:
    """The township's contact for letters: the enforcement team's liaison person."""
    team = org(session, conf.get("team_org_id"))
    town = org(session, scope.acting_org_id(session))
    for o in (team, town):
        if o is not None and o.liaison_name and o.liaison_phone:
            return o.liaison_name, o.liaison_phone
    return "", str(conf.get("phone") or "")


def staff(session: Session, staff_id: int | None) -> Staff | None:
    return session.get(Staff, staff_id) if staff_id else None


def staff_name(session: Session, staff_id: int | None) -> str:
    person = staff(session, staff_id)
    return person.name if person else ""


# --- materials, registered letters, records -----------------------------------------------


def materials(session: Session, record_type: RecordType, record_id: int) -> list[Material]:
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


def issued_document(
    session: Session, record_type: RecordType, record_id: int, doc_type: str
) -> Document | None:
    """The latest letter of a type issued (not voided) for a record."""
    return (
        session.execute(
            select(Document)
            .where(
                Document.record_type == record_type.value,
                Document.record_id == record_id,
                Document.doc_type == doc_type,
                Document.status == DocumentStatus.ISSUED.value,
            )
            .order_by(Document.id.desc())
        )
        .scalars()
        .first()
    )


def get_or_404(session: Session, model: Any, record_id: int, what: str) -> Any:
    obj = session.get(model, record_id)
    if obj is None:
        raise NotFound(f"{what}记录 {record_id} 不存在。")
    return obj


def calendar(session: Session) -> WorkCalendar:
    from desktop_app.services.calendar import load

    return load(session)


# --- text ------------------------------------------------------------------------------

_NUMBERED = re.compile(r"(?:^|(?<=[；;。\n]))\s*(?:\d+[.．、]|[（(]\d+[）)])")
_CN_NUMBERED = re.compile(r"(?:^|(?<=[；;。\n]))\s*[一二三四五六七八九十]+、")


def numbered_items(text: str | None) -> list[str]:
    """Split "1.甲；2.乙。" or "一、甲；二、乙。" into its items (numbers dropped).

    Text without such numbering is split into its lines. Each item keeps no
    trailing 。；; the caller punctuates.
    """
    text = (text or "").strip()
    if not text:
        return []
    for pattern in (_NUMBERED, _CN_NUMBERED):
        if len(pattern.findall(text)) >= 1 and pattern.match(text):
            parts = [p for p in pattern.split(text) if p.strip()]
            return [p.strip().rstrip("；;。，, \n") for p in parts]
    return [ln.strip().rstrip("；;。") for ln in text.splitlines() if ln.strip()]


def sentence(text: str | None) -> str:
    """Text ending with a full stop (one, not two)."""
    text = (text or "").strip().rstrip("；;，,、")
    if not text:
        return ""
    last = text[-2] if len(text) > 1 and text[-1] in "”’）)" else text[-1]
    return text if last in "。！？!?" else text + "。"


def redact(text: str, secrets: Iterable[str | None], replacement: str = "投诉举报人") -> str:
    """Remove the complainant's identity from free text bound for another organisation."""
    for secret in sorted((s for s in secrets if s and len(s.strip()) >= 2), key=len, reverse=True):
        text = text.replace(secret.strip(), replacement)
    return text


def refuse(message: str) -> RuleViolation:
    return RuleViolation(message)


# The providers register themselves on import (at the end: they use the helpers above).
from desktop_app.services.letter_fields import (  # noqa: E402
    assistance,
    complaints,
    consultation,
    criminal,
    disputes,
    referrals,
)

__all__ = [
    "PROVIDERS",
    "LetterValues",
    "Provider",
    "assistance",
    "complaints",
    "consultation",
    "criminal",
    "disputes",
    "provider",
    "referrals",
]
