"""Contacts' OpenPGP keys are parsed and validated with real keys (Sequoia)."""

import time

import pysequoia
import pytest

from thiqa.lib.openpgp import InvalidKey, parse_public_key

BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"


def public_key(user_id: str = "CERT <cert@example.org>", **kwargs) -> str:
    return str(pysequoia.Tsk.generate(user_id, **kwargs).extract_certificate())


def test_it_reads_fingerprint_user_ids_and_expiry():
    secret = pysequoia.Tsk.generate("Duty officer <duty@cert.example.org>", validity_seconds=86400 * 30)
    key = parse_public_key(str(secret.extract_certificate()))
    assert key.fingerprint == secret.extract_certificate().fingerprint.upper()
    assert len(key.fingerprint) == 40
    assert key.grouped_fingerprint.count(" ") == 9
    assert key.user_ids == ("Duty officer <duty@cert.example.org>",)
    assert key.expires_at is not None


def test_it_refuses_a_secret_key_without_echoing_it():
    secret = str(pysequoia.Tsk.generate("A <a@example.org>"))
    with pytest.raises(InvalidKey, match="secret"):
        parse_public_key(secret)


def test_it_refuses_an_expired_key():
    text = public_key(validity_seconds=1)
    time.sleep(1.5)
    with pytest.raises(InvalidKey, match="expired on"):
        parse_public_key(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not a key at all", "ASCII armor"),
        (f"{BEGIN}\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----", "cannot be read"),
        (f"{BEGIN}\n" + "A" * 70_000, "64 KB"),
    ],
)
def test_it_refuses_malformed_keys_with_a_reason(text, reason):
    with pytest.raises(InvalidKey, match=reason):
        parse_public_key(text)


def test_it_refuses_a_revoked_key():
    secret = pysequoia.Tsk.generate("A <a@example.org>")
    cert = secret.extract_certificate()
    revoked = pysequoia.Cert.from_bytes(bytes(cert) + bytes(cert.revoke(secret.certifier())))
    with pytest.raises(InvalidKey, match="revoked"):
        parse_public_key(str(revoked))
