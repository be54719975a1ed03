"""Injected faults: a full disk and I/O errors while the program writes.

* database full (``PRAGMA max_page_count``) during service writes: nothing is
  half-written (no record, no audit entry), the database stays healthy, and
  the same write succeeds once there is room again;
* destination full / USB pulled during a backup: a clear message, no partial
  file, the live database unaffected;
* disk full / I/O error while exporting the monthly summary: no partial file,
  an existing file is not clobbered, and the audit entry of a personal export
  is not kept;
* I/O error while storing an attachment: neither the record nor any file is kept.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fault_kit import (
    CLERK,
    audit_chain_breaks,
    clerk_id,
    complaint_input,
    fill,
    integrity,
    referral_input,
    share_input,
)
from sqlalchemy import event, func, select

from desktop_app.services import backup, complaints, info_shares, referrals, staff, summary
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.storage import sqlite
from desktop_app.storage.models import AuditEntry, Complaint, InfoShare, Referral

pytestmark = pytest.mark.sqlite_only

LONG = "村东农田露天焚烧秸秆，浓烟很大，影响附近居民出行和生活。" * 60  # ≈ 1,700 characters


@pytest.fixture
def op(ctx: ServiceContext) -> ServiceContext:
    staff.save(ctx, staff.StaffInput(name=CLERK, sees_complainants=True))
    return ctx.as_operator(clerk_id(ctx), CLERK)


def counts(ctx: ServiceContext) -> tuple[int, ...]:
    with ctx.read() as s:
        return tuple(
            int(s.execute(select(func.count()).select_from(m)).scalar() or 0)
            for m in (InfoShare, Referral, Complaint, AuditEntry)
        )


@pytest.fixture
def full_database(ctx: ServiceContext) -> Iterator[Callable[[bool], None]]:
    """``full(True)``: the database cannot grow by a single page; ``full(False)``: room again."""
    engine = ctx.db.engine
    limit: dict[str, int | None] = {"pages": None}

    def on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        if limit["pages"] is not None:
            dbapi_conn.execute(f"PRAGMA max_page_count={limit['pages']}")

    event.listen(engine, "connect", on_connect)

    def full(on: bool) -> None:
        engine.dispose()  # new connections get the limit (or lose it)
        if on:
            with engine.connect() as conn:
                limit["pages"] = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0)
            engine.dispose()
        else:
            limit["pages"] = None

    yield full
    event.remove(engine, "connect", on_connect)
    engine.dispose()


WRITES: dict[str, Callable[[ServiceContext, str], int]] = {
    "信息共享": lambda op, t: info_shares.create(op, share_input(op, t, summary=LONG * 2)),
    "移出案件": lambda op, t: referrals.create_outgoing(op, _long_referral(op, t)),
    "投诉举报": lambda op, t: complaints.register(op, _long_complaint(t)),
}


def _long_referral(op: ServiceContext, token: str) -> Any:
    data = referral_input(op, token)
    data.facts = LONG
    return data


def _long_complaint(token: str) -> Any:
    data = complaint_input(token)
    data.content = LONG
    return data


@pytest.mark.parametrize("what", list(WRITES))
def test_database_full_during_a_service_write_leaves_nothing_half_written(
    op: ServiceContext, full_database: Callable[[bool], None], what: str
) -> None:
    write = WRITES[what]
    write(op, "before")  # a first record and audit entry, so "unchanged" means something
    before = counts(op)
    full_database(True)
    with pytest.raises(Exception) as info:
        write(op, "full")
    assert "full" in str(info.value) or "磁盘空间已满" in str(info.value)
    assert counts(op) == before  # neither the record nor its audit entry
    full_database(False)
    assert integrity(op.db.path) == [] and audit_chain_breaks(op.db.path) == []
    new_id = write(op, "after")  # room again: the same write goes through
    assert new_id and counts(op) != before


def test_database_full_gives_the_clerk_a_clear_chinese_message(
    op: ServiceContext, full_database: Callable[[bool], None]
) -> None:
    full_database(True)
    with pytest.raises(ServiceError, match="磁盘空间已满，未能保存"):
        WRITES["信息共享"](op, "full")


# ---------------------------------------------------------------------------
# Backups


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_backup_destination_full_in_the_middle_of_the_copy(
    ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real SQLITE_FULL from the destination (it cannot grow past 8 pages)."""
    usb = tmp_path / "usb"
    usb.mkdir()
    real_connect = sqlite3.connect

    def small_stick(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        con = real_connect(database, *args, **kwargs)
        if str(database).startswith(str(usb)):
            con.execute("PRAGMA max_page_count=8")
        return con

    monkeypatch.setattr(sqlite.sqlite3, "connect", small_stick)
    before = counts(ctx)
    with pytest.raises(ServiceError) as info:
        backup.backup(ctx, usb / "备份.db")
    message = str(info.value)
    assert "磁盘空间不足" in message and "没有留下不完整的文件" in message
    assert leftovers(usb) == []
    monkeypatch.undo()
    assert counts(ctx) == before and integrity(ctx.db.path) == []


@pytest.mark.parametrize(
    "code, words", [(errno.EIO, "U盘可能已拔出"), (errno.ENOSPC, "磁盘空间不足")]
)
def test_backup_io_error_in_the_middle_of_the_copy(
    ctx: ServiceContext, tmp_path: Path, code: int, words: str
) -> None:
    """The stick is pulled (EIO) or fills up after a few pages were written."""
    usb = tmp_path / "usb"
    usb.mkdir()
    info_shares.create(ctx, share_input(ctx, "填充"))
    fill(ctx.db.path, 2000, 4000)  # ≈ 8 MB: several backup steps of 1024 pages
    calls = []

    def pulled(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise OSError(code, os.strerror(code), str(usb))

    with pytest.raises(ServiceError) as info:
        backup.backup(ctx, usb / "备份.db", progress=pulled)
    assert words in str(info.value)
    assert len(calls) == 2 and 0 < calls[0] < calls[1]  # failed with pages written
    assert leftovers(usb) == []
    assert integrity(ctx.db.path) == []


# ---------------------------------------------------------------------------
# Export of the monthly summary


@pytest.fixture
def export_target(tmp_path: Path) -> Path:
    folder = tmp_path / "导出"
    folder.mkdir()
    return folder / "2026年11月汇总.xlsx"


def half_written_then(code: int) -> Callable[..., None]:
    def save(self: Any, filename: Any) -> None:
        Path(filename).write_bytes(b"PK\x03\x04" + b"\0" * 4096)  # a start of a zip
        raise OSError(code, os.strerror(code), str(filename))

    return save


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO])
@pytest.mark.parametrize("existing", [False, True])
def test_export_on_a_full_or_failing_disk_leaves_no_partial_file(
    op: ServiceContext,
    export_target: Path,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    existing: bool,
) -> None:
    old = b"PK last month's workbook"
    if existing:
        export_target.write_bytes(old)
    audit_before = counts(op)[-1]
    monkeypatch.setattr(summary.Workbook, "save", half_written_then(code))
    with pytest.raises(ServiceError, match=export_target.name) as err:
        summary.export_month(op, 2026, 11, export_target, overwrite=True, include_personal=True)
    reason = "磁盘空间不足" if code == errno.ENOSPC else "目标位置不可用"
    assert reason in str(err.value)  # in words a clerk understands
    assert leftovers(export_target.parent) == ([export_target.name] if existing else [])
    if existing:
        assert export_target.read_bytes() == old  # not clobbered
    assert counts(op)[-1] == audit_before  # the personal export is not on record


@pytest.mark.parametrize("existing", [False, True])
def test_export_fails_at_the_final_rename(
    op: ServiceContext, export_target: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    """The workbook is written; moving it into place fails (EIO)."""
    old = b"PK last month's workbook"
    if existing:
        export_target.write_bytes(old)
    audit_before = counts(op)[-1]

    def replace(src: Any, dst: Any) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))

    monkeypatch.setattr(summary.os, "replace", replace)
    with pytest.raises(ServiceError, match=export_target.name):
        summary.export_month(op, 2026, 11, export_target, overwrite=True, include_personal=True)
    monkeypatch.undo()
    assert leftovers(export_target.parent) == ([export_target.name] if existing else [])
    if existing:
        assert export_target.read_bytes() == old
    assert counts(op)[-1] == audit_before
    summary.export_month(op, 2026, 11, export_target, overwrite=True)  # works again
    assert export_target.read_bytes()[:2] == b"PK" and export_target.stat().st_size > 1000


# ---------------------------------------------------------------------------
# Attachments


@pytest.mark.parametrize("code", [errno.EIO, errno.ENOSPC])
def test_io_error_storing_an_attachment_keeps_neither_record_nor_file(
    op: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 " + os.urandom(50_000))
    before = counts(op)
    real_fsync = os.fsync

    def failing(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(ServiceError):
        info_shares.create(op, share_input(op, "附件"), files=[scan])
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert counts(op) == before
    assert op.paths is not None
    assert [p for p in op.paths.attachments.rglob("*") if p.is_file()] == []
    assert integrity(op.db.path) == []
