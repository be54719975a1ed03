"""案件移送制度 (seed 三（一）): registering transfers, their materials and history.

The use cases the GUI and the headless commands share:

* outgoing (township → county department): :func:`validate_outgoing` per
  wizard page, :func:`create_outgoing`, :func:`update_outgoing`; the clock
  (3 working days / 24 hours, 三（一）2) comes from ``domain.deadlines``
  over the office calendar;
* incoming (department → township): :func:`register_incoming`;
* cases from before the transfer of powers (划转前, 三（一）1):
  :func:`register_pre_transfer`;
* the materials checklist (三（一）3) with attachments, the audit history,
  and which actions apply now (:func:`allowed_actions`).

Split for size, everything re-exported here (the one module callers import):
:mod:`referral_forms` (the input forms and their checks), :mod:`referral_flow`
(send, sign, result, return, dispute, file a case…), :mod:`referral_records`
(materials, history, allowed actions), :mod:`referral_common` (shared helpers).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.domain import clock, deadlines
from desktop_app.domain.terms import (
    AuditAction,
    Direction,
    FoundHow,
    PreTransferState,
    ReferralStatus,
    Urgency,
)
from desktop_app.domain.validators import check_date_order
from desktop_app.services import audit, catalog
from desktop_app.services import calendar as calendar_service
from desktop_app.services.context import ServiceContext, check_version
from desktop_app.services.errors import RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.record_history import HistoryRow
from desktop_app.services.referral_common import (
    DEADLINE_WHAT,
    DEPARTMENT_KINDS,
    RECORD,
    basis_of,
    check_matter,
    load,
    moment,
    org_problem,
    require,
    township_id,
)
from desktop_app.services.referral_flow import (
    file_case,
    mark_delivered,
    mark_ready,
    mark_returned,
    mark_sent,
    mark_signed,
    open_dispute,
    record_incoming_result,
    record_result,
    return_incoming,
    withdraw,
)
from desktop_app.services.referral_forms import (
    STEPS,
    IncomingInput,
    OutgoingInput,
    PartyInput,
    PreTransferInput,
    check_outgoing,
    party_values,
    raise_problems,
)
from desktop_app.services.referral_records import (
    MaterialRow,
    add_material,
    allowed_actions,
    history,
    list_materials,
    remove_material,
)
from desktop_app.services.serials import next_serial
from desktop_app.storage.models import Organisation, Referral

__all__ = [
    "HistoryRow",
    "IncomingInput",
    "MaterialRow",
    "OutgoingInput",
    "PartyInput",
    "PreTransferInput",
    "add_material",
    "allowed_actions",
    "create_outgoing",
    "deadline_preview",
    "file_case",
    "get",
    "history",
    "list_materials",
    "load_outgoing",
    "mark_delivered",
    "mark_ready",
    "mark_returned",
    "mark_sent",
    "mark_signed",
    "open_dispute",
    "record_incoming_result",
    "record_result",
    "register_incoming",
    "register_pre_transfer",
    "remove_material",
    "return_incoming",
    "suggest_receivers",
    "update_outgoing",
    "validate_outgoing",
    "withdraw",
]

S = ReferralStatus
OUT, IN = Direction.OUTGOING, Direction.INCOMING


def _in_step(key: str, step: str) -> bool:
    return key in STEPS[step] or (step == "found" and key.startswith("party."))


def validate_outgoing(
    ctx: ServiceContext, data: OutgoingInput, step: str | None = None
) -> dict[str, str]:
    """Every problem of the form, keyed by field ("party.name" for party fields).

    ``step`` ("found", "jurisdiction", "urgency") limits the check to the
    fields of that wizard page; None checks everything.
    """
    if step is not None and step not in STEPS:
        raise ValueError(f"unknown step {step!r}")
    with ctx.read() as s:
        _, problems, rules = check_outgoing(s, data)
    merged = {**rules, **problems}
    if step is None:
        return merged
    return {k: v for k, v in merged.items() if _in_step(k, step)}


def _deadline(session: Session, found_at: datetime, urgency: Urgency) -> deadlines.Deadline:
    return deadlines.referral_deadline(found_at, urgency, calendar_service.load(session))


# --- outgoing ------------------------------------------------------------------------


def create_outgoing(ctx: ServiceContext, data: OutgoingInput) -> int:
    """A new outgoing transfer (草稿) with its deadline running."""
    with ctx.uow() as uow:
        s = uow.session
        values, problems, rules = check_outgoing(s, data)
        raise_problems(problems, rules)
        due = _deadline(s, values["found_at"], values["urgency"])
        r = Referral(
            serial=next_serial(s, Referral, clock.today().year),
            direction=OUT,
            status=S.DRAFT,
            pre_transfer=False,
            deadline_at=due.due_at,
            deadline_what=DEADLINE_WHAT,
            created_by_id=ctx.operator_id,
            **values,
        )
        s.add(r)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            r.id,
            f"{r.serial} 新增移出案件：{r.matter}",
            after=audit.snapshot(r),
        )
        return r.id


def update_outgoing(
    ctx: ServiceContext,
    referral_id: int,
    data: OutgoingInput,
    expected_version: int | None = None,
) -> None:
    """Edit a transfer not yet sent; the deadline is recomputed."""
    with ctx.uow() as uow:
        s = uow.session
        r = load(s, referral_id)
        require(r, (S.DRAFT, S.READY), "修改", OUT)
        check_version(r, expected_version)
        values, problems, rules = check_outgoing(s, data)
        raise_problems(problems, rules)
        before = audit.snapshot(r)
        for key, value in values.items():
            setattr(r, key, value)
        r.deadline_at = _deadline(s, values["found_at"], values["urgency"]).due_at
        r.deadline_what = DEADLINE_WHAT
        uow.flush()
        b, a = audit.diff(before, audit.snapshot(r))
        if a:
            uow.audit(AuditAction.UPDATE, RECORD, r.id, f"{r.serial} 修改", before=b, after=a)


def suggest_receivers(
    ctx: ServiceContext, keyword: str, on: date | None = None
) -> list[catalog.JurisdictionHit]:
    """Who is competent for the conduct (the penalty catalogue), on the day it was found."""
    return catalog.lookup(ctx, keyword, on)


def deadline_preview(
    ctx: ServiceContext, found_at: datetime, urgency: Urgency | str
) -> deadlines.Deadline:
    """The transfer deadline the wizard shows ("应于…前移送")."""
    c = Checker()
    level = c.term("urgency", Urgency, urgency, "紧急程度")
    if not isinstance(found_at, datetime):
        c.fail("found_at", "请填写「发现时间」")
    c.raise_if_any()
    with ctx.read() as s:
        return _deadline(s, found_at, level)


def get(ctx: ServiceContext, referral_id: int) -> Referral:
    with ctx.read() as s:
        return load(s, referral_id, ctx)


def load_outgoing(ctx: ServiceContext, referral_id: int) -> tuple[OutgoingInput, int]:
    """A stored outgoing transfer as the wizard's form, with the version to pass
    back to :func:`update_outgoing`."""
    r = get(ctx, referral_id)
    if r.direction != OUT:
        raise RuleViolation(f"案件移送 {r.serial} 不是本镇移出的案件，不能用移送向导修改。")
    party = PartyInput(
        r.party_kind,
        r.party_name,
        r.party_id_number,
        r.party_credit_code,
        r.party_address,
        r.party_phone,
    )
    data = OutgoingInput(
        matter=r.matter,
        party=party,
        place=r.place or "",
        found_at=r.found_at,
        found_how=r.found_how,
        receiver_id=r.receiver_id,
        urgency=r.urgency,
        penalty_matter_id=r.penalty_matter_id,
        facts=r.facts,
        sender_id=r.sender_id,
        sender_legal_basis=r.sender_legal_basis,
        dissuaded_at=r.dissuaded_at,
        dissuasion_note=r.dissuasion_note,
        notified_at=r.notified_at,
        notice_method=r.notice_method,
        notice_person=r.notice_person,
        complaint_id=r.complaint_id,
        note=r.note,
    )
    return data, r.version


# --- incoming and before the transfer of powers ----------------------------------------


def _department(
    c: Checker, rules: dict[str, str], session: Session, key: str, org_id: int | None
) -> Organisation | None:
    if org_id is None:
        c.fail(key, "请选择县级职能部门")
        return None
    org = session.get(Organisation, org_id)
    why = org_problem(org, "移送单位", DEPARTMENT_KINDS, None)
    if why:
        rules[key] = why
    return org


def check_incoming(
    s: Session, data: IncomingInput
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(values, field problems, rule problems) of an incoming transfer: the form of
    :func:`register_incoming`, also the check of an imported ledger row."""
    c = Checker()
    rules: dict[str, str] = {}
    sender = _department(c, rules, s, "sender_id", data.sender_id)
    received = moment(c, "received_at", data.received_at, "收到时间")
    found = moment(c, "found_at", data.found_at, "发现时间", required=False)
    if "found_at" not in c.problems:
        c.run("found_at", check_date_order, found, received, "发现时间", "收到时间")
    values: dict[str, Any] = {
        "matter": c.text("matter", data.matter, "违法事项", 300, required=True),
        **party_values(c, data.party),
        "place": c.text("place", data.place, "地点", 200),
        "facts": c.text("facts", data.facts, "基本违法事实", 5000),
        "signed_by": c.text("signed_by", data.signed_by, "签收人", 40),
        "note": c.text("note", data.note, "备注", 2000),
        "penalty_matter_id": data.penalty_matter_id,
    }
    check_matter(c, s, data.penalty_matter_id)
    town = township_id(s)
    if data.sender_id is not None and data.sender_id == town:
        rules["sender_id"] = "移送单位和接收单位不能是同一单位。"
    values.update(
        sender_id=data.sender_id,
        receiver_id=town,
        sender_legal_basis=basis_of(sender, None),
        signed_at=received,
        found_at=found or received,
    )
    return values, c.problems, rules


def register_incoming(ctx: ServiceContext, data: IncomingInput) -> int:
    """A transfer a county department sent to the township, signed for on receipt."""
    with ctx.uow() as uow:
        s = uow.session
        values, problems, rules = check_incoming(s, data)
        raise_problems(problems, rules)
        r = Referral(
            serial=next_serial(s, Referral, clock.today().year),
            direction=IN,
            status=S.SIGNED,
            found_how=FoundHow.INSPECTION,
            urgency=Urgency.NORMAL,
            pre_transfer=False,
            created_by_id=ctx.operator_id,
            **values,
        )
        s.add(r)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            r.id,
            f"{r.serial} 登记移入案件：{r.matter}",
            after=audit.snapshot(r),
        )
        return r.id


def register_pre_transfer(ctx: ServiceContext, data: PreTransferInput) -> int:
    """划转前案件 (三（一）1): archive holder and state; leftovers need the consultation."""
    with ctx.uow() as uow:
        s = uow.session
        c = Checker()
        rules: dict[str, str] = {}
        dept = _department(c, rules, s, "department_id", data.department_id)
        state = c.term("state", PreTransferState, data.state, "划转前案件状态")
        consultation = c.text("consultation_note", data.consultation_note, "协商处理情况", 5000)
        if state == PreTransferState.LEFTOVER and not consultation:
            c.fail(
                "consultation_note",
                "历史遗留问题须记录与县级职能部门协商的情况（机制 三（一）1：负责办理的县级职能部门"
                "应当与乡镇协商、视情依法处理）",
            )
        values: dict[str, Any] = {
            "matter": c.text("matter", data.matter, "违法事项", 300, required=True),
            "archive_holder": c.text(
                "archive_holder", data.archive_holder, "档案保存单位", 100, required=True
            ),
            **party_values(c, data.party),
            "found_at": moment(c, "found_at", data.found_at, "发现时间", required=False),
            "note": c.text("note", data.note, "备注", 2000),
        }
        town = township_id(s)
        raise_problems(c.problems, rules)
        values["found_at"] = values["found_at"] or clock.now()
        r = Referral(
            serial=next_serial(s, Referral, clock.today().year),
            direction=IN,
            status=S.ARCHIVED,
            sender_id=data.department_id,
            receiver_id=town,
            sender_legal_basis=basis_of(dept, None),
            pre_transfer=True,
            pre_transfer_state=state,
            consultation_note=consultation,
            created_by_id=ctx.operator_id,
            **values,
        )
        s.add(r)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            r.id,
            f"{r.serial} 登记划转前案件：{r.matter}",
            after=audit.snapshot(r),
        )
        return r.id
