"""投诉举报人信息加密保存: the complainant's identity encrypted at rest.

The four fields of :class:`Complainant` (name, phone, id_number, address) are
stored as ``enc1:…`` (AES-256-GCM, :mod:`desktop_app.security.vault`) under
one random data key (DEK), with the place as associated data
(``complainants.phone:42``) so a value moved to another row or column does
not open. The DEK exists from the first administrator's set-up on; it is kept
only wrapped (table ``key_wraps``): under each account's login password
(argon2id) and under the recovery key printed once for the administrator. A
log-in unwraps it into the context (``ServiceContext.data_key``), and the
context puts it in every session it opens (``Session.info``), so the readers
here need only the session.

* No DEK yet (no account: a fresh demo folder, headless use before the first
  log-in): values are stored as typed. :func:`seal_existing` encrypts them
  when the DEK is created.
* A DEK but no key in the context (headless without ``--login``): writing an
  identity is refused (:class:`LoginRequired`); reading gives a locked
  :class:`Identity` that lists show as :data:`PLACEHOLDER` — never a crash.

Account and recovery wraps (creating, re-wrapping, unwrapping) are here too;
:mod:`accounts` decides when.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event, or_, select
from sqlalchemy.orm import Session, object_session

from desktop_app.security import passwords, vault
from desktop_app.services.context import DATA_KEY, ServiceContext
from desktop_app.services.errors import RuleViolation, ServiceError
from desktop_app.storage.models import Complainant, KeyWrap

FIELDS = ("name", "phone", "id_number", "address")
PLACEHOLDER = "（已加密，需登录查看）"
LOGIN_NEEDED = "投诉举报人信息已加密保存，请先登录（用登录密码解锁）后再操作。"
DAMAGED = "投诉举报人信息无法解密：数据已损坏或被改动。请从备份恢复，或联系技术支持。"
WRONG_RECOVERY = (
    "恢复密钥不正确：请对照首次设置管理员时打印（或最近一次重新生成）的恢复密钥重新输入。"
)


class LoginRequired(RuleViolation):
    """The database's identities are encrypted and this context has no key."""

    def __init__(self, message: str = LOGIN_NEEDED) -> None:
        super().__init__(message)


# --- where the key is ---------------------------------------------------------------------


def key_of(session: Session | None) -> bytes | None:
    return session.info.get(DATA_KEY) if session is not None else None


def has_data_key(session: Session) -> bool:
    """The database has a DEK (an account has been set up since encryption came)."""
    return session.execute(select(KeyWrap.id).limit(1)).first() is not None


def aad(column: str, complaint_id: int) -> str:
    return f"complainants.{column}:{complaint_id}"


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """The identity in clear; ``locked``: encrypted and no key to open it."""

    name: str | None = None
    phone: str | None = None
    id_number: str | None = None
    address: str | None = None
    locked: bool = False

    def as_dict(self) -> dict[str, str | None]:
        return {f: getattr(self, f) for f in FIELDS}


def open_field(
    key: bytes | None, column: str, complaint_id: int, value: Any, *, strict: bool = True
) -> tuple[str | None, bool]:
    """(plaintext, locked) of one stored value; a plaintext value as it is.
    A value that does not open: :class:`ServiceError` (``strict``) or locked."""
    if not vault.is_sealed(value):
        return value, False
    if key is None:
        return None, True
    try:
        return vault.open_value(key, value, aad(column, complaint_id)), False
    except vault.VaultError as err:
        if strict:
            raise ServiceError(DAMAGED) from err
        return None, True


def open_person(
    p: Complainant | None, session: Session | None = None, *, strict: bool = False
) -> Identity | None:
    """The complainant's identity with the key of ``session`` (default: the one
    ``p`` was loaded in). Not ``strict``: a value that does not open is locked."""
    if p is None:
        return None
    key = key_of(session if session is not None else object_session(p))
    out: dict[str, Any] = {}
    locked = False
    for f in FIELDS:
        out[f], shut = open_field(key, f, p.complaint_id, getattr(p, f), strict=strict)
        locked = locked or shut
    return Identity(**out, locked=locked)


def require_person(p: Complainant | None, session: Session | None = None) -> Identity | None:
    """:func:`open_person`, refusing (:class:`LoginRequired`) when it stays locked."""
    person = open_person(p, session, strict=True)
    if person is not None and person.locked:
        raise LoginRequired()
    return person


# --- writing ------------------------------------------------------------------------------


def seal_fields(
    session: Session, complaint_id: int, person: Mapping[str, Any], key: bytes | None = None
) -> dict[str, Any]:
    """The values to store for ``person`` (the four fields; others pass through):
    encrypted when the database has a DEK, as typed otherwise."""
    out = dict(person)
    if not has_data_key(session):
        return out
    key = key if key is not None else key_of(session)
    if key is None:
        if any(out.get(f) for f in FIELDS):
            raise LoginRequired()
        return out
    for f in FIELDS:
        v = out.get(f)
        if v:
            out[f] = vault.seal(key, str(v), aad(f, complaint_id))
    return out


def new_complainant(session: Session, complaint_id: int, person: Mapping[str, Any]) -> Complainant:
    return Complainant(complaint_id=complaint_id, **seal_fields(session, complaint_id, person))


def set_person(session: Session, p: Complainant, person: Mapping[str, Any]) -> None:
    for f, v in seal_fields(session, p.complaint_id, person).items():
        setattr(p, f, v)


@event.listens_for(Complainant, "before_insert")
@event.listens_for(Complainant, "before_update")
def _seal_on_flush(_mapper: Any, connection: Connection, target: Complainant) -> None:
    """The safety net: whatever builds a :class:`Complainant` (the ledger import
    builds it without a session), no identity reaches the file in clear once
    the database has a data key."""
    plain = [f for f in FIELDS if getattr(target, f) and not vault.is_sealed(getattr(target, f))]
    if not plain or connection.execute(select(KeyWrap.id).limit(1)).first() is None:
        return
    key = key_of(object_session(target))
    if key is None:
        raise LoginRequired()
    for f in plain:
        setattr(target, f, vault.seal(key, str(getattr(target, f)), aad(f, target.complaint_id)))


def need_key(session: Session, person: Mapping[str, Any] | None) -> str | None:
    """Why ``person`` cannot be stored now (:data:`LOGIN_NEEDED`), for checks that
    list problems before writing; None when it can."""
    if not person or not any(person.get(f) for f in FIELDS) or key_of(session) is not None:
        return None
    return LOGIN_NEEDED if has_data_key(session) else None


def seal_rows(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Bulk rows (dicts with ``complaint_id`` and the fields, as the demo builds
    them) sealed in place; returns how many. Nothing to do without a DEK."""
    if not has_data_key(session):
        return 0
    key = key_of(session)
    n = 0
    for row in rows:
        if key is None and any(row.get(f) for f in FIELDS):
            raise LoginRequired()
        for f in FIELDS:
            v = row.get(f)
            if v:
                assert key is not None
                row[f] = vault.seal(key, str(v), aad(f, int(row["complaint_id"])))
                n += 1
    return n


def seal_existing(session: Session, key: bytes) -> int:
    """Encrypt every complainant still stored in clear (when the DEK is created);
    returns how many rows changed."""
    plain = or_(*[getattr(Complainant, f).not_like(vault.PREFIX + "%") for f in FIELDS])
    n = 0
    for p in session.execute(select(Complainant).where(plain)).scalars():
        changed = False
        for f in FIELDS:
            v = getattr(p, f)
            if v and not vault.is_sealed(v):
                setattr(p, f, vault.seal(key, v, aad(f, p.complaint_id)))
                changed = True
        n += changed
    session.flush()
    return n


# --- the data key and its wraps -----------------------------------------------------------


def kdf_params() -> vault.KdfParams:
    """The password KEK costs what the login hash costs (the test suite's fast
    profile included, see ``passwords.use_fast_hashing``)."""
    h = passwords._hasher  # one cost setting for both uses of the password
    return vault.KdfParams("argon2id", h.time_cost, h.memory_cost, h.parallelism)


def _wrap_aad(account_id: int | None) -> bytes:
    return f"key_wraps:{'recovery' if account_id is None else account_id}".encode()


def _as_wrapped(w: KeyWrap) -> vault.Wrapped:
    return vault.Wrapped(w.salt, w.params, w.wrapped)


def _wrap_row(session: Session, account_id: int | None) -> KeyWrap | None:
    cond = KeyWrap.account_id.is_(None) if account_id is None else KeyWrap.account_id == account_id
    return session.execute(select(KeyWrap).where(cond)).scalar_one_or_none()


def _store(session: Session, account_id: int | None, w: vault.Wrapped) -> None:
    row = _wrap_row(session, account_id)
    if row is None:
        row = KeyWrap(account_id=account_id)
        session.add(row)
    row.salt, row.params, row.wrapped = w.salt, w.params, w.wrapped
    session.flush()


def wrap_for_account(session: Session, account_id: int, dek: bytes, password: str) -> None:
    """Store (or replace) the account's wrap of the DEK under its password."""
    w = vault.wrap_with_password(dek, password, kdf_params(), _wrap_aad(account_id))
    _store(session, account_id, w)


def unwrap_for_account(session: Session, account_id: int, password: str) -> bytes | None:
    """The DEK with the account's password; None when the account has no wrap
    (made before encryption: an administrator's password reset gives it one)."""
    row = _wrap_row(session, account_id)
    if row is None:
        return None
    try:
        return vault.unwrap_with_password(_as_wrapped(row), password, _wrap_aad(account_id))
    except vault.VaultError as err:
        # The password was verified against its hash first: a wrap that does not
        # open means the wrap was damaged or replaced.
        raise ServiceError("登录密码正确，但无法解开数据密钥：密钥记录可能已损坏。") from err


def new_recovery_wrap(session: Session, dek: bytes) -> str:
    """A new recovery key for the DEK (replacing any earlier one); returns its
    printable form, which is not stored anywhere."""
    text, raw = vault.new_recovery_key()
    _store(session, None, vault.wrap_with_recovery(dek, raw, _wrap_aad(None)))
    return text


def unwrap_with_recovery(session: Session, recovery_key: str) -> bytes:
    """The DEK from the typed recovery key; :class:`RuleViolation` in Chinese."""
    try:
        raw = vault.parse_recovery_key(recovery_key)
    except vault.BadRecoveryKey as err:
        raise RuleViolation(str(err)) from err
    row = _wrap_row(session, None)
    if row is None:
        raise RuleViolation("数据库中没有恢复密钥记录，无法用恢复密钥找回。")
    try:
        return vault.unwrap_with_recovery(_as_wrapped(row), raw, _wrap_aad(None))
    except vault.VaultError as err:
        raise RuleViolation(WRONG_RECOVERY) from err


def create_data_key(session: Session) -> tuple[bytes, str, int]:
    """A new DEK with its recovery wrap, and every plaintext identity encrypted
    under it (same transaction). Returns (DEK, printable recovery key, the
    number of complainants encrypted)."""
    if has_data_key(session):
        raise RuleViolation("数据库已有数据密钥。")
    dek = vault.new_key()
    recovery = new_recovery_wrap(session, dek)
    return dek, recovery, seal_existing(session, dek)


def wrap_outdated(session: Session, account_id: int) -> bool:
    """The account's wrap was made with other argon2id costs than today's."""
    row = _wrap_row(session, account_id)
    return row is not None and vault.KdfParams.from_json(row.params) != kdf_params()


def is_encrypted(ctx: ServiceContext) -> bool:
    """The database keeps the identities encrypted (for the UI: a logged-in
    account whose ``data_key`` is None then needs a password reset)."""
    with ctx.read() as s:
        return has_data_key(s)
