"""投诉举报人信息加密保存 (issue 10 item 5): the complainant's name, phone, ID number
and address are AES-GCM ciphertext in the file, readable with a logged-in key."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from complaint_helpers import ADDRESS, ID_NUMBER, NAME, PHONE, VERIFIED, People, complaint
from openpyxl import load_workbook
from sqlalchemy import select, text

from desktop_app.services import (
    accounts,
    backup,
    complaints,
    demo,
    identity,
    ledger_import,
    letters,
    summary,
)
from desktop_app.services.complaint_privacy import mask_address
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import InvalidInput, ServiceError
from desktop_app.storage import sqlite as sqlite_storage
from desktop_app.storage.models import AuditEntry, Base, Complainant

PW = "zhao2026ba"
CLERK_PW = "clerk2026a"
LEADER_PW = "leader2026a"
SECRETS = [NAME, PHONE, ID_NUMBER, ADDRESS]


@dataclasses.dataclass
class Office:
    boss: accounts.LoggedIn
    clerk: ServiceContext  # 张首问, the first contact, logged in
    leader: ServiceContext  # 王主任, may see complainants, logged in
    headless: ServiceContext  # the same database, no log-in


def set_up(ctx: ServiceContext, people: People) -> Office:
    boss = accounts.set_up_first_admin(ctx, "王管理", "wang", PW, PW)
    me = boss.context(ctx)
    accounts.create_account(me, people.clerk, "zhang", "officer", CLERK_PW, CLERK_PW)
    accounts.create_account(me, people.leader, "wangzr", "officer", LEADER_PW, LEADER_PW)
    clerk = accounts.log_in(ctx, "zhang", CLERK_PW).context(ctx)
    leader = accounts.log_in(ctx, "wangzr", LEADER_PW).context(ctx)
    return Office(boss, clerk, leader, ServiceContext(ctx.db, ctx.paths, None, "命令行"))


def raw_files(ctx: ServiceContext) -> bytes:
    """The database file and its WAL as they are on disk, after a checkpoint
    (on a PostgreSQL server: every row of every table, as text)."""
    if ctx.db.path is None:
        with ctx.db.engine.connect() as con:
            return "\n".join(
                str(row)
                for table in Base.metadata.sorted_tables
                for row in con.execute(text(f'SELECT CAST(t AS text) FROM "{table.name}" t'))
            ).encode("utf-8")
    sqlite_storage.checkpoint(ctx.db.engine)
    assert ctx.paths is not None
    db = ctx.paths.database
    wal = Path(f"{db}-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def assert_no_plaintext(data: bytes) -> None:
    for secret in SECRETS:
        assert secret.encode("utf-8") not in data, secret


def stored(ctx: ServiceContext) -> list[tuple[int, str | None, str | None]]:
    with ctx.read() as s:
        return [
            (p.complaint_id, p.name, p.phone)
            for p in s.execute(select(Complainant).order_by(Complainant.id)).scalars()
        ]


# --- at rest ------------------------------------------------------------------------------


def test_the_file_holds_no_identity_in_clear(ctx: ServiceContext, people: People) -> None:
    # registered before any account exists (headless, fresh folder): stored as typed …
    before = complaints.register(ctx.as_operator(people.clerk, "张首问"), complaint())
    assert stored(ctx)[0][1] == NAME
    office = set_up(ctx, people)  # … and encrypted when the first administrator is set up
    after = complaints.register(office.clerk, complaint(content="反映村西有人倾倒建筑垃圾。"))
    for _cid, name, phone in stored(ctx):
        assert name is not None and name.startswith("enc1:") and phone.startswith("enc1:")
    assert_no_plaintext(raw_files(ctx))
    for cid in (before, after):
        view = complaints.reveal_complainant(office.clerk, cid, "回访")
        assert (view.name, view.phone, view.id_number, view.address) == tuple(SECRETS)
    text = " ".join(e.summary or "" for e in _audit(ctx))
    assert "已加密 1 条" in text and NAME not in text


def _audit(ctx: ServiceContext) -> list[AuditEntry]:
    with ctx.read() as s:
        return list(s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


def test_round_trip_edit_and_masked_lists(ctx: ServiceContext, people: People) -> None:
    office = set_up(ctx, people)
    cid = complaints.register(office.clerk, complaint())
    masked = complaints.complainant_masked(office.clerk, cid)
    assert masked.masked and masked.name.startswith("李") and masked.name != NAME
    assert masked.address == mask_address(ADDRESS)
    data, version = complaints.edit_input(office.clerk, cid)
    assert data.complainant is not None and data.complainant.name == NAME
    data.complainant.phone = "13900001111"
    complaints.update(office.clerk, cid, data, version)
    assert complaints.reveal_complainant(office.leader, cid).phone == "13900001111"
    entry = _audit(ctx)[-2]  # the update (the reveal's view entry is the last)
    assert "联系电话" in (entry.summary or "") and "13900001111" not in (entry.summary or "")
    assert b"13900001111" not in raw_files(ctx)


def test_without_the_key_lists_work_and_writes_are_refused(
    ctx: ServiceContext, people: People
) -> None:
    office = set_up(ctx, people)
    cid = complaints.register(office.clerk, complaint())
    nobody = office.headless.as_operator(people.clerk, "张首问")
    assert nobody.data_key is None
    view = complaints.complainant_masked(nobody, cid)  # never a crash
    assert view.name == identity.PLACEHOLDER and view.phone == ""
    assert complaints.allowed_actions(nobody, cid)  # the detail view still opens
    with pytest.raises(identity.LoginRequired, match="请先登录"):
        complaints.reveal_complainant(nobody, cid)
    with pytest.raises(identity.LoginRequired, match="请先登录"):
        complaints.edit_input(nobody, cid)
    n = len(stored(ctx))
    with pytest.raises(identity.LoginRequired, match="请先登录"):
        complaints.register(nobody, complaint())
    assert len(stored(ctx)) == n
    # anonymous complaints need no key
    anonymous = complaint(anonymous=True, complainant=None)
    assert complaints.register(nobody, anonymous)
    # the leak check cannot run without the identity: refused, not skipped
    with pytest.raises(InvalidInput, match="请先登录"):
        complaints.record_verification(
            nobody, cid, VERIFIED, people.officer, "现场未发现焚烧。", "no_violation"
        )


def test_leak_checks_run_with_the_writers_key(ctx: ServiceContext, people: People) -> None:
    office = set_up(ctx, people)
    cid = complaints.register(office.clerk, complaint())
    with pytest.raises(InvalidInput, match="姓名"):
        complaints.record_verification(
            office.clerk,
            cid,
            VERIFIED,
            people.officer,
            f"经与{NAME}电话联系，现场未发现焚烧。",
            "no_violation",
        )


def test_a_ciphertext_moved_to_another_row_does_not_open(
    ctx: ServiceContext, people: People
) -> None:
    office = set_up(ctx, people)
    first = complaints.register(office.clerk, complaint())
    other = complaint(content="反映村西有人倾倒建筑垃圾。")
    other.complainant = dataclasses.replace(other.complainant, name="赵六")  # type: ignore[arg-type]
    second = complaints.register(office.clerk, other)
    with ctx.db.engine.begin() as con:
        con.execute(
            text(
                "UPDATE complainants SET name = (SELECT name FROM complainants"
                " WHERE complaint_id = :first) WHERE complaint_id = :second"
            ),
            {"first": first, "second": second},
        )
    with pytest.raises(ServiceError, match="无法解密"):
        complaints.reveal_complainant(office.clerk, second)
    assert complaints.complainant_masked(office.clerk, second).name == identity.PLACEHOLDER
    assert complaints.reveal_complainant(office.clerk, first).name == NAME


# --- keys and passwords -------------------------------------------------------------------


def test_a_wrong_password_cannot_unwrap(ctx: ServiceContext, people: People) -> None:
    office = set_up(ctx, people)
    with ctx.uow() as uow:
        with pytest.raises(ServiceError, match="无法解开数据密钥"):
            identity.unwrap_for_account(uow.session, office.boss.account_id, PW + "x")
        assert identity.unwrap_for_account(uow.session, office.boss.account_id, PW) == (
            office.boss.data_key
        )
    with pytest.raises(accounts.LoginFailed):
        accounts.log_in(ctx, "wang", "wrong2026a")


def test_passwords_changed_and_reset_keep_the_data_readable(
    ctx: ServiceContext, people: People
) -> None:
    office = set_up(ctx, people)
    cid = complaints.register(office.clerk, complaint())
    zhang = office.clerk.account_id
    assert zhang is not None
    accounts.change_password(office.clerk, zhang, CLERK_PW, "newer2026a", "newer2026a")
    again = accounts.log_in(ctx, "zhang", "newer2026a").context(ctx)
    assert complaints.reveal_complainant(again, cid).name == NAME
    accounts.reset_password(office.boss.context(ctx), zhang, "temp2026aa", "temp2026aa")
    reset = accounts.log_in(ctx, "zhang", "temp2026aa").context(ctx)
    assert complaints.reveal_complainant(reset, cid).id_number == ID_NUMBER


def test_the_recovery_key_restores_access_when_every_password_is_lost(
    ctx: ServiceContext, people: People
) -> None:
    office = set_up(ctx, people)
    cid = complaints.register(office.clerk, complaint())
    recovery = office.boss.recovery_key
    assert recovery is not None
    # every password forgotten: the administrator's is recovered with the printed key …
    with pytest.raises(ServiceError, match="恢复密钥不正确"):
        accounts.recover_admin(ctx, "wang", "A" * 40)
    name, temp = accounts.recover_admin(ctx, "wang", recovery)
    boss = accounts.log_in(ctx, name, temp)
    assert boss.data_key == office.boss.data_key
    # … who resets the others
    zhang = office.clerk.account_id
    assert zhang is not None
    accounts.reset_password(boss.context(ctx), zhang, "temp2026aa", "temp2026aa")
    clerk = accounts.log_in(ctx, "zhang", "temp2026aa").context(ctx)
    assert complaints.reveal_complainant(clerk, cid).address == ADDRESS


# --- copies and exports -------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_backups_carry_only_ciphertext(ctx: ServiceContext, people: People, tmp_path: Path) -> None:
    office = set_up(ctx, people)
    complaints.register(office.clerk, complaint())
    copy = backup.backup(office.boss.context(ctx), tmp_path / "u盘")
    assert_no_plaintext(copy.read_bytes())
    con = sqlite3.connect(copy)
    try:
        (name,) = con.execute("SELECT name FROM complainants").fetchone()
    finally:
        con.close()
    assert name.startswith("enc1:")


def _register_in_october(ctx: ServiceContext) -> int:
    from datetime import datetime

    return complaints.register(ctx, complaint(received_at=datetime(2026, 10, 12, 9, 30)))


def _cells(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]


def test_exports_default_without_identity_personal_decrypted_and_audited(
    ctx: ServiceContext, people: People, tmp_path: Path
) -> None:
    office = set_up(ctx, people)
    _register_in_october(office.clerk)
    plain = tmp_path / "十月.xlsx"
    summary.export_month(office.clerk, 2026, 10, plain)
    cells = _cells(plain)
    assert not [c for c in cells if any(s in c for s in SECRETS)]
    assert not [c for c in cells if "enc1:" in c]
    personal = tmp_path / "十月含个人信息.xlsx"
    summary.export_month(office.leader, 2026, 10, personal, include_personal=True)
    ws = load_workbook(personal)["投诉举报"]
    header = [c.value for c in ws[2]]
    row = [c.value for c in ws[3]]
    got = dict(zip(header[-4:], row[-4:], strict=True))
    assert got == {"投诉举报人": NAME, "联系电话": PHONE, "身份证号码": ID_NUMBER, "住址": ADDRESS}
    entry = _audit(ctx)[-1]
    assert entry.action == "export" and entry.operator_name == "王主任"
    # no key: refused, no file
    leader_only = office.headless.as_operator(people.leader, "王主任")
    refused = tmp_path / "无钥匙.xlsx"
    with pytest.raises(identity.LoginRequired):
        summary.export_month(leader_only, 2026, 10, refused, include_personal=True)
    assert not refused.exists()


def test_letters_with_the_identity_need_the_key(
    ctx: ServiceContext, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOWNSHIP_ENFORCEMENT_FONTS", "bundled")
    office = set_up(ctx, people)
    cid = complaints.register(office.clerk, complaint())
    issued = letters.issue(office.clerk, "complaint_form", cid)
    assert issued.id
    nobody = office.headless.as_operator(people.clerk, "张首问")
    with pytest.raises(ServiceError, match="请先登录"):
        letters.issue(nobody, "complaint_form", cid)


# --- demo and import ----------------------------------------------------------------------


def test_demo_without_and_with_a_key(ctx: ServiceContext, people: People) -> None:
    demo.generate_demo(ctx, records=60, seed=3)  # no account yet: stored as typed
    names = [n for _cid, n, _p in stored(ctx) if n]
    assert names and not any(n.startswith("enc1:") for n in names)
    office = set_up(ctx, people)  # encrypts them all
    assert all(n.startswith("enc1:") for _cid, n, _p in stored(ctx) if n)
    with pytest.raises(identity.LoginRequired):
        demo.generate_demo(office.headless, records=60, seed=4, force=True)
    before = len(stored(ctx))
    demo.generate_demo(office.boss.context(ctx), records=60, seed=4, force=True)
    rows = stored(ctx)
    assert len(rows) > before
    assert all(n.startswith("enc1:") for _cid, n, _p in rows if n)
    assert_no_plaintext(raw_files(ctx))
    with ctx.read() as s:
        s.info["data_key"] = office.boss.data_key
        people_in_clear = [
            identity.open_person(p, strict=True) for p in s.execute(select(Complainant)).scalars()
        ]
    assert all(p is not None and not p.locked for p in people_in_clear)
    assert all(p.name is None or "enc1:" not in p.name for p in people_in_clear if p)


def _book(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "投诉举报"
    ws.append(["受理日期", "来源", "投诉人", "联系电话", "身份证号码", "地点", "反映内容"])
    ws.append(["2026-11-25", "来电", NAME, PHONE, ID_NUMBER, "赵八村", "反映村东有人焚烧秸秆"])
    path = tmp_path / "诉.xlsx"
    wb.save(path)
    return path


def _import(ctx: ServiceContext, path: Path) -> None:
    headers = ["受理日期", "来源", "投诉人", "联系电话", "身份证号码", "地点", "反映内容"]
    mapping = ledger_import.guess_mapping("complaints", headers)
    ledger_import.run_import(ctx, "complaints", path, None, mapping)


def test_import_without_and_with_a_key(ctx: ServiceContext, people: People, tmp_path: Path) -> None:
    path = _book(tmp_path)
    _import(ctx.as_operator(people.clerk, "张首问"), path)  # no account yet
    assert stored(ctx)[0][1] == NAME
    office = set_up(ctx, people)
    # without the key: every row refused before anything is written
    with pytest.raises(ServiceError, match="请先登录"):
        _import(office.headless.as_operator(people.clerk, "张首问"), path)
    # with it: encrypted on the way in (the duplicate of the first import is skipped,
    # so a second sheet with another person)
    wb = openpyxl.load_workbook(path)
    wb.active.cell(2, 7).value = "反映村西有人倾倒建筑垃圾"
    wb.active.cell(2, 3).value = "赵六一"
    wb.save(path)
    _import(office.clerk, path)
    rows = stored(ctx)
    assert len(rows) == 2 and all(name.startswith("enc1:") for _c, name, _p in rows)
    assert b"\xe8\xb5\xb5\xe5\x85\xad\xe4\xb8\x80" not in raw_files(ctx)  # 赵六一
    cid = rows[1][0]
    assert complaints.reveal_complainant(office.leader, cid).name == "赵六一"
