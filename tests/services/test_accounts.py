"""登录账户: first administrator, log-in and lock-out, roles, passwords, the audit trail."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from info_share_helpers import share
from sqlalchemy import select

from desktop_app.domain import clock
from desktop_app.domain.terms import AccountRole, AuditAction
from desktop_app.security import passwords
from desktop_app.services import accounts, info_shares, organisations, settings, staff
from desktop_app.services.context import ServiceContext
from desktop_app.services.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from desktop_app.storage.models import Account, AuditEntry, KeyWrap, Staff

PW = "zhao2026ba"
DAY = date(2026, 11, 27)


def admin(ctx: ServiceContext) -> accounts.LoggedIn:
    return accounts.set_up_first_admin(ctx, "王管理", "wang", PW, PW)


def officer(ctx: ServiceContext, boss: accounts.LoggedIn, name: str = "li") -> int:
    person = staff.save(
        ctx, staff.StaffInput("李执法", "officer", certificate_number="13010020261")
    )
    return accounts.create_account(
        boss.context(ctx), person, name, AccountRole.OFFICER, "first1234", "first1234"
    )


def audit_rows(ctx: ServiceContext) -> list[AuditEntry]:
    with ctx.read() as s:
        return list(s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


def test_real_profile_is_argon2id_at_64_mib() -> None:
    passwords.use_fast_hashing(False)
    try:
        stored = passwords.hash_password("abc12345")
    finally:
        passwords.use_fast_hashing()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(stored, "abc12345")  # fast mode verifies it too
    assert not passwords.verify_password(stored, "abc12346")
    assert not passwords.verify_password("not a hash", "abc12345")


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("abc123", "至少8个"),
        ("abcdefgh", "字母和数字"),
        ("12345678", "字母和数字"),
        (" abc12345", "空格"),
        ("wang12345", "登录名"),
        ("a1a1a1a1a1", "过于简单"),
    ],
)
def test_password_rules(password: str, words: str) -> None:
    problem = passwords.password_problem(password, "wang")
    assert problem is not None and words in problem


def test_password_counted_in_characters_and_width_folded() -> None:
    assert passwords.password_problem("密码口令ab12") is None  # 8 characters
    stored = passwords.hash_password("ａｂｃ１２３４５")  # typed with a full-width IME
    assert passwords.verify_password(stored, "abc12345")


def test_first_admin_once(ctx: ServiceContext) -> None:
    assert accounts.needs_setup(ctx)
    with pytest.raises(InvalidInput) as err:
        accounts.set_up_first_admin(ctx, "王管理", "wang", PW, PW + "x")
    assert "不一致" in str(err.value)
    assert accounts.needs_setup(ctx)  # nothing half-written
    who = admin(ctx)
    assert who.role == AccountRole.ADMIN and who.staff_name == "王管理"
    assert not accounts.needs_setup(ctx)
    with pytest.raises(RuleViolation, match="已经设置过"):
        accounts.set_up_first_admin(ctx, "黑客", "evil", PW, PW)
    with ctx.read() as s:
        stored = s.execute(select(Account)).scalar_one()
        assert stored.password_hash.startswith("$argon2id$") and PW not in stored.password_hash
    assert all(PW not in (e.summary or "") for e in audit_rows(ctx))


def test_log_in_wrong_password_lock_and_unlock(ctx: ServiceContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    boss = admin(ctx)
    li = officer(ctx, boss)
    who = accounts.log_in(ctx, "LI", "first1234")  # login names ignore case
    assert who.role == AccountRole.OFFICER and who.must_change_password
    for _ in range(accounts.LOCK_AFTER - 1):
        with pytest.raises(accounts.LoginFailed, match="登录名或密码不正确"):
            accounts.log_in(ctx, "li", "wrong1234")
    with pytest.raises(accounts.LoginFailed, match="已锁定15分钟"):
        accounts.log_in(ctx, "li", "wrong1234")
    with pytest.raises(accounts.LoginFailed, match="锁定"):
        accounts.log_in(ctx, "li", "first1234")  # even the right password, while locked
    later = clock.now() + timedelta(minutes=accounts.LOCK_MINUTES + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert accounts.log_in(ctx, "li", "first1234").account_id == li
    # an administrator may unlock sooner
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(accounts.LoginFailed):
            accounts.log_in(ctx, "li", "wrong1234")
    accounts.unlock(boss.context(ctx), li)
    assert accounts.log_in(ctx, "li", "first1234").account_id == li
    with pytest.raises(accounts.LoginFailed, match="登录名或密码不正确"):
        accounts.log_in(ctx, "nobody", "first1234")  # the same answer: no name guessing
    actions = [e.action for e in audit_rows(ctx)]
    assert actions.count(AuditAction.LOGIN_FAILED) == 2 * accounts.LOCK_AFTER + 2
    assert actions.count(AuditAction.LOGIN) == 1 + 3  # the set-up, then three log-ins


def test_roles_limit_what_is_written(ctx: ServiceContext) -> None:
    boss = admin(ctx)
    person = staff.save(ctx, staff.StaffInput("赵查阅", "clerk"))
    viewer_id = accounts.create_account(
        boss.context(ctx), person, "zhao", "viewer", "look12345", "look12345"
    )
    viewer = accounts.log_in(ctx, "zhao", "look12345").context(ctx)
    before = settings.get_all(ctx)
    with pytest.raises(PermissionDenied, match="只能查看"):
        info_shares.create(viewer, share(ctx, formed_on=DAY, shared_on=DAY))
    with pytest.raises(PermissionDenied, match="只能查看"), viewer.uow() as uow:
        uow.session.add(Staff(name="偷偷加的人"))
    with pytest.raises(PermissionDenied, match="管理员"):
        organisations.save(viewer, organisations.OrgInput("某某局", "department"))
    assert (
        info_shares.create(ctx, share(ctx, formed_on=DAY, shared_on=DAY)) > 0
    )  # the same, by a writer
    with pytest.raises(PermissionDenied):
        settings.save(viewer, {"township_name": "改名镇"})
    assert settings.get_all(ctx) == before
    assert organisations.find_by_name(ctx, "某某局") is None
    accounts.log_out(viewer)  # the audit trail is still written for a viewer
    assert audit_rows(ctx)[-1].action == AuditAction.LOGOUT

    li = officer(ctx, boss)
    clerk = accounts.log_in(ctx, "li", "first1234").context(ctx)
    with pytest.raises(PermissionDenied, match="管理员"):
        settings.save(clerk, {"township_name": "改名镇"})
    with pytest.raises(PermissionDenied, match="管理员"):
        accounts.reset_password(clerk, viewer_id, "new12345a", "new12345a")
    with pytest.raises(PermissionDenied, match="管理员"):
        accounts.update_account(clerk, li, "admin", True)
    assert settings.get_all(ctx) == before
    assert accounts.role_of(ctx, li) == AccountRole.OFFICER


def test_the_last_admin_stays(ctx: ServiceContext) -> None:
    boss = admin(ctx)
    me = boss.context(ctx)
    with pytest.raises(RuleViolation, match="唯一的管理员"):
        accounts.update_account(me, boss.account_id, "officer", True)
    with pytest.raises(RuleViolation, match="唯一的管理员"):
        accounts.update_account(me, boss.account_id, "admin", False)
    li = officer(ctx, boss)
    accounts.update_account(me, li, "admin", True)
    with pytest.raises(RuleViolation, match="正在使用"):
        accounts.update_account(me, boss.account_id, "admin", False)
    accounts.update_account(me, boss.account_id, "officer", True)  # another admin exists now
    assert accounts.role_of(ctx, boss.account_id) == AccountRole.OFFICER


def test_passwords_change_reset_and_recovery(ctx: ServiceContext) -> None:
    boss = admin(ctx)
    li = officer(ctx, boss)
    mine = accounts.log_in(ctx, "li", "first1234")
    me = mine.context(ctx)
    with pytest.raises(InvalidInput, match="原密码不正确"):
        accounts.change_password(me, li, "wrong", "mine12345", "mine12345")
    with pytest.raises(InvalidInput, match="不能与原密码相同"):
        accounts.change_password(me, li, "first1234", "first1234", "first1234")
    accounts.change_password(me, li, "first1234", "mine12345", "mine12345")
    assert not accounts.log_in(ctx, "li", "mine12345").must_change_password
    accounts.reset_password(boss.context(ctx), li, "temp12345", "temp12345")
    with pytest.raises(accounts.LoginFailed):
        accounts.log_in(ctx, "li", "mine12345")
    assert accounts.log_in(ctx, "li", "temp12345").must_change_password
    # the last administrator forgot the password: the headless reset-admin
    name, temp = accounts.recover_admin(ctx, None, boss.recovery_key)
    assert name == "wang" and passwords.password_problem(temp) is None
    with pytest.raises(accounts.LoginFailed):
        accounts.log_in(ctx, "wang", PW)
    assert accounts.log_in(ctx, "wang", temp).must_change_password
    with pytest.raises(NotFound):
        accounts.recover_admin(ctx, "li", boss.recovery_key)  # not an administrator
    assert all(temp not in (e.summary or "") for e in audit_rows(ctx))


def test_create_account_bad_input_writes_nothing(ctx: ServiceContext) -> None:
    boss = admin(ctx)
    me = boss.context(ctx)
    with ctx.read() as s:
        wang = s.execute(select(Staff).where(Staff.name == "王管理")).scalar_one().id
    person = staff.save(ctx, staff.StaffInput("李执法", "officer", certificate_number="130100261"))
    cases = [
        (None, "li", "officer", "first1234", "first1234", "请选择人员"),
        (wang, "li", "officer", "first1234", "first1234", "已有登录账户"),
        (person, "WANG", "officer", "first1234", "first1234", "已被使用"),
        (person, "l i", "officer", "first1234", "first1234", "空格"),
        (person, "li", "boss", "first1234", "first1234", "角色"),
        (person, "li", "officer", "short", "short", "至少8个"),
        (person, "li", "officer", "first1234", "first12345", "不一致"),
    ]
    for staff_id, name, role, pw, again, words in cases:
        with pytest.raises(InvalidInput) as err:
            accounts.create_account(me, staff_id, name, role, pw, again)
        assert words in str(err.value), words
    assert [a.login_name for a in accounts.list_accounts(ctx)] == ["wang"]


def test_list_shows_state(ctx: ServiceContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    boss = admin(ctx)
    officer(ctx, boss)
    rows = {r.login_name: r for r in accounts.list_accounts(ctx)}
    assert rows["li"].state == "待修改密码" and rows["wang"].state == "正常"
    for _ in range(accounts.LOCK_AFTER):
        with pytest.raises(accounts.LoginFailed):
            accounts.log_in(ctx, "li", "bad123456")
    rows = {r.login_name: r for r in accounts.list_accounts(ctx)}
    assert rows["li"].state.startswith("已锁定至")
    assert isinstance(rows["wang"].last_login_at, datetime)


# --- the data key of the complainants' identity (services/identity.py) ----------------------


def wraps(ctx: ServiceContext) -> dict[int | None, KeyWrap]:
    with ctx.read() as s:
        return {w.account_id: w for w in s.execute(select(KeyWrap)).scalars()}


def test_first_admin_gets_the_data_key_and_a_recovery_key(ctx: ServiceContext) -> None:
    boss = admin(ctx)
    assert boss.data_key is not None and len(boss.data_key) == 32
    assert boss.recovery_key is not None
    groups = boss.recovery_key.split("-")
    assert len(groups) == 8 and all(len(g) == 5 for g in groups)
    assert boss.data_key.hex() not in repr(boss) and boss.recovery_key not in repr(boss)
    assert boss.context(ctx).data_key == boss.data_key
    stored = wraps(ctx)
    assert set(stored) == {None, boss.account_id}  # the recovery wrap and the admin's
    for w in stored.values():
        assert boss.data_key not in w.wrapped and len(w.salt) == 16
    assert '"kdf": "argon2id"' in stored[boss.account_id].params
    assert "hkdf" in stored[None].params
    # a log-in unwraps the same key; the recovery key is shown only once
    again = accounts.log_in(ctx, "wang", PW)
    assert again.data_key == boss.data_key and again.recovery_key is None
    text = " ".join(e.summary or "" for e in audit_rows(ctx))
    assert "生成数据密钥和恢复密钥" in text and boss.recovery_key not in text


def test_every_account_has_its_own_wrap(ctx: ServiceContext) -> None:
    boss = admin(ctx)
    li = officer(ctx, boss)
    first = wraps(ctx)[li]
    assert accounts.log_in(ctx, "li", "first1234").data_key == boss.data_key
    me = accounts.log_in(ctx, "li", "first1234").context(ctx)
    accounts.change_password(me, li, "first1234", "mine12345", "mine12345")
    second = wraps(ctx)[li]
    assert second.salt != first.salt and second.wrapped != first.wrapped
    assert accounts.log_in(ctx, "li", "mine12345").data_key == boss.data_key
    accounts.reset_password(boss.context(ctx), li, "temp12345", "temp12345")
    assert accounts.log_in(ctx, "li", "temp12345").data_key == boss.data_key


def test_accounts_for_others_need_the_administrators_key(ctx: ServiceContext) -> None:
    boss = admin(ctx)
    li = officer(ctx, boss)
    headless = ServiceContext(ctx.db, ctx.paths, None, "命令行")  # admin-like, but no key
    with pytest.raises(RuleViolation, match="管理员登录"):
        accounts.reset_password(headless, li, "temp12345", "temp12345")
    person = staff.save(ctx, staff.StaffInput("赵查阅"))
    with pytest.raises(RuleViolation, match="管理员登录"):
        accounts.create_account(headless, person, "zhao", "viewer", "look12345", "look12345")
    with pytest.raises(RuleViolation, match="管理员登录"):
        accounts.new_recovery_key(headless)
    assert accounts.log_in(ctx, "li", "first1234").data_key == boss.data_key  # unchanged


def test_recovery_needs_the_recovery_key(ctx: ServiceContext) -> None:
    boss = admin(ctx)
    assert boss.recovery_key is not None
    wrong = "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF-GGGGG-HHHHH"
    with pytest.raises(RuleViolation, match="恢复密钥不正确"):
        accounts.recover_admin(ctx, "wang", wrong)
    with pytest.raises(RuleViolation, match="格式不正确"):
        accounts.recover_admin(ctx, "wang", "12345")
    with pytest.raises(RuleViolation, match="须提供"):
        accounts.recover_admin(ctx, "wang", None)
    assert accounts.log_in(ctx, "wang", PW).data_key == boss.data_key  # nothing changed
    refused = [e for e in audit_rows(ctx) if "恢复管理员密码被拒绝" in (e.summary or "")]
    assert len(refused) == 3
    # typed in lower case, with spaces instead of dashes: still the key
    typed = boss.recovery_key.lower().replace("-", " ")
    name, temp = accounts.recover_admin(ctx, None, typed)
    assert accounts.log_in(ctx, name, temp).data_key == boss.data_key


def test_a_new_recovery_key_replaces_the_old_one(ctx: ServiceContext) -> None:
    boss = admin(ctx)
    me = boss.context(ctx)
    new = accounts.new_recovery_key(me)
    assert new != boss.recovery_key
    with pytest.raises(RuleViolation, match="恢复密钥不正确"):
        accounts.recover_admin(ctx, None, boss.recovery_key)
    name, temp = accounts.recover_admin(ctx, None, new)
    assert accounts.log_in(ctx, name, temp).data_key == boss.data_key
    li = officer(ctx, boss)
    clerk = accounts.log_in(ctx, "li", "first1234").context(ctx)
    with pytest.raises(PermissionDenied):
        accounts.new_recovery_key(clerk)
    assert li in wraps(ctx)


def test_a_database_from_before_encryption_gets_its_key_at_the_first_admin_log_in(
    ctx: ServiceContext,
) -> None:
    boss = admin(ctx)
    li = officer(ctx, boss)
    with ctx.db.engine.begin() as con:  # as the accounts of revision 0007 left it
        con.exec_driver_sql("DELETE FROM key_wraps")
    officer_first = accounts.log_in(ctx, "li", "first1234")
    assert officer_first.data_key is None and officer_first.recovery_key is None
    assert wraps(ctx) == {}  # an officer does not create the key
    who = accounts.log_in(ctx, "wang", PW)
    assert who.data_key is not None and who.recovery_key is not None
    assert set(wraps(ctx)) == {None, boss.account_id}
    # the officer's account has no wrap until an administrator resets its password
    assert accounts.log_in(ctx, "li", "first1234").data_key is None
    accounts.reset_password(who.context(ctx), li, "temp12345", "temp12345")
    assert accounts.log_in(ctx, "li", "temp12345").data_key == who.data_key
