"""Delivery status notifications for message copies, as Postfix and Exim send them, over
SMTP into the running inbound receiver: a later failure marks the recipient not delivered
(after the SMTP server's 250) and counts in the directory's health; a delay is recorded."""

import pytest

from conftest import make_contact
from thiqa.audit.models import AuditEvent
from thiqa.directory.models import Bounce
from thiqa.mail.models import OutboundMessage
from thiqa.mail.services import deliver_due
from thiqa.mail.tests.realmail import dsn, live_receiver, send_raw
from thiqa.messaging import copies, services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Message, Recipient
from thiqa.messaging.tests.helpers import consultation

__all__ = ["live_receiver"]
pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def sent(focal_point, participant, other_participant, smtp_sink) -> Message:
    make_contact(other_participant, "technical", "cert@fr.example", name="CERT-FR desk")
    make_contact(other_participant, "policy", "policy@fr.example")
    message = services.send(
        focal_point,
        participant,
        consultation(Addressees(participants=[other_participant], roles=["technical", "policy"])),
    )
    assert deliver_due() == 2
    return message


def copy_of(message: Message, address: str) -> Recipient:
    return Recipient.objects.select_related("outbound").get(message=message, addresses=[address])


@pytest.mark.parametrize("mta", ["postfix", "exim"])
def test_a_later_failure_marks_the_recipient_not_delivered(sent, live_receiver, mta):
    cert = copy_of(sent, "cert@fr.example")
    assert cert.status == "delivered" and cert.outbound.status == OutboundMessage.Status.SENT
    bounce_to = copies.bounce_address(cert)
    send_raw(live_receiver, dsn(bounce_to, "cert@fr.example", mta=mta), bounce_to)

    cert = copy_of(sent, "cert@fr.example")
    assert cert.status == "failed" and cert.status_label == "Not delivered"
    assert cert.outbound.status == OutboundMessage.Status.SENT  # the outbox's record is unchanged
    assert cert.delivery_report.startswith("5.1.1 smtp; 550")
    assert copy_of(sent, "policy@fr.example").status == "delivered"
    (bounce,) = Bounce.objects.all()
    assert (bounce.contact.name, bounce.address, bounce.source, bounce.status) == (
        "CERT-FR desk",
        "cert@fr.example",
        "messaging",
        "5.1.1",
    )
    assert AuditEvent.objects.filter(action="messaging.bounced").count() == 1


def test_a_delay_is_recorded_and_changes_no_status(sent, live_receiver):
    cert = copy_of(sent, "cert@fr.example")
    bounce_to = copies.bounce_address(cert)
    send_raw(live_receiver, dsn(bounce_to, "cert@fr.example", action="delayed", status="4.2.0"), bounce_to)

    cert = copy_of(sent, "cert@fr.example")
    assert cert.delayed_at is not None and cert.bounced_at is None
    assert cert.status == "delivered" and cert.delivery_report.startswith("4.2.0")
    assert not Bounce.objects.exists()
    assert AuditEvent.objects.filter(action="messaging.delivery_delayed").count() == 1


def test_the_same_failure_twice_is_recorded_once(sent, live_receiver):
    bounce_to = copies.bounce_address(copy_of(sent, "cert@fr.example"))
    for _ in range(2):
        send_raw(live_receiver, dsn(bounce_to, "cert@fr.example"), bounce_to)
    assert Bounce.objects.count() == 1
    assert AuditEvent.objects.filter(action="messaging.bounced").count() == 1


def test_a_report_about_another_address_or_a_forged_token_changes_nothing(sent, live_receiver, settings):
    bounce_to = copies.bounce_address(copy_of(sent, "cert@fr.example"))
    send_raw(live_receiver, dsn(bounce_to, "policy@fr.example"), bounce_to)  # not this copy's
    forged = "msg-bounce+" + "B" * 24 + "@" + settings.THIQA_INBOUND_DOMAINS[0]
    send_raw(live_receiver, dsn(forged, "cert@fr.example"), forged)

    assert not Recipient.objects.exclude(bounced_at=None).exists()
    assert not Bounce.objects.exists()
    assert AuditEvent.objects.get(action="messaging.email_refused").data["reason"] == "unknown_token"


def test_a_bounce_shows_in_the_directory_health(client, sent, secretariat, live_receiver):
    bounce_to = copies.bounce_address(copy_of(sent, "cert@fr.example"))
    send_raw(live_receiver, dsn(bounce_to, "cert@fr.example"), bounce_to)

    client.force_login(secretariat)
    page = client.get("/directory/participants/FR/").content.decode()
    assert "address bouncing" in page and "Contacts with bouncing addresses" in page
    assert "Mail to cert@fr.example bounced on" in page
    compliance = client.get("/directory/compliance/").content.decode()
    assert "contacts with bouncing addresses" in compliance
