"""Issuing letters: preview, 发文字号, the document register (发文登记), void, reprint.

A letter is rendered from its template and a record's values. Issuing gives
it the next number of its type and year — inside the writing transaction,
so two letters issued at the same moment never share a number — stores the
PDF in the data folder and registers it with its SHA-256. A voided number
stays in the register with its reason and is never reused. Reprinting
returns the stored file, byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.documents import template as templates
from desktop_app.documents.render import Rendered, render
from desktop_app.documents.template import TemplateError, Value
from desktop_app.domain.clock import now, today
from desktop_app.domain.terms import AuditAction, DocumentStatus, RecordType
from desktop_app.services import file_store, scope
from desktop_app.services import settings as settings_service
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, NotFound, RuleViolation, ServiceError
from desktop_app.services.letter_fields import PROVIDERS, LetterValues, Provider
from desktop_app.storage.models import Document

PLACEHOLDER_NUMBER = "　"  # a preview shows the number's place, not a number


@dataclass(frozen=True)
class DocType:
    code: str
    name: str
    record_type: RecordType
    numbered: bool


@dataclass(frozen=True)
class Issued:
    id: int
    number: str | None
    path: Path
    sha256: str
    pages: int
    font_notes: list[str]


def document_types(record_type: RecordType | str | None = None) -> list[DocType]:
    """The letters the app can produce, optionally only those for one ledger."""
    out = []
    for code, provider in PROVIDERS.items():
        if record_type is not None and provider.record_type != RecordType(record_type):
            continue
        tpl = templates.load(code)
        out.append(DocType(code, tpl.name, provider.record_type, tpl.numbered))
    return out


def _provider(code: str) -> Provider:
    provider = PROVIDERS.get(code)
    if provider is None:
        raise NotFound(f"没有「{code}」这种文书。可用：{'、'.join(PROVIDERS)}")
    return provider


def _template(code: str) -> templates.Template:
    try:
        return templates.load(code)
    except TemplateError as exc:
        raise ServiceError(str(exc)) from exc


def _values(session: Session, code: str, record_id: int, on: date) -> LetterValues:
    provider = _provider(code)
    conf = settings_service.read_all(session)
    return provider.build(session, record_id, conf, on)


def cn_date(day: date) -> str:
    """成文日期: Arabic numerals, year in full, no leading zeros (2026年11月29日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def number_pattern(session: Session, code: str) -> str:
    return str(settings_service.read_all(session).get(f"number.{code}") or "")


def format_number(pattern: str, year: int, serial: int | None) -> str:
    return pattern.replace("{年}", str(year)).replace(
        "{号}", str(serial) if serial is not None else PLACEHOLDER_NUMBER
    )


def _sequence_prefix(pattern: str, year: int) -> str:
    return pattern.split("{号}", 1)[0].replace("{年}", str(year))


def next_serial(session: Session, pattern: str, year: int) -> int:
    """The next number of this pattern's sequence and year (voided numbers count),
    among the acting organisation's documents (services/scope.py)."""
    from desktop_app.services import scope

    mine = scope.ours(Document, scope.acting_org_id(session))
    last = session.execute(
        select(func.max(Document.serial)).where(
            Document.prefix == _sequence_prefix(pattern, year), Document.year == year, mine
        )
    ).scalar()
    return int(last or 0) + 1


def _merge(values: Mapping[str, Value], overrides: Mapping[str, Value] | None) -> dict[str, Value]:
    merged = dict(values)
    for key, value in (overrides or {}).items():
        merged[key] = value
    return merged


def preview(
    ctx: ServiceContext,
    code: str,
    record_id: int,
    overrides: Mapping[str, Value] | None = None,
    on: date | None = None,
) -> Rendered:
    """The letter as it will look, without a number and without registering it."""
    on = on or today()
    tpl = _template(code)
    with ctx.read() as session:
        built = _values(session, code, record_id, on)
        number = (
            format_number(number_pattern(session, code), on.year, None) if tpl.numbered else None
        )
    if built.personal:
        _personal_view(ctx, tpl.name, built.record_type, record_id, "预览")
    try:
        return render(tpl, _merge(built.values, overrides), number, author=built.issuer)
    except TemplateError as exc:
        raise InvalidInput({"template": str(exc)}) from exc


# Letters that may show the complainant's identity (举报人信息保密): the 登记表
# kept in the township and the 告知书 to the complainant. Only the staff who may
# see the complainant may preview, issue, open or copy them; every view is audited.
PERSONAL_TYPES = frozenset({"complaint_form", "complainant_notice"})

REFUSED_PERSONAL = (
    "这份文书含投诉举报人个人信息，只有首问责任人和“人员”设置中获准查看的人员可以预览、"
    "出具、打印或另存（举报人信息保密）。"
)


def _may_see(
    session: Session, ctx: ServiceContext, record_type: RecordType, record_id: int
) -> bool:
    if record_type != RecordType.COMPLAINT:
        return True
    from desktop_app.services.complaint_privacy import may_see_complainant

    return may_see_complainant(session, ctx, record_id)


def _personal_view(
    ctx: ServiceContext,
    name: str,
    record_type: RecordType,
    record_id: int,
    how: str,
    *,
    audit_allowed: bool = True,
) -> None:
    """举报人信息保密: every view of a complainant's identity is recorded, and so is
    every refused attempt (which then raises)."""
    with ctx.read() as session:
        allowed = _may_see(session, ctx, record_type, record_id)
    if allowed and not audit_allowed:
        return
    with ctx.uow() as uow:
        uow.audit(
            AuditAction.VIEW_PERSONAL,
            record_type,
            record_id,
            f"{how}{name}（含投诉举报人个人信息）" + ("" if allowed else "被拒绝"),
        )
    if not allowed:
        raise RuleViolation(REFUSED_PERSONAL)


def _personal_document(session: Session, doc: Document) -> bool:
    """Does this registered letter show a complainant's identity?"""
    if doc.doc_type not in PERSONAL_TYPES or doc.record_type != RecordType.COMPLAINT.value:
        return False
    return _names_complainant(session, doc.record_id)


def _names_complainant(session: Session, complaint_id: int | None) -> bool:
    from desktop_app.services.complaint_privacy import names_complainant

    return names_complainant(session, complaint_id)


def issue(
    ctx: ServiceContext,
    code: str,
    record_id: int,
    overrides: Mapping[str, Value] | None = None,
    on: date | None = None,
) -> Issued:
    """Number, render, store and register a letter — all or nothing."""
    if ctx.paths is None:
        raise ServiceError("未设置数据文件夹，无法保存文书。")
    on = on or today()
    tpl = _template(code)
    if code in PERSONAL_TYPES:
        with ctx.read() as session:
            personal = _provider(code).record_type == RecordType.COMPLAINT and (
                _names_complainant(session, record_id)
            )
        if personal:  # a refusal is recorded; the issue itself records the view
            _personal_view(
                ctx, tpl.name, RecordType.COMPLAINT, record_id, "出具", audit_allowed=False
            )
    folder = ctx.paths.documents / str(on.year)
    folder.mkdir(parents=True, exist_ok=True)
    written: Path | None = None
    try:
        with ctx.uow() as uow:
            session = uow.session
            built = _values(session, code, record_id, on)
            if built.personal and not _may_see(session, ctx, built.record_type, record_id):
                raise RuleViolation(REFUSED_PERSONAL)
            values = _merge(built.values, overrides)
            number: str | None = None
            prefix: str | None = None
            serial: int | None = None
            if tpl.numbered:
                pattern = number_pattern(session, code)
                prefix = _sequence_prefix(pattern, on.year)
                serial = next_serial(session, pattern, on.year)
                number = format_number(pattern, on.year, serial)
            try:
                rendered = render(tpl, values, number, author=built.issuer)
            except TemplateError as exc:
                raise InvalidInput({"template": str(exc)}) from exc
            doc = Document(
                doc_type=code,
                prefix=prefix,
                year=on.year if tpl.numbered else None,
                serial=serial,
                number=number,
                title=built.title or tpl.name,
                recipient_id=built.recipient_id,
                recipient_name=built.recipient_name,
                record_type=built.record_type.value,
                record_id=record_id,
                issued_on=on,
                status=DocumentStatus.ISSUED,
                created_by_id=ctx.operator_id,
            )
            session.add(doc)
            uow.flush()
            name = f"{doc.id:06d}-{code}.pdf"
            written = file_store.write_atomic(folder / name, rendered.pdf)
            doc.file_name = f"{on.year}/{name}"
            doc.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
            if file_store.in_database(session):  # a shared server: every PC reads it there
                file_store.put(session, doc.sha256, rendered.pdf)
            if built.personal:
                uow.audit(
                    AuditAction.VIEW_PERSONAL,
                    built.record_type,
                    record_id,
                    f"出具{tpl.name}（含投诉举报人个人信息）",
                )
            uow.audit(
                AuditAction.ISSUE,
                RecordType.DOCUMENT,
                doc.id,
                f"发文：{tpl.name} {number or ''}（{built.record_type.label} 记录 {record_id}）",
                after={"number": number, "doc_type": code, "sha256": doc.sha256},
            )
            uow.flush()
            result = Issued(
                doc.id, number, written, doc.sha256, rendered.pages, rendered.font_notes
            )
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    return result


def void(ctx: ServiceContext, document_id: int, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": "请填写作废原因"})
    if len(reason) > 500:
        raise InvalidInput({"reason": "作废原因不能超过500个字"})
    with ctx.uow() as uow:
        doc = uow.session.get(Document, document_id)
        if doc is None:
            raise NotFound("该文书不存在。")
        if doc.status == DocumentStatus.VOIDED:
            raise RuleViolation(f"文书 {doc.number or doc.id} 已经作废。")
        doc.status = DocumentStatus.VOIDED
        doc.void_reason = reason
        doc.voided_at = now()
        uow.audit(
            AuditAction.VOID,
            RecordType.DOCUMENT,
            doc.id,
            f"作废文书 {doc.number or doc.title}：{reason}",
            before={"status": "issued"},
            after={"status": "voided", "reason": reason},
        )


def get(ctx: ServiceContext, document_id: int) -> Document:
    """The letter, if ``ctx`` may see it: its own organisation's or addressed to it."""
    with ctx.read() as s:
        doc = scope.get_visible(s, Document, document_id, ctx)
        if doc is None:
            raise NotFound("该文书不存在。")
        return doc


def stored_file(ctx: ServiceContext, document_id: int, how: str = "查看") -> Path:
    """The registered PDF, checked against its SHA-256 (reprints are the same file).

    A letter showing a complainant is opened only by staff who may see them,
    and the opening is audited (``how``: 查看 / 另存)."""
    doc = get(ctx, document_id)
    with ctx.read() as session:
        personal = _personal_document(session, doc)
    if personal:
        record_type = RecordType(doc.record_type)
        _personal_view(ctx, doc.title or doc.doc_type, record_type, doc.record_id, how)
    if ctx.paths is None or not doc.file_name:
        raise NotFound("该文书没有保存的文件。")
    path = ctx.paths.documents / doc.file_name
    with ctx.read() as session:  # a shared server: this PC's copy, fetched when needed
        if doc.sha256 and file_store.in_database(session):
            if file_store.local_copy_ok(path, doc.sha256):
                return path  # checked just now
            file_store.fetch(session, doc.sha256, path)
    if not path.exists():
        raise ServiceError(f"文书文件不见了：{path}\n请从备份恢复数据文件夹。")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != doc.sha256:
        raise ServiceError(
            f"文书文件与登记时不一致（可能被改动或损坏）：{path}\n请不要使用这个文件，"
            "可从备份恢复。"
        )
    return path


def save_copy(ctx: ServiceContext, document_id: int, dest: Path, overwrite: bool = False) -> Path:
    source = stored_file(ctx, document_id, "另存")
    dest = Path(dest)
    if dest.exists() and not overwrite:
        raise ServiceError(f"文件已存在，未覆盖：{dest}")
    if not dest.parent.exists():
        raise ServiceError(f"文件夹不存在：{dest.parent}")
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, dest)
    return dest


def for_record(
    ctx: ServiceContext, record_type: RecordType | str, record_id: int
) -> list[Document]:
    with ctx.read() as s:
        return list(
            s.execute(
                select(Document)
                .where(
                    Document.record_type == str(RecordType(record_type)),
                    Document.record_id == record_id,
                )
                .order_by(Document.id)
            ).scalars()
        )


def safe_file_name(text: str) -> str:
    """A suggested file name for "save a copy" (no characters Windows refuses)."""
    return re.sub(r'[\\/:*?"<>|\s]+', "", text) or "文书"
