"""What every service needs: the database and who is operating.

A use case is one function taking a :class:`ServiceContext`; inside, it opens
exactly one unit of work (``with ctx.uow() as uow:``), so everything it
writes — records and their audit entries — commits or rolls back together.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import String, event, inspect
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.domain.terms import AuditAction
from desktop_app.paths import DataPaths
from desktop_app.services import audit
from desktop_app.services.errors import Conflict, InvalidInput, PermissionDenied, ServiceError
from desktop_app.storage.db import Database
from desktop_app.storage.models import AuditEntry

ADMIN, OFFICER, VIEWER = "admin", "officer", "viewer"  # AccountRole codes
DATA_KEY = "data_key"  # Session.info: the context's data key, for services/identity.py
ORG_KEY = "org_id"  # Session.info: the acting organisation, for services/scope.py
# Session.info: (table, id) of another organisation's records this unit of work may
# change as their receiver (a department signing for a township's transfer).
RECEIVER_KEY = "receiver_may"
READ_ONLY_MESSAGE = "「查阅」账户只能查看，不能修改数据。"
ADMIN_MESSAGE = "只有管理员可以{what}。"


@dataclass
class ServiceContext:
    """``role`` is the logged-in account's role (``AccountRole`` code); None for
    headless commands and tests run by whoever has the data folder, with no
    limits (the folder's file permissions are the limit there)."""

    db: Database
    paths: DataPaths | None = None
    operator_id: int | None = None
    operator_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    role: str | None = None
    account_id: int | None = None
    # The unlocked data key of the complainants' identity (services/identity.py):
    # set by accounts.LoggedIn.context; None for headless commands and old tests.
    data_key: bytes | None = field(default=None, repr=False)
    # The organisation the logged-in account acts for (its staff member's township,
    # county department or county government; set by accounts.LoggedIn.context).
    # None: the township of the settings (``township_org_id``), as in a database
    # of one township; services/scope.py resolves it.
    org_id: int | None = None
    org_kind: str | None = None  # OrgKind code of ``org_id``

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self)

    @property
    def read_only(self) -> bool:
        return self.role == VIEWER

    @property
    def is_admin(self) -> bool:
        return self.role in (None, ADMIN)

    def require_admin(self, what: str) -> None:
        """Settings, accounts and restore: 管理员 only."""
        if not self.is_admin:
            raise PermissionDenied(ADMIN_MESSAGE.format(what=what))

    def require_writer(self) -> None:
        if self.read_only:
            raise PermissionDenied(READ_ONLY_MESSAGE)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read() as session:
            session.info[DATA_KEY] = self.data_key
            session.info[ORG_KEY] = self.org_id
            yield session

    def as_operator(
        self,
        staff_id: int | None,
        name: str | None,
        role: str | None = None,
        account_id: int | None = None,
        data_key: bytes | None = None,
    ) -> ServiceContext:
        """Acting as another operator; the unlocked data key and the acting
        organisation are carried over (``data_key`` replaces the key, for a new log-in)."""
        key = data_key if data_key is not None else self.data_key
        return ServiceContext(
            self.db,
            self.paths,
            staff_id,
            name,
            self.extra,
            role,
            account_id,
            key,
            self.org_id,
            self.org_kind,
        )

    @property
    def data_dir(self) -> Path | None:
        return self.paths.root if self.paths else None


class UnitOfWork:
    """One write transaction (BEGIN IMMEDIATE on SQLite) plus the audit trail."""

    session: Session

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def __enter__(self) -> Self:
        self.session = self.ctx.db.write_session()
        self.session.info[DATA_KEY] = self.ctx.data_key
        self.session.info[ORG_KEY] = self.ctx.org_id
        if self.ctx.read_only:  # a 查阅 account writes nothing but the audit trail
            event.listen(self.session, "before_flush", _audit_only)
        event.listen(self.session, "before_flush", _check_lengths)
        event.listen(self.session, "before_flush", _stamp_owner)
        if self.ctx.org_id is not None:
            event.listen(self.session, "before_flush", _only_ours)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                try:
                    self.session.commit()
                except StaleDataError as err:
                    self.session.rollback()
                    raise Conflict("这条记录已被其他人修改，请刷新后重新操作。") from err
                except IntegrityError as err:
                    self.session.rollback()
                    raise ServiceError(f"保存失败，数据不完整或重复：{err.orig}") from err
                except OperationalError as err:
                    self.session.rollback()
                    raise ServiceError(_operational_message(err)) from err
            else:
                self.session.rollback()
                if isinstance(exc, OperationalError):  # a full disk, a lock met mid-way:
                    # the clerk gets the sentence, not SQLite's text with its parameters
                    raise ServiceError(_operational_message(exc)) from exc
        finally:
            self.session.close()

    def flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError as err:
            raise Conflict("这条记录已被其他人修改，请刷新后重新操作。") from err
        except OperationalError as err:
            raise ServiceError(_operational_message(err)) from err

    def audit(
        self,
        action: AuditAction,
        record_type: str | None = None,
        record_id: int | None = None,
        summary: str | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        audit.append(
            self.session,
            operator_id=self.ctx.operator_id,
            operator_name=self.ctx.operator_name,
            action=action,
            record_type=record_type,
            record_id=record_id,
            summary=summary,
            before=before,
            after=after,
        )


def _stamp_owner(session: Session, _context: Any, _instances: Any) -> None:
    """A new ledger record or document belongs to the acting organisation."""
    from desktop_app.services import scope

    scope.stamp_new(session)


FOREIGN_MESSAGE = "这条记录属于{owner}，本单位只能查看，不能修改或删除。"


def _only_ours(session: Session, _context: Any, _instances: Any) -> None:
    """An account changes or deletes only its own organisation's records (and
    ownerless ones), and adds, changes or removes rows of them (attachments,
    materials, complainants, rounds …) only on those; what another organisation
    sent it is there to read, except the steps that are the receiver's own
    (:data:`RECEIVER_KEY`)."""
    from desktop_app.services import scope
    from desktop_app.storage.models import Organisation

    own = session.info.get(ORG_KEY)
    if own is None:
        return
    allowed = session.info.get(RECEIVER_KEY, set())
    records: list[Any] = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if scope.has_owner(type(obj)):
            if obj not in session.new:
                records.append(obj)
        else:
            records.extend(scope.parents(session, obj))
    for record in records:
        if (record.__tablename__, record.id) in allowed:
            continue
        state = inspect(record).committed_state
        owner = state.get("owner_org_id", record.owner_org_id)
        if owner is not None and owner != own:
            org = session.get(Organisation, owner)
            raise PermissionDenied(FOREIGN_MESSAGE.format(owner=org.name if org else "其他单位"))


def _audit_only(session: Session, _context: Any, _instances: Any) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    if any(not isinstance(obj, AuditEntry) for obj in changed):
        raise PermissionDenied(READ_ONLY_MESSAGE)


# Reference-data fields the ledgers' FIELD_LABELS do not name.
OTHER_LABELS = {
    "name": "名称（姓名）",
    "short_name": "简称",
    "position": "职务",
    "phone": "电话",
    "certificate_number": "执法证号",
    "login_name": "登录名",
    "code": "编码",
    "number": "文号",
}


def _check_lengths(session: Session, _context: Any, _instances: Any) -> None:
    """VARCHAR(n) limits, the same on every database: PostgreSQL enforces them
    (with an English DataError), SQLite never does. The forms check their own
    fields first; this is the last line for whatever reaches the database."""
    problems: dict[str, str] = {}
    for obj in (*session.new, *session.dirty):
        for attr in inspect(obj).mapper.column_attrs:
            column = attr.columns[0]
            limit = getattr(column.type, "length", None)
            if not limit or not isinstance(column.type, String):
                continue
            value = getattr(obj, attr.key, None)
            if isinstance(value, str) and len(value) > limit:
                from desktop_app.services.records import FIELD_LABELS

                label = FIELD_LABELS.get(attr.key) or OTHER_LABELS.get(attr.key, attr.key)
                problems[attr.key] = f"「{label}」不能超过{limit}个字（现有{len(value)}个字）"
    if problems:
        raise InvalidInput(problems)


def check_version(obj: Any, expected: int | None) -> None:
    """Optimistic locking for edits made in a form: the record must still be
    at the version the user loaded, or someone else saved in between."""
    if expected is not None and getattr(obj, "version", None) != expected:
        raise Conflict("这条记录在您编辑期间已被其他人修改。请关闭窗口、刷新后重新编辑。")


def _operational_message(err: OperationalError) -> str:
    text = str(err.orig)
    if "locked" in text:
        return "数据库正被其他程序占用，请稍后再试。"
    if "full" in text:
        return "磁盘空间已满，未能保存。请清理磁盘后重试，填写的内容仍保留在窗口中。"
    if "readonly" in text:
        return "数据库是只读的，无法保存。请检查数据文件夹的权限。"
    return f"数据库错误：{text}"
