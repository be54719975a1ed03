"""security/vault.py: the data key, its wraps, sealed values and the recovery key."""

from __future__ import annotations

import base64

import pytest

from desktop_app.security import vault

FAST = vault.KdfParams("argon2id", 1, 1024, 1)


def test_seal_and_open_round_trip_with_its_place() -> None:
    key = vault.new_key()
    assert len(key) == 32
    token = vault.seal(key, "李𠀀华", "complainants.name:7")
    assert token.startswith("enc1:") and vault.is_sealed(token)
    assert "李" not in token
    blob = base64.b64decode(token[5:])
    assert len(blob) == 12 + len("李𠀀华".encode()) + 16  # nonce | ciphertext | tag
    assert vault.open_value(key, token, "complainants.name:7") == "李𠀀华"
    assert vault.seal(key, "李𠀀华", "complainants.name:7") != token  # a fresh nonce each time


@pytest.mark.parametrize("aad", ["complainants.name:8", "complainants.phone:7"])
def test_a_value_moved_to_another_row_or_column_does_not_open(aad: str) -> None:
    key = vault.new_key()
    token = vault.seal(key, "13831112222", "complainants.name:7")
    with pytest.raises(vault.VaultError):
        vault.open_value(key, token, aad)


def test_wrong_key_or_damaged_value_does_not_open() -> None:
    key = vault.new_key()
    token = vault.seal(key, "赵八村12号", "a")
    with pytest.raises(vault.VaultError):
        vault.open_value(vault.new_key(), token, "a")
    raw = bytearray(base64.b64decode(token[5:]))
    raw[-1] ^= 1
    with pytest.raises(vault.VaultError):
        vault.open_value(key, "enc1:" + base64.b64encode(bytes(raw)).decode(), "a")
    for bad in ("enc1:not base64!", "enc1:", "plain"):
        with pytest.raises(vault.VaultError):
            vault.open_value(key, bad, "a")
    assert not vault.is_sealed(None) and not vault.is_sealed("李华")


def test_password_wrap() -> None:
    dek = vault.new_key()
    w = vault.wrap_with_password(dek, "zhao2026ba", FAST, b"key_wraps:1")
    assert dek not in w.wrapped and len(w.salt) == 16
    assert vault.KdfParams.from_json(w.params) == FAST
    assert vault.unwrap_with_password(w, "zhao2026ba", b"key_wraps:1") == dek
    # typed with a full-width IME: the same password, as for the login hash
    assert vault.unwrap_with_password(w, "ｚｈａｏ２０２６ｂａ", b"key_wraps:1") == dek
    with pytest.raises(vault.WrongKey):
        vault.unwrap_with_password(w, "zhao2026bb", b"key_wraps:1")
    with pytest.raises(vault.WrongKey):  # another account's wrap
        vault.unwrap_with_password(w, "zhao2026ba", b"key_wraps:2")
    other = vault.wrap_with_password(dek, "zhao2026ba", FAST, b"key_wraps:1")
    assert other.salt != w.salt and other.wrapped != w.wrapped  # a random salt per wrap


def test_kek_uses_the_stored_parameters() -> None:
    salt = b"s" * 16
    a = vault.password_kek("abc12345", salt, FAST)
    assert len(a) == 32
    assert vault.password_kek("abc12345", salt, FAST) == a
    assert vault.password_kek("abc12345", salt, vault.KdfParams("argon2id", 2, 1024, 1)) != a
    with pytest.raises(vault.VaultError):
        vault.KdfParams.from_json("{not json")


def test_recovery_key_format_and_wrap() -> None:
    text, raw = vault.new_recovery_key()
    groups = text.split("-")
    assert len(groups) == 8 and all(len(g) == 5 for g in groups)
    assert all(ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for ch in "".join(groups))
    assert vault.parse_recovery_key(text) == raw
    assert vault.parse_recovery_key(" " + text.lower().replace("-", " ") + "\n") == raw
    assert vault.parse_recovery_key(text.translate(str.maketrans("OIB", "018"))) == raw
    for bad in ("", "ABCDE-FGHIJ", text + "A", text[:-1] + "!"):
        with pytest.raises(vault.BadRecoveryKey, match="格式不正确"):
            vault.parse_recovery_key(bad)
    dek = vault.new_key()
    w = vault.wrap_with_recovery(dek, raw, b"key_wraps:recovery")
    assert vault.unwrap_with_recovery(w, raw, b"key_wraps:recovery") == dek
    with pytest.raises(vault.WrongKey):
        vault.unwrap_with_recovery(w, vault.new_recovery_key()[1], b"key_wraps:recovery")
    pw = vault.wrap_with_password(dek, "abc12345", FAST, b"key_wraps:recovery")
    with pytest.raises(vault.VaultError):  # a password wrap is not a recovery wrap
        vault.unwrap_with_recovery(pw, raw, b"key_wraps:recovery")
