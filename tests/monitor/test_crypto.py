"""Field encryption: round trip, binding to its column, tamper and wrong-key detection."""

from __future__ import annotations

import pytest

from monitor import crypto
from monitor.errors import KeyProblem


@pytest.fixture
def vault() -> crypto.Vault:
    return crypto.Vault(crypto.generate_key())


def test_round_trip_and_fresh_nonce(vault: crypto.Vault) -> None:
    sealed = vault.seal_text("Гюльнара Мехдиева", "activist.name")
    assert vault.open_text(sealed, "activist.name") == "Гюльнара Мехдиева"
    assert sealed != vault.seal_text("Гюльнара Мехдиева", "activist.name")
    assert "Мехдиева".encode() not in sealed


def test_a_value_moved_to_another_column_does_not_open(vault: crypto.Vault) -> None:
    sealed = vault.seal_text("secret", "activist.name")
    with pytest.raises(KeyProblem):
        vault.open_text(sealed, "identifier.value")


def test_a_flipped_byte_is_detected(vault: crypto.Vault) -> None:
    sealed = bytearray(vault.seal_text("secret", "c"))
    sealed[-1] ^= 1
    with pytest.raises(KeyProblem, match="cannot be decrypted"):
        vault.open(bytes(sealed), "c")


def test_another_key_cannot_open(vault: crypto.Vault) -> None:
    other = crypto.Vault(crypto.generate_key())
    with pytest.raises(KeyProblem):
        other.open(vault.seal(b"x", "c"), "c")


def test_lookup_is_deterministic_keyed_and_namespaced(vault: crypto.Vault) -> None:
    other = crypto.Vault(crypto.generate_key())
    assert vault.lookup("handle:x", "jane") == vault.lookup("handle:x", "jane")
    assert vault.lookup("handle:x", "jane") != other.lookup("handle:x", "jane")
    assert vault.lookup("handle:x", "jane") != vault.lookup("handle:instagram", "jane")


def test_passphrase_derivation_depends_on_salt_and_passphrase() -> None:
    params = crypto.KdfParams(salt=b"s" * 16, memory_cost_kib=1024, time_cost=1)
    key = crypto.key_from_passphrase("pass", params)
    assert len(key) == crypto.KEY_BYTES
    assert key == crypto.key_from_passphrase("pass", params)
    assert key != crypto.key_from_passphrase("pass2", params)
    other_salt = crypto.KdfParams(salt=b"t" * 16, memory_cost_kib=1024, time_cost=1)
    assert key != crypto.key_from_passphrase("pass", other_salt)


@pytest.mark.parametrize("text", ["", "abc", "A" * 44, crypto.encode_key(b"x" * 16)])
def test_malformed_keys_are_refused(text: str) -> None:
    with pytest.raises(KeyProblem):
        crypto.decode_key(text, origin="test")
