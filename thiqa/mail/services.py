"""The outbox: store, claim, deliver, retry, recover. Nothing else in Thiqa talks SMTP."""

import functools
import logging
import random
import re
import smtplib
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from email.generator import BytesGenerator
from email.policy import compat32
from email.utils import parseaddr
from io import BytesIO
from typing import Any

import psycopg
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone, translation

from thiqa.accounts.models import Membership, User
from thiqa.accounts.policy import require
from thiqa.audit.services import record
from thiqa.lib import shutdown
from thiqa.mail.models import OutboundMessage
from thiqa.scheduler import registry

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def enqueue(message: EmailMessage, *, purpose: str = "") -> OutboundMessage:
    """Store ``message`` in the outbox; delivery starts once the transaction commits."""
    return enqueue_many([message], purpose=purpose)[0]


def enqueue_many(messages: Iterable[EmailMessage], *, purpose: str = "") -> list[OutboundMessage]:
    """Store several messages in one write (a check round queues thousands at once)."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "thiqa"
    rows = []
    for message in messages:
        if "Message-ID" not in message.extra_headers:
            message.extra_headers["Message-ID"] = make_msgid(domain=domain)
        recipients = list(dict.fromkeys(message.recipients()))
        if not recipients:
            raise ValueError("an e-mail needs at least one recipient")
        rows.append(
            OutboundMessage(
                message_id=message.extra_headers["Message-ID"],
                purpose=purpose,
                sender=message.from_email or settings.DEFAULT_FROM_EMAIL,
                recipients=recipients,
                subject=message.subject[:998],
                raw=_wire_bytes(message),
            )
        )
    with transaction.atomic():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            created = _copy_rows(connection, rows)
        else:
            created = OutboundMessage.objects.bulk_create(rows)
        _start_delivery()
    return created


def notify_focal_points(participant_id: int, compose: Callable[[], tuple[str, str]], *, purpose: str) -> int:
    """E-mail the active focal points of a participant, each in their own language:
    ``compose`` runs in that language and returns the subject and the body. Returns how
    many messages were queued."""
    people = User.objects.filter(
        memberships__participant=participant_id,
        memberships__role=Membership.Role.FOCAL_POINT,
        memberships__is_active=True,
        is_active=True,
    ).order_by("pk")
    messages = []
    for person in people:
        with translation.override(person.language):
            subject, body = compose()
        messages.append(EmailMessage(subject, body, to=[person.email]))
    if messages:
        enqueue_many(messages, purpose=purpose)
    return len(messages)


def _copy_rows(connection: Any, rows: list[OutboundMessage]) -> list[OutboundMessage]:
    """Insert ``rows`` with PostgreSQL's COPY, as bulk_create would but cheaper: an INSERT of
    a round's batch is a statement of thousands of parameters, which psycopg parses and
    quotes on the client (every message body escaped as ``bytea``) and the server parses
    again; COPY streams the values. The ids are made here (UUIDs), so none is read back."""
    fields = OutboundMessage._meta.concrete_fields
    table, column = _names(connection)
    columns = ", ".join(column[field.name] for field in fields)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(row, add=True), connection) for field in fields]
            )
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias
    return rows


class _WirePolicy(type(compat32)):  # type: ignore[misc]
    """compat32, the policy of Django's messages, with CRLF line ends and a memory of the
    headers it has folded: the messages of a round share most of theirs (From, Subject,
    the MIME headers), and folding is the dearest part of writing a message out."""

    def fold_binary(self, name: str, value: Any) -> bytes:
        if not isinstance(value, str):
            return super().fold_binary(name, value)
        if len(name) + 2 + len(value) <= self.max_line_length and _UNFOLDED.fullmatch(value):
            # What compat32 makes of a line that fits (To, Reply-To and Message-ID, which
            # differ from message to message): the line as it is.
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return self._fold_text(name, value)

    @functools.lru_cache(maxsize=512)  # noqa: B019 (one instance, which lives as long as the process)
    def _fold_text(self, name: str, value: str) -> bytes:
        return super().fold_binary(name, value)


# Printable ASCII words with single spaces between them: nothing for folding to encode,
# re-space or trim.
_UNFOLDED = re.compile(r"[!-~]+(?: [!-~]+)*")


_WIRE_POLICY = _WirePolicy(linesep="\r\n")


def _wire_bytes(message: EmailMessage) -> bytes:
    r"""Exactly the bytes of ``message.message().as_bytes(linesep="\r\n")``, sooner."""
    mime = message.message()
    if mime.policy is not compat32:
        return mime.as_bytes(linesep="\r\n")
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=_WIRE_POLICY).flatten(mime)
    return out.getvalue()


def _enqueue_delivery_task() -> None:
    registry.enqueue("thiqa.mail.tasks.deliver_outbox")


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
    """Take up to ``limit`` due messages for ``worker``, in the order they fell due; no other
    worker can take them."""
    now = timezone.now()
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        return _claim_in_one_statement(connection, worker, limit, now)
    with transaction.atomic():
        due = OutboundMessage.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        ids = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_attempt_at")
            .values_list("id", flat=True)[:limit]
        )
        # The status condition makes the claim safe even where rows cannot be locked. It is
        # written "in none of the other states" so that SQLite finds the rows by id instead
        # of walking its index over every queued message (slow with a long queue).
        OutboundMessage.objects.filter(id__in=ids).exclude(
            status__in=[status for status in Status.values if status != Status.QUEUED]
        ).update(status=Status.SENDING, claimed_by=worker, claimed_at=now)
    claimed = OutboundMessage.objects.filter(id__in=ids, claimed_by=worker, status=Status.SENDING)
    return list(claimed.order_by("next_attempt_at"))


def _claim_in_one_statement(connection: Any, worker: str, limit: int, now: datetime) -> list[OutboundMessage]:
    """PostgreSQL's way to take rows from a queue: lock the due rows that no other worker
    holds, mark them and return them, in one statement and one round trip (instead of a
    transaction of a select and an update, then a select of what was taken)."""
    table, column = _names(connection)
    status, due_at, pk = column["status"], column["next_attempt_at"], column["id"]
    # Only quoted table and column names are formatted in; every value is a parameter. The
    # rows are chosen in a WITH clause, which PostgreSQL runs once: a subquery in the
    # WHERE clause may be run again, and so take more than ``limit`` rows.
    sql = (
        f"WITH due AS (SELECT {pk} FROM {table} WHERE {status} = %s AND {due_at} <= %s "  # noqa: S608
        f"ORDER BY {due_at} LIMIT %s FOR UPDATE SKIP LOCKED) "
        f"UPDATE {table} SET {status} = %s, {column['claimed_by']} = %s, {column['claimed_at']} = %s "
        f"FROM due WHERE {table}.{pk} = due.{pk} AND {table}.{status} = %s RETURNING {table}.*"
    )
    params = [Status.QUEUED, now, limit, Status.SENDING, worker, now, Status.QUEUED]
    claimed = list(OutboundMessage.objects.raw(sql, params))
    return sorted(claimed, key=lambda message: message.next_attempt_at)


def deliver_due(worker: str | None = None) -> int:
    """Deliver due messages until none is left; return how many were sent."""
    worker = worker or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    recover_abandoned()
    sent = 0
    with _asynchronous_commit():
        while not shutdown.requested() and (batch := claim(worker, settings.THIQA_MAIL_BATCH)):
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


# A message the SMTP server has accepted (250) whose "sent" mark is not written yet, with
# the recipients the server refused.
_Accepted = tuple[OutboundMessage, list[str]]


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
    accepted: _Accepted | None = None
    try:
        for index, message in enumerate(batch):
            if shutdown.requested():  # the worker is stopping: the rest waits for its next start
                _release(batch[index:])
                break
            delivered, accepted = _deliver_one(backend.connection, message, accepted)
            sent += delivered
    finally:
        _mark_sent(accepted)  # the last message the server took (its mark had no next one to ride with)
        _close(backend)
    return sent


def _release(messages: list[OutboundMessage]) -> None:
    """Give back claimed messages that were never handed over: queued again at once."""
    for message in messages:
        _update_claimed(message, status=Status.QUEUED, claimed_by="", claimed_at=None)


def _close(backend: Any) -> None:
    with suppress(OSError, smtplib.SMTPException):
        backend.close()


def _deliver_one(
    smtp: smtplib.SMTP, message: OutboundMessage, accepted: _Accepted | None
) -> tuple[int, _Accepted | None]:
    """Hand ``message`` to the server. ``accepted`` is the previous message, which the
    server took but which is not marked sent yet: it is marked in the same write that
    marks ``message`` transmitting (or on its own, before anything else, if ``message``
    goes no further). Returns 1 if the server took ``message``, and what is left to mark."""
    try:
        code, reply = smtp.mail(_address(message.sender))
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, message.sender)
        refused = _send_recipients(smtp, message.recipients)
        if len(refused) == len(message.recipients):
            _reset(smtp)
            _mark_sent(accepted)
            return _fail(message, "every recipient was refused", refused), None
        ours = _mark_transmitting(message, accepted)  # committed before the message is handed over
        accepted = None
        if not ours:
            _reset(smtp)
            return 0, None  # our lease ran out and the message was recovered: it is not ours now
        code, reply = smtp.data(bytes(message.raw))
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
    except smtplib.SMTPResponseException as exc:
        _mark_sent(accepted)
        _reset(smtp)
        if 500 <= exc.smtp_code < 600:
            return _fail(message, f"{exc.smtp_code} {_text(exc.smtp_error)}", []), None
        _defer(message, f"{exc.smtp_code} {_text(exc.smtp_error)}")
        return 0, None
    except (OSError, smtplib.SMTPException) as exc:
        _mark_sent(accepted)
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
        return 0, None
    return 1, (message, refused)


def _sent_fields(refused: list[str], now: datetime) -> dict[str, object]:
    return {
        "status": Status.SENT,
        "sent_at": now,
        "claimed_by": "",
        "claimed_at": None,
        "refused_recipients": refused,
    }


def _mark_sent(accepted: _Accepted | None) -> None:
    if accepted is not None:
        message, refused = accepted
        _update_claimed(message, **_sent_fields(refused, timezone.now()))


def _mark_transmitting(message: OutboundMessage, accepted: _Accepted | None) -> bool:
    """Mark ``message`` transmitting and, in the same write, ``accepted`` sent (each only
    while this worker still holds its claim). True if ``message`` is still ours to hand over.

    One write per message instead of two: in a long round, these writes are most of what
    delivery costs beyond the SMTP exchange itself. Nothing is weakened: ``accepted`` is
    marked sent only after the server's 250, ``message`` goes on the wire only once its
    mark is committed, and a worker that dies in between leaves ``accepted`` transmitting
    (recovered as uncertain, never resent) and ``message`` sending (queued again, never
    handed over)."""
    now = timezone.now()
    if accepted is None:
        return _update_claimed(message, status=Status.TRANSMITTING, claimed_at=now)
    previous, refused = accepted
    connection = transaction.get_connection()
    # UPDATE ... RETURNING came to SQLite with RETURNING for INSERT, in 3.35.
    if not connection.features.can_return_columns_from_insert:
        with transaction.atomic():
            _update_claimed(previous, **_sent_fields(refused, now))
            return _update_claimed(message, status=Status.TRANSMITTING, claimed_at=now)
    changed = _sent_and_transmitting(connection, previous, refused, message, now)
    if previous.pk in changed:
        for name, value in _sent_fields(refused, now).items():
            setattr(previous, name, value)
    if message.pk not in changed:
        return False
    message.status, message.claimed_at = Status.TRANSMITTING, now
    return True


def _sent_and_transmitting(
    connection: Any, previous: OutboundMessage, refused: list[str], message: OutboundMessage, now: datetime
) -> set[uuid.UUID]:
    """One UPDATE for both marks, each guarded like :func:`_update_claimed`; returns the
    ids of the rows it changed."""
    meta = OutboundMessage._meta
    sql = _SENT_AND_TRANSMITTING.get(connection.vendor)
    if sql is None:
        table, column = _names(connection)
        is_previous = f"CASE WHEN {column['id']} = %s THEN"
        # Only quoted table and column names are formatted in; every value is a parameter.
        sql = _SENT_AND_TRANSMITTING[connection.vendor] = (
            f"UPDATE {table} SET "  # noqa: S608
            f"{column['status']} = {is_previous} %s ELSE %s END, "
            f"{column['sent_at']} = {is_previous} %s ELSE {column['sent_at']} END, "
            f"{column['claimed_by']} = {is_previous} %s ELSE {column['claimed_by']} END, "
            f"{column['claimed_at']} = {is_previous} NULL ELSE %s END, "
            f"{column['refused_recipients']} = {is_previous} %s ELSE {column['refused_recipients']} END "
            f"WHERE ({column['id']} = %s AND {column['status']} = %s AND {column['claimed_by']} = %s) "
            f"OR ({column['id']} = %s AND {column['status']} = %s AND {column['claimed_by']} = %s) "
            f"RETURNING {column['id']}"
        )

    previous_id, message_id = (meta.pk.get_db_prep_value(m.pk, connection) for m in (previous, message))
    at = meta.get_field("sent_at").get_db_prep_value(now, connection)  # claimed_at: the same type
    params = [
        *(previous_id, Status.SENT, Status.TRANSMITTING),
        *(previous_id, at),
        *(previous_id, ""),
        *(previous_id, at),
        *(previous_id, meta.get_field("refused_recipients").get_db_prep_save(refused, connection)),
        *(previous_id, previous.status, previous.claimed_by),
        *(message_id, message.status, message.claimed_by),
    ]
    with connection.wrap_database_errors, _status_cursor(connection) as cursor:
        cursor.execute(sql, params, **({"prepare": True} if connection.vendor == "postgresql" else {}))
        return {meta.pk.to_python(row[0]) for row in cursor.fetchall()}


_SENT_AND_TRANSMITTING: dict[str, str] = {}


def _names(connection: Any) -> tuple[str, dict[str, str]]:
    """The outbox's quoted table name, and its quoted column names by field name."""
    meta = OutboundMessage._meta
    quote = connection.ops.quote_name
    return quote(meta.db_table), {field.name: quote(field.column) for field in meta.concrete_fields}


def _status_cursor(connection: Any) -> Any:
    """A cursor for the status write that every message costs.

    On PostgreSQL it is a prepared statement: parsing and planning the UPDATE took about
    half of the server's time per message, and the round trip it is part of comes before
    each message's body. Django's cursors bind parameters on the client and never prepare
    (``prepare_threshold`` is None on its connections so that connection poolers keep
    working), so this one is a server-binding psycopg cursor on the same connection (its
    errors still become Django's); the threshold is raised only so that explicitly
    prepared statements like this one are allowed, which leaves every other query as it
    was, and not where the settings chose a threshold themselves."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None and "prepare_threshold" not in connection.settings_dict["OPTIONS"]:
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    return psycopg.Cursor(raw)


_ONLY_WHEN_ASKED = 2**31 - 1  # executions before psycopg would prepare a query on its own


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
    if _PLAIN_ADDRESS.fullmatch(value):  # nothing for parseaddr to take apart (the usual case)
        return value
    return parseaddr(value)[1] or value


_PLAIN_ADDRESS = re.compile(r"[\w.+-]+@[\w.-]+", re.ASCII)


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
