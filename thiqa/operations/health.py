"""What ``/healthz`` checks: the database, the background workers, the outbox and the SMTP
relay. Each check says whether that part works and, in a few words, why not."""

import contextlib
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.utils import timezone

from thiqa.mail.models import OutboundMessage
from thiqa.mail.services import SMTP_BACKEND
from thiqa.operations.models import Heartbeat
from thiqa.operations.tasks import HEARTBEAT_SECONDS

# A worker that has not beaten for three intervals is taken for gone.
HEARTBEAT_GRACE = timedelta(seconds=3 * HEARTBEAT_SECONDS)
# Asking the relay costs a connection: the answer is kept this long in each process.
SMTP_CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return Check("database", False, f"unreachable: {exc.__class__.__name__}")
    return Check("database", True, connection.vendor)


def workers() -> Check:
    last = Heartbeat.objects.order_by("-at").values_list("at", flat=True).first()
    if last is None:
        return Check("workers", False, "no worker has run a task yet")
    age = timezone.now() - last
    seconds = int(age.total_seconds())
    return Check("workers", age <= HEARTBEAT_GRACE, f"last heartbeat {seconds} s ago")


def outbox() -> Check:
    """Messages due for delivery; the oldest of them waiting longer than the backlog limit
    means delivery is stuck (the relay refuses, or no worker delivers)."""
    now = timezone.now()
    due = OutboundMessage.objects.filter(
        status=OutboundMessage.Status.QUEUED, next_attempt_at__lte=now
    ).aggregate(count=Count("pk"), oldest=Min("next_attempt_at"))
    count = due["count"]
    if not count:
        return Check("outbox", True, "nothing waiting")
    waited = now - due["oldest"]
    stuck = waited > timedelta(seconds=settings.THIQA_HEALTH_OUTBOX_MAX_WAIT_SECONDS)
    return Check("outbox", not stuck, f"{count} due, the oldest for {int(waited.total_seconds())} s")


_smtp_answer: tuple[float, Check] | None = None


def smtp() -> Check:
    global _smtp_answer
    now = time.monotonic()
    if _smtp_answer is not None and now - _smtp_answer[0] < SMTP_CACHE_SECONDS:
        return _smtp_answer[1]
    backend = get_connection(SMTP_BACKEND, fail_silently=False, timeout=5)
    try:
        backend.open()
        code, _ = backend.connection.noop()
        check = Check("smtp", code == 250, f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT} answered {code}")
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        check = Check("smtp", False, f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {exc.__class__.__name__}")
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            backend.close()
    _smtp_answer = (now, check)
    return check


def forget_smtp_answer() -> None:
    global _smtp_answer
    _smtp_answer = None


def all_checks() -> list[Check]:
    first = database()
    if not first.ok:
        return [first]  # the other checks read the database
    return [first, workers(), outbox(), smtp()]
