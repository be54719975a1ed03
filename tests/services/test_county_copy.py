"""Moving a township from its PC to the county server (issue 13, part 4).

The PC is a SQLite database with its data folder; the server is the test's
database (a second SQLite file on the plain run, a PostgreSQL database when the
suite runs against a server). Everything is copied with new ids and every
reference follows; identities are sealed again under the server's key;
attachments and letters carry their hashes; a dry run writes nothing; a second
copy, a missing file, a broken audit chain are refused with nothing written."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from complaint_helpers import NAME, PHONE, complaint
from referral_helpers import ready_to_send
from sqlalchemy import func, select, text

from desktop_app.domain.terms import OrgKind, RecordType
from desktop_app.paths import DataPaths
from desktop_app.services import (
    accounts,
    attachments,
    audit,
    complaints,
    county_copy,
    county_copy_run,
    identity,
    letters,
    settings,
    staff,
)
from desktop_app.services.context import DATA_KEY, ServiceContext
from desktop_app.services.demo import builder
from desktop_app.services.errors import InvalidInput, ServiceError
from desktop_app.services.seed import seed_reference_data
from desktop_app.storage.models import (
    Attachment,
    AuditEntry,
    Base,
    Complainant,
    Complaint,
    Document,
    FollowUpAction,
    Organisation,
    Referral,
    Staff,
    StoredFile,
)
from desktop_app.storage.startup import open_database

PW = "zhao2026ba"
SERVER_PW = "xian2026gl"


@dataclass
class Pc:
    ctx: ServiceContext  # logged in as the township's administrator
    paths: DataPaths
    complaint_id: int
    referral_id: int
    attachment_sha: str


def make_pc(folder: Path, template: Path, township: str | None = None) -> tuple[Pc, Any]:
    """A township's PC: demo records, a complaint with its complainant (sealed),
    a transfer with its 移送函, an attachment. ``township``: another township
    than the seed's (added and chosen in 设置 before anything is registered)."""
    paths = DataPaths(folder)
    paths.ensure()
    shutil.copyfile(template, paths.database)
    db = open_database(f"sqlite:///{paths.database}", backup_dir=paths.backups).db
    headless = ServiceContext(db, paths, None, "测试员")
    seed_reference_data(headless, catalogue=False)
    if township is not None:
        with headless.uow() as uow:
            org = Organisation(name=township, kind=OrgKind.TOWNSHIP, acts_in_own_name=True)
            uow.session.add(org)
            uow.flush()
            org_id = org.id
        settings.save(headless, {"township_org_id": org_id})
    builder.generate_demo(headless, records=120, seed=3)
    admin = accounts.set_up_first_admin(headless, "张丽华", "zhang", PW, PW).context(headless)
    cid = complaints.register(admin, complaint(content="反映村东焚烧秸秆，复制测试。"))
    rid = ready_to_send(admin, matter="复制测试的移送")
    scan = folder.parent / f"{folder.name}-现场照片.jpg"
    scan.write_bytes(b"\xff\xd8 photo " * 3000)
    with admin.uow() as uow:
        attachments.store(uow, RecordType.REFERRAL, rid, scan, "现场照片")
    return Pc(admin, paths, cid, rid, hashlib.sha256(scan.read_bytes()).hexdigest()), db


@pytest.fixture
def pc(tmp_path: Path, _sqlite_migrated_template: Path) -> Iterator[Pc]:
    made, db = make_pc(tmp_path / "pc", _sqlite_migrated_template)
    yield made
    db.close()


@pytest.fixture
def server(ctx: ServiceContext) -> ServiceContext:
    """The county server with its own administrator (its own data key)."""
    return accounts.set_up_first_admin(ctx, "县管理员", "county", SERVER_PW, SERVER_PW).context(ctx)


def _copy(pc: Pc, server: ServiceContext, dry_run: bool = False) -> county_copy.CopyReport:
    mine = county_copy_run.unlock(pc.ctx.db, "zhang", PW, "本机")
    theirs = county_copy_run.unlock(server.db, "county", SERVER_PW, "服务器")
    with pc.ctx.db.read() as src:
        dst = server.db.write_session()
        try:
            report = county_copy.copy_township(
                src,
                dst,
                pc.paths,
                src_key=mine.key,
                dst_key=theirs.key,
                operator_id=theirs.staff_id,
                operator_name=theirs.staff_name,
                dry_run=dry_run,
            )
            dst.rollback() if dry_run else dst.commit()
        except BaseException:
            dst.rollback()
            raise
        finally:
            dst.close()
    return report


LOGINS = ("login", "login_failed")


def _table_counts(ctx: ServiceContext) -> dict[str, int]:
    """Rows per table; of the audit trail, the entries other than log-ins (the
    command logs in as the log-in window does, and that stays on record)."""
    with ctx.read() as s:
        counts = {
            t.name: int(s.execute(select(func.count()).select_from(t)).scalar() or 0)
            for t in Base.metadata.sorted_tables
        }
        counts["audit_log"] = int(
            s.execute(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action.not_in(LOGINS))
            ).scalar()
            or 0
        )
        return counts


def _township_id(ctx: ServiceContext, name: str) -> int:
    with ctx.read() as s:
        return int(s.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one())


def test_every_record_arrives_with_its_references_and_its_owner(
    pc: Pc, server: ServiceContext
) -> None:
    before = _table_counts(server)
    source = _table_counts(pc.ctx)
    report = _copy(pc, server)
    after = _table_counts(server)
    for table in (
        "referrals",
        "complaints",
        "complainants",
        "assistance_requests",
        "meetings",
        "documents",
        "attachments",
        "materials",
        "disputes",
        "cases",
    ):
        assert source[table] > 0, table
        assert after[table] - before[table] == source[table] == report.rows[table], table
    township = settings.get(pc.ctx, "township_org_id")
    with pc.ctx.read() as s:
        name = s.get(Organisation, int(township)).name  # type: ignore[union-attr]
    owner = _township_id(server, name)
    with server.read() as s:
        owners = set(s.execute(select(Referral.owner_org_id)).scalars())
        assert owners == {owner}
        # a meeting's follow-up action keeps its 责任单位 (its owner_org_id names it)
        named = (
            select(Organisation.name)
            .select_from(FollowUpAction)
            .join(Organisation, Organisation.id == FollowUpAction.owner_org_id)
        )
        on_server = sorted(s.execute(named).scalars())
        with pc.ctx.read() as src:
            on_pc = sorted(src.execute(named).scalars())
        assert on_pc and on_server == on_pc and len(set(on_pc)) > 1
        # the PC's administrator had no unit there: on the server it is the township's
        admin = s.execute(select(Staff).where(Staff.name == "张丽华")).scalar_one()
        assert admin.organisation_id == owner
        # a referral's material points at the copied referral, not the PC's id
        moved = s.execute(select(Referral).where(Referral.matter == "复制测试的移送")).scalar_one()
        att = s.execute(select(Attachment).where(Attachment.sha256 == pc.attachment_sha)).one()[0]
        assert (att.record_type, att.record_id) == ("referral", moved.id)
        doc = s.execute(select(Document).where(Document.record_id == moved.id)).scalar_one()
        assert doc.record_type == "referral" and doc.file_name.endswith(
            f"{doc.id:06d}-referral_letter.pdf"
        )
        # complaints that were passed on keep pointing at their (new) transfer
        for c in s.execute(select(Complaint).where(Complaint.referral_id.is_not(None))).scalars():
            r = s.get(Referral, c.referral_id)
            assert r is not None and r.owner_org_id == owner


def test_identities_are_sealed_again_under_the_servers_key(pc: Pc, server: ServiceContext) -> None:
    _copy(pc, server)
    with server.read() as s:
        c = s.execute(select(Complaint).where(Complaint.content.like("%复制测试%"))).scalar_one()
        p = s.execute(select(Complainant).where(Complainant.complaint_id == c.id)).scalar_one()
        assert p.phone.startswith("enc1:")  # never in clear on the server
        s.info[DATA_KEY] = server.data_key
        person = identity.open_person(p, s, strict=True)
    assert person is not None and (person.name, person.phone) == (NAME, PHONE)


def test_letters_and_attachments_are_in_the_server_database_with_their_hashes(
    pc: Pc, server: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.services import file_store

    monkeypatch.setattr(file_store, "in_database", lambda session: True)  # the server (plain run)
    with pc.ctx.read() as s:
        hashes = set(
            s.execute(select(Document.sha256).where(Document.sha256.is_not(None))).scalars()
        )
    report = _copy(pc, server)
    assert report.files == len(hashes) + 1
    with server.read() as s:
        kept = dict(s.execute(select(StoredFile.sha256, StoredFile.content)).all())
        doc = s.execute(
            select(Document)
            .join(Referral, Referral.id == Document.record_id)
            .where(Referral.matter == "复制测试的移送")
        ).scalar_one()
    assert hashes | {pc.attachment_sha} <= set(kept)
    assert all(hashlib.sha256(v).hexdigest() == k for k, v in kept.items())
    # opened from a county PC (a data folder that never had it): the same letter
    another = replace(server, paths=DataPaths(tmp_path / "county_pc"))
    another.paths.ensure()  # type: ignore[union-attr]
    path = letters.stored_file(another, doc.id)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == doc.sha256


def test_the_audit_trail_follows_and_the_chain_still_holds(pc: Pc, server: ServiceContext) -> None:
    with pc.ctx.read() as s:
        n = s.execute(select(func.count()).select_from(AuditEntry)).scalar()
    report = _copy(pc, server)
    assert report.audit_entries == n + 1  # with the copy's own log-in on the PC
    with server.read() as s:
        assert audit.verify_chain(s) == []
        summaries = list(s.execute(select(AuditEntry.summary).order_by(AuditEntry.id)).scalars())
    assert any("本机数据库复制" in (t or "") for t in summaries)
    assert any("从本机数据库复制到服务器" in (t or "") for t in summaries)


def test_a_dry_run_reports_the_same_and_writes_nothing(pc: Pc, server: ServiceContext) -> None:
    before = _table_counts(server)
    dry = _copy(pc, server, dry_run=True)
    assert _table_counts(server) == before
    assert dry.dry_run and dry.rows["referrals"] > 0
    assert "试运行" in dry.lines()[0]
    real = _copy(pc, server)
    assert real.rows == dry.rows and real.files == dry.files


def test_a_township_is_copied_once(pc: Pc, server: ServiceContext) -> None:
    _copy(pc, server)
    before = _table_counts(server)
    with pytest.raises(ServiceError, match="不能再复制一次"):
        _copy(pc, server)
    assert _table_counts(server) == before


def test_a_missing_file_stops_the_copy_with_nothing_written(pc: Pc, server: ServiceContext) -> None:
    with pc.ctx.read() as s:
        stored = s.execute(select(Attachment.stored_name)).scalars().first()
    (pc.paths.attachments / stored).unlink()
    before = _table_counts(server)
    with pytest.raises(InvalidInput) as err:
        _copy(pc, server)
    assert "现场照片.jpg" in str(err.value) and "不见了" in str(err.value)
    assert _table_counts(server) == before


def test_a_broken_audit_chain_stops_the_copy(pc: Pc, server: ServiceContext) -> None:
    with pc.ctx.db.engine.begin() as conn:  # an outside tool changes an entry
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET summary = '改过' WHERE id = 3"))
    before = _table_counts(server)
    with pytest.raises(InvalidInput, match="留痕校验未通过"):
        _copy(pc, server)
    assert _table_counts(server) == before


def test_wrong_passwords_and_non_administrators_are_refused(pc: Pc, server: ServiceContext) -> None:
    """The command logs in as the log-in window does: a wrong password counts towards
    the lock-out and stands in the audit trail; only an administrator may copy."""
    with pytest.raises(ServiceError, match="本机：登录名或密码不正确"):
        county_copy_run.unlock(pc.ctx.db, "zhang", "wrong-password", "本机")
    with pytest.raises(ServiceError, match="--source-login"):
        county_copy_run.unlock(pc.ctx.db, None, None, "本机")
    with pytest.raises(ServiceError, match="--login"):
        county_copy_run.unlock(server.db, None, None, "服务器")
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(ServiceError):
            county_copy_run.unlock(server.db, "county", "wrong-password", "服务器")
    with pytest.raises(ServiceError, match="锁定"):
        county_copy_run.unlock(server.db, "county", SERVER_PW, "服务器")  # even the right one now
    with server.read() as s:
        failed = s.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login_failed")
        ).scalar()
    assert failed == accounts.LOCK_AFTER + 1
    staff_id = staff.save(server, staff.StaffInput(name="王办事"))
    accounts.create_account(server, staff_id, "wangbs", "officer", "Banshi2026", "Banshi2026")
    with pytest.raises(ServiceError, match="不是服务器的管理员账户"):
        county_copy_run.unlock(server.db, "wangbs", "Banshi2026", "服务器")


def test_encrypted_identities_need_the_townships_key(pc: Pc, server: ServiceContext) -> None:
    before = _table_counts(server)
    with pc.ctx.db.read() as src:
        dst = server.db.write_session()
        try:
            with pytest.raises(ServiceError, match="--source-login"):
                county_copy.copy_township(src, dst, pc.paths, src_key=None, dst_key=server.data_key)
        finally:
            dst.rollback()
            dst.close()
    assert _table_counts(server) == before


def test_two_townships_share_the_server_each_with_its_own_numbers(
    pc: Pc, server: ServiceContext, tmp_path: Path, _sqlite_migrated_template: Path
) -> None:
    other, db = make_pc(tmp_path / "pc2", _sqlite_migrated_template, "深泽县铁杆镇人民政府")
    try:
        first = _copy(pc, server)
        second = _copy(other, server)
    finally:
        db.close()
    assert second.township_new and not first.township_new
    a = _township_id(server, first.township)
    b = _township_id(server, "深泽县铁杆镇人民政府")
    with server.read() as s:
        serials = {
            owner: set(
                s.execute(select(Referral.serial).where(Referral.owner_org_id == owner)).scalars()
            )
            for owner in (a, b)
        }
        docs = s.execute(select(func.count()).select_from(Document)).scalar()
    assert serials[a] and serials[a] == serials[b]  # the same numbers, one per township
    assert docs == first.rows["documents"] + second.rows["documents"]


def test_a_value_too_long_for_the_server_stops_the_copy(pc: Pc, server: ServiceContext) -> None:
    """SQLite never enforced the lengths; a value written past them by an outside
    tool is named (ledger, record, field) before anything reaches the server."""
    with pc.ctx.db.engine.begin() as conn:
        conn.execute(
            text("UPDATE referrals SET place = :p WHERE id = :i"),
            {"p": "村" * 250, "i": pc.referral_id},
        )
    before = _table_counts(server)
    with pytest.raises(
        InvalidInput, match=r"案件移送「移2026-\d+」的「地点」有 250 个字.*上限 200"
    ):
        _copy(pc, server)
    assert _table_counts(server) == before


def test_sealed_identities_are_not_copied_in_clear_to_a_server_without_an_administrator(
    pc: Pc, ctx: ServiceContext
) -> None:
    """The server has no data key before its first administrator: the PC's sealed
    identities would arrive in clear, so the copy waits for that set-up."""
    mine = county_copy_run.unlock(pc.ctx.db, "zhang", PW, "本机")
    before = _table_counts(ctx)
    with pc.ctx.db.read() as src:
        dst = ctx.db.write_session()
        try:
            with pytest.raises(ServiceError, match="服务器上还没有设置管理员"):
                county_copy.copy_township(src, dst, pc.paths, src_key=mine.key)
        finally:
            dst.rollback()
            dst.close()
    assert _table_counts(ctx) == before


def test_a_letter_without_its_registered_hash_is_named(pc: Pc, server: ServiceContext) -> None:
    with pc.ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE documents SET sha256 = NULL"))
    with pytest.raises(InvalidInput, match=r"文书「.*」没有登记校验值"):
        _copy(pc, server)
