"""案件移送: what the referral use cases share (loading, status guard, times, who may act).

Kept apart from :mod:`referrals` (registration, materials, history) and
:mod:`referral_flow` (the life of a transfer) so each stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain import clock
from desktop_app.domain.terms import (
    CASE_SOURCE_MATERIALS,
    AuditAction,
    Direction,
    OrgKind,
    RecordType,
    ReferralStatus,
)
from desktop_app.domain.validators import check_date_order
from desktop_app.services import audit, scope
from desktop_app.services.context import ServiceContext, UnitOfWork
from desktop_app.services.errors import NotFound, RuleViolation, ServiceError
from desktop_app.services.forms import Checker
from desktop_app.services.organisations import may_act_in_own_name
from desktop_app.services.records import label
from desktop_app.storage.models import Material, Organisation, PenaltyMatter, Referral, Staff

CLOCK_SKEW = timedelta(minutes=5)  # a PC clock a little behind the phone is not "the future"
EARLIEST = datetime(2000, 1, 1)
DEADLINE_WHAT = "移送期限"
RECORD = RecordType.REFERRAL

# Seed 三（一）2: a transfer goes to a county-level functional department (县级职能部门);
# the county public security bureau is one. An internal, directly-affiliated or
# dispatched body only with a legal basis (三（一）4, checked by may_act_in_own_name).
DEPARTMENT_KINDS = frozenset(
    {OrgKind.COUNTY_DEPARTMENT, OrgKind.PUBLIC_SECURITY, OrgKind.INTERNAL_UNIT}
)
TOWNSHIP_KINDS = frozenset({OrgKind.TOWNSHIP, OrgKind.INTERNAL_UNIT})


def load(session: Session, referral_id: int, ctx: ServiceContext | None = None) -> Referral:
    """The record; with ``ctx``, only one it may see (services/scope.py), else not found."""
    if ctx is None:
        r = session.get(Referral, referral_id)
    else:
        r = scope.get_visible(session, Referral, referral_id, ctx)
    if r is None:
        raise NotFound(f"案件移送记录 {referral_id} 不存在或已被删除。")
    return r


def status_label(r: Referral) -> str:
    return ReferralStatus.label_of(r.status)


def require(
    r: Referral,
    statuses: Iterable[ReferralStatus],
    action: str,
    direction: Direction | None = None,
) -> None:
    """The action must fit the referral's direction and current status."""
    statuses = tuple(statuses)
    if direction is not None and r.direction != direction:
        which = "本镇移出" if direction == Direction.OUTGOING else "县级部门移入"
        raise RuleViolation(
            f"「{action}」只适用于{which}的案件移送；{r.serial} 是"
            f"{Direction.label_of(r.direction)}的案件。"
        )
    if r.status not in statuses:
        allowed = "、".join(f"「{s.label}」" for s in statuses)
        raise RuleViolation(
            f"案件移送 {r.serial} 当前状态为「{status_label(r)}」，不能{action}"
            f"（只有{allowed}状态可以）。"
        )


def township_id(session: Session) -> int:
    """ "Us": the logged-in account's organisation, else the settings' township."""
    found = scope.acting_org_id(session)
    if not found:
        raise ServiceError("“设置 → 乡镇信息”中没有选定本乡镇，无法登记案件移送。")
    return found


# --- times ---------------------------------------------------------------------------


def moment(
    c: Checker, field: str, value: Any, what: str, *, required: bool = True
) -> datetime | None:
    """A date-time the user entered: given, not before 2000, not in the future."""
    if value is None or value == "":
        if required:
            c.fail(field, f"请填写「{what}」")
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(clock.CHINA_TZ).replace(tzinfo=None)
    elif isinstance(value, date):
        value = datetime.combine(value, datetime.min.time())
    else:
        c.fail(field, f"「{what}」应为日期和时间")
        return None
    value = value.replace(microsecond=0)
    if value < EARLIEST:
        c.fail(field, f"「{what}」不能早于2000年")
        return None
    if value > clock.now() + CLOCK_SKEW:
        c.fail(field, f"「{what}」不能是将来的时间（现在是{clock.now():%Y-%m-%d %H:%M}）")
        return None
    return value


def day(c: Checker, field: str, value: Any, what: str) -> date | None:
    """A date the user entered: given, not before 2000, not after today."""
    if value is None or value == "":
        c.fail(field, f"请填写「{what}」")
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        c.fail(field, f"「{what}」应为日期")
        return None
    if value < EARLIEST.date():
        c.fail(field, f"「{what}」不能早于2000年")
        return None
    if value > clock.today():
        c.fail(field, f"「{what}」不能是将来的日期")
        return None
    return value


def after(
    c: Checker,
    field: str,
    earlier: date | datetime | None,
    later: date | datetime | None,
    earlier_field: str,
    later_field: str,
) -> None:
    """``later`` not before ``earlier``; the message names both fields."""
    if field in c.problems:
        return
    c.run(field, check_date_order, earlier, later, label(earlier_field), label(later_field))


# --- organisations (seed 三（一）4) ------------------------------------------------------


def org_problem(
    org: Organisation | None, role: str, kinds: frozenset[OrgKind], basis: str | None
) -> str | None:
    """Why ``org`` may not be the ``role`` (移送单位/接收单位) of a transfer, or None.

    The legal basis may be recorded on the organisation or, for this one
    transfer, on the referral (``basis``).
    """
    if org is None:
        return f"所选{role}不存在，请重新选择。"
    if not org.active:
        return f"「{org.name}」已停用，不能作为{role}。"
    if org.kind not in kinds:
        wanted = "、".join(k.label for k in kinds if k != OrgKind.INTERNAL_UNIT)
        return (
            f"{role}应为{wanted}，「{org.name}」是{OrgKind.label_of(org.kind)}"
            "（案件移送应以乡镇或县级职能部门的名义进行，机制 三（一）4）。"
        )
    ok, why = may_act_in_own_name(org)
    if ok or (org.kind == OrgKind.INTERNAL_UNIT and (basis or "").strip()):
        return None
    return why


def basis_of(org: Organisation | None, given: str | None) -> str | None:
    """The own-name legal basis kept on a referral: given for it, else the organisation's."""
    if given:
        return given
    if org is not None and org.kind == OrgKind.INTERNAL_UNIT:
        return org.own_name_legal_basis
    return None


def check_staff(c: Checker, session: Session, field: str, staff_id: int | None) -> None:
    if staff_id is not None and session.get(Staff, staff_id) is None:
        c.fail(field, "所选人员不存在，请重新选择。")


def check_matter(c: Checker, session: Session, matter_id: int | None) -> None:
    if matter_id is not None and session.get(PenaltyMatter, matter_id) is None:
        c.fail("penalty_matter_id", "所选行政处罚事项不存在，请重新选择。")


# --- materials and audit -------------------------------------------------------------


def materials(session: Session, referral_id: int) -> list[Material]:
    return list(
        session.execute(
            select(Material)
            .where(Material.record_type == RECORD.value, Material.record_id == referral_id)
            .order_by(Material.sort_order, Material.id)
        ).scalars()
    )


def has_case_source(session: Session, referral_id: int) -> bool:
    return any(m.kind in CASE_SOURCE_MATERIALS for m in materials(session, referral_id))


def case_source_missing(r: Referral) -> RuleViolation:
    names = "、".join(sorted(k.label for k in CASE_SOURCE_MATERIALS))
    return RuleViolation(
        f"案件移送 {r.serial} 还没有案源材料（{names}等）。按机制 三（一）3，移送材料应包括"
        "移送函、案源材料和证据材料，请先在“移送材料”中登记案源材料。"
    )


def record_change(
    uow: UnitOfWork,
    r: Referral,
    before: dict[str, Any],
    summary: str,
    action: AuditAction = AuditAction.STATUS,
) -> None:
    uow.flush()
    b, a = audit.diff(before, audit.snapshot(r))
    uow.audit(action, RECORD, r.id, f"{r.serial} {summary}", before=b, after=a)
