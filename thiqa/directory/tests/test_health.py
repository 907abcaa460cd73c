"""Contacts' health: an address whose mail bounced recently is flagged, per contact and
per participant, until the bounce is old or the address is no longer the contact's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_contact
from thiqa.audit.models import AuditEvent
from thiqa.directory import services
from thiqa.directory.models import Bounce, Contact

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def contact(other_participant) -> Contact:
    return make_contact(other_participant, "technical", "cert@fr.example")


def test_a_recent_bounce_flags_the_contact_and_its_participant(contact, other_participant, participant):
    make_contact(participant, "technical", "cert@eg.example")
    services.note_bounce(contact, "CERT@fr.example", source="checks", status="5.1.1")

    (flagged,) = services.bouncing_contacts(Contact.objects.all())
    assert flagged == contact and flagged.last_bounce.address == "cert@fr.example"
    standing = {s.participant: s.bouncing for s in services.currency([participant, other_participant])}
    assert standing == {participant: 0, other_participant: 1}
    assert AuditEvent.objects.get(action="directory.bounced").data == {
        "address": "cert@fr.example",
        "source": "checks",
        "status": "5.1.1",
    }


def test_an_old_bounce_or_a_changed_address_no_longer_counts(contact, settings):
    old = services.note_bounce(contact, "cert@fr.example", source="messaging")
    Bounce.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=91))
    assert services.bouncing_contacts(Contact.objects.all()) == []

    services.note_bounce(contact, "cert@fr.example", source="messaging")
    contact.emails = ["soc@fr.example"]
    contact.save()
    assert services.bouncing_contacts(Contact.objects.all()) == []


def test_a_bounce_for_a_platform_user_finds_the_contact_holding_the_address(contact):
    assert services.note_bounce(None, "Cert@FR.example", source="messaging").contact == contact
    assert services.note_bounce(None, "nobody@example.org", source="messaging") is None
