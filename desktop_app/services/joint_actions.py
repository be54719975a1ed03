"""联合执法行动 (seed 三（四）): 对执法工作中发现的重大案件线索，可会同县级相关职能
部门召开专题会议……开展联合执法. The ledger of joint actions: the day, the
organisations taking part, whom they checked, what they found and what was done.

The use cases the GUI and the headless commands share: :func:`validate_action`
while the form is filled, :func:`create` (with its files, in the same
transaction), :func:`update` (a correction, any time), :func:`load_input`,
:func:`add_files`, :func:`list_files`, :func:`get`, :func:`history`,
:func:`allowed_actions`.

The rules of the form:

* a title (行动名称) and the day (行动日期); a day ahead is a planned action,
  at most a year ahead (a later one is a typing slip);
* the organisations (参加单位) exist and are active (one linked before and
  deactivated since may stay), and at least one is a county department — the
  county public security bureau and their stations count — since a joint
  action is carried out 会同县级相关职能部门; the township and its team may take
  part but alone are not a joint action;
* what was found (发现问题) and done (处理结果) only once the day has come: a
  planned action has none yet;
* the meeting (关联会议) that decided it exists, was not cancelled, and was
  held (or is planned) on or before the day of the action;
* the linked record (关联记录), if any, is a ledger's record that exists.

No clock runs: a joint action has no deadline of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, selectinload

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, MeetingStatus, OrgKind, RecordType
from desktop_app.services import attachments, audit, scope
from desktop_app.services.context import ServiceContext, UnitOfWork, check_version
from desktop_app.services.errors import InvalidInput, NotFound
from desktop_app.services.forms import Checker
from desktop_app.services.org_choice import chosen_organisations
from desktop_app.services.record_history import HistoryRow, record_history
from desktop_app.services.referral_common import EARLIEST
from desktop_app.services.serials import next_serial
from desktop_app.services.urgent_notice_forms import check_link
from desktop_app.storage.models import Attachment, JointAction, Meeting, Organisation

__all__ = [
    "HistoryRow",
    "JointActionInput",
    "add_files",
    "allowed_actions",
    "create",
    "get",
    "history",
    "list_files",
    "load_input",
    "update",
    "validate_action",
]

RECORD = RecordType.JOINT_ACTION
SEED = "机制 三（四）"
FILE_CATEGORY = "联合执法行动材料"
TITLE_MAX = 200
TARGETS_MAX = 2000
TEXT_MAX = 5000
NOTE_MAX = 2000
MAX_AHEAD_DAYS = 366

COUNTY_KINDS = frozenset({OrgKind.COUNTY_DEPARTMENT, OrgKind.PUBLIC_SECURITY})


@dataclass
class JointActionInput:
    """One joint action as the form holds it."""

    title: str
    action_on: date | None
    organisation_ids: list[int]
    targets: str | None = None
    findings: str | None = None
    results: str | None = None
    meeting_id: int | None = None
    linked_type: str | None = None  # a RecordType code
    linked_id: int | None = None
    note: str | None = None


@dataclass
class Checked:
    values: dict[str, Any] = field(default_factory=dict)
    organisations: list[Organisation] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)


# --- the form ------------------------------------------------------------------------


def _is_county(session: Session, org: Organisation) -> bool:
    """A county department, the county public security bureau, or a station of one."""
    if org.kind in COUNTY_KINDS:
        return True
    parent = session.get(Organisation, org.parent_id) if org.parent_id else None
    return org.kind == OrgKind.INTERNAL_UNIT and parent is not None and parent.kind in COUNTY_KINDS


def _organisations(
    c: Checker, session: Session, raw: Iterable[Any] | None, keep: frozenset[int]
) -> list[Organisation]:
    orgs = chosen_organisations(c, session, raw, "参加单位", keep)
    if orgs is None:
        return []
    if not any(_is_county(session, o) for o in orgs):
        c.fail(
            "organisation_ids",
            f"联合执法行动应会同县级相关职能部门开展（{SEED}），请至少选择一个县级职能部门"
            "（含县公安局及其派出机构）作为参加单位。",
        )
        return []
    return orgs


def _day(c: Checker, value: Any) -> date | None:
    if value is None or value == "":
        c.fail("action_on", "请填写「行动日期」")
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        c.fail("action_on", "「行动日期」应为日期")
        return None
    if value < EARLIEST.date():
        c.fail("action_on", "「行动日期」不能早于2000年")
        return None
    if value > clock.today() + timedelta(days=MAX_AHEAD_DAYS):
        c.fail("action_on", "「行动日期」距今超过一年，请核对日期")
        return None
    return value


def _meeting(
    c: Checker, session: Session, meeting_id: int | None, on: date | None, kept: int | None
) -> None:
    if meeting_id is None:
        return
    m = session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
    if m is None:
        c.fail("meeting_id", "所选会议不存在或已被删除，请重新选择。")
    elif m.status == MeetingStatus.CANCELLED and meeting_id != kept:
        c.fail("meeting_id", f"协商会议 {m.serial} 已取消，不能作为联合执法行动的关联会议。")
    elif on is not None and m.held_at.date() > on:
        c.fail(
            "meeting_id",
            f"关联会议 {m.serial} 于{m.held_at:%Y-%m-%d}召开，晚于行动日期（{on:%Y-%m-%d}）；"
            "关联会议应是研究、部署本次行动的会议。",
        )


def check_action(
    session: Session, data: JointActionInput, current: JointAction | None = None
) -> Checked:
    """Every problem of the form, keyed by field, and the values to store.

    ``current``: the action being edited (an organisation or a meeting already
    linked to it stays although deactivated or cancelled since)."""
    c = Checker()
    keep = frozenset(o.id for o in current.organisations) if current is not None else frozenset()
    on = _day(c, data.action_on)
    values: dict[str, Any] = {
        "title": c.text("title", data.title, "行动名称", TITLE_MAX, required=True),
        "action_on": on,
        "targets": c.text("targets", data.targets, "检查对象", TARGETS_MAX),
        "findings": c.text("findings", data.findings, "发现问题", TEXT_MAX),
        "results": c.text("results", data.results, "处理结果", TEXT_MAX),
        "meeting_id": data.meeting_id,
        "linked_type": (data.linked_type or "").strip() or None,
        "linked_id": data.linked_id,
        "note": c.text("note", data.note, "备注", NOTE_MAX),
    }
    orgs = _organisations(c, session, data.organisation_ids, keep)
    if on is not None and on > clock.today():
        for key, label in (("findings", "发现问题"), ("results", "处理结果")):
            if values[key] and key not in c.problems:
                c.fail(
                    key,
                    f"行动日期（{on:%Y-%m-%d}）还没到，这是计划开展的行动，尚不能填写「{label}」。"
                    "行动开展后再填写。",
                )
    _meeting(c, session, data.meeting_id, on, current.meeting_id if current else None)
    own_id = current.id if current is not None else None
    check_link(c, session, data.linked_type, data.linked_id, (RECORD, own_id))
    if values["linked_type"] is None:
        values["linked_id"] = None
    return Checked(values, orgs, dict(c.problems))


def validate_action(
    ctx: ServiceContext, data: JointActionInput, action_id: int | None = None
) -> dict[str, str]:
    """Every problem of the form, keyed by field (organisations: "organisation_ids").

    ``action_id``: the action being edited."""
    with ctx.read() as s:
        current = _load(s, action_id) if action_id is not None else None
        return check_action(s, data, current).problems


# --- helpers --------------------------------------------------------------------------


def _load(session: Session, action_id: int, ctx: ServiceContext | None = None) -> JointAction:
    """The action; with ``ctx``, only one it may see (services/scope.py), else not found."""
    options = [selectinload(JointAction.organisations)]
    if ctx is None:
        a = session.get(JointAction, action_id, options=options)
    else:
        a = scope.get_visible(session, JointAction, action_id, ctx, options=options)
    if a is None:
        raise NotFound(f"联合执法行动记录 {action_id} 不存在或已被删除。")
    return a


def _snapshot(a: JointAction) -> dict[str, Any]:
    orgs = sorted(a.organisations, key=lambda o: (o.sort_order, o.id))
    # audited as "participating_orgs" (参加单位): "organisations" is a meeting's 参会单位
    return {**audit.snapshot(a), "participating_orgs": "、".join(o.name for o in orgs)}


def _checked(session: Session, data: JointActionInput, current: JointAction | None) -> Checked:
    found = check_action(session, data, current)
    if found.problems:
        raise InvalidInput(found.problems)
    return found


def _store_files(uow: UnitOfWork, action_id: int, files: Sequence[Path]) -> list[int]:
    return [
        attachments.store(uow, RECORD, action_id, Path(f), category=FILE_CATEGORY).id for f in files
    ]


def _when(a: JointAction) -> str:
    planned = "，计划" if a.action_on > clock.today() else ""
    return f"{a.action_on:%Y-%m-%d}{planned}"


# --- use cases ------------------------------------------------------------------------


def create(ctx: ServiceContext, data: JointActionInput, files: Sequence[Path] = ()) -> int:
    """登记联合执法行动, with its files; one transaction (a file that cannot be
    stored leaves no record and no file)."""
    with ctx.uow() as uow:
        s = uow.session
        found = _checked(s, data, None)
        a = JointAction(
            serial=next_serial(s, JointAction, clock.today().year),
            created_by_id=ctx.operator_id,
            **found.values,
        )
        a.organisations = found.organisations
        s.add(a)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            a.id,
            f"{a.serial} 登记联合执法行动（{_when(a)}）：{a.title}",
            after=_snapshot(a),
        )
        _store_files(uow, a.id, files)
        return a.id


def update(
    ctx: ServiceContext,
    action_id: int,
    data: JointActionInput,
    expected_version: int | None = None,
) -> None:
    """Correct an action or record how it went (findings and results once held)."""
    with ctx.uow() as uow:
        s = uow.session
        a = _load(s, action_id)
        check_version(a, expected_version)
        found = _checked(s, data, a)
        before = _snapshot(a)
        for key, value in found.values.items():
            setattr(a, key, value)
        if {o.id for o in found.organisations} != {o.id for o in a.organisations}:
            a.organisations = found.organisations
            a.updated_at = clock.now()  # a new version even when only the links changed
        uow.flush()
        b, after = audit.diff(before, _snapshot(a))
        if after:
            uow.audit(AuditAction.UPDATE, RECORD, a.id, f"{a.serial} 修改", before=b, after=after)


def add_files(ctx: ServiceContext, action_id: int, files: Sequence[Path]) -> list[int]:
    """Attach files (photos, records of the action) — all or none; the attachment ids."""
    if not files:
        raise InvalidInput({"files": "请选择要添加的文件"})
    with ctx.uow() as uow:
        _load(uow.session, action_id)
        return _store_files(uow, action_id, files)


# --- reading --------------------------------------------------------------------------


def get(ctx: ServiceContext, action_id: int) -> JointAction:
    """The action with its organisations loaded."""
    with ctx.read() as s:
        return _load(s, action_id, ctx)


def load_input(ctx: ServiceContext, action_id: int) -> tuple[JointActionInput, int]:
    """A stored action as the form, with the version to pass back to :func:`update`."""
    a = get(ctx, action_id)
    data = JointActionInput(
        title=a.title,
        action_on=a.action_on,
        organisation_ids=[o.id for o in a.organisations],
        targets=a.targets,
        findings=a.findings,
        results=a.results,
        meeting_id=a.meeting_id,
        linked_type=a.linked_type,
        linked_id=a.linked_id,
        note=a.note,
    )
    return data, a.version


def list_files(ctx: ServiceContext, action_id: int) -> list[Attachment]:
    with ctx.read() as s:
        _load(s, action_id, ctx)
    return attachments.list_for(ctx, RECORD, action_id)


def history(ctx: ServiceContext, action_id: int) -> list[HistoryRow]:
    """The action's audit entries, oldest first."""
    with ctx.read() as s:
        _load(s, action_id, ctx)
        return record_history(s, RECORD, JointAction, action_id)


def allowed_actions(ctx: ServiceContext, action_id: int) -> set[str]:
    """Of {"edit", "files"}: both, always (corrections and photos come later)."""
    with ctx.read() as s:
        a = _load(s, action_id, ctx)
    if scope.receiver_only(ctx, a, None) is not None:  # another organisation's: to read
        return set()
    return {"edit", "files"}
