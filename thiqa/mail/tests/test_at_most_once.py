"""At most once: whatever happens to workers, nobody receives the same message twice.

A claim whose worker died is recovered: untouched messages are queued again, the one
that was being handed to the server is marked uncertain and left to the secretariat.
"""

import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from thiqa.audit.models import AuditEvent
from thiqa.mail import services
from thiqa.mail.models import OutboundMessage
from thiqa.mail.tasks import deliver_outbox

Status = OutboundMessage.Status
REPO = Path(__file__).resolve().parents[3]


def wait_for(condition: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def queue(count: int) -> list[OutboundMessage]:
    for n in range(count):
        send_mail(f"Message {n:02}", "Body", "sec@thiqa.example", [f"p{n}@example.org"])
    return list(OutboundMessage.objects.order_by("subject"))


def abandon(message: OutboundMessage, status: str, *, seconds_ago: float) -> None:
    """Leave ``message`` as a worker that died ``seconds_ago`` after claiming it would."""
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=status,
        claimed_by="dead-worker",
        claimed_at=timezone.now() - timedelta(seconds=seconds_ago),
    )


def received_ids(sink) -> Counter:
    return Counter(str(m["Message-ID"]) for m in sink.messages())


# --- recovering abandoned claims ------------------------------------------------------


def test_a_stale_sending_claim_is_queued_again_and_delivered_once(db, smtp_sink, settings):
    [message] = queue(1)
    abandon(message, Status.SENDING, seconds_ago=settings.THIQA_MAIL_LEASE_SECONDS + 5)

    assert services.recover_abandoned() == 1
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert message.claimed_by == "" and message.claimed_at is None

    assert services.deliver_due() == 1
    assert services.deliver_due() == 0
    assert received_ids(smtp_sink) == {message.message_id: 1}
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_deliver_due_recovers_abandoned_claims_itself(db, smtp_sink, settings):
    [message] = queue(1)
    abandon(message, Status.SENDING, seconds_ago=settings.THIQA_MAIL_LEASE_SECONDS + 5)
    assert services.deliver_due() == 1
    assert received_ids(smtp_sink) == {message.message_id: 1}


def test_a_claim_within_its_lease_is_left_to_its_worker(db, smtp_sink, settings):
    [message] = queue(1)
    abandon(message, Status.SENDING, seconds_ago=settings.THIQA_MAIL_LEASE_SECONDS - 60)

    assert services.recover_abandoned() == 0
    assert services.deliver_due() == 0
    message.refresh_from_db()
    assert (message.status, message.claimed_by) == (Status.SENDING, "dead-worker")
    assert smtp_sink.received == []


def test_a_stale_transmitting_claim_becomes_uncertain_and_is_not_resent(db, smtp_sink, settings):
    [message] = queue(1)
    abandon(message, Status.TRANSMITTING, seconds_ago=settings.THIQA_MAIL_LEASE_SECONDS + 5)

    assert services.deliver_due() == 0

    message.refresh_from_db()
    assert message.status == Status.UNCERTAIN
    assert message.claimed_by == "" and message.claimed_at is None
    assert "SMTP server" in message.last_error
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert services.deliver_due() == 0
    assert smtp_sink.received == []


# --- requeue by the secretariat -------------------------------------------------------


def test_the_secretariat_can_requeue_an_uncertain_message(db, smtp_sink, settings, secretariat):
    [message] = queue(1)
    abandon(message, Status.TRANSMITTING, seconds_ago=settings.THIQA_MAIL_LEASE_SECONDS + 5)
    services.recover_abandoned()
    message.refresh_from_db()

    services.requeue(message, actor=secretariat)

    message.refresh_from_db()
    assert message.status == Status.QUEUED
    event = AuditEvent.objects.get(action="mail.requeued")
    assert (event.actor, event.target_id) == (secretariat, str(message.pk))
    assert services.deliver_due() == 1
    assert received_ids(smtp_sink) == {message.message_id: 1}


def test_the_secretariat_can_requeue_a_failed_message(db, smtp_sink, secretariat):
    [message] = queue(1)
    smtp_sink.refuse_with = "550 5.1.1 no such user"
    services.deliver_due()
    message.refresh_from_db()
    assert message.status == Status.FAILED

    smtp_sink.refuse_with = None
    services.requeue(message, actor=secretariat)
    assert services.deliver_due() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_requeue_enqueues_a_delivery_task_when_it_commits(transactional_db, secretariat):
    from django_tasks_db.models import DBTaskResult

    [message] = queue(1)
    OutboundMessage.objects.filter(pk=message.pk).update(status=Status.FAILED)
    before = DBTaskResult.objects.filter(task_path=deliver_outbox.module_path).count()

    services.requeue(message, actor=secretariat)

    after = DBTaskResult.objects.filter(task_path=deliver_outbox.module_path).count()
    assert after == before + 1


def test_a_member_cannot_requeue(db, smtp_sink, member):
    [message] = queue(1)
    OutboundMessage.objects.filter(pk=message.pk).update(status=Status.UNCERTAIN)

    with pytest.raises(PermissionDenied):
        services.requeue(message, actor=member)

    message.refresh_from_db()
    assert message.status == Status.UNCERTAIN
    assert not AuditEvent.objects.filter(action="mail.requeued").exists()
    assert services.deliver_due() == 0


def test_requeue_does_not_resend_a_sent_message(db, smtp_sink, secretariat):
    [message] = queue(1)
    services.deliver_due()

    services.requeue(message, actor=secretariat)

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert not AuditEvent.objects.filter(action="mail.requeued").exists()
    assert services.deliver_due() == 0
    assert len(smtp_sink.received) == 1


# --- claims ---------------------------------------------------------------------------


def test_claim_never_hands_the_same_message_to_two_workers(db):
    queue(5)

    first = services.claim("worker-a", 3)
    second = services.claim("worker-b", 10)
    third = services.claim("worker-c", 10)

    assert len(first) == 3 and len(second) == 2 and third == []
    assert not {m.pk for m in first} & {m.pk for m in second}
    assert {m.claimed_by for m in first} == {"worker-a"}
    assert {m.status for m in first + second} == {Status.SENDING}


def test_claim_skips_messages_that_are_not_due(db):
    [later, now] = queue(2)
    OutboundMessage.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert [m.pk for m in services.claim("worker-a", 10)] == [now.pk]


def test_concurrent_claims_never_overlap(transactional_db):
    OutboundMessage.objects.bulk_create(
        OutboundMessage(
            message_id=f"<m{n}@thiqa.example>",
            sender="sec@thiqa.example",
            recipients=["a@example.org"],
            subject=f"m{n}",
            raw=b"Subject: x\r\n\r\nx",
        )
        for n in range(60)
    )
    claimed: dict[str, list] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work(name: str) -> None:
        try:
            start.wait()
            mine = claimed.setdefault(name, [])
            while batch := services.claim(name, 3):
                mine += [m.pk for m in batch]
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    everything = [pk for pks in claimed.values() for pk in pks]
    assert len(everything) == len(set(everything)) == 60
    owners = dict(OutboundMessage.objects.values_list("pk", "claimed_by"))
    for name, pks in claimed.items():
        assert all(owners[pk] == name for pk in pks)


# --- a live worker whose claim expired, a connection lost mid-message --------------------


def test_a_worker_whose_claim_expired_does_not_send_what_another_worker_took(db, smtp_sink, settings):
    messages = queue(3)
    slow_batch = services.claim("slow-worker", 10)  # then it stalls past its lease
    OutboundMessage.objects.update(
        claimed_at=timezone.now() - timedelta(seconds=settings.THIQA_MAIL_LEASE_SECONDS + 5)
    )
    assert services.deliver_due("other-worker") == 3

    assert services._deliver_batch(slow_batch) == 0  # the slow worker carries on

    assert received_ids(smtp_sink) == {m.message_id: 1 for m in messages}
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_worker_whose_claim_expired_does_not_undo_another_workers_delivery(db, smtp_sink, settings):
    messages = queue(3)
    slow_batch = services.claim("slow-worker", 10)
    OutboundMessage.objects.update(
        claimed_at=timezone.now() - timedelta(seconds=settings.THIQA_MAIL_LEASE_SECONDS + 5)
    )
    assert services.deliver_due("other-worker") == 3

    smtp_sink.stop()  # the slow worker then finds the server gone and defers its batch
    services._deliver_batch(slow_batch)
    smtp_sink.start()
    OutboundMessage.objects.update(next_attempt_at=timezone.now())
    services.deliver_due()

    assert received_ids(smtp_sink) == {m.message_id: 1 for m in messages}
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_connection_lost_while_transmitting_makes_the_message_uncertain(db, smtp_sink, settings):
    [message] = queue(1)
    settings.EMAIL_TIMEOUT = 0.5
    settings.THIQA_MAIL_RETRY_BASE_SECONDS = 0
    smtp_sink.delay = 2  # the server takes the message, but answers too late

    assert services.deliver_due() == 0
    assert wait_for(lambda: len(smtp_sink.received) == 1)  # the server did get it

    message.refresh_from_db()
    assert message.status == Status.UNCERTAIN
    assert message.claimed_by == ""
    assert message.last_error
    smtp_sink.delay = 0
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert services.deliver_due() == 0
    assert received_ids(smtp_sink) == {message.message_id: 1}


# --- a real worker process killed in the middle of a batch ------------------------------


def test_a_killed_worker_process_never_delivers_a_message_twice(
    transactional_db, smtp_sink, process_env, tmp_path
):
    with transaction.atomic():
        messages = queue(30)
    everything = {m.message_id for m in messages}
    smtp_sink.delay = 0.2

    log = (tmp_path / "worker-1.log").open("wb")
    first = subprocess.Popen(
        [sys.executable, "-m", "thiqa.cli", "worker"],
        cwd=REPO,
        env=process_env(SMTP_URL=f"smtp://127.0.0.1:{smtp_sink.port}"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        started = wait_for(lambda: len(smtp_sink.received) >= 3 or first.poll() is not None, 60)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
        log.close()
    received_before_kill = len(smtp_sink.received)
    assert started and first.returncode == -signal.SIGKILL, (tmp_path / "worker-1.log").read_text()
    assert 0 < received_before_kill < 30  # killed in the middle of its batch
    assert OutboundMessage.objects.filter(status=Status.SENDING, claimed_by__gt="").exists()

    # A second worker, for which the dead one's lease has already run out.
    smtp_sink.delay = 0
    deliver_outbox.enqueue()
    with (tmp_path / "worker-2.log").open("wb") as log:
        second = subprocess.run(
            [sys.executable, "-m", "thiqa.cli", "worker", "--batch", "--no-scheduler"],
            cwd=REPO,
            env=process_env(SMTP_URL=f"smtp://127.0.0.1:{smtp_sink.port}", MAIL_LEASE_SECONDS="0"),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=120,
            check=False,
        )
    assert second.returncode == 0, (tmp_path / "worker-2.log").read_text()

    received = received_ids(smtp_sink)
    assert max(received.values()) == 1, "a message was delivered twice"
    assert set(received) <= everything
    status = dict(OutboundMessage.objects.values_list("message_id", "status"))
    uncertain = {mid for mid, s in status.items() if s == Status.UNCERTAIN}
    sent = {mid for mid, s in status.items() if s == Status.SENT}
    assert sent | uncertain == everything
    assert sent <= set(received)
    assert set(received) | uncertain == everything
    assert len(uncertain) <= 1
