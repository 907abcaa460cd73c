"""The inbound SMTP receiver: it stores every message for Thiqa's domains, then offers it
to the registered handlers; it refuses other domains and oversized messages."""

import signal
import smtplib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from asgiref.sync import SyncToAsync
from django.db import connections

from conftest import free_port
from thiqa.audit.models import AuditEvent
from thiqa.audit.services import record
from thiqa.mail import inbound
from thiqa.mail.models import InboundMessage

REPO = Path(__file__).resolve().parents[3]
LONG_BODY = ("x" * 70 + "\n") * 80  # 5,680 bytes in short lines


def wait_for(condition: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def reply(subject: str = "Re: ping", body: str = "pong", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "someone@example.org"
    message["To"] = "ping@thiqa.example"
    message["Subject"] = subject
    message["Message-ID"] = "<reply-1@example.org>"
    message["In-Reply-To"] = "<ping-1@thiqa.example>"
    for name, value in headers.items():
        message.replace_header(name, value) if name in message else message.add_header(name, value)
    message.set_content(body)
    return message


@pytest.fixture
def handlers() -> Iterator[list]:
    """Only the handlers a test registers, for the length of the test."""
    saved = list(inbound.HANDLERS)
    inbound.HANDLERS.clear()
    yield inbound.HANDLERS
    inbound.HANDLERS[:] = saved


@pytest.fixture
def receiver(transactional_db, settings, handlers) -> Iterator[int]:
    """The receiver on a free port; returns the port. Messages are stored from its thread,
    so the test database must see committed rows (transactional_db)."""
    port = free_port()
    controller = inbound.controller("127.0.0.1", port)
    controller.start()
    yield port
    controller.stop()
    # The receiver stored messages through asgiref's shared thread: close its connection.
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


def send(port: int, message: EmailMessage, to: list[str] | None = None) -> dict:
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as smtp:
        return smtp.send_message(
            message, from_addr="bounce@example.org", to_addrs=to or ["ping@thiqa.example"]
        )


def test_it_stores_a_received_message(receiver):
    message = reply()
    send(receiver, message, to=["ping@thiqa.example", "other@testserver"])

    stored = InboundMessage.objects.get()
    assert stored.envelope_from == "bounce@example.org"
    assert stored.envelope_to == ["ping@thiqa.example", "other@testserver"]
    assert stored.message_id == "<reply-1@example.org>"
    assert stored.in_reply_to == "<ping-1@thiqa.example>"
    assert stored.subject == "Re: ping"
    raw = bytes(stored.raw)
    assert b"Message-ID: <reply-1@example.org>" in raw
    assert b"pong" in raw
    assert stored.handled_by == "" and stored.handler_error == ""


def test_the_stored_message_is_the_message_as_received(receiver):
    message = reply(subject="Réponse: تجربة", body="نص عربي\n")
    send(receiver, message)
    stored = InboundMessage.objects.get()
    parsed = inbound.parse(bytes(stored.raw))
    assert stored.subject == "Réponse: تجربة"
    assert parsed.get_content().splitlines() == ["نص عربي"]


def test_a_handler_that_takes_the_message_is_recorded(receiver, handlers):
    seen = []

    @inbound.register("test.takes")
    def takes(stored: InboundMessage, parsed: EmailMessage) -> bool:
        seen.append((stored.pk, parsed["In-Reply-To"]))
        return True

    send(receiver, reply())

    stored = InboundMessage.objects.get()
    assert stored.handled_by == "test.takes"
    assert seen == [(stored.pk, "<ping-1@thiqa.example>")]


def test_handlers_are_offered_the_message_in_order_until_one_takes_it(receiver, handlers):
    calls = []

    @inbound.register("test.declines")
    def declines(stored: InboundMessage, parsed: EmailMessage) -> bool:
        calls.append("declines")
        return False

    @inbound.register("test.takes")
    def takes(stored: InboundMessage, parsed: EmailMessage) -> bool:
        calls.append("takes")
        return True

    @inbound.register("test.never")
    def never(stored: InboundMessage, parsed: EmailMessage) -> bool:
        calls.append("never")
        return True

    send(receiver, reply())

    assert calls == ["declines", "takes"]
    assert InboundMessage.objects.get().handled_by == "test.takes"


def test_a_message_no_handler_takes_is_kept_unhandled(receiver, handlers):
    inbound.register("test.declines")(lambda stored, parsed: False)
    send(receiver, reply())
    stored = InboundMessage.objects.get()
    assert (stored.handled_by, stored.handler_error) == ("", "")


def test_a_failing_handler_does_not_lose_the_message(receiver, handlers):
    @inbound.register("test.broken")
    def broken(stored: InboundMessage, parsed: EmailMessage) -> bool:
        record("test.half_done")  # its work is rolled back with it
        raise RuntimeError("handler bug")

    @inbound.register("test.takes")
    def takes(stored: InboundMessage, parsed: EmailMessage) -> bool:
        return True

    result = send(receiver, reply())

    assert result == {}  # accepted for every recipient
    stored = InboundMessage.objects.get()
    assert stored.handler_error == "test.broken: handler bug"
    assert stored.handled_by == "test.takes"  # the later handler still ran
    assert not AuditEvent.objects.filter(action="test.half_done").exists()


def test_registering_the_same_name_twice_keeps_the_first_handler(handlers):
    first = inbound.register("test.same")(lambda stored, parsed: True)
    inbound.register("test.same")(lambda stored, parsed: False)
    assert handlers == [("test.same", first)]


def test_it_refuses_a_recipient_outside_thiqas_domains(receiver):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(receiver, reply(), to=["someone@elsewhere.example"])

    code, text = refused.value.recipients["someone@elsewhere.example"]
    assert code == 550
    assert b"only receives mail for Thiqa" in text
    assert not InboundMessage.objects.exists()


def test_it_keeps_only_the_recipients_in_its_domains(receiver):
    refused = send(receiver, reply(), to=["someone@elsewhere.example", "ping@THIQA.example"])

    assert refused["someone@elsewhere.example"][0] == 550
    assert InboundMessage.objects.get().envelope_to == ["ping@THIQA.example"]


@pytest.fixture
def small_receiver(transactional_db, settings, handlers) -> Iterator[int]:
    settings.THIQA_INBOUND_MAX_BYTES = 2000
    port = free_port()
    controller = inbound.controller("127.0.0.1", port)
    controller.start()
    yield port
    controller.stop()
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


def test_it_refuses_a_message_over_the_size_limit(small_receiver):
    with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as refused:
        send(small_receiver, reply(body=LONG_BODY))
    assert refused.value.smtp_code == 552
    assert not InboundMessage.objects.exists()


def test_it_refuses_an_oversized_message_whose_size_was_not_announced(small_receiver):
    data = reply(body=LONG_BODY).as_bytes(policy=policy.SMTP)
    with smtplib.SMTP("127.0.0.1", small_receiver, timeout=20) as smtp:
        smtp.ehlo()
        assert smtp.mail("bounce@example.org")[0] == 250  # no SIZE= given
        assert smtp.rcpt("ping@thiqa.example")[0] == 250
        code, _ = smtp.data(data)
    assert code == 552
    assert not InboundMessage.objects.exists()


def test_a_message_under_the_size_limit_is_accepted(small_receiver):
    send(small_receiver, reply(body="short"))
    assert InboundMessage.objects.count() == 1


def test_the_receive_mail_command_runs_until_sigterm(transactional_db, process_env, tmp_path):
    port = free_port()
    env = process_env(INBOUND_DOMAINS="thiqa.example")
    log = tmp_path / "receiver.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "thiqa.cli", "receive_mail", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        assert wait_for(lambda: b"Receiving mail" in log.read_bytes() or process.poll() is not None, 60), (
            log.read_text()
        )
        assert process.poll() is None, log.read_text()
        send(port, reply())
        assert InboundMessage.objects.get().message_id == "<reply-1@example.org>"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert b"Mail receiver stopped" in log.read_bytes()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
