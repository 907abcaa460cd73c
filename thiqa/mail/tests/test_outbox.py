"""The outbox: Django's mail API stores messages; the worker's delivery sends them."""

from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from thiqa.mail import services
from thiqa.mail.models import OutboundMessage

DELIVER_TASK = "thiqa.mail.tasks.deliver_outbox"


def delivery_tasks() -> int:
    return DBTaskResult.objects.filter(task_path=DELIVER_TASK).count()


def test_send_mail_stores_the_message_in_the_outbox(db, smtp_sink):
    count = send_mail(
        "Agenda", "The agenda is attached.", "sec@thiqa.example", ["a@example.org", "b@example.org"]
    )

    assert count == 1
    message = OutboundMessage.objects.get()
    assert message.status == OutboundMessage.Status.QUEUED
    assert message.attempts == 0
    assert message.subject == "Agenda"
    assert message.sender == "sec@thiqa.example"
    assert message.recipients == ["a@example.org", "b@example.org"]
    assert message.message_id.startswith("<") and message.message_id.endswith(">")
    parsed = message_from_bytes(bytes(message.raw), policy=policy.default)
    assert parsed["Message-ID"] == message.message_id
    assert parsed["Subject"] == "Agenda"
    assert parsed["To"] == "a@example.org, b@example.org"
    assert parsed.get_content().strip() == "The agenda is attached."
    assert b"\r\n" in bytes(message.raw)
    assert smtp_sink.received == []  # nothing is sent before delivery runs
    assert mail.outbox == []  # the in-memory test backend was not used


def test_email_message_keeps_bcc_out_of_the_headers_but_in_the_recipients(db):
    EmailMessage(
        "Minutes",
        "Body",
        "sec@thiqa.example",
        ["to@example.org"],
        bcc=["hidden@example.org"],
        cc=["cc@example.org", "to@example.org"],
    ).send()

    message = OutboundMessage.objects.get()
    assert message.recipients == ["to@example.org", "cc@example.org", "hidden@example.org"]
    parsed = message_from_bytes(bytes(message.raw), policy=policy.default)
    assert "Bcc" not in parsed
    assert b"hidden@example.org" not in bytes(message.raw)


def test_it_keeps_a_message_id_the_caller_chose(db):
    EmailMessage(
        "Re: ping",
        "pong",
        "sec@thiqa.example",
        ["a@example.org"],
        headers={"Message-ID": "<chosen@thiqa.example>"},
    ).send()

    message = OutboundMessage.objects.get()
    assert message.message_id == "<chosen@thiqa.example>"
    assert b"Message-ID: <chosen@thiqa.example>" in bytes(message.raw)


def test_every_message_gets_its_own_message_id(db):
    for n in range(3):
        send_mail(f"Notice {n}", "Body", None, ["a@example.org"])
    ids = set(OutboundMessage.objects.values_list("message_id", flat=True))
    assert len(ids) == 3


def test_the_default_sender_is_used_when_none_is_given(db, settings):
    send_mail("Notice", "Body", None, ["a@example.org"])
    assert OutboundMessage.objects.get().sender == settings.DEFAULT_FROM_EMAIL


def test_it_refuses_a_message_without_recipients(db):
    with pytest.raises(ValueError, match="recipient"):
        services.enqueue(EmailMessage("Nobody", "Body", "sec@thiqa.example", []))
    assert not OutboundMessage.objects.exists()


def test_deliver_due_sends_the_message_to_the_smtp_server(db, smtp_sink):
    send_mail(
        "Agenda", "The agenda is attached.", "Thiqa <sec@thiqa.example>", ["a@example.org", "b@example.org"]
    )
    message = OutboundMessage.objects.get()

    assert services.deliver_due() == 1

    [envelope] = smtp_sink.received
    assert envelope.mail_from == "sec@thiqa.example"
    assert envelope.rcpt_tos == ["a@example.org", "b@example.org"]
    [received] = smtp_sink.messages()
    assert received["Message-ID"] == message.message_id
    assert received["Subject"] == "Agenda"
    assert received["To"] == "a@example.org, b@example.org"
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert message.sent_at is not None
    assert message.claimed_by == "" and message.claimed_at is None
    assert message.last_error == ""


def test_a_sent_message_is_not_sent_again(db, smtp_sink):
    send_mail("Agenda", "Body", None, ["a@example.org"])
    assert services.deliver_due() == 1
    assert services.deliver_due() == 0
    assert len(smtp_sink.received) == 1


def test_deliver_due_sends_every_queued_message(db, smtp_sink, settings):
    settings.THIQA_MAIL_BATCH = 2  # several batches
    for n in range(5):
        send_mail(f"Notice {n}", "Body", None, [f"p{n}@example.org"])

    assert services.deliver_due() == 5

    subjects = sorted(m["Subject"] for m in smtp_sink.messages())
    assert subjects == [f"Notice {n}" for n in range(5)]
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_it_enqueues_one_delivery_task_per_committed_transaction(transactional_db):
    with transaction.atomic():
        for n in range(3):
            send_mail(f"Notice {n}", "Body", None, ["a@example.org"])
        assert delivery_tasks() == 0  # not before the commit
    assert delivery_tasks() == 1

    send_mail("Another", "Body", None, ["a@example.org"])
    assert delivery_tasks() == 2
    task = DBTaskResult.objects.filter(task_path=DELIVER_TASK).first()
    assert task.status == "READY"


def test_a_rolled_back_transaction_leaves_no_message_and_no_task(transactional_db):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Never", "Body", None, ["a@example.org"])
        raise RuntimeError("the view failed after queuing the mail")

    assert not OutboundMessage.objects.exists()
    assert delivery_tasks() == 0


def test_a_rolled_back_savepoint_does_not_cancel_the_other_messages_delivery(transactional_db):
    with transaction.atomic():
        try:
            with transaction.atomic():
                send_mail("Discarded", "Body", None, ["a@example.org"])
                raise RuntimeError
        except RuntimeError:
            pass
        send_mail("Kept", "Body", None, ["a@example.org"])

    assert list(OutboundMessage.objects.values_list("subject", flat=True)) == ["Kept"]
    assert delivery_tasks() == 1


def test_a_savepoint_rolled_back_after_a_message_keeps_its_delivery(transactional_db):
    with transaction.atomic():
        send_mail("Kept", "Body", None, ["a@example.org"])
        try:
            with transaction.atomic():
                send_mail("Discarded", "Body", None, ["a@example.org"])
                raise RuntimeError
        except RuntimeError:
            pass

    assert list(OutboundMessage.objects.values_list("subject", flat=True)) == ["Kept"]
    assert delivery_tasks() == 1


@pytest.mark.parametrize(
    "value",
    [
        "a@example.org",
        "a@example.org, b@example.org",
        "Name With  Two Spaces <a@example.org>",
        " leading space",
        "trailing space ",
        "tab\tinside",
        "x" * 69,
        "x" * 70,
        "x" * 71,
        "word " * 20,
        "مرحبا <a@example.org>",
        "café",
    ],
)
def test_stored_bytes_are_djangos_own_with_crlf(value):
    """The outbox folds headers its own way, for speed; the bytes must not change."""
    headers = {"X-Test": value, "Message-ID": "<x@thiqa.example>", "Date": "now"}
    if "@" in value:
        headers["Reply-To"] = value  # an address header: Django encodes it its own way
    message = EmailMessage(
        "Subject " + value.strip(),
        f"Body with {value}\n",
        "sec@thiqa.example",
        ["to@example.org"],
        headers=headers,
    )
    assert services._wire_bytes(message) == message.message().as_bytes(linesep="\r\n")
