"""立案 from another record (a complaint verified as within the township's
jurisdiction, a transfer received and signed for): the checks and the new
case, shared so that both file cases the same way."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.terms import AuditAction, CaseStatus, RecordType
from desktop_app.services import audit
from desktop_app.services.context import ServiceContext, UnitOfWork
from desktop_app.services.errors import RuleViolation
from desktop_app.services.forms import Checker
from desktop_app.services.referral_common import after, day
from desktop_app.services.serials import next_serial
from desktop_app.storage.models import EnforcementCase

_PARTY = (
    "party_kind",
    "party_name",
    "party_id_number",
    "party_credit_code",
    "party_address",
    "party_phone",
)


def check_filing(
    s: Session,
    source: Any,
    source_label: str,
    case_number: str,
    filed_on: date,
    since: tuple[date | datetime | None, str],
) -> tuple[str, date]:
    """One case per source record; a 案号 given and unused; a 立案日期 not before
    ``since`` (the value and the source's field key, for the message)."""
    if source.case_id is not None:
        existing = s.get(EnforcementCase, source.case_id)
        number = existing.case_number if existing else source.case_id
        raise RuleViolation(
            f"{source_label} {source.serial} 已经立案（案号：{number}），不能重复立案。"
        )
    c = Checker()
    number = c.text("case_number", case_number, "案号", 60, required=True)
    filed = day(c, "filed_on", filed_on, "立案日期")
    after(c, "filed_on", since[0], filed, since[1], "filed_on")
    if (
        number
        and s.execute(
            select(EnforcementCase.id).where(EnforcementCase.case_number == number)
        ).first()
    ):
        c.fail("case_number", f"案号「{number}」已被其他案件使用，请核对。")
    c.raise_if_any()
    assert filed is not None and number is not None
    return number, filed


def open_case(
    ctx: ServiceContext,
    uow: UnitOfWork,
    source: Any,
    source_label: str,
    *,
    number: str,
    filed: date,
    title: str,
    facts: str | None,
    note: str,
) -> EnforcementCase:
    """The new case, with the source's matter, place and party; audited."""
    case = EnforcementCase(
        serial=next_serial(uow.session, EnforcementCase, filed.year),
        case_number=number,
        title=title if len(title) <= 200 else title[:199] + "…",
        penalty_matter_id=source.penalty_matter_id,
        place=source.place,
        facts=facts,
        filed_on=filed,
        status=CaseStatus.OPEN,
        note=note,
        created_by_id=ctx.operator_id,
        **{key: getattr(source, key) for key in _PARTY},
    )
    uow.session.add(case)
    uow.flush()
    uow.audit(
        AuditAction.CREATE,
        RecordType.CASE,
        case.id,
        f"立案 {case.serial}（案号：{number}，来自{source_label} {source.serial}）",
        after=audit.snapshot(case),
    )
    return case
