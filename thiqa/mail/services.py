"""The outbox: store, claim, deliver, retry, recover. Nothing else in Thiqa talks SMTP."""

import logging
import random
import smtplib
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone

from thiqa.accounts.policy import require
from thiqa.audit.services import record
from thiqa.mail.models import OutboundMessage

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def enqueue(message: EmailMessage, *, purpose: str = "") -> OutboundMessage:
    """Store ``message`` in the outbox; delivery starts once the transaction commits."""
    if "Message-ID" not in message.extra_headers:
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "thiqa"
        message.extra_headers["Message-ID"] = make_msgid(domain=domain)
    recipients = list(dict.fromkeys(message.recipients()))
    if not recipients:
        raise ValueError("an e-mail needs at least one recipient")
    with transaction.atomic():
        outbound = OutboundMessage.objects.create(
            message_id=message.extra_headers["Message-ID"],
            purpose=purpose,
            sender=message.from_email or settings.DEFAULT_FROM_EMAIL,
            recipients=recipients,
            subject=message.subject[:998],
            raw=message.message().as_bytes(linesep="\r\n"),
        )
        _start_delivery()
    return outbound


def _enqueue_delivery_task() -> None:
    from thiqa.mail.tasks import deliver_outbox

    deliver_outbox.enqueue()


def _start_delivery() -> None:
    """Ask a worker to deliver once the transaction commits: one task per transaction,
    however many messages it queued (rolled-back work queues nothing)."""
    pending = getattr(transaction.get_connection(), "run_on_commit", [])
    if any(entry[1] is _enqueue_delivery_task for entry in pending):
        return
    transaction.on_commit(_enqueue_delivery_task)


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off with jitter, capped."""
    base = settings.THIQA_MAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    seconds = min(base, settings.THIQA_MAIL_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.0))  # noqa: S311


def recover_abandoned() -> int:
    """Release claims whose worker died: untouched ones are queued again; one that was
    being transmitted is marked uncertain, never resent automatically."""
    cutoff = timezone.now() - timedelta(seconds=settings.THIQA_MAIL_LEASE_SECONDS)
    stale = OutboundMessage.objects.filter(claimed_at__lt=cutoff)
    requeued = stale.filter(status=Status.SENDING).update(
        status=Status.QUEUED, claimed_by="", claimed_at=None
    )
    uncertain = stale.filter(status=Status.TRANSMITTING).update(
        status=Status.UNCERTAIN,
        claimed_by="",
        claimed_at=None,
        last_error="The worker stopped while handing this message to the SMTP server.",
    )
    if requeued or uncertain:
        logger.warning("recovered %s abandoned and %s uncertain messages", requeued, uncertain)
    return requeued + uncertain


def claim(worker: str, limit: int) -> list[OutboundMessage]:
    """Take up to ``limit`` due messages for ``worker``; no other worker can take them."""
    now = timezone.now()
    with transaction.atomic():
        due = OutboundMessage.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        ids = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("id", flat=True)[:limit]
        )
        # The status condition makes the claim safe even where rows cannot be locked.
        OutboundMessage.objects.filter(id__in=ids, status=Status.QUEUED).update(
            status=Status.SENDING, claimed_by=worker, claimed_at=now
        )
    return list(OutboundMessage.objects.filter(id__in=ids, claimed_by=worker, status=Status.SENDING))


def deliver_due(worker: str | None = None) -> int:
    """Deliver due messages until none is left; return how many were sent."""
    worker = worker or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    recover_abandoned()
    sent = 0
    with _asynchronous_commit():
        while batch := claim(worker, settings.THIQA_MAIL_BATCH):
            sent += _deliver_batch(batch)
            if any(m.status == Status.QUEUED for m in batch):
                break  # the server is not taking mail now; the back-off decides when to retry
    return sent


@contextmanager
def _asynchronous_commit() -> Iterator[None]:
    """On PostgreSQL, do not wait for the disk on each status change while delivering.

    The marks guard against a worker dying, which async commit does not weaken: a
    committed mark is visible at once. Only a crash of the database server itself could
    lose the last fraction of a second of marks (and so resend a message)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _deliver_batch(batch: list[OutboundMessage]) -> int:
    backend = get_connection(SMTP_BACKEND, fail_silently=False)
    try:
        backend.open()
        backend.connection.ehlo_or_helo_if_needed()
    except (OSError, smtplib.SMTPException) as exc:
        for message in batch:
            _defer(message, f"cannot connect to the SMTP server: {exc}")
        _close(backend)
        return 0
    sent = 0
    try:
        for message in batch:
            sent += _deliver_one(backend.connection, message)
    finally:
        _close(backend)
    return sent


def _close(backend: Any) -> None:
    with suppress(OSError, smtplib.SMTPException):
        backend.close()


def _deliver_one(smtp: smtplib.SMTP, message: OutboundMessage) -> int:
    try:
        code, reply = smtp.mail(_address(message.sender))
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, message.sender)
        refused = _send_recipients(smtp, message.recipients)
        if len(refused) == len(message.recipients):
            _reset(smtp)
            return _fail(message, "every recipient was refused", refused)
        if not _update_claimed(message, status=Status.TRANSMITTING, claimed_at=timezone.now()):
            _reset(smtp)
            return 0  # our lease ran out and the message was recovered: it is not ours now
        code, reply = smtp.data(bytes(message.raw))
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
    except smtplib.SMTPResponseException as exc:
        _reset(smtp)
        if 500 <= exc.smtp_code < 600:
            return _fail(message, f"{exc.smtp_code} {_text(exc.smtp_error)}", [])
        _defer(message, f"{exc.smtp_code} {_text(exc.smtp_error)}")
        return 0
    except (OSError, smtplib.SMTPException) as exc:
        error = str(exc) or exc.__class__.__name__
        if message.status == Status.TRANSMITTING:
            # No reply after the message was handed over: the server may have taken it.
            _update_claimed(
                message,
                status=Status.UNCERTAIN,
                claimed_by="",
                claimed_at=None,
                last_error=f"The connection broke while handing this message to the SMTP server: {error}"[
                    :2000
                ],
            )
        else:
            _defer(message, error)
        return 0
    _update_claimed(
        message,
        status=Status.SENT,
        sent_at=timezone.now(),
        claimed_by="",
        claimed_at=None,
        refused_recipients=refused,
    )
    return 1


def _reset(smtp: smtplib.SMTP) -> None:
    """Abandon the current SMTP transaction so the next message starts clean."""
    with suppress(OSError, smtplib.SMTPException):
        smtp.rset()


def _send_recipients(smtp: smtplib.SMTP, recipients: list[str]) -> list[str]:
    refused = []
    for rcpt in recipients:
        code, reply = smtp.rcpt(rcpt)
        if 400 <= code < 500:
            raise smtplib.SMTPResponseException(code, reply)
        if code not in (250, 251):
            refused.append(f"{rcpt}: {code} {_text(reply)}")
    return refused


def _update_claimed(message: OutboundMessage, **fields: object) -> bool:
    """Write ``fields`` only while this worker still holds its claim on ``message``: once
    the lease has run out, recover_abandoned may have handed the message to another worker."""
    held = OutboundMessage.objects.filter(
        pk=message.pk, status=message.status, claimed_by=message.claimed_by
    ).update(**fields)
    if held:
        for name, value in fields.items():
            setattr(message, name, value)
    return bool(held)


def _defer(message: OutboundMessage, error: str) -> None:
    attempts = message.attempts + 1
    fields: dict[str, object] = {
        "attempts": attempts,
        "last_error": error[:2000],
        "claimed_by": "",
        "claimed_at": None,
    }
    if attempts >= settings.THIQA_MAIL_MAX_ATTEMPTS:
        fields["status"] = Status.FAILED
    else:
        fields["status"] = Status.QUEUED
        fields["next_attempt_at"] = timezone.now() + retry_delay(attempts)
    if _update_claimed(message, **fields) and message.status == Status.FAILED:
        record("mail.failed", target=message, data={"error": message.last_error})


def _fail(message: OutboundMessage, error: str, refused: list[str]) -> int:
    if _update_claimed(
        message,
        attempts=message.attempts + 1,
        status=Status.FAILED,
        last_error=error[:2000],
        refused_recipients=refused,
        claimed_by="",
        claimed_at=None,
    ):
        record("mail.failed", target=message, data={"error": message.last_error, "refused": refused})
    return 0


def requeue(message: OutboundMessage, *, actor: object) -> None:
    """Secretariat action: send a failed or uncertain message again."""
    require(actor, "mail.requeue", message)
    with transaction.atomic():
        updated = OutboundMessage.objects.filter(
            pk=message.pk, status__in=[Status.FAILED, Status.UNCERTAIN]
        ).update(
            status=Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), claimed_by="", claimed_at=None
        )
        if updated:
            record("mail.requeued", actor=actor, target=message)
            _start_delivery()


def _address(value: str) -> str:
    return parseaddr(value)[1] or value


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
