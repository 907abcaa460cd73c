"""The worker killed (SIGKILL) while the escalation sweep runs, on both databases, with real
processes and a real SMTP server on loopback: each participant's step is taken whole or not
at all, the next worker takes the remaining steps by itself, and every policy contact gets
the escalated message once. The cost (the wait until the next sweep) is printed.

The tests assert outcomes, never durations; they poll with generous timeouts.
"""

import json
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from conftest import make_contact
from thiqa.accounts.models import Participant
from thiqa.audit.models import AuditEvent
from thiqa.messaging import services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Recipient
from thiqa.messaging.tests.helpers import incident

pytestmark = pytest.mark.usefixtures("catalogue")

REPO = Path(__file__).resolve().parents[3]
PARTICIPANTS = 150
WAIT = 150  # seconds: a limit for polling (the sweep runs every minute), never an expectation


def wait_for(condition: Callable[[], bool], timeout: float = WAIT, every: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


@pytest.fixture
def overdue(focal_point, participant) -> dict:
    """A message to many participants' technical contacts, each with a policy contact too,
    that nobody acknowledged in time."""
    others = Participant.objects.bulk_create(
        Participant(code=f"Q{n:03}", kind="state", name_en=f"State {n}", name_ar=f"دولة {n}")
        for n in range(PARTICIPANTS)
    )
    for other in others:
        make_contact(other, "technical", f"cert.{other.code.lower()}@example.org")
        make_contact(other, "policy", f"policy.{other.code.lower()}@example.org")
    with transaction.atomic():
        message = services.send(
            focal_point,
            participant,
            incident(Addressees(participants=others, roles=["technical"]), acknowledge_within_hours=1),
        )
        Recipient.objects.filter(message=message).update(ack_due_at=timezone.now() - timedelta(minutes=1))
    return {"message": message, "policy": {f"policy.{o.code.lower()}@example.org" for o in others}}


@pytest.fixture
def start_worker(process_env, smtp_sink, workers) -> Callable[[], subprocess.Popen]:
    env = process_env(SMTP_URL=f"smtp://127.0.0.1:{smtp_sink.port}", MAIL_LEASE_SECONDS="1")
    return lambda: workers.start(env)


def escalated() -> int:
    return AuditEvent.objects.filter(action="messaging.escalated").count()


def assert_steps_whole(message) -> set[int]:
    """Each participant is either escalated (its technical row marked, a policy row with its
    e-mail queued) or untouched: never one without the other."""
    marked = set(
        Recipient.objects.filter(message=message, level=Recipient.Level.ADDRESSED)
        .exclude(escalated_at=None)
        .values_list("participant_id", flat=True)
    )
    policy_rows = Recipient.objects.filter(message=message, level=Recipient.Level.POLICY)
    assert not policy_rows.filter(outbound=None).exists(), "a policy row without its e-mail"
    assert Counter(policy_rows.values_list("participant_id", flat=True)) == dict.fromkeys(marked, 1)
    assert escalated() == len(marked)
    return marked


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_escalation_leaves_whole_steps_and_the_next_one_finishes_once(
    overdue, smtp_sink, start_worker
):
    message = overdue["message"]
    first = start_worker()
    midway = wait_for(lambda: escalated() >= 5 or first.poll() is not None, every=0.005)
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=30) == -signal.SIGKILL
    killed = time.monotonic()
    assert midway, first.log.read_text()  # type: ignore[attr-defined]
    done_before = assert_steps_whole(message)
    assert 0 < len(done_before) < PARTICIPANTS, "the kill did not land mid-sweep"

    second = start_worker()
    assert wait_for(lambda: escalated() == PARTICIPANTS or second.poll() is not None), (
        second.log.read_text()  # type: ignore[attr-defined]
    )
    finished = time.monotonic()
    assert len(assert_steps_whole(message)) == PARTICIPANTS

    def policy_received() -> Counter:
        with smtp_sink.lock:
            return Counter(r for e in smtp_sink.received for r in e.rcpt_tos if r in overdue["policy"])

    assert wait_for(lambda: sum(policy_received().values()) >= PARTICIPANTS)
    time.sleep(1)  # a second copy, if any, would arrive now
    assert policy_received() == dict.fromkeys(overdue["policy"], 1)
    print(
        "\nFAULT COST worker-killed-mid-escalation: "
        + json.dumps(
            {
                "participants": PARTICIPANTS,
                "escalated_before_kill": len(done_before),
                "remaining_steps_done_after_kill_s": round(finished - killed, 2),
                "policy_copies_sent_twice": 0,
            }
        )
    )
