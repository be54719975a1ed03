"""紧急情况通知: the form (what the dialog fills), its checks, and the department rule.

Seed 三（四）: 在执法过程中，发现存在如重大治安、安全隐患等涉及其他部门管辖的
违法行为的，应立即通知相关部门. So a notice records what was found (the hazard,
where, when), and when, how and to whom the department was told; it is told
*at once*, so the time of notice is never before the time of discovery.

The department is one with the remit to send officers: a county functional
department (县级职能部门), the county public security bureau, or one of their
stations that acts in its own name with a recorded legal basis (a 派出所). Never
the township itself or its own units (the enforcement team): they are the ones
who notify. Once the department has answered, it is fixed: the answer (and a
report on a refusal) belongs to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.terms import OrgKind, RecordType, UrgentNoticeStatus
from desktop_app.domain.validators import check_date_order
from desktop_app.services.context import ServiceContext
from desktop_app.services.forms import Checker
from desktop_app.services.info_share_forms import own_units
from desktop_app.services.ledgers import LEDGERS
from desktop_app.services.organisations import may_act_in_own_name
from desktop_app.services.referral_common import moment
from desktop_app.storage.models import Organisation, UrgentNotice

SEED = "机制 三（四）"
HAZARD_MAX = 2000
PLACE_MAX = 200
METHOD_MAX = 40  # the column's size: free text such as 电话通知 / 当面通知 / 微信工作群通知
PERSON_MAX = 40
NOTE_MAX = 2000

DEPARTMENT_KINDS = frozenset(
    {OrgKind.COUNTY_DEPARTMENT, OrgKind.PUBLIC_SECURITY, OrgKind.INTERNAL_UNIT}
)

# What a record may be linked to: any ledger's record (a case, a transfer, the joint
# action or the meeting during which the hazard was found…).
LINK_MODELS: dict[str, Any] = {lg.record_type.value: lg.model for lg in LEDGERS.values()}


@dataclass
class NoticeInput:
    """One urgent notice as the form holds it."""

    department_id: int | None
    hazard: str
    place: str | None
    found_at: datetime | None
    notified_at: datetime | None
    notice_method: str | None  # free text (≤40): 电话通知, 当面通知, 微信工作群通知…
    notified_person: str | None = None
    linked_type: str | None = None  # a RecordType code
    linked_id: int | None = None
    note: str | None = None


# --- the department -----------------------------------------------------------------------


def department_problem(
    session: Session, org: Organisation | None, kept: bool = False
) -> str | None:
    """Why ``org`` cannot receive an urgent notice, or None. ``kept``: already the
    notice's department (one deactivated since stays on it, and on its letters)."""
    if org is None:
        return "所选部门不存在，请重新选择。"
    if org.id in own_units(session):
        return (
            f"「{org.name}」是本乡镇或其内设机构。紧急情况通知是本镇通知有管辖权的其他部门"
            f"立即派执法人员处理（{SEED}），请选择县级职能部门。"
        )
    if not org.active and not kept:
        return f"「{org.name}」已停用，不能作为通知部门。"
    if org.kind not in DEPARTMENT_KINDS:
        return (
            f"紧急情况应通知有管辖权、能派执法人员处理的县级职能部门（{SEED}），"
            f"「{org.name}」是{OrgKind.label_of(org.kind)}，不能作为通知部门。"
        )
    ok, _ = may_act_in_own_name(org)
    if ok:
        return None
    if org.kind == OrgKind.INTERNAL_UNIT:
        parent = session.get(Organisation, org.parent_id) if org.parent_id else None
        where = f"请通知其所属的「{parent.name}」。" if parent is not None else ""
        return (
            f"「{org.name}」是内设机构、直属机构或派出机构，不能以自己的名义执法"
            f"（法律、法规、规章明确规定的除外，需在单位信息中记录依据）。{where}"
        )
    return f"「{org.name}」在单位信息中被标记为不能以自己的名义对外办理，不能作为通知部门。"


def department_choices(ctx: ServiceContext) -> list[Organisation]:
    """The organisations a notice may go to (the form's list), in directory order."""
    with ctx.read() as s:
        orgs = s.execute(
            select(Organisation)
            .where(Organisation.active.is_(True))
            .order_by(Organisation.sort_order, Organisation.id)
        ).scalars()
        return [o for o in orgs if department_problem(s, o) is None]


def _department(
    c: Checker, session: Session, org_id: int | None, current: UrgentNotice | None
) -> None:
    if org_id is None:
        c.fail("department_id", "请选择有管辖权的部门")
        return
    answered = current is not None and current.status != UrgentNoticeStatus.NOTIFIED
    if current is not None and answered and org_id != current.department_id:
        c.fail(
            "department_id",
            f"紧急情况通知 {current.serial} 已登记部门的答复"
            f"（{UrgentNoticeStatus.label_of(current.status)}），不能再更换通知部门。"
            "如另行通知了其他部门，请新登记一条紧急情况通知。",
        )
        return
    kept = current is not None and org_id == current.department_id
    why = department_problem(session, session.get(Organisation, org_id), kept)
    if why:
        c.fail("department_id", why)


# --- the linked record --------------------------------------------------------------------


def check_link(
    c: Checker,
    session: Session,
    linked_type: str | None,
    linked_id: int | None,
    own: tuple[RecordType, int | None],
) -> None:
    """The record a record is linked to: a ledger's record that exists, not itself."""
    kind = (linked_type or "").strip()
    if not kind and linked_id is None:
        return
    if not kind:
        c.fail("linked_type", "请选择关联记录所在的台账")
        return
    model = LINK_MODELS.get(kind)
    if model is None:
        c.fail("linked_type", f"关联记录只能是台账中的记录，不能是「{RecordType.label_of(kind)}」")
        return
    what = RecordType.label_of(kind)
    if linked_id is None:
        c.fail("linked_id", f"请选择关联的{what}记录")
    elif not isinstance(linked_id, int) or session.get(model, linked_id) is None:
        c.fail("linked_id", f"所选{what}记录不存在或已被删除，请重新选择。")
    elif kind == own[0].value and linked_id == own[1]:
        c.fail("linked_id", "不能关联记录自身，请选择其他记录。")


# --- the form ------------------------------------------------------------------------------


def _order(c: Checker, field: str, earlier: Any, later: Any, first: str, second: str) -> None:
    if field not in c.problems:
        c.run(field, check_date_order, earlier, later, first, second)


def check_notice(
    session: Session, data: NoticeInput, current: UrgentNotice | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """(values to store, problems keyed by field) of the form; ``current``: the
    notice being edited (its department and the times of its later steps)."""
    c = Checker()
    _department(c, session, data.department_id, current)
    found = moment(c, "found_at", data.found_at, "发现时间")
    notified = moment(c, "notified_at", data.notified_at, "通知时间")
    if found is not None:
        _order(c, "notified_at", found, notified, "发现时间", "通知时间")
    if current is not None and notified is not None:
        _order(
            c, "notified_at", notified, current.officers_arrived_at, "通知时间", "执法人员到场时间"
        )
        _order(c, "notified_at", notified, current.reported_at, "通知时间", "报告县人民政府时间")
        if current.status == UrgentNoticeStatus.REFUSED and current.deadline_at is not None:
            refused = current.deadline_at.date()  # the report's clock: the day of the refusal
            _order(c, "notified_at", notified, refused, "通知时间", "拒不处理日期")
    values: dict[str, Any] = {
        "department_id": data.department_id,
        "hazard": c.text("hazard", data.hazard, "隐患或违法情况", HAZARD_MAX, required=True),
        "place": c.text("place", data.place, "地点", PLACE_MAX, required=True),
        "found_at": found,
        "notified_at": notified,
        "notice_method": c.text(
            "notice_method", data.notice_method, "通知方式", METHOD_MAX, required=True
        ),
        "notified_person": c.text("notified_person", data.notified_person, "被通知人", PERSON_MAX),
        "linked_type": (data.linked_type or "").strip() or None,
        "linked_id": data.linked_id,
        "note": c.text("note", data.note, "备注", NOTE_MAX),
    }
    own_id = current.id if current is not None else None
    check_link(c, session, data.linked_type, data.linked_id, (RecordType.URGENT_NOTICE, own_id))
    if values["linked_type"] is None:
        values["linked_id"] = None
    return values, dict(c.problems)


def validate_notice(
    ctx: ServiceContext, data: NoticeInput, notice_id: int | None = None
) -> dict[str, str]:
    """Every problem of the form, keyed by field name (the dataclass's).

    ``notice_id``: the notice being edited (its department may stay although
    deactivated since; it may not change once the department has answered)."""
    with ctx.read() as s:
        current = s.get(UrgentNotice, notice_id) if notice_id is not None else None
        return check_notice(s, data, current)[1]
