"""The worker: runs enqueued tasks (delivering the outbox), enqueues periodic jobs, and
finishes the message in hand before it stops on SIGTERM."""

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.mail import send_mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from thiqa.mail.models import OutboundMessage
from thiqa.mail.tasks import deliver_outbox
from thiqa.scheduler.models import ScheduledJob

REPO = Path(__file__).resolve().parents[3]
Status = OutboundMessage.Status


def wait_for(condition: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_the_worker_runs_an_enqueued_delivery_task(transactional_db, smtp_sink, signals_restored):
    send_mail("Agenda", "Body", "sec@thiqa.example", ["a@example.org"])
    message = OutboundMessage.objects.get()
    task = DBTaskResult.objects.get(task_path=deliver_outbox.module_path)
    assert smtp_sink.received == []

    call_command("worker", batch=True, no_scheduler=True)

    assert [m["Message-ID"] for m in smtp_sink.messages()] == [message.message_id]
    message.refresh_from_db()
    assert message.status == Status.SENT
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == 1
    assert not ScheduledJob.objects.exists()  # --no-scheduler


def test_the_worker_runs_every_task_then_exits_in_batch_mode(transactional_db, smtp_sink, signals_restored):
    for n in range(3):  # three transactions, three tasks; the first sends everything
        send_mail(f"Notice {n}", "Body", None, [f"p{n}@example.org"])
    assert DBTaskResult.objects.filter(status="READY").count() == 3

    call_command("worker", batch=True, no_scheduler=True)

    assert sorted(m["Subject"] for m in smtp_sink.messages()) == [f"Notice {n}" for n in range(3)]
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == [0, 0, 3]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


# --- the worker as a real process ----------------------------------------------------------


@pytest.fixture
def start_worker(process_env, smtp_sink, tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    started: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "thiqa.cli", "worker", *args],
            cwd=REPO,
            env=process_env(SMTP_URL=f"smtp://127.0.0.1:{smtp_sink.port}"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        process.log = tmp_path / f"worker-{len(started)}.log"  # type: ignore[attr-defined]
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_periodic_sweep_delivers_mail_no_task_was_enqueued_for(transactional_db, smtp_sink, start_worker):
    # A retry that has come due: nothing enqueued a task for it, the periodic job finds it.
    OutboundMessage.objects.create(
        message_id="<retry@thiqa.example>",
        sender="sec@thiqa.example",
        recipients=["a@example.org"],
        subject="Retry",
        attempts=1,
        raw=b"Message-ID: <retry@thiqa.example>\r\nSubject: Retry\r\n\r\nx\r\n",
    )
    assert not DBTaskResult.objects.exists()

    worker = start_worker()
    delivered = wait_for(lambda: len(smtp_sink.received) == 1 or worker.poll() is not None, 60)
    assert delivered and worker.poll() is None, worker.log.read_text()

    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0, worker.log.read_text()
    assert [m["Message-ID"] for m in smtp_sink.messages()] == ["<retry@thiqa.example>"]
    assert OutboundMessage.objects.get().status == Status.SENT
    job = ScheduledJob.objects.get(name=deliver_outbox.module_path)
    assert job.last_run_at is not None and job.next_run_at > job.last_run_at


def test_sigterm_lets_the_worker_finish_the_message_in_hand(transactional_db, smtp_sink, start_worker):
    with transaction.atomic():
        for n in range(4):
            send_mail(f"Notice {n}", "Body", None, [f"p{n}@example.org"])
    smtp_sink.delay = 0.5

    worker = start_worker("--no-scheduler")
    started = wait_for(lambda: len(smtp_sink.received) >= 1 or worker.poll() is not None, 60)
    assert started and worker.poll() is None, worker.log.read_text()
    worker.send_signal(signal.SIGTERM)

    assert worker.wait(timeout=30) == 0, worker.log.read_text()
    statuses = list(OutboundMessage.objects.values_list("status", flat=True))
    assert set(statuses) == {Status.SENT, Status.QUEUED}  # nothing left claimed, on the wire or uncertain
    assert statuses.count(Status.SENT) == len(smtp_sink.received) < 4
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    smtp_sink.delay = 0
    restarted = start_worker()  # the periodic sweep finds the messages given back
    assert wait_for(lambda: len(smtp_sink.received) == 4, 60), restarted.log.read_text()
    restarted.send_signal(signal.SIGTERM)
    assert restarted.wait(timeout=30) == 0
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}
