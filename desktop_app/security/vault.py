"""Column encryption at rest: pure cryptography, no database, no Chinese UI text
beyond the messages of :class:`VaultError`.

* The data key (DEK): 256 random bits (:func:`new_key`), never stored in clear.
* It is wrapped (AES-256-GCM) under a key-encryption key (KEK):
  - per account: argon2id of the login password (:func:`password_kek`), with a
    random salt per wrap and the parameters stored with the wrap;
  - the recovery wrap: HKDF-SHA256 of the recovery key (200 random bits,
    printed once as 8 groups of 5 base32 characters, :func:`new_recovery_key`;
    it has the entropy of a key, so no slow derivation is needed).
* Values: ``enc1:`` + base64(nonce | ciphertext | tag), AES-256-GCM with an
  associated text naming where the value belongs (``complainants.name:42``), so
  a ciphertext copied to another row or column does not open (:func:`seal`,
  :func:`open_value`).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
PREFIX = "enc1:"
RECOVERY_BYTES = 25  # 200 bits = 40 base32 characters
RECOVERY_GROUPS = 8
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# What people misread or mistype on a printed key: 0/O, 1/I/L, 8/B.
_TYPOS = str.maketrans({"0": "O", "1": "I", "8": "B"})


class VaultError(Exception):
    """Wrong key, wrong password or a damaged/moved ciphertext."""


class WrongKey(VaultError):
    pass


class BadRecoveryKey(VaultError):
    pass


# --- key derivation -----------------------------------------------------------------------


@dataclass(frozen=True)
class KdfParams:
    """How a KEK was derived; stored (as JSON) with every wrap."""

    kdf: str = "argon2id"
    time_cost: int = 3
    memory_cost: int = 65536  # KiB
    parallelism: int = 4

    def to_json(self) -> str:
        if self.kdf != "argon2id":
            return json.dumps({"kdf": self.kdf, "v": 1})
        return json.dumps(
            {
                "kdf": self.kdf,
                "v": 1,
                "t": self.time_cost,
                "m": self.memory_cost,
                "p": self.parallelism,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> KdfParams:
        try:
            d = json.loads(text)
            if d["kdf"] != "argon2id":
                return cls(kdf=str(d["kdf"]), time_cost=0, memory_cost=0, parallelism=0)
            return cls("argon2id", int(d["t"]), int(d["m"]), int(d["p"]))
        except (ValueError, KeyError, TypeError) as err:
            raise VaultError("密钥参数已损坏。") from err


RECOVERY_KDF = KdfParams(kdf="hkdf-sha256", time_cost=0, memory_cost=0, parallelism=0)


def password_kek(password: str, salt: bytes, params: KdfParams) -> bytes:
    """argon2id raw hash of the password (NFKC, like the login hash) → a 256-bit KEK."""
    if params.kdf != "argon2id":
        raise VaultError(f"不支持的密钥派生方法：{params.kdf}")
    secret = unicodedata.normalize("NFKC", password).encode("utf-8")
    return hash_secret_raw(
        secret,
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def recovery_kek(recovery: bytes, salt: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"township-recovery-kek"
    ).derive(recovery)


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


# --- keys and wraps -----------------------------------------------------------------------


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap(kek: bytes, dek: bytes, aad: bytes) -> bytes:
    """nonce | AES-GCM(kek, dek, aad)."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, dek, aad)


def unwrap(kek: bytes, blob: bytes, aad: bytes) -> bytes:
    try:
        dek = AESGCM(kek).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError) as err:
        raise WrongKey("密钥不正确。") from err
    if len(dek) != KEY_BYTES:
        raise WrongKey("密钥不正确。")
    return dek


@dataclass(frozen=True)
class Wrapped:
    salt: bytes
    params: str  # KdfParams JSON
    wrapped: bytes


def wrap_with_password(dek: bytes, password: str, params: KdfParams, aad: bytes) -> Wrapped:
    salt = new_salt()
    return Wrapped(salt, params.to_json(), wrap(password_kek(password, salt, params), dek, aad))


def unwrap_with_password(w: Wrapped, password: str, aad: bytes) -> bytes:
    kek = password_kek(password, w.salt, KdfParams.from_json(w.params))
    return unwrap(kek, w.wrapped, aad)


def wrap_with_recovery(dek: bytes, recovery: bytes, aad: bytes) -> Wrapped:
    salt = new_salt()
    return Wrapped(salt, RECOVERY_KDF.to_json(), wrap(recovery_kek(recovery, salt), dek, aad))


def unwrap_with_recovery(w: Wrapped, recovery: bytes, aad: bytes) -> bytes:
    if KdfParams.from_json(w.params).kdf != RECOVERY_KDF.kdf:
        raise VaultError("这不是恢复密钥的包装。")
    return unwrap(recovery_kek(recovery, w.salt), w.wrapped, aad)


# --- the recovery key ---------------------------------------------------------------------


def new_recovery_key() -> tuple[str, bytes]:
    """(the printable form, the secret bytes): ``ABCDE-FGHIJ-…`` 8 groups of 5."""
    raw = secrets.token_bytes(RECOVERY_BYTES)
    return format_recovery_key(raw), raw


def format_recovery_key(raw: bytes) -> str:
    text = base64.b32encode(raw).decode("ascii")
    return "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def parse_recovery_key(text: str) -> bytes:
    """The secret bytes of a typed recovery key: spaces, dashes, case, full-width
    characters and 0/1/8 for O/I/B forgiven. :class:`BadRecoveryKey` otherwise."""
    flat = re.sub(r"[\s\-_]", "", unicodedata.normalize("NFKC", text or "")).upper()
    flat = flat.translate(_TYPOS)
    n = RECOVERY_BYTES * 8 // 5
    if len(flat) != n or any(ch not in _B32 for ch in flat):
        raise BadRecoveryKey(
            f"恢复密钥格式不正确：应为 {RECOVERY_GROUPS} 组、每组 5 个字母或数字"
            "（如 ABCDE-FGHIJ-…），请对照打印的恢复密钥重新输入。"
        )
    try:
        return base64.b32decode(flat)
    except binascii.Error as err:  # pragma: no cover - the checks above exclude it
        raise BadRecoveryKey("恢复密钥格式不正确。") from err


# --- values -------------------------------------------------------------------------------


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(key: bytes, plaintext: str, aad: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), aad.encode("utf-8"))
    return PREFIX + base64.b64encode(nonce + body).decode("ascii")


def open_value(key: bytes, token: str, aad: str) -> str:
    """The plaintext of a :func:`seal` token; :class:`VaultError` when the key is
    wrong, the token damaged or it was sealed for another place (``aad``)."""
    if not is_sealed(token):
        raise VaultError("不是加密的值。")
    try:
        blob = base64.b64decode(token[len(PREFIX) :], validate=True)
        data = AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad.encode("utf-8"))
    except (InvalidTag, ValueError, binascii.Error) as err:
        raise VaultError("加密数据无法解密（密钥不符，或数据已损坏、被移动）。") from err
    return data.decode("utf-8")
