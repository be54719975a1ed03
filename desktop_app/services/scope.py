"""Whose records: several organisations (townships, county departments) in one database.

Every ledger record and document has an owner (``owner_org_id``): the
organisation that registered it. A logged-in account acts for its staff
member's organisation (``ServiceContext.org_id``); without one — a database of
one township, a headless command, the tests' default context — the township of
the settings (``township_org_id``) is "us", as it always was.

What a user sees (:func:`visible`): its own organisation's records and what was
sent to it — a transfer it sends or receives, an assistance request or urgent
notice addressed to it, a meeting, joint action or shared information naming
it, a complaint passed on to it, a letter addressed to it. A transfer or an
assistance request reaches its receiver when it is sent, not while it is a draft. Records without an
owner (made before any township was chosen) are everyone's. The county
government sees everything (read-only through its 查阅 role), and so does a
context with no organisation of its own account: the single-township case,
where every row has the same owner anyway.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import String, and_, case, exists, inspect, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desktop_app.domain.terms import Direction, OrgKind, RecordType
from desktop_app.services.context import ORG_KEY, RECEIVER_KEY, ServiceContext, UnitOfWork
from desktop_app.services.errors import NotFound
from desktop_app.storage.models import (
    AssistanceRequest,
    Complaint,
    CriminalTransfer,
    Dispute,
    Document,
    InfoShare,
    JointAction,
    Meeting,
    Referral,
    UrgentNotice,
    info_share_counterparts,
    meeting_organisations,
)
from desktop_app.storage.models.base import LedgerRecord
from desktop_app.storage.models.consultation import joint_action_organisations
from desktop_app.storage.types import TermType

# The organisations an account can act for; anyone else acts for the settings' township.
ACTING_KINDS = frozenset(
    {OrgKind.TOWNSHIP.value, OrgKind.COUNTY_DEPARTMENT.value, OrgKind.COUNTY_GOVERNMENT.value}
)
_SETTING_KEY = "scope.township_org_id"  # Session.info cache of the setting


def settings_township(session: Session) -> int | None:
    """The ``township_org_id`` setting (read once per session)."""
    if _SETTING_KEY not in session.info:
        from desktop_app.services import settings as settings_service

        found = settings_service.read_all(session).get("township_org_id")
        session.info[_SETTING_KEY] = int(found) if found else None
    value = session.info[_SETTING_KEY]
    return int(value) if value is not None else None


def acting_org_id(session: Session) -> int | None:
    """Who "we" are in this session: the logged-in account's organisation, else
    the settings' township; None when neither is known."""
    own = session.info.get(ORG_KEY)
    return int(own) if own is not None else settings_township(session)


def ours(model: type[Any], org_id: int | None) -> ColumnElement[bool]:
    """Rows of ``model`` that count as ``org_id``'s own: owned by it, or ownerless
    (made before a township was chosen: everyone's, and numbered past by everyone)."""
    unowned = model.owner_org_id.is_(None)
    return unowned if org_id is None else or_(model.owner_org_id == org_id, unowned)


def stamp_new(session: Session) -> None:
    """Before a flush: new ledger records and documents without an owner get the acting one."""
    unowned = [
        obj
        for obj in session.new
        if isinstance(obj, (LedgerRecord, Document)) and obj.owner_org_id is None
    ]
    owner = acting_org_id(session) if unowned else None
    for obj in unowned if owner is not None else ():
        obj.owner_org_id = owner


# What a (record type, record id) pair of an attachment, a material, a letter or
# an audit entry points at.
RECORD_TABLES = {
    RecordType.REFERRAL.value: "referrals",
    RecordType.COMPLAINT.value: "complaints",
    RecordType.INFO_SHARE.value: "info_shares",
    RecordType.MEETING.value: "meetings",
    RecordType.FOLLOW_UP.value: "follow_up_actions",
    RecordType.URGENT_NOTICE.value: "urgent_notices",
    RecordType.JOINT_ACTION.value: "joint_actions",
    RecordType.ASSISTANCE.value: "assistance_requests",
    RecordType.DISPUTE.value: "disputes",
    RecordType.CRIMINAL_TRANSFER.value: "criminal_transfers",
    RecordType.CASE.value: "cases",
    RecordType.PENALTY_MATTER.value: "penalty_matters",
    RecordType.ORGANISATION.value: "organisations",
    RecordType.STAFF.value: "staff",
    RecordType.DOCUMENT.value: "documents",
}


@functools.cache
def _owned_models() -> dict[str, type[Any]]:
    """Table name → model of every table whose rows have an owner."""
    from desktop_app.storage.models import Base

    return {m.class_.__tablename__: m.class_ for m in Base.registry.mappers if has_owner(m.class_)}


def owned_model(record_type: str | None) -> type[Any] | None:
    """The model a record type names, when its rows have an owner."""
    return _owned_models().get(RECORD_TABLES.get(str(record_type), ""))


def parents(session: Session, obj: Any) -> list[Any]:
    """The owned records a row belongs to: an attachment's or a material's record
    (its record type and id), a complainant's complaint, a negotiation round's
    dispute … (its foreign keys to owned tables). Ledger records and letters
    themselves, audit entries and reference data have none."""
    from desktop_app.storage.models import AuditEntry

    if has_owner(type(obj)) or isinstance(obj, AuditEntry):
        return []
    owned = _owned_models()
    found: list[Any] = []
    kind, rid = getattr(obj, "record_type", None), getattr(obj, "record_id", None)
    model = owned_model(kind) if kind is not None else None
    if model is not None and rid is not None:
        found.append(session.get(model, rid))
    for column in inspect(type(obj)).columns:
        for fk in column.foreign_keys:
            model = owned.get(fk.column.table.name)
            value = getattr(obj, column.key, None)
            if model is not None and value is not None:
                found.append(session.get(model, value))
    return [p for p in found if p is not None]


def has_owner(model: Any) -> bool:
    """Ledger records and documents have an owner. (A meeting's follow-up action
    has an ``owner_org_id`` too, but that is its 责任单位, not who registered it.)"""
    return isinstance(model, type) and issubclass(model, (LedgerRecord, Document))


def sees_everything(ctx: ServiceContext) -> bool:
    """No organisation of its own (single township, headless) or the county government."""
    return ctx.org_id is None or ctx.org_kind == OrgKind.COUNTY_GOVERNMENT.value


def _named(link: Any, record_col: str, record_id: Any, org_id: int) -> ColumnElement[bool]:
    # an alias: the condition also holds in a query that joins the link table itself
    named = link.alias()
    return exists().where(named.c[record_col] == record_id, named.c.organisation_id == org_id)


def sent_to(model: type[Any], org_id: int) -> ColumnElement[bool] | None:
    """Records of another owner that concern ``org_id``: sent or addressed to it."""
    if model is Referral:  # the receiver sees it once sent, not the sender's draft
        return or_(
            and_(Referral.receiver_id == org_id, Referral.sent_at.is_not(None)),
            Referral.sender_id == org_id,
        )
    if model is AssistanceRequest:  # likewise a request once sent
        return and_(
            AssistanceRequest.department_id == org_id, AssistanceRequest.sent_at.is_not(None)
        )
    if model in (UrgentNotice, Dispute):
        return model.department_id == org_id
    if model is Complaint:
        return or_(Complaint.informing_org_id == org_id, Complaint.competent_org_id == org_id)
    if model is CriminalTransfer:
        return CriminalTransfer.police_org_id == org_id
    if model is Meeting:
        return _named(meeting_organisations, "meeting_id", Meeting.id, org_id)
    if model is JointAction:
        return _named(joint_action_organisations, "joint_action_id", JointAction.id, org_id)
    if model is InfoShare:
        return _named(info_share_counterparts, "info_share_id", InfoShare.id, org_id)
    if model is Document:
        return Document.recipient_id == org_id
    return None


def visible(model: type[Any], ctx: ServiceContext) -> ColumnElement[bool] | None:
    """The SQL condition for the rows of ``model`` ``ctx`` may see; None: all of them
    (also for tables without an owner, such as the penalty catalogue)."""
    if sees_everything(ctx) or not has_owner(model):
        return None
    assert ctx.org_id is not None
    org_id = ctx.org_id
    extra = sent_to(model, org_id)
    return ours(model, org_id) if extra is None else or_(ours(model, org_id), extra)


def seen_where(model: type[Any], ctx: ServiceContext) -> list[ColumnElement[bool]]:
    """:func:`visible` as a list for ``where(*…)`` (empty: every row)."""
    cond = visible(model, ctx)
    return [] if cond is None else [cond]


def direction_seen(ctx: ServiceContext) -> ColumnElement[Any] | None:
    """A transfer's 方向 from ``ctx``'s side: another owner's 移出 to it is its 移入,
    and the other way round. None when directions read as stored."""
    if sees_everything(ctx):
        return None
    stored = type_coerce(Referral.direction, String)
    flipped = case(
        (Referral.direction == Direction.OUTGOING, Direction.INCOMING.value),
        else_=Direction.OUTGOING.value,
    )
    return type_coerce(
        case((ours(Referral, ctx.org_id), stored), else_=flipped), TermType(Direction)
    )


NOT_FOUND_MESSAGE = "该记录不存在或已被删除。"


def get_visible(
    session: Session,
    model: type[Any],
    record_id: Any,
    ctx: ServiceContext,
    options: Sequence[Any] = (),
) -> Any | None:
    """The record ``record_id`` of ``model`` if ``ctx`` may see it (:func:`visible`),
    else None — one that is not ``ctx``'s to see reads as one that does not exist."""
    if record_id is None:
        return None
    seen = visible(model, ctx)
    if seen is None:
        return session.get(model, record_id, options=list(options))
    stmt = select(model).where(model.id == record_id, seen).options(*options)
    return session.execute(stmt).scalar_one_or_none()


def require_visible(
    session: Session,
    model: type[Any],
    record_id: Any,
    ctx: ServiceContext,
    message: str = NOT_FOUND_MESSAGE,
) -> Any:
    """:func:`get_visible`, raising NotFound (``message``) for a record ``ctx`` may not see."""
    row = get_visible(session, model, record_id, ctx)
    if row is None:
        raise NotFound(message)
    return row


def own_rows(session: Session, ctx: ServiceContext) -> Callable[[type[Any]], Any]:
    """The rows of a township's own report (the monthly summary): the acting
    organisation's own and the ownerless ones; the county government's, all of them.
    Returns model → SQL condition (None: every row)."""
    if ctx.org_id is not None and ctx.org_kind == OrgKind.COUNTY_GOVERNMENT.value:
        return lambda model: None
    org_id = acting_org_id(session)
    return lambda model: ours(model, org_id) if has_owner(model) else None


def seen_rows(ctx: ServiceContext) -> Callable[[type[Any]], Any]:
    """model → :func:`visible` condition for ``ctx`` (None: every row)."""
    return lambda model: visible(model, ctx)


def let_receiver(uow: UnitOfWork, record: Any, receiver_id: int | None) -> None:
    """On a shared server the organisation a record was sent to records its own
    answer on it (a department signing for a transfer, replying to an assistance
    request, answering an urgent notice); otherwise only its owner changes it
    (services/context.py). Call right after loading ``record`` in the use case."""
    org = uow.ctx.org_id
    if org is not None and receiver_id == org and record.owner_org_id not in (None, org):
        uow.session.info.setdefault(RECEIVER_KEY, set()).add((record.__tablename__, record.id))


def receiver_only(ctx: ServiceContext, record: Any, receiver_id: int | None) -> bool | None:
    """For the buttons of another organisation's record: True when ``ctx`` is its
    receiver (its own answers only), False when it may only read it; None when
    the record is ``ctx``'s own (all its buttons apply)."""
    if ctx.org_id is None or record.owner_org_id in (None, ctx.org_id):
        return None
    return receiver_id == ctx.org_id
