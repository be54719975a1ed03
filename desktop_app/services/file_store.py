"""Where attachments and issued letters live.

On a PC (SQLite) the data folder holds them: ``attachments/`` and
``documents/``, backed up with the database file. On a county's shared
PostgreSQL server the PCs share no folder, so the content goes into the
database too (table ``stored_files``, keyed by SHA-256, in the same
transaction as the record that registers it); each PC keeps what it wrote or
opened in its own data folder as a copy, and a copy missing or not matching
its hash is fetched again from the database. The registered SHA-256 stays the
judge either way: a file is handed out only when it matches.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from desktop_app.storage.models import Attachment, Document, StoredFile

_CHUNK = 1024 * 1024


def in_database(session: Session) -> bool:
    """Files are kept in the database: a shared server, not a PC's own file."""
    return session.get_bind().dialect.name != "sqlite"


def digest_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def put(session: Session, sha256: str, content: bytes) -> None:
    """Keep ``content`` (whose SHA-256 is ``sha256``) in the database, once."""
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ValueError("content does not match its SHA-256")
    if not has(session, sha256):  # (without loading the stored content)
        session.add(StoredFile(sha256=sha256, size=len(content), content=content))


def put_file(session: Session, sha256: str, path: Path) -> None:
    if not has(session, sha256):
        put(session, sha256, Path(path).read_bytes())


def has(session: Session, sha256: str) -> bool:
    return (
        session.execute(select(StoredFile.sha256).where(StoredFile.sha256 == sha256)).first()
        is not None
    )


def release(session: Session, sha256: str) -> None:
    """Forget the stored content once no attachment or letter registers it."""
    used = select(Attachment.id).where(Attachment.sha256 == sha256).exists()
    used_doc = select(Document.id).where(Document.sha256 == sha256).exists()
    session.flush()
    if not session.execute(select(or_(used, used_doc))).scalar():
        session.execute(delete(StoredFile).where(StoredFile.sha256 == sha256))


def fetch(session: Session, sha256: str, path: Path) -> bool:
    """Write the stored content to ``path`` (atomically) when the database has
    it and ``path`` is missing or differs from it; False when it has none."""
    content = session.execute(
        select(StoredFile.content).where(StoredFile.sha256 == sha256)
    ).scalar_one_or_none()
    if content is None or hashlib.sha256(content).hexdigest() != sha256:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, content)
    return True


def write_atomic(path: Path, data: bytes) -> Path:
    """``data`` to ``path`` through a temporary file in the same folder (written,
    fsync'ed, renamed): a power cut never leaves half a file under the name."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def local_copy_ok(path: Path, sha256: str) -> bool:
    try:
        return path.is_file() and digest_of(path) == sha256
    except OSError:
        return False
