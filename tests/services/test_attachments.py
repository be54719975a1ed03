"""Attachments: copied into the data folder with their SHA-256; refused with a clear
reason; never left behind when the unit of work that copied them does not commit."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop_app.domain import clock
from desktop_app.domain.terms import AuditAction, RecordType
from desktop_app.services import attachments
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.storage.models import Attachment, AuditEntry

NOW = datetime(2026, 11, 29, 10, 0)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def make(tmp_path: Path, name: str, data: bytes = b"evidence bytes") -> Path:
    folder = tmp_path / "outside"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def stored_files(ctx: ServiceContext) -> list[Path]:
    assert ctx.paths is not None
    return sorted(p for p in ctx.paths.attachments.rglob("*") if p.is_file())


def count(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count(Attachment.id))).scalar() or 0)


def store(ctx: ServiceContext, source: Path, category: str | None = None) -> int:
    with ctx.uow() as uow:
        return attachments.store(uow, RecordType.REFERRAL, 7, source, category).id


def test_store_copies_with_hash_original_name_and_year_folder(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    data = b"%PDF-1.4 scanned inspection record\n" * 1000
    source = make(tmp_path, "现场检查记录𠀀🙂.PDF", data)
    att_id = store(ctx, source, "现场检查记录")
    [att] = attachments.list_for(ctx, RecordType.REFERRAL, 7)
    assert att.id == att_id
    assert att.original_name == "现场检查记录𠀀🙂.PDF"  # rare characters kept intact
    assert att.sha256 == hashlib.sha256(data).hexdigest() and att.size == len(data)
    assert att.category == "现场检查记录" and att.added_at == NOW
    year, name = att.stored_name.split("/")
    assert year == "2026" and name.endswith(".pdf") and len(name) == 32 + 4
    path = attachments.path_of(ctx, att_id)
    assert path.read_bytes() == data and path.parent.name == "2026"
    assert source.exists()  # the original stays where it was
    assert stored_files(ctx) == [path]  # no temporary file left behind
    with ctx.read() as s:
        entry = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
    assert entry is not None and entry.action == AuditAction.CREATE
    assert entry.record_type == "referral" and entry.record_id == 7
    assert "现场检查记录𠀀🙂.PDF" in (entry.summary or "")


def test_odd_suffix_is_not_used_in_the_stored_name(ctx: ServiceContext, tmp_path: Path) -> None:
    att_id = store(ctx, make(tmp_path, "说明.这是一个很长很长的后缀名称"))
    assert "." not in attachments.get(ctx, att_id).stored_name.split("/")[1]


@pytest.mark.sqlite_only  # a server's copy is refetched: tests/services/test_file_store.py
def test_path_of_detects_a_changed_or_missing_file(ctx: ServiceContext, tmp_path: Path) -> None:
    att_id = store(ctx, make(tmp_path, "照片.jpg", b"jpeg data"))
    path = attachments.path_of(ctx, att_id)
    path.write_bytes(b"jpeg data, edited")
    with pytest.raises(ServiceError, match=r"照片.jpg.*不一致"):
        attachments.path_of(ctx, att_id)
    path.unlink()
    with pytest.raises(ServiceError, match=r"照片.jpg.*不见了"):
        attachments.path_of(ctx, att_id)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "找不到文件「不存在.pdf」"),
        ("folder", "「一个文件夹」是文件夹"),
        ("empty", "「空文件.txt」是空文件"),
        ("too_big", "「大文件.zip」太大.*不能超过200 MB"),
        ("inside_data", "「referral.sqlite」位于本系统的数据文件夹中"),
        ("data_folder", "位于本系统的数据文件夹中"),
    ],
)
def test_refusals_name_the_file_and_write_nothing(
    ctx: ServiceContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    message: str,
) -> None:
    assert ctx.paths is not None
    if case == "missing":
        source = tmp_path / "不存在.pdf"
    elif case == "folder":
        source = tmp_path / "一个文件夹"
        source.mkdir()
    elif case == "empty":
        source = make(tmp_path, "空文件.txt", b"")
    elif case == "too_big":
        source = make(tmp_path, "大文件.zip", b"x" * 2048)
        monkeypatch.setattr(attachments, "MAX_BYTES", 1024)
        message = "「大文件.zip」太大.*不能超过0 MB"  # the limit as configured, in MB
    elif case == "inside_data":
        source = ctx.paths.root / "referral.sqlite"
        source.write_bytes(b"not an attachment")
    else:
        source = ctx.paths.root
    before = count(ctx)
    with pytest.raises(ServiceError, match=message):
        store(ctx, source)
    assert count(ctx) == before
    assert stored_files(ctx) == []


def test_limit_message_says_200_mb(ctx: ServiceContext, tmp_path: Path) -> None:
    source = make(tmp_path, "录像.mp4", b"x")
    real_stat = Path.stat

    def huge(self: Path, **kw: Any) -> Any:
        st = real_stat(self, **kw)
        if self.name != "录像.mp4":
            return st
        return type("S", (), {"st_size": 300 * 1024 * 1024, "st_mode": st.st_mode})()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Path, "stat", huge)
        with pytest.raises(ServiceError, match=r"「录像.mp4」太大（300 MB），附件不能超过200 MB"):
            store(ctx, source)
    assert stored_files(ctx) == []


def test_unreadable_file_open_in_another_program(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make(tmp_path, "询问笔录.docx")

    def locked(path: Any, mode: str = "r", *a: Any, **kw: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(attachments, "open", locked, raising=False)
    with pytest.raises(ServiceError, match=r"无法读取「询问笔录.docx」.*其他程序"):
        store(ctx, source)
    assert count(ctx) == 0 and stored_files(ctx) == []


def test_read_error_half_way_leaves_no_partial_file(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make(tmp_path, "U盘文件.pdf", b"y" * 10)

    class Flaky(io.BytesIO):
        def read(self, n: int | None = -1) -> bytes:
            if self.tell():
                raise OSError(5, "Input/output error")
            return super().read(4)

    monkeypatch.setattr(attachments, "open", lambda *a, **kw: Flaky(b"y" * 10), raising=False)
    with pytest.raises(ServiceError, match=r"无法读取「U盘文件.pdf」：Input/output error"):
        store(ctx, source)
    assert count(ctx) == 0 and stored_files(ctx) == []


def test_file_growing_past_the_limit_while_copied(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make(tmp_path, "增长中.log", b"z" * 8)
    monkeypatch.setattr(attachments, "MAX_BYTES", 16)
    monkeypatch.setattr(attachments, "open", lambda *a, **kw: io.BytesIO(b"z" * 40), raising=False)
    with pytest.raises(ServiceError, match=r"「增长中.log」太大"):
        store(ctx, source)
    assert stored_files(ctx) == []


def test_rollback_of_the_unit_of_work_removes_the_copy(ctx: ServiceContext, tmp_path: Path) -> None:
    source = make(tmp_path, "证据.png", b"png")
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        attachments.store(uow, RecordType.REFERRAL, 7, source)
        assert len(stored_files(ctx)) == 1  # copied …
        raise RuntimeError("a later step of the same use case fails")
    assert stored_files(ctx) == [] and count(ctx) == 0  # … and removed again


def test_a_session_closed_without_commit_removes_the_copy(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    uow = ctx.uow().__enter__()
    attachments.store(uow, RecordType.REFERRAL, 7, make(tmp_path, "a.txt"))
    assert len(stored_files(ctx)) == 1
    uow.session.close()
    assert stored_files(ctx) == []


def test_discard_deletes_the_file_only_when_committed(ctx: ServiceContext, tmp_path: Path) -> None:
    att_id = store(ctx, make(tmp_path, "旧照片.jpg"))
    [path] = stored_files(ctx)
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        attachments.discard(uow, att_id)
        raise RuntimeError("changed my mind")
    assert path.exists() and count(ctx) == 1
    with ctx.uow() as uow:
        attachments.discard(uow, att_id)
        assert path.exists()  # not before the commit
    assert not path.exists() and count(ctx) == 0


def test_two_copies_of_the_same_file_are_two_attachments(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    source = make(tmp_path, "同一文件.pdf")
    first, second = store(ctx, source), store(ctx, source)
    assert first != second
    assert attachments.get(ctx, first).sha256 == attachments.get(ctx, second).sha256
    assert len(stored_files(ctx)) == 2
