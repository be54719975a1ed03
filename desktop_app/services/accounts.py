"""登录账户: log in, first administrator, accounts and roles, passwords.

Roles (:class:`AccountRole`): 管理员 — settings, accounts, restore and all
records; 执法人员 — the records; 查阅 — read only (its unit of work refuses
every change but the audit trail, see :class:`context.UnitOfWork`).

* First start: no account exists → :func:`set_up_first_admin` (the GUI asks
  for it before anything else).
* :func:`log_in`: a wrong name and a wrong password get the same answer; after
  :data:`LOCK_AFTER` failures in a row the account is locked for
  :data:`LOCK_MINUTES` minutes (an administrator may unlock it sooner). Every
  success and failure is in the audit trail (never the password typed).
* A forgotten password: an administrator sets a temporary one
  (:func:`reset_password`), to be changed at the next log-in. The last
  administrator's own password: :func:`recover_admin`, run from the headless
  command ``reset-admin`` on the PC itself (README, 忘记管理员密码).
* There is always one active administrator: the last one can be neither
  demoted nor disabled.

Encryption of the complainants' identity (:mod:`identity`): the first
administrator's set-up creates the data key and a recovery key (shown once,
:attr:`LoggedIn.recovery_key`); every account keeps the data key wrapped under
its own password — made by :func:`create_account`, renewed by
:func:`change_password`, :func:`reset_password` and :func:`recover_admin` — and
:func:`log_in` unwraps it into the context (:attr:`LoggedIn.data_key`). A
database upgraded from before encryption gets its data key at the first
administrator log-in (again with a recovery key to show); accounts made before
that get theirs at an administrator's password reset.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.domain import clock
from desktop_app.domain.terms import AccountRole, AuditAction, RecordType, StaffRole
from desktop_app.security import passwords
from desktop_app.services import audit, identity, scope
from desktop_app.services.context import ServiceContext, check_version
from desktop_app.services.errors import InvalidInput, NotFound, RuleViolation, ServiceError
from desktop_app.services.forms import Checker
from desktop_app.storage.models import Account, Staff

LOCK_AFTER = 5
LOCK_MINUTES = 15
WRONG = "登录名或密码不正确。"
RECORD = RecordType.ACCOUNT


class LoginFailed(ServiceError):
    pass


@dataclass(frozen=True)
class LoggedIn:
    account_id: int
    staff_id: int
    staff_name: str
    login_name: str
    role: AccountRole
    must_change_password: bool
    # The unlocked data key (None: no key yet — a database without encryption, or
    # an account made before it, until an administrator resets its password).
    data_key: bytes | None = field(default=None, repr=False, compare=False)
    # Set only when this call created the data key (first administrator, or the
    # first administrator log-in after the upgrade): show it once, to be printed.
    recovery_key: str | None = field(default=None, repr=False, compare=False)
    # The organisation the account acts for (services/scope.py): its staff member's
    # township, county department or county government; None: the settings' township.
    org_id: int | None = None
    org_kind: str | None = None

    def context(self, ctx: ServiceContext) -> ServiceContext:
        """``ctx`` acting as this account: the audit trail names its staff member,
        the complainants' identity opens with its data key, records are its
        organisation's."""
        acting = ctx.as_operator(self.staff_id, self.staff_name, self.role.value, self.account_id)
        return dataclasses.replace(
            acting, data_key=self.data_key, org_id=self.org_id, org_kind=self.org_kind
        )


@dataclass(frozen=True)
class AccountRow:
    id: int
    login_name: str
    staff_id: int
    staff_name: str
    role: AccountRole
    active: bool
    locked_until: datetime | None
    must_change_password: bool
    last_login_at: datetime | None
    version: int

    @property
    def state(self) -> str:
        if not self.active:
            return "已停用"
        if self.locked_until is not None and self.locked_until > clock.now():
            return f"已锁定至 {self.locked_until:%H:%M}"
        if self.must_change_password:
            return "待修改密码"
        return "正常"


# --- checks -------------------------------------------------------------------------------


def _login_name(c: Checker, raw: str | None) -> str:
    name = c.text("login_name", raw, "登录名", 40, required=True)
    if name and any(ch.isspace() for ch in name):
        c.fail("login_name", "登录名不能包含空格。")
    return name


def _new_password(c: Checker, password: str, confirm: str | None, login_name: str) -> None:
    problem = passwords.password_problem(password, login_name)
    if problem:
        c.fail("password", problem)
    elif confirm is not None and confirm != password:
        c.fail("confirm", "两次输入的密码不一致。")


def _by_name(s: Session, login_name: str) -> Account | None:
    key = (login_name or "").strip().lower()
    return s.execute(
        select(Account).where(func.lower(Account.login_name) == key)
    ).scalar_one_or_none()


def _name_taken(c: Checker, s: Session, login_name: str, own_id: int | None = None) -> None:
    other = _by_name(s, login_name) if login_name else None
    if other is not None and other.id != own_id:
        c.fail("login_name", f"登录名「{login_name}」已被使用。")


def _active_admins(s: Session) -> int:
    return int(
        s.execute(
            select(func.count(Account.id)).where(
                Account.role == AccountRole.ADMIN, Account.active.is_(True)
            )
        ).scalar_one()
    )


def _logged_in(a: Account, key: bytes | None = None, recovery: str | None = None) -> LoggedIn:
    org = a.staff.organisation
    kind = getattr(org.kind, "value", org.kind) if org is not None else None
    acts = org is not None and kind in scope.ACTING_KINDS
    return LoggedIn(
        a.id,
        a.staff_id,
        a.staff.name,
        a.login_name,
        AccountRole(a.role),
        a.must_change_password,
        key,
        recovery,
        org.id if acts and org is not None else None,
        str(kind) if acts else None,
    )


def _key_for_others(ctx: ServiceContext, s: Session, what: str) -> bytes | None:
    """The administrator's unlocked data key, to wrap it for another account;
    None when the database has none yet."""
    if not identity.has_data_key(s):
        return None
    if ctx.data_key is None:
        raise identity.LoginRequired(
            f"投诉举报人信息已加密保存，{what}须由管理员登录后操作（登录时解锁数据密钥）。"
        )
    return ctx.data_key


# --- first start and log-in ---------------------------------------------------------------


def needs_setup(ctx: ServiceContext) -> bool:
    """No account yet: the first administrator must be set up."""
    with ctx.read() as s:
        return s.execute(select(Account.id).limit(1)).first() is None


def set_up_first_admin(
    ctx: ServiceContext,
    staff_name: str,
    login_name: str,
    password: str,
    confirm: str,
    staff_id: int | None = None,
) -> LoggedIn:
    """The first administrator, for an existing member of staff (``staff_id``) or a
    new one named ``staff_name``. Refused once any account exists.

    Also creates the data key, wrapped under this password and under a new
    recovery key, and encrypts the complainants recorded so far — all in the
    same transaction. The result's ``recovery_key`` must be shown (to print)
    now: it is stored nowhere."""
    with ctx.uow() as uow:
        s = uow.session
        if s.execute(select(Account.id).limit(1)).first() is not None:
            raise RuleViolation("已经设置过管理员账户，请用管理员账户登录。")
        c = Checker()
        name = _login_name(c, login_name)
        person = s.get(Staff, staff_id) if staff_id is not None else None
        if staff_id is not None and person is None:
            c.fail("staff", "所选人员不存在。")
        if person is None:
            full = c.text("staff", staff_name, "姓名", 40, required=True)
        _new_password(c, password, confirm, name)
        c.raise_if_any()
        if person is None:
            person = Staff(name=full, role=StaffRole.ADMIN, active=True)
            s.add(person)
            uow.flush()
        account = Account(
            staff_id=person.id,
            login_name=name,
            password_hash=passwords.hash_password(password),
            role=AccountRole.ADMIN,
            active=True,
            last_login_at=clock.now(),
        )
        account.staff = person
        s.add(account)
        uow.flush()
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            account.id,
            f"首次使用：设置管理员账户「{name}」（{person.name}）",
        )
        key, recovery = _create_data_key(uow, account, password)
        who = _logged_in(account, key, recovery)
        _audit_login(uow, who, account.id, "首次登录")  # set-up is the first log-in
        return who


def _audit_login(uow: Any, who: LoggedIn, account_id: int, what: str) -> None:
    """The log-in in the audit trail, in the name of who logged in (not of the
    context before it)."""
    audit.append(
        uow.session,
        operator_id=who.staff_id,
        operator_name=who.staff_name,
        action=AuditAction.LOGIN,
        record_type=RECORD,
        record_id=account_id,
        summary=f"{who.staff_name}（{who.login_name}，{who.role.label}）{what}",
        before=None,
        after=None,
    )


def _create_data_key(uow: Any, account: Account, password: str) -> tuple[bytes, str]:
    s = uow.session
    key, recovery, n = identity.create_data_key(s)
    identity.wrap_for_account(s, account.id, key, password)
    uow.audit(
        AuditAction.CREATE,
        RECORD,
        account.id,
        f"生成数据密钥和恢复密钥，投诉举报人信息改为加密保存（已加密 {n} 条）",
    )
    return key, recovery


def log_in(ctx: ServiceContext, login_name: str, password: str) -> LoggedIn:
    """The account, or :class:`LoginFailed` with what to do, in Chinese."""
    at = clock.now()
    failure: str | None = None
    with ctx.uow() as uow:
        s = uow.session
        account = _by_name(s, login_name)
        if account is None:
            uow.audit(AuditAction.LOGIN_FAILED, RECORD, None, "登录失败：登录名不存在")
            failure = WRONG
        elif not account.active:
            uow.audit(AuditAction.LOGIN_FAILED, RECORD, account.id, "登录失败：账户已停用")
            failure = "该账户已停用，请联系管理员。"
        elif account.locked_until is not None and account.locked_until > at:
            uow.audit(AuditAction.LOGIN_FAILED, RECORD, account.id, "登录失败：账户锁定中")
            failure = _locked_message(account.locked_until, at)
        elif not passwords.verify_password(account.password_hash, password):
            account.failed_logins = (account.failed_logins or 0) + 1
            note = f"登录失败：密码错误（连续第{account.failed_logins}次）"
            failure = WRONG
            if account.failed_logins >= LOCK_AFTER:
                account.locked_until = at + timedelta(minutes=LOCK_MINUTES)
                account.failed_logins = 0
                note += f"，账户锁定{LOCK_MINUTES}分钟"
                failure = f"密码连续输错{LOCK_AFTER}次，账户已锁定{LOCK_MINUTES}分钟。" + (
                    "如急需使用，请管理员解锁。"
                )
            uow.audit(AuditAction.LOGIN_FAILED, RECORD, account.id, note)
        else:
            if passwords.needs_rehash(account.password_hash):
                account.password_hash = passwords.hash_password(password)
            key = identity.unwrap_for_account(s, account.id, password)
            recovery: str | None = None
            if key is not None and identity.wrap_outdated(s, account.id):
                identity.wrap_for_account(s, account.id, key, password)
            if (
                key is None and account.role == AccountRole.ADMIN and not identity.has_data_key(s)
            ):  # a database from before encryption: its first administrator log-in
                key, recovery = _create_data_key(uow, account, password)
            account.failed_logins = 0
            account.locked_until = None
            account.last_login_at = at
            who = _logged_in(account, key, recovery)
            _audit_login(uow, who, account.id, "登录")
            return who
    raise LoginFailed(failure or WRONG)


def _locked_message(until: datetime, at: datetime) -> str:
    minutes = max(1, int((until - at).total_seconds() // 60) + 1)
    return f"密码输错次数过多，账户已锁定，请{minutes}分钟后再试，或请管理员解锁。"


def check_password(ctx: ServiceContext, password: str) -> bool:
    """Unlocking the screen after inactivity: the logged-in account's password.
    A wrong one counts towards the lock-out like a failed log-in."""
    if ctx.account_id is None:
        return True
    with ctx.read() as s:
        account = s.get(Account, ctx.account_id)
        login_name = account.login_name if account is not None else ""
    try:
        log_in(ctx.as_operator(None, None), login_name, password)
    except LoginFailed:
        return False
    return True


def log_out(ctx: ServiceContext, why: str = "退出") -> None:
    if ctx.account_id is None:
        return
    with ctx.as_operator(ctx.operator_id, ctx.operator_name).uow() as uow:
        uow.audit(AuditAction.LOGOUT, RECORD, ctx.account_id, f"{ctx.operator_name} {why}")


# --- passwords ----------------------------------------------------------------------------


def change_password(ctx: ServiceContext, account_id: int, old: str, new: str, confirm: str) -> None:
    """The account's own change (its old password required)."""
    with ctx.as_operator(ctx.operator_id, ctx.operator_name).uow() as uow:
        account = _get(uow.session, account_id)
        c = Checker()
        if not passwords.verify_password(account.password_hash, old):
            c.fail("old", "原密码不正确。")
        _new_password(c, new, confirm, account.login_name)
        if not c.problems and new == old:
            c.fail("password", "新密码不能与原密码相同。")
        c.raise_if_any()
        s = uow.session
        key = ctx.data_key if ctx.account_id == account.id else None
        if key is None:
            key = identity.unwrap_for_account(s, account.id, old)
        account.password_hash = passwords.hash_password(new)
        account.must_change_password = False
        if key is not None:  # the data key, now under the new password
            identity.wrap_for_account(s, account.id, key, new)
        uow.audit(AuditAction.PASSWORD, RECORD, account.id, f"{account.login_name} 修改了密码")


def reset_password(ctx: ServiceContext, account_id: int, new: str, confirm: str) -> None:
    """An administrator sets a temporary password; it must be changed at the next
    log-in. Also unlocks the account."""
    ctx.require_admin("重置密码")
    with ctx.uow() as uow:
        account = _get(uow.session, account_id)
        c = Checker()
        _new_password(c, new, confirm, account.login_name)
        c.raise_if_any()
        key = _key_for_others(ctx, uow.session, "重置密码")
        if key is not None:  # the data key under the temporary password
            identity.wrap_for_account(uow.session, account.id, key, new)
        account.password_hash = passwords.hash_password(new)
        account.must_change_password = True
        account.failed_logins = 0
        account.locked_until = None
        uow.audit(
            AuditAction.PASSWORD,
            RECORD,
            account.id,
            f"管理员重置了「{account.login_name}」的密码（下次登录须修改）",
        )


def unlock(ctx: ServiceContext, account_id: int) -> None:
    ctx.require_admin("解锁账户")
    with ctx.uow() as uow:
        account = _get(uow.session, account_id)
        account.failed_logins = 0
        account.locked_until = None
        uow.audit(AuditAction.UPDATE, RECORD, account.id, f"解锁账户「{account.login_name}」")


def temporary_password() -> str:
    """12 characters, letters and digits, none easily confused (0/O, 1/l/I)."""
    letters = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    digits = "23456789"
    while True:
        text = "".join(secrets.choice(letters + digits) for _ in range(12))
        if passwords.password_problem(text) is None:
            return text


def recover_admin(
    ctx: ServiceContext, login_name: str | None, recovery_key: str | None
) -> tuple[str, str]:
    """忘记管理员密码: a new temporary password for an administrator (the named one,
    or the first active one), to be changed at log-in; returns (login name,
    temporary password). Only for the headless ``reset-admin`` command, run on
    the PC that holds the data folder.

    The recovery key printed at the first set-up is required once the data key
    exists: the data key is unwrapped with it and wrapped under the temporary
    password. A wrong key writes nothing but a refused attempt in the audit trail."""
    temp = temporary_password()
    try:
        return _recover_admin(ctx, login_name, recovery_key, temp)
    except RuleViolation as err:
        with ctx.uow() as uow:
            uow.audit(AuditAction.PASSWORD, RECORD, None, f"通过命令行恢复管理员密码被拒绝：{err}")
        raise


def _recover_admin(
    ctx: ServiceContext, login_name: str | None, recovery_key: str | None, temp: str
) -> tuple[str, str]:
    with ctx.uow() as uow:
        s = uow.session
        q = select(Account).where(Account.role == AccountRole.ADMIN).order_by(Account.id)
        if login_name:
            account = _by_name(s, login_name)
            if account is None or account.role != AccountRole.ADMIN:
                raise NotFound(f"没有名为「{login_name}」的管理员账户。")
        else:
            account = s.execute(q.where(Account.active.is_(True)).limit(1)).scalar_one_or_none()
            if account is None:
                account = s.execute(q.limit(1)).scalar_one_or_none()
            if account is None:
                raise NotFound("还没有任何账户：启动程序即可设置管理员。")
        if identity.has_data_key(s):
            if not (recovery_key or "").strip():
                raise RuleViolation(
                    "投诉举报人信息已加密保存，找回管理员密码须提供首次设置管理员时打印的恢复密钥。"
                )
            key = identity.unwrap_with_recovery(s, recovery_key or "")
            identity.wrap_for_account(s, account.id, key, temp)
        account.password_hash = passwords.hash_password(temp)
        account.must_change_password = True
        account.active = True
        account.failed_logins = 0
        account.locked_until = None
        uow.audit(
            AuditAction.PASSWORD,
            RECORD,
            account.id,
            f"通过命令行恢复管理员「{account.login_name}」的密码（下次登录须修改）",
        )
        return account.login_name, temp


def new_recovery_key(ctx: ServiceContext) -> str:
    """重新生成恢复密钥: a new recovery key for the data key (the old one stops
    working), to be shown once and printed. For a logged-in administrator."""
    ctx.require_admin("重新生成恢复密钥")
    with ctx.uow() as uow:
        s = uow.session
        if not identity.has_data_key(s):
            raise RuleViolation("还没有数据密钥：请先用管理员账户登录。")
        key = _key_for_others(ctx, s, "重新生成恢复密钥")
        assert key is not None
        text = identity.new_recovery_wrap(s, key)
        uow.audit(AuditAction.UPDATE, RECORD, ctx.account_id, "重新生成恢复密钥（原恢复密钥作废）")
        return text


# --- accounts -----------------------------------------------------------------------------


def _get(s: Session, account_id: int) -> Account:
    account = s.get(Account, account_id)
    if account is None:
        raise NotFound("该账户不存在。")
    return account


def list_accounts(ctx: ServiceContext) -> list[AccountRow]:
    with ctx.read() as s:
        rows = s.execute(
            select(Account, Staff.name)
            .join(Staff, Staff.id == Account.staff_id)
            .order_by(Account.active.desc(), Account.role, Account.login_name)
        ).all()
        return [
            AccountRow(
                a.id,
                a.login_name,
                a.staff_id,
                name,
                AccountRole(a.role),
                a.active,
                a.locked_until,
                a.must_change_password,
                a.last_login_at,
                a.version,
            )
            for a, name in rows
        ]


def create_account(
    ctx: ServiceContext,
    staff_id: int | None,
    login_name: str,
    role: AccountRole | str | None,
    password: str,
    confirm: str,
) -> int:
    """A new login for a member of staff, with a first password the administrator
    tells them; they change it at their first log-in."""
    ctx.require_admin("添加账户")
    with ctx.uow() as uow:
        s = uow.session
        c = Checker()
        name = _login_name(c, login_name)
        which = c.term("role", AccountRole, role, "角色", required=True)
        person = s.get(Staff, staff_id) if staff_id is not None else None
        if person is None:
            c.fail("staff", "请选择人员。")
        elif s.execute(select(Account.id).where(Account.staff_id == person.id)).first():
            c.fail("staff", f"「{person.name}」已有登录账户。")
        elif not person.active:
            c.fail("staff", f"「{person.name}」已停用。")
        _name_taken(c, s, name)
        _new_password(c, password, confirm, name)
        c.raise_if_any()
        assert person is not None and which is not None
        key = _key_for_others(ctx, s, "添加账户")
        account = Account(
            staff_id=person.id,
            login_name=name,
            password_hash=passwords.hash_password(password),
            role=which,
            active=True,
            must_change_password=True,
        )
        s.add(account)
        uow.flush()
        if key is not None:
            identity.wrap_for_account(s, account.id, key, password)
        uow.audit(
            AuditAction.CREATE,
            RECORD,
            account.id,
            f"添加账户「{name}」（{person.name}，{which.label}）",
        )
        return account.id


def update_account(
    ctx: ServiceContext,
    account_id: int,
    role: AccountRole | str | None,
    active: bool,
    version: int | None = None,
) -> None:
    """Role and 启用/停用; the last active administrator keeps both."""
    ctx.require_admin("修改账户")
    with ctx.uow() as uow:
        s = uow.session
        account = _get(s, account_id)
        check_version(account, version)
        c = Checker()
        which = c.term("role", AccountRole, role, "角色", required=True)
        c.raise_if_any()
        assert which is not None
        was_admin = account.role == AccountRole.ADMIN and account.active
        stays_admin = which == AccountRole.ADMIN and active
        if was_admin and not stays_admin and _active_admins(s) <= 1:
            raise RuleViolation(
                "这是唯一的管理员账户，不能停用或改为其他角色。请先设置另一位管理员。"
            )
        if account.id == ctx.account_id and not active:
            raise RuleViolation("不能停用正在使用的账户。")
        before = {"role": str(account.role), "active": account.active}
        account.role = which
        account.active = active
        uow.audit(
            AuditAction.UPDATE,
            RECORD,
            account.id,
            f"修改账户「{account.login_name}」：{which.label}，{'启用' if active else '停用'}",
            before=before,
            after={"role": which.value, "active": active},
        )


def role_of(ctx: ServiceContext, account_id: int) -> AccountRole:
    with ctx.read() as s:
        return AccountRole(_get(s, account_id).role)


__all__ = [
    "LOCK_AFTER",
    "LOCK_MINUTES",
    "AccountRow",
    "InvalidInput",
    "LoggedIn",
    "LoginFailed",
    "change_password",
    "check_password",
    "create_account",
    "list_accounts",
    "log_in",
    "log_out",
    "needs_setup",
    "new_recovery_key",
    "recover_admin",
    "reset_password",
    "set_up_first_admin",
    "unlock",
    "update_account",
]
