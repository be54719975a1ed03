"""执法协助: the request form (what the dialog fills), its checks, and the picker of
the record a request serves (a case, a transfer or a complaint)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_app.domain.terms import AssistanceKind, RecordType
from desktop_app.services import scope
from desktop_app.services.assistance_common import LINK_MODELS, department_problem
from desktop_app.services.complaint_common import Secrets, excerpt, scrub
from desktop_app.services.context import ServiceContext
from desktop_app.services.forms import Checker
from desktop_app.storage.models import Complaint, EnforcementCase, Organisation, Referral

SUBJECT_MAX = 100  # the letter's title is 关于商请{subject}的函, on one or two lines


@dataclass
class AssistanceInput:
    kind: AssistanceKind | str
    department_id: int | None
    subject: str
    questions: str | None = None
    materials_sent: str | None = None
    urgent: bool = False
    linked_type: str | None = None  # a RecordType code: case / referral / complaint
    linked_id: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class LinkChoice:
    record_type: str  # RecordType code
    record_id: int
    serial: str
    label: str  # what the picker shows; never a complainant's identity


# --- the form ------------------------------------------------------------------------------


def _township_id(session: Session) -> int | None:
    """ "Us": the logged-in account's organisation, else the settings' township."""
    return scope.acting_org_id(session)


def _department(c: Checker, rules: dict[str, str], session: Session, org_id: int | None) -> None:
    if org_id is None:
        c.fail("department_id", "请选择被请求的县级职能部门")
        return
    org = session.get(Organisation, org_id)
    town = _township_id(session)
    if org is not None and town is not None and town in (org.id, org.parent_id):
        what = "本乡镇" if org.id == town else "本乡镇的内设机构"
        rules["department_id"] = (
            f"「{org.name}」是{what}。执法协助是本镇书面函告县级职能部门请求协助"
            "（机制 三（五）），请选择县级职能部门。"
        )
        return
    why = department_problem(session, org)
    if why:
        rules["department_id"] = why


def _link(c: Checker, session: Session, linked_type: str | None, linked_id: int | None) -> None:
    kind = (linked_type or "").strip()
    if not kind and linked_id is None:
        return
    if not kind:
        c.fail("linked_type", "请选择关联记录所在的台账（立案案件、案件移送或投诉举报）")
        return
    model = LINK_MODELS.get(kind)
    if model is None:
        c.fail(
            "linked_type",
            f"关联记录只能是立案案件、案件移送或投诉举报，不能是「{RecordType.label_of(kind)}」",
        )
        return
    if linked_id is None:
        c.fail("linked_id", f"请选择关联的{RecordType.label_of(kind)}记录")
    elif not isinstance(linked_id, int) or session.get(model, linked_id) is None:
        c.fail("linked_id", f"所选{RecordType.label_of(kind)}记录不存在或已被删除，请重新选择。")


def check_request(
    session: Session, data: AssistanceInput
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(values, field problems, rule problems) of a request form.

    An on-site disposal is urgent by nature (情况紧急或证据可能灭失), so it is
    stored as urgent whatever the box says.
    """
    c = Checker()
    rules: dict[str, str] = {}
    kind = c.term("kind", AssistanceKind, data.kind, "协助类型")
    _department(c, rules, session, data.department_id)
    values: dict[str, Any] = {
        "kind": kind,
        "department_id": data.department_id,
        "subject": c.text("subject", data.subject, "协助事项", SUBJECT_MAX, required=True),
        "questions": c.text("questions", data.questions, "请求协助的问题", 5000),
        "materials_sent": c.text("materials_sent", data.materials_sent, "随函材料", 2000),
        "urgent": bool(data.urgent) or kind == AssistanceKind.ON_SITE,
        "linked_type": (data.linked_type or "").strip() or None,
        "linked_id": data.linked_id,
        "note": c.text("note", data.note, "备注", 2000),
    }
    _link(c, session, data.linked_type, data.linked_id)
    if values["linked_type"] is None:
        values["linked_id"] = None
    return values, c.problems, rules


def validate_request(ctx: ServiceContext, data: AssistanceInput) -> dict[str, str]:
    """Every problem of the form, keyed by field name (the dataclass's)."""
    with ctx.read() as s:
        _, problems, rules = check_request(s, data)
    return {**rules, **problems}


# --- the linked record picker ------------------------------------------------------------------


def _case_label(case: EnforcementCase) -> str:
    number = f"（{case.case_number}）" if case.case_number else ""
    party = (
        f"（{case.party_name}）" if case.party_name and case.party_name not in case.title else ""
    )
    return f"立案案件 {case.serial}{number}：{excerpt(case.title, 40)}{party}"


def _referral_label(r: Referral) -> str:
    party = f"（{r.party_name}）" if r.party_name else ""
    return f"案件移送 {r.serial}：{excerpt(r.matter, 40)}{party}"


def _complaint_label(c: Complaint) -> str:
    """The matter complained about and whom it is about — never who complained."""
    secrets = Secrets.of(c.complainant)
    party = f"（被反映人：{scrub(c.party_name, secrets)}）" if c.party_name else ""
    return f"投诉举报 {c.serial}：{excerpt(scrub(c.content, secrets), 40)}{party}"


def _matching(session: Session, model: Any, columns: list[Any], text: str, limit: int) -> list[Any]:
    stmt = select(model)
    for part in text.split():
        stmt = stmt.where(or_(*[col.icontains(part, autoescape=True) for col in columns]))
    return list(
        session.execute(stmt.order_by(model.created_at.desc(), model.id.desc()).limit(limit))
        .scalars()
        .all()
    )


def choice_of(session: Session, record: Any) -> LinkChoice:
    if isinstance(record, EnforcementCase):
        return LinkChoice(RecordType.CASE.value, record.id, record.serial, _case_label(record))
    if isinstance(record, Referral):
        return LinkChoice(
            RecordType.REFERRAL.value, record.id, record.serial, _referral_label(record)
        )
    return LinkChoice(
        RecordType.COMPLAINT.value, record.id, record.serial, _complaint_label(record)
    )


def linkable(ctx: ServiceContext, text: str, limit: int = 20) -> list[LinkChoice]:
    """Cases, transfers and complaints a request may serve, newest first.

    Every word of ``text`` must occur in the serial, the case number, the
    title or matter (a complaint's content) or the party; the complainant is
    never searched nor shown (举报人信息保密). Empty text: the newest records.
    """
    text = (text or "").strip()
    limit = max(1, min(int(limit), 200))
    with ctx.read() as s:
        found: list[Any] = []
        found += _matching(
            s,
            EnforcementCase,
            [
                EnforcementCase.serial,
                EnforcementCase.case_number,
                EnforcementCase.title,
                EnforcementCase.party_name,
            ],
            text,
            limit,
        )
        found += _matching(
            s, Referral, [Referral.serial, Referral.matter, Referral.party_name], text, limit
        )
        found += _matching(
            s, Complaint, [Complaint.serial, Complaint.content, Complaint.party_name], text, limit
        )
        found.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return [choice_of(s, r) for r in found[:limit]]


def link_choice(
    ctx: ServiceContext, linked_type: str | None, linked_id: int | None
) -> LinkChoice | None:
    """The picker's entry for a stored link (to show it in the form), or None."""
    model = LINK_MODELS.get(linked_type or "")
    if model is None or linked_id is None:
        return None
    with ctx.read() as s:
        record = s.get(model, linked_id)
        return choice_of(s, record) if record is not None else None
