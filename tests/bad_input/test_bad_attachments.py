"""Bad input: attachments that are missing, unreadable, too big, named alike,
picked twice, or that meet a full disk half-way."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop_app.domain.terms import RecordType
from desktop_app.services import attachments, settings
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, ServiceError
from desktop_app.storage.models import Attachment

MB = 1024 * 1024


def make(folder: Path, name: str, data: bytes = b"evidence") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def files_in_store(ctx: ServiceContext) -> list[Path]:
    assert ctx.paths is not None
    return sorted(p for p in ctx.paths.attachments.rglob("*") if p.is_file())


def rows(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        return int(s.execute(select(func.count(Attachment.id))).scalar() or 0)


def store(ctx: ServiceContext, *sources: Path, record_id: int = 7) -> list[int]:
    with ctx.uow() as uow:
        return [attachments.store(uow, RecordType.REFERRAL, record_id, p).id for p in sources]


def assert_nothing_kept(ctx: ServiceContext) -> None:
    assert rows(ctx) == 0
    assert files_in_store(ctx) == []  # no partial or temporary file either


# --- missing and unreadable ------------------------------------------------------------


def test_missing_file(ctx: ServiceContext, tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match=r"找不到文件「现场照片.jpg」.*移动、改名或删除"):
        store(ctx, tmp_path / "U盘" / "现场照片.jpg")
    assert_nothing_kept(ctx)


def test_file_removed_between_choosing_and_copying(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make(tmp_path / "U盘", "笔录.pdf")

    def gone(path: Any, mode: str = "r", *a: Any, **kw: Any) -> Any:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))

    monkeypatch.setattr(attachments, "open", gone, raising=False)
    with pytest.raises(ServiceError, match=r"无法读取「笔录.pdf」"):
        store(ctx, source)
    assert_nothing_kept(ctx)


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "没有读取权限.*其他程序"),
        (OSError(errno.EIO, "Input/output error"), "无法读取「询问笔录.docx」：Input/output error"),
    ],
)
def test_unreadable_file(
    ctx: ServiceContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    exc: OSError,
    message: str,
) -> None:
    source = make(tmp_path / "文档", "询问笔录.docx")

    def refuse(path: Any, mode: str = "r", *a: Any, **kw: Any) -> Any:
        raise exc

    monkeypatch.setattr(attachments, "open", refuse, raising=False)
    with pytest.raises(ServiceError, match=message):
        store(ctx, source)
    assert_nothing_kept(ctx)


# --- size limit from the settings ------------------------------------------------------


def test_size_limit_setting_is_declared() -> None:
    spec = settings.SPEC_BY_KEY["attachment_max_mb"]
    assert spec.kind is int and spec.default == attachments.MAX_BYTES // MB
    assert spec.max_value == attachments.MAX_BYTES // MB


def test_size_limit_setting_lowers_the_limit(ctx: ServiceContext, tmp_path: Path) -> None:
    settings.save(ctx, {"attachment_max_mb": 1})
    big = make(tmp_path / "录像", "监控录像.mp4", b"v" * (MB + 1))
    with pytest.raises(ServiceError, match=r"「监控录像.mp4」太大（1 MB），附件不能超过1 MB"):
        store(ctx, big)
    assert_nothing_kept(ctx)
    assert store(ctx, make(tmp_path / "录像", "截图.png", b"p" * MB))  # exactly the limit


def test_size_limit_cannot_exceed_the_ceiling(ctx: ServiceContext) -> None:
    with pytest.raises(InvalidInput, match="不能大于200"):
        settings.save(ctx, {"attachment_max_mb": 201})
    settings.save(ctx, {"attachment_max_mb": 0})  # 0: the ceiling
    with ctx.read() as s:
        assert attachments.limit_bytes(s) == attachments.MAX_BYTES


def test_huge_file_is_refused_before_copying(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make(tmp_path / "录像", "执法记录仪.mp4")
    real_stat = Path.stat

    def huge(self: Path, **kw: Any) -> Any:
        st = real_stat(self, **kw)
        if self.name != "执法记录仪.mp4":
            return st
        return type("S", (), {"st_size": 5 * 1024 * MB, "st_mode": st.st_mode})()

    opened: list[Any] = []
    monkeypatch.setattr(Path, "stat", huge)
    monkeypatch.setattr(attachments, "open", lambda *a, **kw: opened.append(a), raising=False)
    with pytest.raises(ServiceError, match=r"太大（5120 MB），附件不能超过200 MB"):
        store(ctx, source)
    assert opened == []  # not even opened
    monkeypatch.undo()
    assert_nothing_kept(ctx)


# --- same names, same files ------------------------------------------------------------


def test_two_different_files_with_the_same_name_are_both_kept(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    first = make(tmp_path / "上午", "现场照片.jpg", b"morning photo")
    second = make(tmp_path / "下午", "现场照片.jpg", b"afternoon photo")
    a, b = store(ctx, first, second)
    assert attachments.path_of(ctx, a).read_bytes() == b"morning photo"
    assert attachments.path_of(ctx, b).read_bytes() == b"afternoon photo"
    names = [x.original_name for x in attachments.list_for(ctx, RecordType.REFERRAL, 7)]
    assert names == ["现场照片.jpg", "现场照片.jpg"]
    # and again in a later unit of work: still nothing overwritten
    (c,) = store(ctx, make(tmp_path / "晚上", "现场照片.jpg", b"evening photo"))
    assert attachments.path_of(ctx, a).read_bytes() == b"morning photo"
    assert attachments.path_of(ctx, c).read_bytes() == b"evening photo"
    assert len(files_in_store(ctx)) == 3


def test_the_same_file_picked_twice_is_refused_with_a_message(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    source = make(tmp_path / "文档", "检查记录.pdf")
    with pytest.raises(ServiceError, match=r"「检查记录\.pdf」被选了两次，只需添加一次"):
        store(ctx, source, source)
    assert_nothing_kept(ctx)


def test_a_copy_under_another_name_is_another_attachment(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    a = make(tmp_path / "文档", "检查记录.pdf", b"same bytes")
    b = make(tmp_path / "文档", "检查记录 - 副本.pdf", b"same bytes")
    first, second = store(ctx, a, b)
    assert attachments.get(ctx, first).sha256 == attachments.get(ctx, second).sha256
    assert len(files_in_store(ctx)) == 2


def test_the_same_path_spelled_differently_is_still_the_same_file(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    source = make(tmp_path / "文档", "检查记录.pdf")
    again = tmp_path / "文档" / ".." / "文档" / "检查记录.pdf"
    with pytest.raises(ServiceError, match="被选了两次"):
        store(ctx, source, again)
    assert_nothing_kept(ctx)


def test_the_same_file_for_two_records_is_fine(ctx: ServiceContext, tmp_path: Path) -> None:
    source = make(tmp_path / "文档", "会议纪要.pdf")
    with ctx.uow() as uow:
        attachments.store(uow, RecordType.REFERRAL, 7, source)
        attachments.store(uow, RecordType.REFERRAL, 8, source)
    assert rows(ctx) == 2


# --- disk full during the copy ---------------------------------------------------------


class _FullDisk:
    """A file object whose writes (or fsync) fail with ENOSPC after ``after`` bytes."""

    def __init__(self, real: Any, after: int) -> None:
        self.real, self.left = real, after

    def write(self, data: bytes) -> int:
        if len(data) > self.left:
            self.real.write(data[: self.left])  # a partial file really is on disk
            self.left = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self.left -= len(data)
        return int(self.real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


@pytest.mark.parametrize("where", ["write", "fsync", "rename"])
def test_disk_full_during_the_copy(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    source = make(tmp_path / "U盘", "现场录音.m4a", os.urandom(3 * MB))
    full = OSError(errno.ENOSPC, "No space left on device")
    if where == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(
            attachments.os, "fdopen", lambda fd, mode: _FullDisk(real_fdopen(fd, mode), MB)
        )
    elif where == "fsync":

        def no_room(fd: int) -> None:
            raise full

        monkeypatch.setattr(attachments.os, "fsync", no_room)
    else:

        def no_rename(a: Any, b: Any) -> None:
            raise full

        monkeypatch.setattr(attachments.os, "replace", no_rename)
    with pytest.raises(
        ServiceError, match=r"磁盘空间已满，「现场录音.m4a」未能保存。请清理磁盘后重试"
    ):
        store(ctx, source)
    monkeypatch.undo()
    assert_nothing_kept(ctx)
    # once there is room again the same file goes in
    assert store(ctx, source) and len(files_in_store(ctx)) == 1
