"""Replies by e-mail, sent over SMTP into the running inbound receiver: a reply to a copy
acknowledges it and, when it carries text, joins the thread under the message's label;
automatic answers, forged tokens, replays and closed threads change nothing."""

from email.message import EmailMessage
from typing import Any

import pysequoia
import pytest
from django.conf import settings

from conftest import make_contact, make_user
from thiqa.accounts import policy
from thiqa.audit.models import AuditEvent
from thiqa.lib.openpgp import platform_key
from thiqa.lib.tlp import TLP
from thiqa.mail.models import InboundMessage
from thiqa.mail.services import deliver_due
from thiqa.mail.tests.realmail import live_receiver, send_message
from thiqa.messaging import copies, services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Message, Recipient
from thiqa.messaging.tests.helpers import consultation

__all__ = ["live_receiver"]
pytestmark = pytest.mark.usefixtures("catalogue")


def france(other_participant) -> Addressees:
    return Addressees(participants=[other_participant], roles=["technical", "policy"])


@pytest.fixture
def people(other_participant):
    return {
        "cert": make_contact(other_participant, "technical", "cert@fr.example", name="CERT-FR desk"),
        "policy": make_contact(other_participant, "policy", "policy@fr.example", name="Claire Martin"),
        "analyst": make_user("cert@fr.example", other_participant, "member"),
    }


def send(focal_point, participant, other_participant, smtp_sink, **overrides) -> tuple[Message, dict]:
    """A message to France's technical and policy contacts, delivered over SMTP; returns it
    and the copies received, by address."""
    message = services.send(
        focal_point,
        participant,
        consultation(france(other_participant), **overrides),
    )
    deliver_due()
    return message, {m["To"]: m for m in smtp_sink.messages()}


def answer(copy: EmailMessage, text: str | None = None, *, html: str | None = None, **headers) -> Any:
    """A mail client's reply to ``copy``: to its Reply-To, quoting the copy."""
    reply = EmailMessage()
    reply["From"] = copy["To"]
    reply["To"] = copy["Reply-To"]
    reply["Subject"] = "Re: " + copy["Subject"]
    reply["Message-ID"] = headers.pop("Message_ID", f"<reply-{copy['Message-ID'].strip('<>')}>")
    reply["In-Reply-To"] = headers.pop("In_Reply_To", copy["Message-ID"])
    for name, value in headers.items():
        reply[name.replace("_", "-")] = value
    quoted = "\n\nOn Wed, 2 Dec 2026 at 10:00, Thiqa <noreply@thiqa.example> wrote:\n> The original copy.\n"
    if text is not None:
        reply.set_content(text + quoted)
    if html is not None:
        html_body = f"<div>{html}</div><blockquote>The original copy.</blockquote>"
        reply.add_alternative(html_body, subtype="html") if text is not None else reply.set_content(
            html_body, subtype="html"
        )
    return reply


def post(port: int, reply: EmailMessage, to: str | None = None) -> None:
    send_message(port, reply, to or str(reply["To"]), str(reply["From"]))


def row(message: Message, address: str) -> Recipient:
    return message.recipients.get(addresses=[address])


def test_each_copy_names_its_own_reply_and_bounce_addresses(
    focal_point, participant, other_participant, people, smtp_sink
):
    message, received = send(focal_point, participant, other_participant, smtp_sink)
    for address, copy in received.items():
        recipient = row(message, address)
        expected = f"msg+{recipient.token}@{settings.THIQA_INBOUND_DOMAINS[0]}"
        assert copy["Reply-To"] == copies.reply_address(recipient) == expected
    assert {e.mail_from for e in smtp_sink.received} == {
        copies.bounce_address(r) for r in message.recipients.all()
    }


def test_a_reply_with_text_acknowledges_and_joins_the_thread_from_the_user(
    focal_point, participant, other_participant, people, smtp_sink, live_receiver
):
    message, received = send(focal_point, participant, other_participant, smtp_sink)
    post(live_receiver, answer(received["cert@fr.example"], "We see the same scanning.\n-- \nCERT-FR"))

    cert = row(message, "cert@fr.example")
    assert cert.acknowledged_via == Recipient.Via.REPLY and cert.acknowledged_by == people["analyst"]
    assert cert.status == "answered"
    reply = Message.objects.get(parent=message)
    assert (reply.body, reply.tlp, reply.kind) == ("We see the same scanning.", TLP.AMBER, "reply")
    assert reply.sender == people["analyst"] and reply.sender_participant == other_participant
    assert [r.user for r in reply.recipients.all()] == [focal_point]  # it goes to the author
    assert row(message, "policy@fr.example").status == "answered"  # it answers for France, as on the web
    assert InboundMessage.objects.get().handled_by == "messaging.reply"
    event = AuditEvent.objects.get(action="messaging.replied")
    assert event.data["via"] == "reply" and "scanning" not in str(event.data)


def test_a_contact_without_an_account_replies_as_the_contact(
    client, focal_point, participant, other_participant, people, smtp_sink, live_receiver
):
    message, received = send(focal_point, participant, other_participant, smtp_sink)
    post(live_receiver, answer(received["policy@fr.example"], "Available for a call on Friday."))

    reply = Message.objects.get(parent=message)
    assert reply.sender is None and reply.sender_contact == people["policy"]
    assert reply.author_name == "Claire Martin" and reply.sender_participant == other_participant
    assert row(message, "policy@fr.example").acknowledged_by is None
    client.force_login(focal_point)
    page = client.get(f"/messages/threads/{message.pk}/").content.decode()
    assert "Available for a call on Friday." in page and "Claire Martin" in page


def test_a_reply_with_the_quoted_original_only_acknowledges_without_a_reply(
    focal_point, participant, other_participant, people, smtp_sink, live_receiver
):
    message, received = send(focal_point, participant, other_participant, smtp_sink)
    post(live_receiver, answer(received["cert@fr.example"], ""))

    assert row(message, "cert@fr.example").status == "acknowledged"
    assert not Message.objects.filter(parent=message).exists()


def test_an_html_only_reply_is_read_without_its_quote(
    focal_point, participant, other_participant, people, smtp_sink, live_receiver
):
    message, received = send(focal_point, participant, other_participant, smtp_sink)
    post(live_receiver, answer(received["cert@fr.example"], html="<p>Confirmed&nbsp;from <b>Paris</b>.</p>"))

    assert Message.objects.get(parent=message).body == "Confirmed from Paris."


@pytest.mark.parametrize(
    "headers",
    [{"Auto_Submitted": "auto-replied"}, {"Precedence": "bulk"}, {"X_Autoreply": "yes"}],
)
def test_an_automatic_answer_does_not_acknowledge(
    focal_point, participant, other_participant, people, smtp_sink, live_receiver, headers
):
    message, received = send(focal_point, participant, other_participant, smtp_sink)
    post(live_receiver, answer(received["cert@fr.example"], "I am out of the office.", **headers))

    assert row(message, "cert@fr.example").acknowledged_at is None
    assert not Message.objects.filter(parent=message).exists()
    assert InboundMessage.objects.get().handled_by == "messaging.reply"  # ours, kept


def test_a_forged_token_changes_nothing(
    focal_point, participant, other_participant, people, smtp_sink, live_receiver
):
    message, received = send(focal_point, participant, other_participant, smtp_sink)
    copy = received["cert@fr.example"]
    forged = "msg+" + "A" * 24 + "@" + settings.THIQA_INBOUND_DOMAINS[0]
    reply = answer(copy, "Acknowledged.")
    reply.replace_header("To", forged)
    post(live_receiver, reply)

    assert not message.recipients.exclude(acknowledged_at=None).exists()
    assert not Message.objects.filter(parent=message).exists()
    assert AuditEvent.objects.get(action="messaging.email_refused").data["reason"] == "unknown_token"


def test_a_token_lifted_onto_the_answer_to_another_message_changes_nothing(
    focal_point, participant, other_participant, people, smtp_sink, live_receiver
):
    _first, received_first = send(focal_point, participant, other_participant, smtp_sink)
    smtp_sink.received.clear()
    _second, received_second = send(focal_point, participant, other_participant, smtp_sink)
    reply = answer(received_second["cert@fr.example"], "About the second one.")
    reply.replace_header("To", received_first["cert@fr.example"]["Reply-To"])
    post(live_receiver, reply)

    assert not Recipient.objects.exclude(acknowledged_at=None).exists()
    assert not Message.objects.filter(kind="reply").exists()
    assert AuditEvent.objects.get(action="messaging.email_refused").data["reason"] == "another_message"


def test_a_replayed_reply_changes_nothing_and_is_not_audited_again(
    focal_point, participant, other_participant, people, smtp_sink, live_receiver
):
    message, received = send(focal_point, participant, other_participant, smtp_sink)
    reply = answer(received["cert@fr.example"], "Received, thank you.")
    post(live_receiver, reply)
    first = row(message, "cert@fr.example").acknowledged_at
    post(live_receiver, reply)

    assert row(message, "cert@fr.example").acknowledged_at == first
    assert Message.objects.filter(parent=message).count() == 1
    assert AuditEvent.objects.filter(action="messaging.acknowledged").count() == 1
    assert AuditEvent.objects.filter(action="messaging.replied").count() == 1
    assert InboundMessage.objects.count() == 2  # both kept


def test_a_reply_to_a_red_message_is_stored_under_red(
    focal_point, member, participant, other_participant, people, smtp_sink, live_receiver
):
    message, received = send(focal_point, participant, other_participant, smtp_sink, tlp=TLP.RED)
    post(live_receiver, answer(received["cert@fr.example"], "Handled within our team only."))

    reply = Message.objects.get(parent=message)
    assert reply.tlp == TLP.RED and reply.sender == people["analyst"]
    assert policy.can(focal_point, "messaging.read", reply)  # the author it went to
    assert not policy.can(member, "messaging.read", reply)  # RED: not their colleagues


def test_a_reply_after_the_thread_closed_changes_nothing(
    focal_point, participant, other_participant, people, smtp_sink, live_receiver
):
    message, received = send(focal_point, participant, other_participant, smtp_sink)
    services.close(focal_point, message)
    post(live_receiver, answer(received["cert@fr.example"], "Too late?"))

    assert row(message, "cert@fr.example").acknowledged_at is None
    assert not Message.objects.filter(parent=message).exists()
    assert AuditEvent.objects.get(action="messaging.email_reply_refused").data["reason"] == "closed"


def _encrypt(inner: EmailMessage, to: pysequoia.Cert) -> EmailMessage:
    outer = EmailMessage()
    outer.set_type("multipart/encrypted")
    outer.set_param("protocol", "application/pgp-encrypted")
    control, data = EmailMessage(), EmailMessage()
    control.set_content(b"Version: 1\n", maintype="application", subtype="pgp-encrypted")
    armored = pysequoia.encrypt(inner.as_bytes(), recipients=[to])
    data.set_content(armored, maintype="application", subtype="octet-stream", cte="7bit")
    outer.attach(control)
    outer.attach(data)
    return outer


@pytest.mark.parametrize("to_platform", [True, False])
def test_an_encrypted_reply_is_read_if_encrypted_to_the_platform_key(
    focal_point, participant, other_participant, people, smtp_sink, live_receiver, to_platform
):
    message, received = send(focal_point, participant, other_participant, smtp_sink)
    copy = received["cert@fr.example"]
    key = (
        pysequoia.Cert.from_bytes(platform_key().public.encode())
        if to_platform
        else pysequoia.Tsk.generate("Someone <someone@example.org>").extract_certificate()
    )
    reply = _encrypt(answer(copy, "Encrypted answer."), key)
    for name in ("From", "To", "Subject", "Message-ID", "In-Reply-To"):
        reply[name] = copy["To"] if name == "From" else answer(copy)[name]
    post(live_receiver, reply)

    assert row(message, "cert@fr.example").acknowledged_via == Recipient.Via.REPLY
    body = Message.objects.get(parent=message).body
    if to_platform:
        assert body == "Encrypted answer."
    else:
        assert "encrypted to a key other than the platform's" in body and "CERT-FR desk" in body
