"""信息共享制度 (seed 三（三）): the ledger of what the township shares with the
county departments and what they share with it.

The use cases the GUI and the headless commands share:

* :func:`validate_share` while the form is filled, :func:`create` (with its
  files, in the same transaction), :func:`update` (a correction, any time),
  :func:`load_input` for the edit form;
* :func:`mark_shared` for an item formed but not shared yet: its clock
  ("共享期限", the end of the day it was formed) shows on the dashboard
  until then;
* :func:`add_files`, :func:`get`, :func:`history`, :func:`allowed_actions`,
  :func:`counterpart_choices` (who may be picked as a counterpart);
* the same-day rate and the late items (:mod:`info_share_report`).

The rules of the form are in :mod:`info_share_forms`. Split for size,
everything is re-exported here (the one module callers import).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop_app.domain import clock
from desktop_app.domain.deadlines import cn_date, info_share_deadline
from desktop_app.domain.terms import AuditAction, RecordType, ShareDirection, ShareMethod
from desktop_app.services import attachments, audit, scope
from desktop_app.services.context import ServiceContext, UnitOfWork, check_version
from desktop_app.services.errors import InvalidInput, NotFound, RuleViolation
from desktop_app.services.info_share_forms import (
    PLACEHOLDERS,
    ShareInput,
    check_share,
    days_late,
    is_real_reason,
    own_units,
)
from desktop_app.services.info_share_report import (
    LateItem,
    RateRow,
    SameDayReport,
    same_day_report,
)
from desktop_app.services.record_history import HistoryRow, record_history
from desktop_app.services.serials import next_serial
from desktop_app.storage.models import Attachment, InfoShare, Organisation

__all__ = [
    "CLOCK",
    "PLACEHOLDERS",
    "HistoryRow",
    "LateItem",
    "RateRow",
    "SameDayReport",
    "ShareInput",
    "add_files",
    "allowed_actions",
    "counterpart_choices",
    "create",
    "get",
    "history",
    "is_real_reason",
    "list_files",
    "load_input",
    "mark_shared",
    "same_day_report",
    "update",
    "validate_share",
]

RECORD = RecordType.INFO_SHARE
CLOCK = "共享期限"  # deadline_what while an item is not shared yet
FILE_CATEGORY = "共享信息材料"


def _load(session: Session, share_id: int, ctx: ServiceContext | None = None) -> InfoShare:
    """The item; with ``ctx``, only one it may see (services/scope.py), else not found."""
    options = [selectinload(InfoShare.counterparts)]
    if ctx is None:
        sh = session.get(InfoShare, share_id, options=options)
    else:
        sh = scope.get_visible(session, InfoShare, share_id, ctx, options=options)
    if sh is None:
        raise NotFound(f"信息共享记录 {share_id} 不存在或已被删除。")
    return sh


def _snapshot(sh: InfoShare) -> dict[str, Any]:
    return {**audit.snapshot(sh), "counterparts": "、".join(o.name for o in sh.counterparts)}


def _run_clock(sh: InfoShare) -> None:
    """Not shared yet: due by the end of the day it was formed; shared: no clock."""
    if sh.shared_on is None:
        sh.deadline_at, sh.deadline_what = info_share_deadline(sh.formed_on).due_at, CLOCK
    else:
        sh.deadline_at, sh.deadline_what = None, None


def _how(sh: InfoShare) -> str:
    if sh.shared_on is None:
        return f"未共享，共享期限{cn_date(sh.formed_on)}"
    n = days_late(sh.formed_on, sh.shared_on)
    return f"延期{n}天共享" if n else "当日共享"


def _checked(session: Session, data: ShareInput, keep: Sequence[int] = ()) -> Any:
    found = check_share(session, data, keep)
    if found.problems:
        raise InvalidInput(found.problems)
    return found


def _store_files(uow: UnitOfWork, share_id: int, files: Sequence[Path]) -> list[int]:
    return [
        attachments.store(uow, RECORD, share_id, Path(f), category=FILE_CATEGORY).id for f in files
    ]


# --- the form ------------------------------------------------------------------------


def validate_share(
    ctx: ServiceContext, data: ShareInput, share_id: int | None = None
) -> dict[str, str]:
    """Every problem of the form, keyed by field (counterparts: "counterpart_ids").

    ``share_id``: the item being edited (a counterpart deactivated since may stay)."""
    with ctx.read() as s:
        keep = [o.id for o in _load(s, share_id).counterparts] if share_id is not None else []
        return check_share(s, data, keep).problems


def counterpart_choices(ctx: ServiceContext) -> list[Organisation]:
    """Active organisations that may be picked as counterparts: all but the
    township itself and its own internal units (the enforcement team)."""
    with ctx.read() as s:
        mine = own_units(s)
        orgs = s.execute(
            select(Organisation)
            .where(Organisation.active.is_(True))
            .order_by(Organisation.sort_order, Organisation.id)
        ).scalars()
        return [o for o in orgs if o.id not in mine]


def load_input(ctx: ServiceContext, share_id: int) -> tuple[ShareInput, int]:
    """A stored item as the form, with the version to pass back to :func:`update`."""
    return _as_input(get(ctx, share_id))


# --- use cases -----------------------------------------------------------------------


def create(ctx: ServiceContext, data: ShareInput, files: Sequence[Path] = ()) -> int:
    """登记一条共享信息, with its files; one transaction (a file that cannot be
    stored leaves no record and no file)."""
    with ctx.uow() as uow:
        s = uow.session
        found = _checked(s, data)
        sh = InfoShare(
            serial=next_serial(s, InfoShare, clock.today().year),
            created_by_id=ctx.operator_id,
            **found.values,
        )
        sh.counterparts = found.counterparts
        _run_clock(sh)
        s.add(sh)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            sh.id,
            f"{sh.serial} 登记信息共享（{ShareDirection.label_of(sh.direction)}，{_how(sh)}）："
            f"{sh.title}",
            after=_snapshot(sh),
        )
        _store_files(uow, sh.id, files)
        return sh.id


def update(
    ctx: ServiceContext,
    share_id: int,
    data: ShareInput,
    expected_version: int | None = None,
) -> None:
    """Correct an item (any field, shared or not); the clock follows the dates."""
    with ctx.uow() as uow:
        s = uow.session
        sh = _load(s, share_id)
        check_version(sh, expected_version)
        old_ids = [o.id for o in sh.counterparts]
        found = _checked(s, data, old_ids)
        before = _snapshot(sh)
        for key, value in found.values.items():
            setattr(sh, key, value)
        if [o.id for o in found.counterparts] != old_ids:
            sh.counterparts = found.counterparts
            sh.updated_at = clock.now()  # a new version even when only the links changed
        _run_clock(sh)
        uow.flush()
        b, a = audit.diff(before, _snapshot(sh))
        if a:
            uow.audit(AuditAction.UPDATE, RECORD, sh.id, f"{sh.serial} 修改", before=b, after=a)


def mark_shared(
    ctx: ServiceContext,
    share_id: int,
    shared_on: date,
    method: ShareMethod | str | None,
    late_reason: str | None,
    expected_version: int | None = None,
) -> None:
    """登记共享 of an item not shared yet: the same checks as the form (a later
    day needs the reason, the method is required); the clock stops."""
    with ctx.uow() as uow:
        s = uow.session
        sh = _load(s, share_id)
        check_version(sh, expected_version)
        if sh.shared_on is not None:
            raise RuleViolation(
                f"信息共享 {sh.serial} 已于{cn_date(sh.shared_on)}共享。"
                "如需更正共享日期，请使用“修改”。"
            )
        data, _version = _as_input(sh)
        data.shared_on, data.method, data.late_reason = shared_on, method, late_reason
        found = _checked(s, data, [o.id for o in sh.counterparts])
        before = _snapshot(sh)
        for key in ("shared_on", "method", "late_reason"):
            setattr(sh, key, found.values[key])
        _run_clock(sh)
        uow.flush()
        b, a = audit.diff(before, _snapshot(sh))
        summary = f"{sh.serial} 登记共享（{_how(sh)}）"
        uow.audit(AuditAction.STATUS, RECORD, sh.id, summary, before=b, after=a)


def add_files(ctx: ServiceContext, share_id: int, files: Sequence[Path]) -> list[int]:
    """Attach files to an item (all or none); returns the attachment ids."""
    if not files:
        raise InvalidInput({"files": "请选择要添加的文件"})
    with ctx.uow() as uow:
        _load(uow.session, share_id)
        return _store_files(uow, share_id, files)


# --- reading -------------------------------------------------------------------------


def _as_input(sh: InfoShare) -> tuple[ShareInput, int]:
    data = ShareInput(
        direction=sh.direction,
        category=sh.category,
        title=sh.title,
        summary=sh.summary,
        counterpart_ids=[o.id for o in sh.counterparts],
        formed_on=sh.formed_on,
        shared_on=sh.shared_on,
        method=sh.method,
        late_reason=sh.late_reason,
        note=sh.note,
    )
    return data, sh.version


def get(ctx: ServiceContext, share_id: int) -> InfoShare:
    """The item with its counterparts loaded."""
    with ctx.read() as s:
        return _load(s, share_id, ctx)


def list_files(ctx: ServiceContext, share_id: int) -> list[Attachment]:
    with ctx.read() as s:
        _load(s, share_id, ctx)
    return attachments.list_for(ctx, RECORD, share_id)


def history(ctx: ServiceContext, share_id: int) -> list[HistoryRow]:
    """The item's audit entries, oldest first."""
    with ctx.read() as s:
        _load(s, share_id, ctx)
        return record_history(s, RECORD, InfoShare, share_id)


def allowed_actions(ctx: ServiceContext, share_id: int) -> set[str]:
    """Of {"edit", "share", "files"}: "share" while the item is not shared yet."""
    sh = get(ctx, share_id)
    if scope.receiver_only(ctx, sh, None) is not None:  # another organisation's: to read
        return set()
    return {"edit", "files"} | ({"share"} if sh.shared_on is None else set())
