"""Acknowledgements (web, API, the link in the e-mail; forged links and replays refused)
and escalation with a controllable clock: technical contact → policy contact → secretariat."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from conftest import make_contact, make_user
from thiqa.accounts.services import ServiceError
from thiqa.audit.models import AuditEvent
from thiqa.mail.models import OutboundMessage
from thiqa.messaging import services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.copies import ACK_SALT, acknowledgement_url
from thiqa.messaging.models import Recipient
from thiqa.messaging.tests.helpers import consultation, incident

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def setup(focal_point, participant, other_participant, secretariat):
    tech = make_contact(other_participant, "technical", "cert@fr.example")
    policy_contact = make_contact(other_participant, "policy", "policy@fr.example")
    message = services.send(
        focal_point, participant, incident(Addressees(participants=[other_participant], roles=["technical"]))
    )
    return {"message": message, "tech": tech, "policy": policy_contact, "secretariat": secretariat}


def rows(message, level):
    return list(message.recipients.filter(level=level))


def test_an_unacknowledged_message_climbs_to_policy_then_secretariat(setup, settings):
    settings.THIQA_MESSAGE_ESCALATION_HOURS = 6
    message = setup["message"]
    due = message.ack_due_at
    assert services.escalate_due(now=due - timedelta(minutes=1)) == 0
    assert services.escalate_due(now=due + timedelta(minutes=1)) == 1
    (policy_row,) = rows(message, Recipient.Level.POLICY)
    assert policy_row.contact == setup["policy"]
    assert policy_row.ack_due_at == due + timedelta(minutes=1) + timedelta(hours=6)
    assert rows(message, Recipient.Level.ADDRESSED)[0].escalated_at is not None
    assert OutboundMessage.objects.filter(recipients=["policy@fr.example"]).exists()
    # Nothing more until the policy contact's own deadline passes, and each step happens once.
    assert services.escalate_due(now=due + timedelta(hours=2)) == 0
    assert services.escalate_due(now=policy_row.ack_due_at + timedelta(minutes=1)) == 1
    (staff_row,) = rows(message, Recipient.Level.SECRETARIAT)
    assert staff_row.user == setup["secretariat"] and staff_row.participant == policy_row.participant
    # The secretariat is the last step: afterwards the message only stays flagged as overdue.
    assert services.escalate_due(now=staff_row.ack_due_at + timedelta(days=1)) == 1
    assert services.escalate_due(now=staff_row.ack_due_at + timedelta(days=2)) == 0
    assert message.recipients.count() == 3
    steps = AuditEvent.objects.filter(action="messaging.escalated").order_by("seq")
    assert [(e.data["from_level"], e.data["to_level"]) for e in steps] == [(0, 1), (1, 2), (2, None)]


def test_the_secretariat_can_read_a_red_message_escalated_to_it(
    setup, focal_point, participant, other_participant
):
    from thiqa.accounts import policy
    from thiqa.lib.tlp import TLP

    red = services.send(
        focal_point,
        participant,
        incident(Addressees(participants=[other_participant], roles=["policy"]), tlp=TLP.RED),
    )
    assert not policy.can(setup["secretariat"], "messaging.read", red)
    services.escalate_due(now=red.ack_due_at + timedelta(minutes=1))  # policy was addressed: straight up
    assert rows(red, Recipient.Level.SECRETARIAT)
    assert policy.can(setup["secretariat"], "messaging.read", red)


def test_an_acknowledgement_stops_the_escalation(setup):
    message = setup["message"]
    fr_member = make_user("cert@fr.example", setup["tech"].participant, "member")
    assert services.acknowledge(fr_member, message) == 1
    assert services.escalate_due(now=message.ack_due_at + timedelta(hours=1)) == 0
    assert message.recipients.count() == 1


def test_a_consultation_to_the_policy_level_goes_straight_to_the_secretariat(
    focal_point, participant, other_participant, secretariat
):
    make_contact(other_participant, "policy", "policy@fr.example")
    message = services.send(
        focal_point,
        participant,
        consultation(
            Addressees(participants=[other_participant], roles=["policy"]), acknowledge_within_hours=2
        ),
    )
    services.escalate_due(now=message.ack_due_at + timedelta(seconds=1))
    assert [r.level for r in message.recipients.all()] == [0, 2]


def test_the_link_acknowledges_once_and_a_replay_changes_nothing(setup, client):
    message = setup["message"]
    row = message.recipients.get()
    url = acknowledgement_url(row).removeprefix("http://testserver")
    page = client.get(url)
    assert page.status_code == 200 and b"Ransomware" not in page.content  # the page shows no content
    assert client.post(url).status_code == 200
    row.refresh_from_db()
    assert row.acknowledged_via == "link" and row.acknowledged_by is None
    first = row.acknowledged_at
    replay = client.post(url)
    assert "already acknowledged" in replay.content.decode()
    row.refresh_from_db()
    assert row.acknowledged_at == first
    assert AuditEvent.objects.filter(action="messaging.acknowledged").count() == 1


@pytest.mark.parametrize(
    "signed",
    [
        "not-a-link",
        lambda row: signing.TimestampSigner(salt=ACK_SALT).sign(row.token)[:-2] + "xx",
        lambda row: signing.TimestampSigner(salt="another.salt").sign(row.token),
        lambda row: signing.TimestampSigner(salt=ACK_SALT).sign("guessed-token-000000"),
    ],
)
def test_forged_links_are_refused_and_change_nothing(setup, client, signed):
    row = setup["message"].recipients.get()
    value = signed(row) if callable(signed) else signed
    for method in (client.get, client.post):
        response = method(f"/messages/ack/{value}/")
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    row.refresh_from_db()
    assert row.acknowledged_at is None


def test_an_expired_link_says_so(setup, settings):
    row = setup["message"].recipients.get()
    signed = acknowledgement_url(row).rsplit("/", 2)[-2]
    settings.THIQA_MESSAGE_LINK_DAYS = 0
    with pytest.raises(ServiceError, match="expired"):
        services.recipient_for_link(signed)


def test_acknowledging_in_the_web_and_the_api(setup, focal_point):
    message = setup["message"]
    fr_focal = make_user("focal@fr.example", setup["tech"].participant, "focal_point", totp=True)
    client = Client()
    client.force_login(fr_focal)
    response = client.post(f"/api/v1/messages/{message.pk}/acknowledge")
    assert response.status_code == 200 and response.json() == {"acknowledged": 1}
    replay = client.post(f"/api/v1/messages/{message.pk}/acknowledge")
    assert replay.status_code == 409 and replay["Content-Type"] == "application/problem+json"
    row = message.recipients.get()
    assert row.acknowledged_via == "api" and row.acknowledged_by == fr_focal
    # The sender's side cannot acknowledge on the recipient's behalf.
    sender = Client()
    sender.force_login(focal_point)
    assert sender.post(f"/messages/{message.pk}/acknowledge/").status_code == 403
    assert AuditEvent.objects.filter(action="messaging.acknowledged").count() == 1


def test_a_closed_thread_takes_no_more_replies_or_acknowledgements(setup, focal_point):
    message = setup["message"]
    services.close(focal_point, message)
    fr_member = make_user("cert@fr.example", setup["tech"].participant, "member")
    with pytest.raises(ServiceError, match="closed"):
        services.acknowledge(fr_member, message)
    with pytest.raises(ServiceError, match="closed"):
        services.reply(fr_member, message, "Too late?")
    assert message.recipients.get().status == "closed"
    assert services.escalate_due(now=message.ack_due_at + timedelta(hours=1)) == 0


def test_status_follows_each_copy(setup, smtp_sink):
    from thiqa.mail.services import deliver_due

    message = setup["message"]
    row = message.recipients.get()
    assert row.status == "sent"
    deliver_due()
    row.refresh_from_db()
    assert row.status == "delivered"
    fr_member = make_user("cert@fr.example", setup["tech"].participant, "member")
    services.open_message(fr_member, message)
    row.refresh_from_db()
    assert row.status == "read"
    services.acknowledge(fr_member, message)
    row.refresh_from_db()
    assert row.status == "acknowledged"
    services.reply(fr_member, message, "We are on it.")
    row.refresh_from_db()
    assert row.status == "answered"
    assert row.is_overdue(timezone.now() + timedelta(days=5)) is False
