"""Retries: a server that is down or says "later" defers the message with a growing
back-off; a permanent refusal or too many attempts fail it."""

from datetime import timedelta

import pytest
from django.core.mail import send_mail
from django.utils import timezone

from conftest import free_port
from thiqa.audit.models import AuditEvent
from thiqa.mail import services
from thiqa.mail.models import OutboundMessage

Status = OutboundMessage.Status


@pytest.fixture
def queued(db) -> OutboundMessage:
    send_mail("Agenda", "Body", "sec@thiqa.example", ["a@example.org"])
    return OutboundMessage.objects.get()


def make_due(message: OutboundMessage) -> None:
    """Let the back-off pass: the retry is due now."""
    OutboundMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def assert_deferred(message: OutboundMessage, *, attempts: int, before, after, settings) -> None:
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert message.attempts == attempts
    assert message.sent_at is None
    assert message.claimed_by == "" and message.claimed_at is None
    delay = settings.THIQA_MAIL_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
    delay = min(delay, settings.THIQA_MAIL_RETRY_MAX_SECONDS)
    assert before + timedelta(seconds=0.8 * delay) <= message.next_attempt_at
    assert message.next_attempt_at <= after + timedelta(seconds=delay)


def test_it_defers_the_message_when_nothing_listens(queued, smtp_sink, settings):
    settings.EMAIL_PORT = free_port()  # nothing listens there

    before = timezone.now()
    assert services.deliver_due() == 0
    after = timezone.now()

    assert_deferred(queued, attempts=1, before=before, after=after, settings=settings)
    assert "cannot connect" in queued.last_error
    assert smtp_sink.received == []


def test_it_retries_when_the_server_is_back_and_delivers_once(queued, smtp_sink, settings):
    smtp_sink.stop()
    before = timezone.now()
    assert services.deliver_due() == 0
    assert_deferred(queued, attempts=1, before=before, after=timezone.now(), settings=settings)
    assert queued.last_error

    smtp_sink.start()
    assert services.deliver_due() == 0  # back, but the back-off has not passed yet
    assert smtp_sink.received == []

    make_due(queued)
    assert services.deliver_due() == 1
    assert services.deliver_due() == 0

    [received] = smtp_sink.messages()
    assert received["Message-ID"] == queued.message_id
    queued.refresh_from_db()
    assert queued.status == Status.SENT
    assert queued.attempts == 1


def test_a_tiny_retry_base_makes_the_retry_due_at_once(queued, smtp_sink, settings):
    settings.THIQA_MAIL_RETRY_BASE_SECONDS = 0
    smtp_sink.stop()
    assert services.deliver_due() == 0
    queued.refresh_from_db()
    assert queued.attempts == 1 and queued.status == Status.QUEUED

    smtp_sink.start()
    assert services.deliver_due() == 1
    assert len(smtp_sink.received) == 1


def test_a_temporary_refusal_defers_the_message(queued, smtp_sink, settings):
    smtp_sink.refuse_with = "451 4.3.0 try later"

    before = timezone.now()
    assert services.deliver_due() == 0
    assert_deferred(queued, attempts=1, before=before, after=timezone.now(), settings=settings)
    assert queued.last_error.startswith("451")
    assert "try later" in queued.last_error
    assert not AuditEvent.objects.filter(action="mail.failed").exists()

    smtp_sink.refuse_with = None
    make_due(queued)
    assert services.deliver_due() == 1
    assert [m["Message-ID"] for m in smtp_sink.messages()] == [queued.message_id]


def test_a_permanent_refusal_fails_the_message(queued, smtp_sink):
    smtp_sink.refuse_with = "550 5.1.1 no such user"

    assert services.deliver_due() == 0

    queued.refresh_from_db()
    assert queued.status == Status.FAILED
    assert queued.attempts == 1
    assert queued.last_error.startswith("550")
    assert "no such user" in queued.last_error
    event = AuditEvent.objects.get(action="mail.failed")
    assert event.target_id == str(queued.pk)
    assert "550" in event.data["error"]

    smtp_sink.refuse_with = None  # a failed message is not retried
    make_due(queued)
    assert services.deliver_due() == 0
    assert smtp_sink.received == []
    queued.refresh_from_db()
    assert queued.status == Status.FAILED


def test_it_fails_the_message_after_the_last_attempt(queued, smtp_sink, settings):
    settings.THIQA_MAIL_MAX_ATTEMPTS = 3
    smtp_sink.refuse_with = "451 4.3.0 try later"

    for attempt in (1, 2):
        make_due(queued)
        assert services.deliver_due() == 0
        queued.refresh_from_db()
        assert (queued.status, queued.attempts) == (Status.QUEUED, attempt)
    assert not AuditEvent.objects.filter(action="mail.failed").exists()

    make_due(queued)
    assert services.deliver_due() == 0
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (Status.FAILED, 3)
    assert AuditEvent.objects.filter(action="mail.failed", target_id=str(queued.pk)).count() == 1

    smtp_sink.refuse_with = None
    make_due(queued)
    assert services.deliver_due() == 0
    assert smtp_sink.received == []


def test_the_last_attempt_fails_when_the_server_stays_down(queued, smtp_sink, settings):
    settings.THIQA_MAIL_MAX_ATTEMPTS = 2
    settings.EMAIL_PORT = free_port()
    for _ in range(2):
        make_due(queued)
        services.deliver_due()
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (Status.FAILED, 2)
    assert "cannot connect" in queued.last_error


def test_the_back_off_grows_with_each_attempt(queued, smtp_sink, settings):
    smtp_sink.refuse_with = "451 4.3.0 try later"
    for attempts in (1, 2, 3):
        make_due(queued)
        before = timezone.now()
        services.deliver_due()
        assert_deferred(queued, attempts=attempts, before=before, after=timezone.now(), settings=settings)


def test_retry_delay_doubles_and_is_capped(settings):
    settings.THIQA_MAIL_RETRY_BASE_SECONDS = 30
    settings.THIQA_MAIL_RETRY_MAX_SECONDS = 3600
    delays = [services.retry_delay(n).total_seconds() for n in range(1, 12)]
    for n, delay in enumerate(delays[:7], start=1):
        assert 0.8 * 30 * 2 ** (n - 1) <= delay <= 30 * 2 ** (n - 1)
    assert delays[:7] == sorted(delays[:7]) and len(set(delays[:7])) == 7
    assert all(0.8 * 3600 <= d <= 3600 for d in delays[7:])


def test_a_deferred_message_does_not_hold_up_the_others(db, smtp_sink, settings):
    settings.THIQA_MAIL_MAX_ATTEMPTS = 5
    send_mail("First", "Body", None, ["a@example.org"])
    first = OutboundMessage.objects.get()
    smtp_sink.refuse_with = "451 4.3.0 try later"
    services.deliver_due()

    smtp_sink.refuse_with = None
    send_mail("Second", "Body", None, ["b@example.org"])
    assert services.deliver_due() == 1  # the first still waits for its back-off
    assert [m["Subject"] for m in smtp_sink.messages()] == ["Second"]
    first.refresh_from_db()
    assert first.status == Status.QUEUED
