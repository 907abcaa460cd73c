"""Anchoring the audit chain outside the database.

A hash chain shows any event that was altered or removed from its middle, but not events cut
off its end: the shortened chain is still a valid chain. A checkpoint records the chain's
head (sequence number and hash), signed with the platform's OpenPGP key, in a folder outside
the database and in an e-mail to the secretariat. ``thiqa audit verify --checkpoint FILE``
then finds that the chain no longer reaches, or no longer holds, the event it recorded.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from thiqa.accounts.models import Membership
from thiqa.audit.models import AuditEvent
from thiqa.lib.openpgp import InvalidSignature, platform_key, verify_clear

FORMAT = "thiqa.audit-checkpoint/1"


class CheckpointError(ValueError):
    pass


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    site: str

    def text(self) -> str:
        payload = {"format": FORMAT, "seq": self.seq, "hash": self.hash, "at": self.at, "site": self.site}
        return json.dumps(payload, indent=2, sort_keys=True) + "\n"


def folder() -> Path:
    return Path(settings.THIQA_AUDIT_CHECKPOINT_DIR)


def _latest_file() -> Path | None:
    files = sorted(folder().glob("checkpoint-*.asc"))
    return files[-1] if files else None


def write() -> Path | None:
    """Sign the chain's head into a new file and e-mail it to the secretariat; None when the
    chain is empty or has not moved since the last checkpoint. The checkpoint itself is not an
    audit event: recording it would move the head it records."""
    head = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    if head is None:
        return None
    latest = _latest_file()
    if latest is not None and read(latest).seq == head["seq"]:
        return None
    checkpoint = Checkpoint(
        head["seq"], head["hash"], datetime.now(UTC).isoformat(timespec="seconds"), settings.SITE_URL
    )
    signed = platform_key().sign_clear(checkpoint.text())
    folder().mkdir(parents=True, exist_ok=True)
    path = folder() / f"checkpoint-{checkpoint.seq:012d}.asc"
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(signed)
    partial.replace(path)
    _send_to_secretariat(checkpoint, signed)
    return path


def _send_to_secretariat(checkpoint: Checkpoint, signed: str) -> None:
    addresses = sorted(
        set(
            Membership.objects.filter(
                role=Membership.Role.SECRETARIAT, is_active=True, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )
    if not addresses:
        return
    subject = f"Thiqa audit checkpoint: event #{checkpoint.seq}"
    body = (
        "Keep this message: it records the head of the platform's audit log, signed with the "
        "platform's OpenPGP key. Save it as a file and check the log against it with\n"
        "  thiqa audit verify --checkpoint FILE\n\n" + signed
    )
    message = EmailMessage(subject, body, to=[settings.DEFAULT_FROM_EMAIL], bcc=addresses)
    message.purpose = "audit-checkpoint"  # type: ignore[attr-defined]
    message.send(fail_silently=False)


def read(path: Path, public_key: str | None = None) -> Checkpoint:
    """The checkpoint in ``path``, once its signature is checked against ``public_key``
    (the platform's own by default)."""
    try:
        signed = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError(_("The checkpoint file cannot be read: %(error)s") % {"error": exc}) from exc
    try:
        text = verify_clear(signed, public_key or platform_key().public)
    except InvalidSignature as exc:
        raise CheckpointError(str(exc)) from exc
    try:
        payload = json.loads(text)
        if payload.get("format") != FORMAT:
            raise ValueError(payload.get("format"))
        return Checkpoint(int(payload["seq"]), str(payload["hash"]), str(payload["at"]), str(payload["site"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(_("The signed text is not a Thiqa audit checkpoint.")) from exc


def compare(checkpoint: Checkpoint) -> str | None:
    """None if the chain still holds the recorded event unchanged; else what is wrong."""
    event = AuditEvent.objects.filter(seq=checkpoint.seq).values("hash").first()
    if event is None:
        last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        return _(
            "events were cut off the end of the chain: it ends at event #%(last)s, but the checkpoint "
            "of %(at)s recorded event #%(seq)s"
        ) % {"last": last, "at": checkpoint.at, "seq": checkpoint.seq}
    if event["hash"] != checkpoint.hash:
        return _("event #%(seq)s is not the one the checkpoint of %(at)s recorded (its hash differs)") % {
            "seq": checkpoint.seq,
            "at": checkpoint.at,
        }
    return None
