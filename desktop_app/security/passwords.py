"""Login passwords: argon2id hashes (RFC 9106 low-memory profile, the argon2-cffi
defaults: t=3, m=64 MiB, p=4 — about 0.4 s on an office PC, which is the point).

Tests switch to a cheap profile with :func:`use_fast_hashing`; a hash made with
either profile verifies under both (the parameters are in the hash), and
:func:`needs_rehash` tells the login to upgrade an old hash.
"""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
MAX_LENGTH = 128

_hasher = PasswordHasher()


def use_fast_hashing(fast: bool = True) -> None:
    """Cheap parameters for the test suite (never in the app)."""
    global _hasher
    _hasher = (
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if fast else PasswordHasher()
    )


def _norm(password: str) -> str:
    # the same characters typed with a full-width IME or a half-width keyboard
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    return _hasher.hash(_norm(password))


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, _norm(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def password_problem(password: str, login_name: str = "") -> str | None:
    """Why a new password is not acceptable, in Chinese; None when it is."""
    p = _norm(password or "")
    if len(p) < MIN_LENGTH:
        return f"密码至少{MIN_LENGTH}个字符。"
    if len(p) > MAX_LENGTH:
        return f"密码不能超过{MAX_LENGTH}个字符。"
    if p.strip() != p:
        return "密码开头和结尾不能是空格。"
    if not any(ch.isdigit() for ch in p) or not any(ch.isalpha() for ch in p):
        return "密码须同时包含字母和数字。"
    if login_name and _norm(login_name).lower() in p.lower():
        return "密码不能包含登录名。"
    if len(set(p)) < 4:
        return "密码过于简单，请换一个。"
    return None
