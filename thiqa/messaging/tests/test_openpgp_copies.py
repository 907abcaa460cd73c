"""E-mail copies over real SMTP: encrypted to the recipient's OpenPGP key and signed by the
platform (the test decrypts with the recipient's secret key and checks the signature),
signed clear copies verified over the exact bytes received, notices that carry nothing."""

import email
import email.policy
import re
import time

import pysequoia
import pytest

from conftest import make_contact
from thiqa.lib.openpgp import platform_key
from thiqa.lib.tlp import TLP
from thiqa.mail.services import deliver_due
from thiqa.messaging import services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Recipient
from thiqa.messaging.tests.helpers import incident, public, secret_key

pytestmark = pytest.mark.usefixtures("catalogue")


def platform_cert() -> pysequoia.Cert:
    return pysequoia.Cert.from_bytes(platform_key().public.encode())


def store(key_ids: list[str]) -> list[pysequoia.Cert]:
    return [platform_cert()]


def decrypt(raw: bytes, secret: pysequoia.Tsk) -> tuple[bytes, list]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message.get_content_type() == "multipart/encrypted"
    assert message.get_param("protocol") == "application/pgp-encrypted"
    control, payload = message.get_payload()
    assert control.get_content_type() == "application/pgp-encrypted" and "Version: 1" in control.get_payload()
    armored = payload.get_payload(decode=True)
    assert armored.startswith(b"-----BEGIN PGP MESSAGE-----")
    result = pysequoia.decrypt(armored, decryptor=secret.decryptor(), store=store)
    return result.bytes, result.valid_sigs


@pytest.fixture
def keyed(other_participant):
    secret = secret_key("CERT-FR <cert@fr.example>")
    contact = make_contact(other_participant, "technical", "cert@fr.example", pgp_key=public(secret))
    return contact, secret


@pytest.mark.parametrize("label", [TLP.AMBER, TLP.RED])
def test_a_keyed_recipient_gets_the_whole_message_encrypted_and_signed(
    focal_point, participant, other_participant, keyed, smtp_sink, label
):
    _contact, secret = keyed
    message = services.send(
        focal_point,
        participant,
        incident(Addressees(participants=[other_participant], roles=["technical"]), tlp=label),
    )
    assert message.recipients.get().copy == Recipient.Copy.ENCRYPTED
    deliver_due()
    (envelope,) = smtp_sink.received
    raw = envelope.original_content
    outer = email.message_from_bytes(raw, policy=email.policy.default)
    assert outer["Subject"] == f"[TLP:{label}] Incident notification from Egypt"
    assert b"Ransomware" not in raw and b"203.0.113.7" not in raw  # nothing readable outside the encryption
    plaintext, signatures = decrypt(raw, secret)
    assert len(signatures) == 1  # signed by the platform's key, verified against its certificate
    inner = email.message_from_bytes(plaintext, policy=email.policy.default)
    assert inner["Subject"] == message.subject  # the protected header
    text = inner.get_content()
    assert f"TLP:{label}" in text and "The grid operator's billing systems are encrypted." in text
    assert "evil[.]example" in text and "203.0.113.7" in text


def test_a_tampered_ciphertext_does_not_decrypt(
    focal_point, participant, other_participant, keyed, smtp_sink
):
    contact, secret = keyed
    services.send(focal_point, participant, incident(Addressees(contacts=[contact])))
    deliver_due()
    raw = smtp_sink.received[0].original_content
    armored = (
        email.message_from_bytes(raw, policy=email.policy.default).get_payload()[1].get_payload(decode=True)
    )
    lines = armored.split(b"\n")
    middle = len(lines) // 2  # inside the encrypted data, past the session-key packet
    lines[middle] = lines[middle][:30] + (b"A" if lines[middle][30:31] != b"A" else b"B") + lines[middle][31:]
    with pytest.raises(Exception):  # noqa: B017  (Sequoia raises RuntimeError with a backtrace)
        pysequoia.decrypt(b"\n".join(lines), decryptor=secret.decryptor(), store=store)


def _signed_part(raw: bytes) -> tuple[bytes, bytes]:
    """The first part of a multipart/signed message exactly as it travelled (RFC 3156: up to
    the CRLF before the next boundary) and its detached signature."""
    boundary = re.search(rb'boundary="([^"]+)"', raw).group(1)
    delimiter = b"--" + boundary
    parts = raw.split(delimiter)
    signed = parts[1][2:]  # drop the CRLF that ends the boundary line
    assert signed.endswith(b"\r\n")
    signed = signed[:-2]  # the CRLF before the next boundary belongs to the delimiter
    signature = re.search(
        rb"-----BEGIN PGP SIGNATURE-----.*?-----END PGP SIGNATURE-----", parts[2], re.S
    ).group(0)
    return signed, signature


def test_a_clear_copy_is_signed_over_the_exact_bytes_received(
    focal_point, participant, other_participant, smtp_sink
):
    make_contact(other_participant, "technical", "cert@fr.example")
    services.send(
        focal_point,
        participant,
        incident(Addressees(participants=[other_participant], roles=["technical"]), tlp=TLP.GREEN),
    )
    deliver_due()
    raw = smtp_sink.received[0].original_content
    outer = email.message_from_bytes(raw, policy=email.policy.default)
    assert outer.get_content_type() == "multipart/signed"
    assert outer.get_param("micalg") == "pgp-sha512"
    signed, signature = _signed_part(raw)
    verified = pysequoia.verify(bytes=signed, store=store, signature=pysequoia.Sig.from_bytes(signature))
    assert len(verified.valid_sigs) == 1
    with pytest.raises(Exception):  # noqa: B017
        pysequoia.verify(
            bytes=signed.replace(b"Content-Type", b"Content-type"),
            store=store,
            signature=pysequoia.Sig.from_bytes(signature),
        )


def test_without_a_key_amber_and_red_travel_only_as_a_signed_notice(
    focal_point, participant, other_participant, smtp_sink
):
    make_contact(other_participant, "technical", "cert@fr.example")
    to = Addressees(participants=[other_participant], roles=["technical"])
    for label in (TLP.AMBER, TLP.AMBER_STRICT, TLP.RED):
        services.send(focal_point, participant, incident(to, tlp=label))
    deliver_due()
    assert len(smtp_sink.received) == 3
    for envelope in smtp_sink.received:
        raw = envelope.original_content
        outer = email.message_from_bytes(raw, policy=email.policy.default)
        text = outer.get_payload()[0].get_content()
        assert outer.get_content_type() == "multipart/signed"
        assert "Ransomware" not in outer["Subject"] and b"Ransomware" not in raw
        assert "billing systems" not in text and "203.0.113.7" not in text
        assert "/messages/threads/" in text and "/messages/ack/" in text
        signed, signature = _signed_part(raw)
        assert pysequoia.verify(
            bytes=signed, store=store, signature=pysequoia.Sig.from_bytes(signature)
        ).valid_sigs


def test_a_key_that_expired_since_it_was_accepted_gets_a_notice(focal_point, participant, other_participant):
    secret = pysequoia.Tsk.generate("Short <short@fr.example>", validity_seconds=2)
    contact = make_contact(other_participant, "technical", "short@fr.example", pgp_key=public(secret))
    time.sleep(2.5)
    message = services.send(focal_point, participant, incident(Addressees(contacts=[contact])))
    assert message.recipients.get().copy == Recipient.Copy.NOTICE


def test_the_platform_key_is_created_once_and_published(client, tmp_path, settings):
    settings.THIQA_OPENPGP_KEY_FILE = str(tmp_path / "keys" / "platform.asc")
    first = platform_key().fingerprint
    assert (tmp_path / "keys" / "platform.asc").stat().st_mode & 0o777 == 0o600
    from thiqa.lib import openpgp

    openpgp._platform_keys.clear()  # another process reads the same file
    assert platform_key().fingerprint == first
    response = client.get("/messages/platform-key.asc")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----") and "PRIVATE" not in body
    assert pysequoia.Cert.from_bytes(response.content).fingerprint.upper() == first
