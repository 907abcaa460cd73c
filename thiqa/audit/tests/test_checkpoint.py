"""A signed checkpoint of the chain's head, kept outside the database, shows events cut off
the end of the chain, which the chain alone cannot."""

import email

import pysequoia
import pytest
from django.core.management import call_command

from thiqa.audit import checkpoint
from thiqa.audit.services import record
from thiqa.audit.tests.test_chain import _without_append_only_guard
from thiqa.lib.openpgp import platform_key
from thiqa.mail.models import OutboundMessage


@pytest.fixture
def chain(db, member, secretariat, settings, tmp_path):
    settings.THIQA_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return [record(f"test.event{i}", actor=member, data={"n": i}) for i in range(5)]


def _verify(*args: str) -> tuple[int, str]:
    try:
        call_command("audit", "verify", *args)
    except SystemExit as exc:
        return int(exc.code), ""
    return 0, ""


def test_a_checkpoint_records_the_head_signed_by_the_platform(chain):
    path = checkpoint.write()
    assert path is not None and path.parent == checkpoint.folder()
    signed = path.read_text()
    certificate = pysequoia.Cert.from_bytes(platform_key().public.encode())
    verified = pysequoia.verify(bytes=signed.encode(), store=lambda ids: [certificate])
    assert verified.valid_sigs
    recorded = checkpoint.read(path)
    head = max(chain, key=lambda e: e.seq)
    assert (recorded.seq, recorded.hash) == (head.seq, head.hash)


def test_the_secretariat_gets_it_by_e_mail(chain, secretariat):
    checkpoint.write()
    message = OutboundMessage.objects.get(purpose="audit-checkpoint")
    assert secretariat.email in message.recipients
    body = email.message_from_bytes(bytes(message.raw)).get_payload(decode=True).decode()
    assert "-----BEGIN PGP SIGNED MESSAGE-----" in body and '"seq": 5' in body


def test_no_new_checkpoint_while_the_head_has_not_moved(chain, member):
    first = checkpoint.write()
    assert checkpoint.write() is None
    record("test.more", actor=member)
    second = checkpoint.write()
    assert second is not None and second != first
    assert checkpoint.read(second).seq == 6


def test_verify_with_the_checkpoint_passes_on_an_intact_chain(chain, capsys):
    path = checkpoint.write()
    record("test.after", actor=None)  # the chain may grow past the checkpoint
    assert _verify("--checkpoint", str(path))[0] == 0
    assert "still holds event #5" in capsys.readouterr().out


def test_events_cut_off_the_end_are_found_with_the_checkpoint(chain, capsys):
    path = checkpoint.write()
    _without_append_only_guard("DELETE FROM audit_auditevent WHERE seq >= %s", [4])
    assert _verify()[0] == 0  # the shortened chain is a valid chain ...
    code, _ = _verify("--checkpoint", str(path))
    assert code == 1  # ... but it no longer reaches the checkpoint
    err = capsys.readouterr().err
    assert "cut off the end" in err and "ends at event #3" in err and "recorded event #5" in err


def test_a_rewritten_head_is_found_with_the_checkpoint(chain, capsys):
    """Events cut off, then as many forged ones appended in a valid chain: the hash differs."""
    path = checkpoint.write()
    _without_append_only_guard("DELETE FROM audit_auditevent WHERE seq >= %s", [5])
    record("test.forged", actor=None)
    assert _verify()[0] == 0
    assert _verify("--checkpoint", str(path))[0] == 1
    assert "its hash differs" in capsys.readouterr().err


def test_a_checkpoint_signed_by_another_key_is_refused(chain, tmp_path, capsys):
    path = checkpoint.write()
    text = path.read_text().split("-----BEGIN PGP SIGNATURE-----")[0]
    other = pysequoia.Tsk.generate("Forger <forger@example.org>")
    payload = text.split("\n\n", 1)[1].replace('"seq": 5', '"seq": 2')
    forged = tmp_path / "forged.asc"
    forged.write_text(
        pysequoia.sign(other.signer(), payload.encode(), mode=pysequoia.SignatureMode.CLEAR).decode()
    )
    assert _verify("--checkpoint", str(forged))[0] == 2
    assert "not valid for the platform's key" in capsys.readouterr().err


def test_the_public_key_may_be_kept_apart(chain, tmp_path):
    path = checkpoint.write()
    key = tmp_path / "platform.asc"
    key.write_text(platform_key().public)
    assert _verify("--checkpoint", str(path), "--key", str(key))[0] == 0
    stranger = tmp_path / "stranger.asc"
    stranger.write_text(str(pysequoia.Tsk.generate("S <s@example.org>").extract_certificate()))
    assert _verify("--checkpoint", str(path), "--key", str(stranger))[0] == 2
