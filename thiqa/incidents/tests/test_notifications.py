"""The incident notification takes its level from the sender's registered scale (the
messaging room's ``national_level`` field, filled by this room), and an incident is
recorded from a notification, linked to it and read by the same people."""

import pytest
from django.test import Client

from conftest import make_contact, make_user
from thiqa.incidents import services
from thiqa.incidents.models import Incident
from thiqa.incidents.tests.helpers import scale
from thiqa.lib.tlp import TLP
from thiqa.messaging import services as messaging
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.kinds import display_values
from thiqa.messaging.models import Message
from thiqa.messaging.tests.helpers import consultation
from thiqa.messaging.tests.helpers import incident as notification

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def fr_cert(other_participant):
    make_contact(other_participant, "technical", "cert@fr.example")
    return make_user("cert@fr.example", other_participant, "member")


def _send(member, participant, other_participant, **fields):
    values = {**notification().fields, **fields}
    values = {k: v for k, v in values.items() if v is not None}
    draft = notification(Addressees(participants=[other_participant], roles=["technical"]), fields=values)
    return messaging.send(member, participant, draft)


def test_the_national_level_fills_the_common_level(participant, other_participant, member, fr_cert):
    level = scale(participant, member).levels.get(rank=3)
    message = _send(member, participant, other_participant, national_level=str(level.pk), severity=None)
    assert message.fields["national_level"] == str(level.pk) and message.fields["severity"] == "5"
    shown = dict((spec.name, text) for spec, text in display_values(message.definition, message.fields))
    assert "Grave" in shown["national_level"] and "version 1" in shown["national_level"]


def test_a_level_of_another_scale_or_a_contradicting_common_level_is_refused(
    participant, other_participant, member, fr_cert
):
    foreign = scale(other_participant, fr_cert).levels.get(rank=1)
    own = scale(participant, member).levels.get(rank=1)
    with pytest.raises(messaging.InvalidMessage) as caught:
        _send(member, participant, other_participant, national_level=str(foreign.pk), severity=None)
    assert set(caught.value.errors) == {"fields.national_level"}
    with pytest.raises(messaging.InvalidMessage) as caught:
        _send(member, participant, other_participant, national_level=str(own.pk), severity="4")
    assert set(caught.value.errors) == {"fields.severity"}


def test_without_a_scale_the_common_level_is_chosen_and_required(
    participant, other_participant, member, fr_cert
):
    with pytest.raises(messaging.InvalidMessage) as caught:
        _send(member, participant, other_participant, severity=None)
    assert set(caught.value.errors) == {"fields.severity"}
    assert _send(member, participant, other_participant).fields["severity"] == "4"


def test_old_free_text_national_severities_still_display_and_are_no_longer_accepted(
    participant, other_participant, member, fr_cert
):
    message = _send(member, participant, other_participant)
    Message.objects.filter(pk=message.pk).update(fields={**message.fields, "national_severity": "Level B"})
    message.refresh_from_db()
    shown = {spec.name: text for spec, text in display_values(message.definition, message.fields)}
    assert shown["national_severity"] == "Level B"
    client = Client()
    client.force_login(fr_cert)
    assert "Level B" in client.get(f"/messages/threads/{message.pk}/").content.decode()
    with pytest.raises(messaging.InvalidMessage) as caught:
        _send(member, participant, other_participant, national_severity="Level C")
    assert set(caught.value.errors) == {"fields.national_severity"}


def test_the_compose_form_offers_the_senders_levels(participant, member):
    scale(participant, member)
    client = Client()
    client.force_login(member)
    page = client.get("/messages/new/incident_notification/").content.decode()
    assert 'name="f_national_level"' in page and "Serious" in page
    assert 'name="f_national_severity"' not in page


def test_recording_from_a_notification_links_it_and_shares_it_with_its_readers(
    participant, other_participant, member, fr_cert
):
    level = scale(participant, member).levels.get(rank=2)
    message = _send(member, participant, other_participant, national_level=str(level.pk), severity=None)
    client = Client()
    client.force_login(fr_cert)
    thread = client.get(f"/messages/threads/{message.pk}/").content.decode()
    assert f"/incidents/from-message/{message.pk}/" in thread
    response = client.post(f"/incidents/from-message/{message.pk}/")
    assert response.status_code == 302
    recorded = Incident.objects.get()
    assert recorded.participant == other_participant and list(recorded.messages.all()) == [message]
    assert recorded.common_level == 3 and recorded.national_level is None  # France classifies on its own
    assert recorded.tlp == TLP.AMBER and {"ipv4", "domain", "sha256"} == {
        i["type"] for i in recorded.indicators
    }
    assert set(recorded.party_ids()) == {participant.pk, other_participant.pk}
    assert member in recorded.named_users.all() and fr_cert in recorded.named_users.all()
    assert services.from_notification(fr_cert, message) == recorded  # once per participant
    own = services.from_notification(member, message)
    assert own.participant == participant and own.national_level == level
    assert "Incident:" in client.get(f"/messages/threads/{message.pk}/").content.decode()


def test_only_an_incident_notification_is_recorded(participant, other_participant, member, fr_cert):
    message = messaging.send(
        member, participant, consultation(Addressees(participants=[other_participant], roles=["technical"]))
    )
    with pytest.raises(services.ServiceError):
        services.from_notification(fr_cert, message)
