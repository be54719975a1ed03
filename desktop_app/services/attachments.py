"""Attachments (证据/材料): files copied into the data folder, SHA-256 recorded.

A file is copied to ``<data>/attachments/<year>/<uuid4 hex><suffix>`` through a
temporary file in the same folder (written, fsync'ed, then renamed), so a power
cut never leaves half a file under a registered name. The original name is
kept in the database; the stored name never depends on it.

The copy belongs to the unit of work that made it: if that transaction does
not commit (an error later in the same use case, a failed commit), the copy
is deleted again. This is done with two session events registered on the
unit of work's session (``after_commit`` keeps the files, the end of the root
transaction without a commit removes them), so a caller needs no cleanup code
of its own. Likewise :func:`discard` deletes a file only once the removal has
been committed.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.services import file_store, scope
from desktop_app.services import settings as settings_service
from desktop_app.services.context import ServiceContext, UnitOfWork
from desktop_app.services.errors import NotFound, ServiceError
from desktop_app.storage.models import Attachment

log = logging.getLogger(__name__)

MAX_BYTES = settings_service.ATTACHMENT_CEILING_MB * 1024 * 1024  # the setting may lower it
LIMIT_KEY = "attachment_max_mb"
_MB = 1024 * 1024
_CHUNK = 1024 * 1024
_MAX_SUFFIX = 16

_HOOKED = "attachments.hooked"
_WRITTEN = "attachments.written"  # copies made in this transaction (deleted unless committed)
_DOOMED = "attachments.doomed"  # stored files to delete once this transaction commits
_SEEN = "attachments.seen"  # (record type, id, source path) stored in this transaction


# --- files follow the transaction ------------------------------------------------------


def _on_commit(session: Session) -> None:
    session.info[_WRITTEN] = []
    session.info[_SEEN] = set()
    for path in session.info.get(_DOOMED, []):
        try:
            path.unlink(missing_ok=True)
        except OSError:  # open in a viewer (Windows): the row is gone, the file stays
            log.warning("附件文件未能删除：%s", path)
    session.info[_DOOMED] = []


def _on_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    for path in session.info.get(_WRITTEN, []):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("回滚后未能删除附件副本：%s", path)
    session.info[_WRITTEN] = []
    session.info[_DOOMED] = []
    session.info[_SEEN] = set()


def _hook(session: Session) -> None:
    if not session.info.get(_HOOKED):
        session.info[_HOOKED] = True
        event.listen(session, "after_commit", _on_commit)
        event.listen(session, "after_transaction_end", _on_end)
    session.connection()  # begin now, so the end of this transaction is seen


# --- copying ---------------------------------------------------------------------------


def _mb(size: int) -> str:
    return f"{size / _MB:.1f}".rstrip("0").rstrip(".")


def human_size(size: int) -> str:
    """1.5 MB / 320 KB / 12 字节, for messages and the attachment list."""
    if size >= _MB:
        return f"{_mb(size)} MB"
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return f"{size} 字节"


def limit_bytes(session: Session) -> int:
    """The largest attachment allowed now: the 附件大小上限 setting, never above
    :data:`MAX_BYTES` (0 or no setting: :data:`MAX_BYTES`)."""
    value = settings_service.read_all(session).get(LIMIT_KEY)
    try:
        mb = int(value or 0)
    except (TypeError, ValueError):
        mb = 0
    return min(mb * _MB, MAX_BYTES) if mb > 0 else MAX_BYTES


def _too_big(name: str, limit: int, size: int | None = None) -> ServiceError:
    have = f"（{_mb(size)} MB）" if size is not None else ""
    return ServiceError(
        f"「{name}」太大{have}，附件不能超过{limit // _MB} MB。请压缩或拆分后再添加。"
    )


def _unreadable(name: str, exc: OSError) -> ServiceError:
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return ServiceError(
            f"无法读取「{name}」：没有读取权限，或文件正被其他程序（如 Word、WPS、看图软件）"
            "打开。请关闭该程序后重试。"
        )
    return ServiceError(f"无法读取「{name}」：{exc.strerror or exc}")


def _write_failed(name: str, exc: OSError) -> ServiceError:
    if exc.errno == errno.ENOSPC:
        return ServiceError(f"磁盘空间已满，「{name}」未能保存。请清理磁盘后重试。")
    return ServiceError(f"「{name}」未能保存到数据文件夹：{exc.strerror or exc}")


def _suffix(source: Path) -> str:
    suffix = source.suffix.lower()
    if len(suffix) > _MAX_SUFFIX or not suffix[1:].isascii() or not suffix[1:].isalnum():
        return ""
    return suffix


def _fit_name(name: str, limit: int = 255) -> str:
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) < 20:
        return stem[: limit - len(ext) - 2] + "…." + ext
    return name[: limit - 1] + "…"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _check_source(ctx: ServiceContext, source: Path, limit: int) -> tuple[str, int]:
    assert ctx.paths is not None
    name = source.name or str(source)
    try:
        resolved = source.resolve()
        root = ctx.paths.root.resolve()
    except OSError as exc:
        raise _unreadable(name, exc) from exc
    if _inside(resolved, root):
        raise ServiceError(
            f"「{name}」位于本系统的数据文件夹中，不能作为附件添加。"
            "请选择原始文件（例如从U盘、桌面或“文档”中选择）。"
        )
    if not source.exists():
        raise ServiceError(f"找不到文件「{name}」（{source}），它可能已被移动、改名或删除。")
    if source.is_dir():
        raise ServiceError(f"「{name}」是文件夹，不是文件。请打开文件夹，选择其中的文件。")
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise _unreadable(name, exc) from exc
    if size == 0:
        raise ServiceError(f"「{name}」是空文件（0字节），没有内容，未添加。")
    if size > limit:
        raise _too_big(name, limit, size)
    return name, size


def _copy(source: Path, target: Path, name: str, limit: int) -> tuple[str, int]:
    """Stream ``source`` to ``target`` (temp file, fsync, rename); SHA-256 and size."""
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-", suffix=".part")
    except OSError as exc:
        raise _write_failed(name, exc) from exc
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                src = open(source, "rb")  # noqa: SIM115 - closed below; a test patches open
            except OSError as exc:
                raise _unreadable(name, exc) from exc
            with src:
                while True:
                    try:
                        chunk = src.read(_CHUNK)
                    except OSError as exc:
                        raise _unreadable(name, exc) from exc
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limit:
                        raise _too_big(name, limit)
                    digest.update(chunk)
                    try:
                        out.write(chunk)
                    except OSError as exc:
                        raise _write_failed(name, exc) from exc
            try:
                out.flush()
                os.fsync(out.fileno())
            except OSError as exc:
                raise _write_failed(name, exc) from exc
        if size == 0:
            raise ServiceError(f"「{name}」是空文件（0字节），没有内容，未添加。")
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise _write_failed(name, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)
    return digest.hexdigest(), size


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory fsync."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- use cases -------------------------------------------------------------------------


def store(
    uow: UnitOfWork,
    record_type: RecordType | str,
    record_id: int,
    source: Path,
    category: str | None = None,
) -> Attachment:
    """Copy ``source`` into the data folder and register it for a record.

    Runs inside the caller's unit of work: if that does not commit, the copy
    is removed again. Refuses (ServiceError, naming the file) a missing file,
    a folder, an empty file, a file over the size limit (:func:`limit_bytes`),
    an unreadable one, anything inside the data folder itself, and the same
    file (path) picked twice for one record in one unit of work. Files of the
    same name are stored under different names, so neither overwrites the
    other; identical content under another name, or added again later, is
    another attachment (the SHA-256 is recorded for each).
    """
    ctx = uow.ctx
    if ctx.paths is None:
        raise ServiceError("未设置数据文件夹，无法保存附件。")
    kind = RecordType(record_type)
    source = Path(source)
    limit = limit_bytes(uow.session)
    name, _ = _check_source(ctx, source, limit)
    picked = (kind.value, record_id, os.path.normcase(os.path.abspath(source)))
    seen: set[tuple[str, int, str]] = uow.session.info.setdefault(_SEEN, set())
    if picked in seen:
        raise ServiceError(f"「{name}」被选了两次，只需添加一次。请去掉重复的文件后重试。")
    year = clock.now().year
    folder = ctx.paths.attachments / str(year)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_failed(name, exc) from exc
    stored = f"{uuid.uuid4().hex}{_suffix(source)}"
    target = folder / stored
    _hook(uow.session)
    digest, size = _copy(source, target, name, limit)
    uow.session.info.setdefault(_WRITTEN, []).append(target)
    seen.add(picked)
    category = (category or "").strip()[:40] or None
    att = Attachment(
        record_type=kind.value,
        record_id=record_id,
        category=category,
        original_name=_fit_name(name),
        stored_name=f"{year}/{stored}",
        size=size,
        sha256=digest,
        added_at=clock.now(),
        added_by_id=ctx.operator_id,
    )
    uow.session.add(att)
    if file_store.in_database(uow.session):  # a shared server: every PC reads it there
        file_store.put_file(uow.session, digest, target)
    uow.flush()
    uow.audit(
        AuditAction.CREATE,
        kind,
        record_id,
        f"添加附件：{att.original_name}（{human_size(size)}）",
        after={
            "attachment_id": att.id,
            "original_name": att.original_name,
            "category": category,
            "size": size,
            "sha256": digest,
        },
    )
    return att


def discard(uow: UnitOfWork, attachment_id: int) -> None:
    """Remove an attachment; its file is deleted once the unit of work commits."""
    att = uow.session.get(Attachment, attachment_id)
    if att is None:
        return
    info: dict[str, Any] = {
        "attachment_id": att.id,
        "original_name": att.original_name,
        "sha256": att.sha256,
    }
    if uow.ctx.paths is not None:
        _hook(uow.session)
        uow.session.info.setdefault(_DOOMED, []).append(uow.ctx.paths.attachments / att.stored_name)
    uow.session.delete(att)
    uow.flush()
    if file_store.in_database(uow.session):
        file_store.release(uow.session, att.sha256)
    uow.audit(
        AuditAction.DELETE,
        att.record_type,
        att.record_id,
        f"删除附件：{att.original_name}",
        before=info,
    )


def _hidden(session: Session, ctx: ServiceContext, record_type: str, record_id: int) -> bool:
    """The record an attachment belongs to is another organisation's and not ``ctx``'s
    to see (services/scope.py): its files are not either."""
    if scope.sees_everything(ctx):
        return False
    model = scope.owned_model(record_type)
    return model is not None and scope.get_visible(session, model, record_id, ctx) is None


def get(ctx: ServiceContext, attachment_id: int) -> Attachment:
    """The attachment, if ``ctx`` may see the record it belongs to."""
    with ctx.read() as s:
        att = s.get(Attachment, attachment_id)
        if att is None or _hidden(s, ctx, att.record_type, att.record_id):
            raise NotFound("该附件不存在或已被删除。")
        return att


def path_of(ctx: ServiceContext, attachment_id: int) -> Path:
    """The stored file, checked: it exists and its SHA-256 is the registered one."""
    att = get(ctx, attachment_id)
    if ctx.paths is None:
        raise ServiceError("未设置数据文件夹，无法打开附件。")
    path = ctx.paths.attachments / att.stored_name
    with ctx.read() as session:  # a shared server: this PC's copy, fetched when needed
        if file_store.in_database(session):
            if file_store.local_copy_ok(path, att.sha256):
                return path  # checked just now
            file_store.fetch(session, att.sha256, path)
    if not path.is_file():
        raise ServiceError(
            f"附件「{att.original_name}」的文件不见了（{path}）。请从备份恢复数据文件夹。"
        )
    try:
        digest = file_store.digest_of(path)
    except OSError as exc:
        raise _unreadable(att.original_name, exc) from exc
    if digest != att.sha256:
        raise ServiceError(
            f"附件「{att.original_name}」与添加时不一致（可能被改动或损坏）：{path}\n"
            "请不要使用这个文件，可从备份恢复。"
        )
    return path


def list_for(
    ctx: ServiceContext, record_type: RecordType | str, record_id: int
) -> list[Attachment]:
    with ctx.read() as s:
        if _hidden(s, ctx, RecordType(record_type).value, record_id):
            return []
        return list(
            s.execute(
                select(Attachment)
                .where(
                    Attachment.record_type == RecordType(record_type).value,
                    Attachment.record_id == record_id,
                )
                .order_by(Attachment.id)
            ).scalars()
        )
