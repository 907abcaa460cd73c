"""A check round survives real life, over a real SMTP server on loopback: a server that
says "later" or is down for a while (back-off, then everything delivered once), and a
worker killed or stopped in the middle of a round (nobody pinged twice, nobody left out).

The tests assert outcomes, never durations; they poll with generous timeouts.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import Max
from django.utils import timezone

from thiqa.checks import services
from thiqa.checks.models import CheckRound
from thiqa.checks.tasks import sweep_checks
from thiqa.directory.models import Contact
from thiqa.mail import services as mail
from thiqa.mail.models import OutboundMessage

pytestmark = pytest.mark.usefixtures("catalogue")

REPO = Path(__file__).resolve().parents[3]
Status = OutboundMessage.Status
RETRY_BASE = 1.5  # seconds: the first retry is due 1.2-1.5 s after a refusal, the second 2.4-3 s
LEASE = "1"  # seconds: a dead worker's claims are recovered by the next worker in the test
WAIT = 120  # seconds: generous limit for polling, never an expectation


def wait_for(condition: Callable[[], bool], timeout: float = WAIT, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def add_contacts(participant, count: int) -> list[str]:
    emails = [f"poc{n:05}@example.org" for n in range(count)]
    Contact.objects.bulk_create(
        Contact(participant=participant, role="technical", name=f"PoC {n}", emails=[email], languages=["en"])
        for n, email in enumerate(emails)
    )
    return emails


def start(secretariat) -> CheckRound:
    return services.start_round(secretariat, title="Reliability check", roles=["technical"])


def ping_messages(check: CheckRound) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(ping__round=check))


def statuses(check: CheckRound) -> Counter:
    return Counter(OutboundMessage.objects.filter(ping__round=check).values_list("status", flat=True))


def _round_envelopes(sink, emails: list[str]) -> list:
    """What the sink received for the round's contacts (the worker also sends other mail, such
    as the audit checkpoint it e-mails to the secretariat when it starts)."""
    contacts = set(emails)
    with sink.lock:
        return [e for e in sink.received if contacts & set(e.rcpt_tos)]


def received_ids(sink, emails: list[str]) -> Counter:
    from email import message_from_bytes, policy

    return Counter(
        str(message_from_bytes(e.original_content or e.content, policy=policy.default)["Message-ID"])
        for e in _round_envelopes(sink, emails)
    )


def received_recipients(sink, emails: list[str]) -> Counter:
    return Counter(rcpt for envelope in _round_envelopes(sink, emails) for rcpt in envelope.rcpt_tos)


def wait_until_due(check: CheckRound) -> None:
    """Let the back-off pass (by waiting, not by moving the clock)."""
    latest = OutboundMessage.objects.filter(ping__round=check).aggregate(at=Max("next_attempt_at"))["at"]
    assert wait_for(lambda: timezone.now() > latest, timeout=60)


def assert_one_ping_per_contact(check: CheckRound, emails: list[str]) -> None:
    pings = list(check.pings.all())
    assert len(pings) == len(emails)
    assert Counter(p.contact_id for p in pings).most_common(1)[0][1] == 1
    assert sorted(a for p in pings for a in p.addresses) == sorted(emails)
    assert all(p.message_id for p in pings)
    assert len({p.message_id for p in pings}) == len(pings)
    assert OutboundMessage.objects.filter(purpose="checks.ping").count() == len(emails)


def assert_delivered_once(check: CheckRound, sink, emails: list[str], *, uncertain_at_most: int = 0) -> None:
    """Nobody received the round's ping twice; everybody received it, except at most
    ``uncertain_at_most`` contacts whose message is uncertain (it was on the wire)."""
    assert_one_ping_per_contact(check, emails)
    by_id, by_recipient = received_ids(sink, emails), received_recipients(sink, emails)
    assert not by_id or max(by_id.values()) == 1, "a message was delivered twice"
    assert not by_recipient or max(by_recipient.values()) == 1, "an address received its ping twice"
    status = dict(OutboundMessage.objects.filter(ping__round=check).values_list("message_id", "status"))
    assert set(by_id) <= set(status)
    sent = {mid for mid, s in status.items() if s == Status.SENT}
    uncertain = {mid for mid, s in status.items() if s == Status.UNCERTAIN}
    assert sent | uncertain == set(status), Counter(status.values())
    assert sent <= set(by_id)
    assert set(by_id) | uncertain == set(status), "a contact was left out"
    assert len(uncertain) <= uncertain_at_most
    reached = set(by_recipient)
    pinged_uncertain = {a for p in check.pings.filter(message__status=Status.UNCERTAIN) for a in p.addresses}
    assert reached | pinged_uncertain == set(emails)


def assert_deferred(messages: list[OutboundMessage], *, attempts: int, before, after, error: str) -> None:
    """Each message is queued again with exponential back-off: ``RETRY_BASE * 2**(attempts-1)``
    with 0-20 % jitter, counted from the moment it was refused."""
    delay = RETRY_BASE * 2 ** (attempts - 1)
    for message in messages:
        message.refresh_from_db()
        assert message.status == Status.QUEUED
        assert message.attempts == attempts
        assert error in message.last_error
        assert message.claimed_by == "" and message.claimed_at is None and message.sent_at is None
        assert before + timedelta(seconds=0.8 * delay) <= message.next_attempt_at
        assert message.next_attempt_at <= after + timedelta(seconds=delay)


@pytest.fixture
def backoff(settings) -> None:
    settings.THIQA_MAIL_RETRY_BASE_SECONDS = RETRY_BASE
    settings.THIQA_MAIL_RETRY_MAX_SECONDS = 3600
    settings.THIQA_MAIL_MAX_ATTEMPTS = 12


# --- the SMTP server says "later", or is down for a while --------------------------------------


def test_a_server_that_says_later_defers_the_round_with_back_off_then_gets_it_once(
    db, secretariat, participant, smtp_sink, backoff
):
    emails = add_contacts(participant, 30)
    check = start(secretariat)
    services.prepare_round(check)
    messages = ping_messages(check)
    smtp_sink.refuse_with = "451 4.3.0 try later"

    before = timezone.now()
    assert mail.deliver_due() == 0
    after = timezone.now()
    assert_deferred(messages, attempts=1, before=before, after=after, error="451")
    assert smtp_sink.received == []

    assert mail.deliver_due() == 0  # nothing is due before the back-off has passed
    assert statuses(check) == {Status.QUEUED: 30}
    assert {m.attempts for m in OutboundMessage.objects.filter(ping__round=check)} == {1}

    wait_until_due(check)  # still "later": the back-off doubles
    before = timezone.now()
    assert mail.deliver_due() == 0
    after = timezone.now()
    assert_deferred(messages, attempts=2, before=before, after=after, error="451")

    smtp_sink.refuse_with = None  # the server takes mail again
    assert mail.deliver_due() == 0  # ...but the retries are not due yet
    assert smtp_sink.received == []

    wait_until_due(check)
    assert mail.deliver_due() == 30
    assert mail.deliver_due() == 0
    assert_delivered_once(check, smtp_sink, emails)
    assert statuses(check) == {Status.SENT: 30}
    assert {m.attempts for m in OutboundMessage.objects.filter(ping__round=check)} == {2}
    assert {p.status for p in check.pings.select_related("message")} == {"sent"}


def test_a_server_that_goes_down_mid_round_gets_the_rest_once_it_is_back(
    db, secretariat, participant, smtp_sink, backoff, settings, monkeypatch
):
    settings.THIQA_MAIL_BATCH = 10  # a connection per batch of 10
    emails = add_contacts(participant, 30)
    check = start(secretariat)
    services.prepare_round(check)

    claims = 0
    real_claim = mail.claim

    def claim(worker: str, limit: int) -> list[OutboundMessage]:
        nonlocal claims
        claims += 1
        if claims == 2:  # the server goes away after the first batch
            smtp_sink.stop()
        return real_claim(worker, limit)

    monkeypatch.setattr(mail, "claim", claim)
    before = timezone.now()
    assert mail.deliver_due() == 10
    assert mail.deliver_due() == 0  # still down: the untouched batch is deferred too
    after = timezone.now()
    monkeypatch.setattr(mail, "claim", real_claim)

    assert len(smtp_sink.received) == 10
    assert statuses(check) == {Status.SENT: 10, Status.QUEUED: 20}
    waiting = list(OutboundMessage.objects.filter(ping__round=check, status=Status.QUEUED))
    assert_deferred(waiting, attempts=1, before=before, after=after, error="cannot connect")

    wait_until_due(check)  # due while the server is still down: deferred again, later
    before = timezone.now()
    while OutboundMessage.objects.filter(ping__round=check, status=Status.QUEUED, attempts=1).exists():
        assert mail.deliver_due() == 0  # a failed connection defers one batch per run
    after = timezone.now()
    assert_deferred(waiting, attempts=2, before=before, after=after, error="cannot connect")

    smtp_sink.start()  # back, on the same port
    wait_until_due(check)
    assert mail.deliver_due() == 20
    assert mail.deliver_due() == 0
    assert_delivered_once(check, smtp_sink, emails)
    assert statuses(check) == {Status.SENT: 30}


# --- a worker killed or stopped in the middle of a round -----------------------------------------


@pytest.fixture
def start_worker(process_env, smtp_sink, tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start ``thiqa worker`` as a real process, sending through the sink."""
    started: list[subprocess.Popen] = []

    def start_process(*args: str, settings_module: str | None = None, **thiqa: str) -> subprocess.Popen:
        env = process_env(SMTP_URL=f"smtp://127.0.0.1:{smtp_sink.port}", MAIL_LEASE_SECONDS=LEASE, **thiqa)
        if settings_module:
            env["DJANGO_SETTINGS_MODULE"] = settings_module
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
        log_path = tmp_path / f"worker-{len(started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "thiqa.cli", "worker", *args],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        process.log = log_path  # type: ignore[attr-defined]
        started.append(process)
        return process

    yield start_process
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def log_of(process: subprocess.Popen) -> str:
    return process.log.read_text(errors="replace")  # type: ignore[attr-defined]


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL, log_of(process)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, once the worker has installed its handler (before that, SIGTERM just kills)."""
    assert wait_for(lambda: "Starting worker" in log_of(process) or process.poll() is not None)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=WAIT) == 0, log_of(process)


def wait_for_lease_to_pass() -> None:
    """The dead worker's last claims are recoverable once its lease has run out."""
    latest = OutboundMessage.objects.aggregate(at=Max("claimed_at"))["at"]
    if latest is not None:
        assert wait_for(lambda: timezone.now() > latest + timedelta(seconds=float(LEASE)), timeout=60)


def settled(check: CheckRound, count: int) -> bool:
    """The round is prepared and every ping's message is sent or uncertain."""
    check.refresh_from_db()
    now = statuses(check)
    return check.status == CheckRound.Status.OPEN and now[Status.SENT] + now[Status.UNCERTAIN] == count


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_pings_nobody_twice_and_leaves_nobody_out(
    secretariat, participant, smtp_sink, start_worker
):
    emails = add_contacts(participant, 300)
    smtp_sink.delay = 0.02  # the kill lands while a message is being handed over
    check = start(secretariat)  # the worker prepares the round, then delivers it

    first = start_worker("--no-scheduler")
    midway = wait_for(lambda: len(smtp_sink.received) >= 30 or first.poll() is not None)
    kill(first)
    assert midway, log_of(first)
    at_kill = statuses(check)
    assert 0 < len(smtp_sink.received) < len(emails), "the kill did not land mid-round"
    assert at_kill[Status.SENT] < len(emails)

    smtp_sink.delay = 0
    wait_for_lease_to_pass()
    second = start_worker()  # with the scheduler: its sweep recovers and delivers the rest
    done = wait_for(lambda: settled(check, len(emails)) or second.poll() is not None)
    stop(second)
    assert done, (statuses(check), log_of(second))

    assert_delivered_once(check, smtp_sink, emails, uncertain_at_most=1)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_preparing_a_round_is_resumed_by_the_sweep(
    secretariat, participant, smtp_sink, start_worker, tmp_path
):
    # THIQA_CHECK_BATCH is a constant in settings.py: the worker gets a settings module of its own.
    (tmp_path / "small_batches.py").write_text(
        "from thiqa.settings import *  # noqa\nTHIQA_CHECK_BATCH = 20\n"
    )
    emails = add_contacts(participant, 1500)
    check = start(secretariat)

    first = start_worker("--no-scheduler", settings_module="small_batches")
    midway = wait_for(lambda: check.pings.count() >= 60 or first.poll() is not None, every=0.01)
    kill(first)
    assert midway, log_of(first)
    check.refresh_from_db()
    pinged = check.pings.count()
    assert check.status == CheckRound.Status.PREPARING and 0 < pinged < len(emails), pinged
    assert pinged % 20 == 0  # whole batches: a batch's pings and messages commit together
    assert OutboundMessage.objects.filter(purpose="checks.ping").count() == pinged
    assert smtp_sink.received == []

    second = start_worker(settings_module="small_batches")  # the sweep resumes the preparation
    done = wait_for(lambda: settled(check, len(emails)) or second.poll() is not None)
    stop(second)
    assert done, (statuses(check), log_of(second))
    assert_delivered_once(check, smtp_sink, emails)
    assert statuses(check) == {Status.SENT: len(emails)}


def test_preparation_interrupted_after_a_batch_resumes_without_pinging_anyone_twice(
    db, secretariat, participant, settings
):
    settings.THIQA_CHECK_BATCH = 25
    emails = add_contacts(participant, 2000)
    check = start(secretariat)

    class Interrupted(Exception):
        pass

    def die_after_first_batch(count: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        services.prepare_round(check, progress=die_after_first_batch)
    check.refresh_from_db()
    assert check.status == CheckRound.Status.PREPARING
    assert check.pings.count() == 25
    assert OutboundMessage.objects.filter(purpose="checks.ping").count() == 25

    sweep_checks.call()  # what the scheduler runs every minute
    check.refresh_from_db()
    assert check.status == CheckRound.Status.OPEN
    assert_one_ping_per_contact(check, emails)
    assert statuses(check) == {Status.QUEUED: len(emails)}


@pytest.mark.django_db(transaction=True)
def test_sigterm_mid_delivery_stops_cleanly_and_a_restart_delivers_the_rest(
    secretariat, participant, smtp_sink, start_worker
):
    emails = add_contacts(participant, 200)
    smtp_sink.delay = 0.02
    check = start(secretariat)

    first = start_worker("--no-scheduler")
    midway = wait_for(lambda: len(smtp_sink.received) >= 20 or first.poll() is not None)
    stop(first)  # exits 0 after finishing what it had in hand
    assert midway, log_of(first)

    at_stop = statuses(check)
    assert at_stop[Status.UNCERTAIN] == 0
    assert at_stop[Status.SENDING] == at_stop[Status.TRANSMITTING] == 0, at_stop
    assert not OutboundMessage.objects.exclude(claimed_by="").exists()
    by_id = received_ids(smtp_sink, emails)
    assert max(by_id.values()) == 1
    assert set(by_id) == set(
        OutboundMessage.objects.filter(ping__round=check, status=Status.SENT).values_list(
            "message_id", flat=True
        )
    )

    smtp_sink.delay = 0
    second = start_worker()
    done = wait_for(lambda: settled(check, len(emails)) or second.poll() is not None)
    stop(second)
    assert done, (statuses(check), log_of(second))
    assert_delivered_once(check, smtp_sink, emails)
    assert statuses(check) == {Status.SENT: len(emails)}


@pytest.mark.django_db(transaction=True)
def test_sigterm_mid_round_stops_after_the_message_in_hand_not_after_the_whole_round(
    secretariat, participant, smtp_sink, start_worker
):
    """A stop (deploy, `thiqa serve` shutting down, which SIGKILLs its worker after 30 s)
    must not wait for a whole round to be delivered: the worker finishes the message in
    hand, gives back the rest of its claim, and the next worker delivers it."""
    emails = add_contacts(participant, 300)
    smtp_sink.delay = 0.02
    check = start(secretariat)

    first = start_worker("--no-scheduler")
    midway = wait_for(lambda: len(smtp_sink.received) >= 20 or first.poll() is not None)
    stop(first)
    assert midway, log_of(first)

    at_stop = statuses(check)
    assert at_stop[Status.UNCERTAIN] == at_stop[Status.SENDING] == at_stop[Status.TRANSMITTING] == 0
    assert at_stop[Status.SENT] < len(emails), "SIGTERM waited for the whole round to be delivered"
    assert at_stop[Status.QUEUED] > 0

    smtp_sink.delay = 0
    second = start_worker()
    done = wait_for(lambda: settled(check, len(emails)) or second.poll() is not None)
    stop(second)
    assert done, (statuses(check), log_of(second))
    assert_delivered_once(check, smtp_sink, emails)
