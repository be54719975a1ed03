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

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.domain.terms import AuditAction
from desktop_app.paths import DataPaths
from desktop_app.services import audit
from desktop_app.services.errors import Conflict, ServiceError
from desktop_app.storage.db import Database


@dataclass
class ServiceContext:
    db: Database
    paths: DataPaths | None = None
    operator_id: int | None = None
    operator_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self)

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read() as session:
            yield session

    def as_operator(self, staff_id: int | None, name: str | None) -> ServiceContext:
        return ServiceContext(self.db, self.paths, staff_id, name, self.extra)

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
        finally:
            self.session.close()

    def flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError as err:
            raise Conflict("这条记录已被其他人修改，请刷新后重新操作。") from err

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
