"""Early warning: raised from an incident, it travels as an ``early_warning`` message through
the messaging room (acknowledgement, escalation), linked to the incident, whose page shows
each recipient's acknowledgement."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import make_contact, make_user
from thiqa.incidents import services
from thiqa.incidents.tests.helpers import recorded
from thiqa.messaging import services as messaging
from thiqa.messaging.models import Recipient

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def france(other_participant):
    make_contact(other_participant, "technical", "cert@fr.example")
    make_contact(other_participant, "policy", "policy@fr.example")
    return make_user("cert@fr.example", other_participant, "member")


def test_an_alert_is_a_message_linked_to_the_incident_and_acknowledged(
    participant, other_participant, member, france
):
    incident = recorded(member, participant, common_level=4)
    message = services.raise_alert(
        member, incident, text="Block these now.", participants=[other_participant]
    )
    assert message.kind == "early_warning" and message.tlp == incident.tlp
    assert message.fields["severity"] == "4" and message.fields["incident_reference"] == str(incident.uuid)
    assert {i["value"] for i in message.fields["indicators"]} == {"203.0.113.7", "evil.example"}
    assert message.ack_due_at == message.created_at + timedelta(hours=4)
    assert list(incident.alerts.all()) == [message] and incident.updates.filter(field="alerts").exists()
    assert [r.addresses for r in message.recipients.all()] == [["cert@fr.example"]]
    client = Client()
    client.force_login(member)
    before = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "0 of 1" in before
    messaging.acknowledge(france, message)
    after = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "1 of 1" in after and "status-acknowledged" in after


def test_an_unacknowledged_alert_escalates_as_any_message(participant, other_participant, member, france):
    incident = recorded(member, participant)
    message = services.raise_alert(member, incident, text="Act.", participants=[other_participant])
    assert messaging.escalate_due(now=message.ack_due_at + timedelta(minutes=1)) == 1
    assert message.recipients.filter(level=Recipient.Level.POLICY, addresses=["policy@fr.example"]).exists()


def test_who_may_raise_an_alert(participant, other_participant, member, france):
    incident = recorded(member, participant)
    with pytest.raises(PermissionDenied):
        services.raise_alert(france, incident, text="x", participants=[other_participant])
    draft = recorded(member, participant, draft=True, common_level=None)
    with pytest.raises(PermissionDenied):
        services.raise_alert(member, draft, text="x", participants=[other_participant])
    with pytest.raises(messaging.InvalidMessage):
        services.raise_alert(member, incident, text="", participants=[])
    assert not incident.alerts.exists()


def test_the_alert_page_and_api(participant, other_participant, member, france):
    incident = recorded(member, participant)
    client = Client()
    client.force_login(member)
    assert client.get(f"/incidents/{incident.pk}/alert/").status_code == 200
    sent = client.post(
        f"/incidents/{incident.pk}/alert/",
        {"participants": [other_participant.pk], "text": "Watch this domain.", "acknowledge_within_hours": 2},
    )
    assert sent.status_code == 302 and incident.alerts.get().ack_due_at
    api = client.post(
        f"/api/v1/incidents/{incident.pk}/alerts",
        {"participants": ["FR"], "text": "Again."},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["recipients"] == 1
    unknown = client.post(
        f"/api/v1/incidents/{incident.pk}/alerts",
        {"participants": ["ZZ"], "text": "x"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
