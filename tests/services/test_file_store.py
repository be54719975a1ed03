"""Files on a shared server (issue 13): an attachment's or a letter's content goes
into the database with the record, so another PC — another data folder on the
same database — opens the same bytes; a local copy that is missing or altered
is fetched again; a removed attachment's content goes with it. On PostgreSQL
this is the real thing; on SQLite the server mode is switched on for the test
(the table exists on both)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from referral_helpers import NOW, ready_to_send
from sqlalchemy import func, select

from desktop_app.domain.terms import RecordType
from desktop_app.paths import DataPaths
from desktop_app.services import attachments, file_store, letters
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import ServiceError
from desktop_app.storage.models import Document, StoredFile


@pytest.fixture(autouse=True)
def server_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(file_store, "in_database", lambda session: True)


def other_pc(ctx: ServiceContext, tmp_path: Path) -> ServiceContext:
    """The same database, opened from another PC's data folder."""
    paths = DataPaths(tmp_path / "pc2")
    paths.ensure()
    return replace(ctx, paths=paths)


def stored(ctx: ServiceContext) -> dict[str, int]:
    with ctx.read() as s:
        return dict(s.execute(select(StoredFile.sha256, StoredFile.size)).all())


def add(ctx: ServiceContext, source: Path) -> int:
    with ctx.uow() as uow:
        return attachments.store(uow, RecordType.REFERRAL, 7, source, "现场照片").id


def test_an_attachment_added_on_one_pc_opens_on_another(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    data = b"\x89PNG scene photo " * 5000
    source = tmp_path / "现场照片.png"
    source.write_bytes(data)
    att_id = add(ctx, source)
    digest = hashlib.sha256(data).hexdigest()
    assert stored(ctx) == {digest: len(data)}
    pc2 = other_pc(ctx, tmp_path)
    path = attachments.path_of(pc2, att_id)
    assert path.is_relative_to(tmp_path / "pc2") and path.read_bytes() == data
    path.write_bytes(b"changed on the PC")  # a local copy altered: the database's wins
    assert attachments.path_of(pc2, att_id).read_bytes() == data


def test_identical_content_is_kept_once_and_removed_with_its_last_attachment(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    a.write_bytes(b"%PDF same scan")
    b.write_bytes(b"%PDF same scan")
    first, second = add(ctx, a), add(ctx, b)
    assert len(stored(ctx)) == 1
    with ctx.uow() as uow:
        attachments.discard(uow, first)
    assert len(stored(ctx)) == 1  # the other attachment still needs it
    with ctx.uow() as uow:
        attachments.discard(uow, second)
    assert stored(ctx) == {}


def test_an_attachment_whose_record_is_not_saved_leaves_no_content(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF scan")
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        attachments.store(uow, RecordType.REFERRAL, 7, source)
        raise RuntimeError("a later step fails")
    assert stored(ctx) == {}


def test_a_missing_local_copy_without_content_in_the_database_is_reported(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF scan")
    att_id = add(ctx, source)
    with ctx.uow() as uow:  # as if the row were lost
        uow.session.query(StoredFile).delete()
    with pytest.raises(ServiceError, match="文件不见了"):
        attachments.path_of(other_pc(ctx, tmp_path), att_id)


def test_a_letter_issued_on_one_pc_is_the_same_file_on_another(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    rid = ready_to_send(ctx)
    with ctx.read() as s:
        doc = s.execute(select(Document).where(Document.record_id == rid)).scalar_one()
        assert s.execute(select(func.count()).select_from(StoredFile)).scalar() == 1
    here = letters.stored_file(ctx, doc.id)
    there = letters.stored_file(other_pc(ctx, tmp_path), doc.id)
    assert there != here and there.read_bytes() == here.read_bytes()
    assert hashlib.sha256(there.read_bytes()).hexdigest() == doc.sha256
    assert doc.issued_on == NOW.date()


def test_content_altered_in_the_database_and_on_the_pc_is_refused(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    """The registered SHA-256 stays the judge: content that no longer matches it,
    here or in the database, is never handed out."""
    rid = ready_to_send(ctx)
    with ctx.read() as s:
        doc = s.execute(select(Document).where(Document.record_id == rid)).scalar_one()
    path = letters.stored_file(ctx, doc.id)
    path.write_bytes(path.read_bytes() + b"%tampered")
    with ctx.uow() as uow:  # an outside tool changes the server's copy too
        kept = uow.session.get(StoredFile, doc.sha256)
        assert kept is not None
        kept.content = kept.content + b"%tampered"
    with pytest.raises(ServiceError, match="不一致"):
        letters.stored_file(ctx, doc.id)
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF scan")
    att_id = add(ctx, source)
    attachments.path_of(ctx, att_id).write_bytes(b"edited")
    with ctx.uow() as uow:
        uow.session.get(StoredFile, hashlib.sha256(b"%PDF scan").hexdigest()).content = b"x"  # type: ignore[union-attr]
    with pytest.raises(ServiceError, match="不一致"):
        attachments.path_of(ctx, att_id)
