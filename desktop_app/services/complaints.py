"""投诉举报受理告知制度 (seed 三（二）): intake, verification, the three outcomes,
replies, feedback, and the complainant's confidentiality.

The use cases the GUI and the headless commands share:

* intake: :func:`validate_complaint` while the form is filled,
  :func:`register` (首问负责: the receiving staff member is recorded),
  :func:`update` before verification, :func:`find_duplicates` of open
  complaints, :func:`suggest_jurisdiction` from the penalty catalogue;
* verification → exactly one outcome and what follows it
  (:mod:`complaint_flow`): reply, case filed and its result, the transfer
  (:mod:`complaint_transfer`), feedback to the informing department; the
  complaint closes by itself once every duty is done (:func:`pending_duties`);
* confidentiality (:mod:`complaint_privacy`): masked by default, revealed
  only to the first contact and staff allowed to, every reveal audited.

Everything is re-exported here (the one module callers import).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.domain.terms import (
    AuditAction,
    ComplaintChannel,
    ComplaintStatus,
    MaterialKind,
)
from desktop_app.services import attachments, audit, catalog, identity
from desktop_app.services.complaint_common import (
    RECORD,
    Secrets,
    excerpt,
    load,
    require,
    settle,
)
from desktop_app.services.complaint_flow import (
    file_case,
    pending_duties,
    record_case_result,
    record_feedback,
    record_reply,
    record_verification,
)
from desktop_app.services.complaint_forms import (
    PERSON_LABELS,
    ComplainantInput,
    ComplaintInput,
    check_complaint,
    check_files,
    validate_complaint,
)
from desktop_app.services.complaint_privacy import (
    EDIT_REFUSED,
    ComplainantView,
    allowed_actions,
    can_see_complainant,
    complainant_masked,
    edit_input,
    history,
    may_edit,
    reveal_complainant,
)
from desktop_app.services.complaint_transfer import link_transfer, start_transfer, transfer_prefill
from desktop_app.services.context import ServiceContext, UnitOfWork, check_version
from desktop_app.services.errors import InvalidInput, RuleViolation
from desktop_app.services.record_history import HistoryRow
from desktop_app.services.referral_forms import PartyInput
from desktop_app.services.serials import next_serial
from desktop_app.storage.models import (
    Complaint,
    Material,
    Organisation,
    Staff,
)

__all__ = [
    "ComplainantInput",
    "ComplainantView",
    "ComplaintInput",
    "DuplicateRow",
    "HistoryRow",
    "PartyInput",
    "allowed_actions",
    "can_see_complainant",
    "complainant_masked",
    "edit_input",
    "file_case",
    "find_duplicates",
    "get",
    "history",
    "link_transfer",
    "pending_duties",
    "record_case_result",
    "record_feedback",
    "record_reply",
    "record_verification",
    "register",
    "reveal_complainant",
    "start_transfer",
    "suggest_jurisdiction",
    "transfer_prefill",
    "update",
    "validate_complaint",
]


@dataclass(frozen=True)
class DuplicateRow:
    id: int
    serial: str
    received_at: datetime
    content: str
    status_label: str


def _store_materials(
    uow: UnitOfWork, c: Complaint, materials: Sequence[Path], informing: Organisation | None
) -> None:
    """Materials handed over (or the letter received) kept as the complaint's materials."""
    for n, path in enumerate(materials, start=1):
        att = attachments.store(uow, RECORD, c.id, Path(path), category="投诉举报材料")
        who = (
            f"{informing.short_name or informing.name}移交的书面材料"
            if informing
            else "投诉举报材料"
        )
        title = f"{who}：{att.original_name}"
        uow.session.add(
            Material(
                record_type=RECORD.value,
                record_id=c.id,
                kind=MaterialKind.COMPLAINT_MATERIAL,
                title=title if len(title) <= 200 else title[:199] + "…",
                attachment_id=att.id,
                sort_order=n,
            )
        )
    uow.flush()


# --- use cases -----------------------------------------------------------------------


def register(ctx: ServiceContext, data: ComplaintInput, materials: Sequence[Path] = ()) -> int:
    """登记投诉举报: the verification clock ("核实期限") starts at once."""
    with ctx.uow() as uow:
        s = uow.session
        values, person, problems = check_complaint(ctx, s, data)
        if problems:
            raise InvalidInput(problems)
        check_files(materials, Secrets(**person) if person else Secrets())
        c = Complaint(
            serial=next_serial(s, Complaint, clock.today().year),
            status=ComplaintStatus.REGISTERED,
            created_by_id=ctx.operator_id,
            **values,
        )
        s.add(c)
        uow.flush()
        if person is not None:  # encrypted once the database has a data key
            s.add(identity.new_complainant(s, c.id, person))
        if materials and c.informing_org_id is not None:
            c.materials_handed_over = True  # the files are the materials handed over
        settle(uow, c, None)
        uow.flush()
        who = s.get(Staff, c.first_contact_id) if c.first_contact_id else None
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            c.id,
            f"{c.serial} 登记投诉举报（{ComplaintChannel.label_of(c.channel)}，"
            f"首问责任人：{who.name if who else ''}{'，匿名' if c.anonymous else ''}）："
            f"{excerpt(c.content)}",
            after=audit.snapshot(c),
        )
        informing = s.get(Organisation, c.informing_org_id) if c.informing_org_id else None
        _store_materials(uow, c, materials, informing)
        return c.id


def update(
    ctx: ServiceContext,
    complaint_id: int,
    data: ComplaintInput,
    expected_version: int | None = None,
) -> None:
    """Correct the registration; only before the verification."""
    with ctx.uow() as uow:
        s = uow.session
        c = load(s, complaint_id)
        require(c, (ComplaintStatus.REGISTERED,), "修改登记内容")
        if not may_edit(s, ctx, c):
            raise RuleViolation(EDIT_REFUSED)
        check_version(c, expected_version)
        values, person, problems = check_complaint(ctx, s, data)
        if problems:
            raise InvalidInput(problems)
        before = audit.snapshot(c)
        for key, value in values.items():
            setattr(c, key, value)
        old = c.complainant
        was = identity.require_person(old)  # in clear: may_edit let this operator see it
        changed = [
            label
            for key, label in PERSON_LABELS.items()
            if (getattr(was, key) if was else None) != (person or {}).get(key)
        ]
        if person is None and old is not None:
            c.complainant = None
        elif person is not None and old is None:
            c.complainant = identity.new_complainant(s, c.id, person)
        elif person is not None and old is not None and changed:
            identity.set_person(s, old, person)
        settle(uow, c, None)
        uow.flush()
        b, a = audit.diff(before, audit.snapshot(c))
        # The identity itself never goes into the audit trail: only which parts changed.
        extra = f"；修改投诉举报人信息（{'、'.join(changed)}）" if changed else ""
        if a or changed:
            uow.audit(
                AuditAction.UPDATE,
                RECORD,
                c.id,
                f"{c.serial} 修改登记内容{extra}",
                before=b,
                after=a,
            )


def get(ctx: ServiceContext, complaint_id: int) -> Complaint:
    """The complaint record (its complainant is not loaded: use complainant_masked)."""
    with ctx.read() as s:
        return load(s, complaint_id, ctx)


def suggest_jurisdiction(
    ctx: ServiceContext, keyword: str, on: date | None = None
) -> list[catalog.JurisdictionHit]:
    """Who is competent for what the complaint is about (the penalty catalogue)."""
    return catalog.lookup(ctx, keyword, on)


# --- duplicates ----------------------------------------------------------------------

_RUN = 4


def _grams(text: str) -> set[str]:
    """Every run of 4 letters or digits (punctuation and spaces dropped)."""
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")
    return {kept[i : i + _RUN] for i in range(len(kept) - _RUN + 1)}


def find_duplicates(
    ctx: ServiceContext,
    place: str | None,
    penalty_matter_id: int | None,
    content: str,
    exclude_id: int | None = None,
) -> list[DuplicateRow]:
    """Open complaints that may be the same: the same place (trimmed, case
    ignored) and the same penalty matter — or, when either has no matter,
    content sharing a run of 4 or more characters. Newest first, at most 10."""
    where = (place or "").strip().lower()
    if not where:
        return []
    mine = _grams(content or "")
    stmt = (
        select(Complaint)
        .where(
            Complaint.status != ComplaintStatus.CLOSED.value,
            func.lower(func.trim(Complaint.place)) == where,
        )
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())
    )
    if exclude_id is not None:
        stmt = stmt.where(Complaint.id != exclude_id)
    out: list[DuplicateRow] = []
    with ctx.read() as s:
        for c in s.execute(stmt).scalars():
            if (c.place or "").strip().lower() != where:
                continue
            if penalty_matter_id is not None and c.penalty_matter_id is not None:
                same = c.penalty_matter_id == penalty_matter_id
            else:
                same = bool(mine & _grams(c.content or ""))
            if same:
                label = ComplaintStatus.label_of(c.status)
                out.append(DuplicateRow(c.id, c.serial, c.received_at, c.content, label))
            if len(out) == 10:
                break
    return out
