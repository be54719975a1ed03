"""Issuing letters: numbers never repeat or skip, the register keeps every letter."""

from __future__ import annotations

import hashlib
import io
import re
import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from desktop_app.domain.terms import (
    AuditAction,
    Direction,
    DocumentStatus,
    MaterialKind,
    RecordType,
    ReferralStatus,
    Urgency,
)
from desktop_app.services import letters, settings
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, RuleViolation, ServiceError
from desktop_app.storage.models import AuditEntry, Document, Material, Organisation, Referral


@pytest.fixture(autouse=True)
def bundled_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOWNSHIP_ENFORCEMENT_FONTS", "bundled")


def outgoing_referral(ctx: ServiceContext, party: str = "王建国") -> int:
    town = settings.get(ctx, "township_org_id")
    with ctx.uow() as uow:
        dept = uow.session.execute(
            select(Organisation).where(Organisation.name == "石家庄市生态环境局深泽县分局")
        ).scalar_one()
        r = Referral(
            serial=f"移2026-{party}",
            direction=Direction.OUTGOING,
            status=ReferralStatus.READY,
            sender_id=town,
            receiver_id=dept.id,
            matter="露天焚烧秸秆",
            party_name=party,
            place="赵八村村东农田",
            found_at=datetime(2026, 11, 25, 10, 5),
            urgency=Urgency.NORMAL,
        )
        uow.session.add(r)
        uow.flush()
        uow.session.add(
            Material(
                record_type="referral",
                record_id=r.id,
                kind=MaterialKind.INSPECTION_RECORD,
                title="现场检查记录",
                pages=2,
            )
        )
        return r.id


def numbers(ctx: ServiceContext) -> list[str | None]:
    with ctx.read() as s:
        return list(s.execute(select(Document.number).order_by(Document.id)).scalars())


def text_of(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s", "", "".join(p.extract_text() for p in reader.pages))


def test_issue_numbers_stores_and_registers_the_letter(ctx: ServiceContext) -> None:
    rid = outgoing_referral(ctx)
    issued = letters.issue(ctx, "referral_letter", rid, on=date(2026, 11, 29))
    assert issued.number == "赵八镇执移〔2026〕1号"
    assert issued.path.exists() and issued.path.parent == ctx.paths.documents / "2026"  # type: ignore[union-attr]
    assert hashlib.sha256(issued.path.read_bytes()).hexdigest() == issued.sha256
    text = text_of(issued.path)
    for expected in (
        "赵八镇执移〔2026〕1号",
        "石家庄市生态环境局深泽县分局：",
        "王建国",
        "现场检查记录（2页）",
        "2026年11月29日",
        "深泽县赵八镇人民政府",
    ):
        assert expected in text
    doc = letters.get(ctx, issued.id)
    assert (doc.doc_type, doc.record_type, doc.record_id) == ("referral_letter", "referral", rid)
    assert doc.recipient_name == "石家庄市生态环境局深泽县分局"
    assert doc.status == DocumentStatus.ISSUED and doc.issued_on == date(2026, 11, 29)
    with ctx.read() as s:
        entry = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
    assert entry is not None and entry.action == AuditAction.ISSUE and entry.record_id == issued.id
    assert letters.stored_file(ctx, issued.id) == issued.path


def test_preview_is_not_registered_and_has_no_number(ctx: ServiceContext) -> None:
    rid = outgoing_referral(ctx)
    shown = letters.preview(ctx, "referral_letter", rid, on=date(2026, 11, 29))
    text = re.sub(r"\s", "", PdfReader(io.BytesIO(shown.pdf)).pages[0].extract_text())
    assert "赵八镇执移〔2026〕" in text and "〔2026〕1号" not in text
    assert numbers(ctx) == []


def test_concurrent_issues_never_share_or_skip_a_number(ctx: ServiceContext) -> None:
    ids = [outgoing_referral(ctx, f"当事人{n}") for n in range(8)]
    results: list[str | None] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(ids))

    def work(record_id: int) -> None:
        try:
            start.wait()
            results.append(
                letters.issue(ctx, "referral_letter", record_id, on=date(2026, 11, 29)).number
            )
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(results) == sorted(f"赵八镇执移〔2026〕{n}号" for n in range(1, 9))
    assert len(set(numbers(ctx))) == 8


def test_the_sequence_restarts_each_year(ctx: ServiceContext) -> None:
    rid = outgoing_referral(ctx)
    assert letters.issue(ctx, "referral_letter", rid, on=date(2026, 12, 31)).number == (
        "赵八镇执移〔2026〕1号"
    )
    assert letters.issue(ctx, "referral_letter", rid, on=date(2027, 1, 1)).number == (
        "赵八镇执移〔2027〕1号"
    )
    assert letters.issue(ctx, "referral_letter", rid, on=date(2026, 12, 31)).number == (
        "赵八镇执移〔2026〕2号"
    )


def test_a_voided_number_stays_and_is_never_reused(ctx: ServiceContext) -> None:
    rid = outgoing_referral(ctx)
    first = letters.issue(ctx, "referral_letter", rid, on=date(2026, 11, 29))
    with pytest.raises(InvalidInput, match="作废原因"):
        letters.void(ctx, first.id, "  ")
    letters.void(ctx, first.id, "收件单位名称写错")
    with pytest.raises(RuleViolation, match="已经作废"):
        letters.void(ctx, first.id, "再次作废")
    second = letters.issue(ctx, "referral_letter", rid, on=date(2026, 11, 29))
    assert second.number == "赵八镇执移〔2026〕2号"
    doc = letters.get(ctx, first.id)
    assert doc.status == DocumentStatus.VOIDED and doc.void_reason == "收件单位名称写错"
    assert first.path.exists()  # the voided letter is kept as it was


def test_a_failed_issue_consumes_no_number_and_leaves_no_file(ctx: ServiceContext) -> None:
    rid = outgoing_referral(ctx)
    with ctx.uow() as uow:  # the letter cannot be written without a place
        r = uow.session.get(Referral, rid)
        assert r is not None
        r.place = None
    with pytest.raises(InvalidInput, match="地点"):
        letters.issue(ctx, "referral_letter", rid, on=date(2026, 11, 29))
    assert numbers(ctx) == []
    assert not list((ctx.paths.documents / "2026").glob("*.pdf"))  # type: ignore[union-attr]
    with ctx.uow() as uow:
        r = uow.session.get(Referral, rid)
        assert r is not None
        r.place = "赵八村"
    assert letters.issue(ctx, "referral_letter", rid).number.endswith("〕1号")  # type: ignore[union-attr]


@pytest.mark.sqlite_only  # a server's copy is refetched: tests/services/test_file_store.py
def test_reprint_is_the_same_file_and_tampering_is_detected(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    rid = outgoing_referral(ctx)
    issued = letters.issue(ctx, "referral_letter", rid, on=date(2026, 11, 29))
    copy = letters.save_copy(ctx, issued.id, tmp_path / "副本.pdf")
    assert copy.read_bytes() == issued.path.read_bytes()
    with pytest.raises(ServiceError, match="已存在"):
        letters.save_copy(ctx, issued.id, copy)
    issued.path.write_bytes(issued.path.read_bytes() + b"%tampered")
    with pytest.raises(ServiceError, match="不一致"):
        letters.stored_file(ctx, issued.id)


def test_number_pattern_comes_from_settings_and_is_validated(ctx: ServiceContext) -> None:
    with pytest.raises(InvalidInput, match="年"):
        settings.save(ctx, {"number.referral_letter": "赵八镇移〔2026〕{号}号"})
    with pytest.raises(InvalidInput, match="第"):
        settings.save(ctx, {"number.referral_letter": "赵八镇移〔{年}〕第{号}号"})
    settings.save(ctx, {"number.referral_letter": "赵政执移函〔{年}〕{号}号"})
    rid = outgoing_referral(ctx)
    assert letters.issue(ctx, "referral_letter", rid, on=date(2026, 3, 2)).number == (
        "赵政执移函〔2026〕1号"
    )


def test_incoming_referral_gets_no_township_letter(ctx: ServiceContext) -> None:
    rid = outgoing_referral(ctx)
    with ctx.uow() as uow:
        r = uow.session.get(Referral, rid)
        assert r is not None
        r.direction = Direction.INCOMING
    with pytest.raises(RuleViolation, match="移送单位出具"):
        letters.issue(ctx, "referral_letter", rid)
    with ctx.read() as s:
        assert s.execute(select(func.count(Document.id))).scalar() == 0


def test_document_types_per_ledger() -> None:
    codes = {t.code for t in letters.document_types(RecordType.REFERRAL)}
    assert {"referral_letter", "service_receipt"} <= codes
    assert all(
        t.record_type == RecordType.REFERRAL for t in letters.document_types(RecordType.REFERRAL)
    )
