"""/healthz says whether the database, the workers, the outbox and the SMTP relay work."""

from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from conftest import free_port
from thiqa.mail.models import OutboundMessage
from thiqa.operations import health
from thiqa.operations.models import Heartbeat
from thiqa.operations.tasks import heartbeat


@pytest.fixture(autouse=True)
def _fresh_smtp_answer():
    health.forget_smtp_answer()
    yield
    health.forget_smtp_answer()


def _checks(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, response.json()["checks"]


def test_it_is_healthy_when_a_worker_beats_and_the_relay_answers(db, client, smtp_sink):
    heartbeat.call()
    status, checks = _checks(client)
    assert status == 200, checks
    assert all(check["ok"] for check in checks.values())
    assert set(checks) == {"database", "workers", "outbox", "smtp"}


def test_it_fails_without_a_worker_heartbeat(db, client, smtp_sink):
    status, checks = _checks(client)
    assert status == 503
    assert checks["workers"] == {"ok": False, "detail": "no worker has run a task yet"}


def test_a_stale_heartbeat_fails(db, client, smtp_sink):
    heartbeat.call()
    Heartbeat.objects.update(at=timezone.now() - health.HEARTBEAT_GRACE - timedelta(seconds=1))
    status, checks = _checks(client)
    assert status == 503 and not checks["workers"]["ok"]


def test_an_unreachable_relay_fails_the_smtp_check_but_not_liveness(db, client, settings):
    heartbeat.call()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    status, checks = _checks(client)
    assert status == 503 and not checks["smtp"]["ok"]
    live = client.get("/healthz/live")
    assert live.status_code == 200
    assert list(live.json()["checks"]) == ["database"]


def test_a_message_waiting_too_long_fails_the_outbox_check(db, client, smtp_sink, settings):
    heartbeat.call()
    EmailMessage("s", "b", "from@thiqa.example", ["to@thiqa.example"]).send()
    status, checks = _checks(client)
    assert status == 200 and checks["outbox"]["detail"].startswith("1 due")
    OutboundMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=901))
    status, checks = _checks(client)
    assert status == 503 and not checks["outbox"]["ok"]


def test_the_relay_is_asked_once_per_interval(db, smtp_sink):
    first = health.smtp()
    smtp_sink.stop()
    assert health.smtp() is first  # the cached answer
    health.forget_smtp_answer()
    assert not health.smtp().ok
