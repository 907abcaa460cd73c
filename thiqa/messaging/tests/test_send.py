"""Sending: recipients resolved from participants, groups and named contacts; one copy per
person through the outbox over real SMTP, marked with its TLP label; bad input refused."""

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_contact, make_user
from thiqa.accounts.models import ParticipantGroup
from thiqa.audit.models import AuditEvent
from thiqa.lib.tlp import TLP
from thiqa.mail.services import deliver_due
from thiqa.messaging import services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Message, Recipient
from thiqa.messaging.tests.helpers import consultation, incident

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def people(participant, other_participant):
    return {
        "eg_policy": make_contact(participant, "policy", "policy@mfa.eg.example", languages=["ar", "en"]),
        "eg_tech": make_contact(participant, "technical", "cert@eg.example"),
        "fr_policy": make_contact(other_participant, "policy", "policy@fr.example"),
        "fr_tech": make_contact(other_participant, "technical", "cert@fr.example"),
        "fr_member": make_user("analyst@fr.example", other_participant, "member"),
    }


def test_a_message_reaches_the_contacts_of_the_chosen_roles(
    focal_point, participant, other_participant, people, smtp_sink
):
    message = services.send(
        focal_point, participant, incident(Addressees(participants=[other_participant], roles=["technical"]))
    )
    rows = list(message.recipients.all())
    assert [r.contact for r in rows] == [people["fr_tech"]]
    assert rows[0].ack_due_at == message.ack_due_at and message.ack_required
    assert {i.code for i in message.items.all()} == {"un-gge-2013-26c", "osce-cbm-15", "un-gge-2013-26d"}
    assert deliver_due() == 1
    (received,) = smtp_sink.messages()
    assert received["To"] == "cert@fr.example"
    assert received["Subject"].startswith("[TLP:AMBER] ")
    assert received["X-Thiqa-TLP"] == "TLP:AMBER"
    # AMBER without a key: a notice only, never the content.
    assert "Ransomware" not in received.as_string() and "203.0.113.7" not in received.as_string()
    rows[0].refresh_from_db()
    assert rows[0].status == "delivered"
    event = AuditEvent.objects.get(action="messaging.sent")
    assert event.data["participants"] == ["FR"] and "Ransomware" not in str(event.data)


def test_green_content_travels_signed_in_the_email_in_the_contact_language(
    focal_point, participant, other_participant, people, smtp_sink
):
    services.send(
        make_user("focal.fr@fr.example", other_participant, "focal_point"),
        other_participant,
        incident(Addressees(participants=[participant], roles=["policy"]), tlp=TLP.GREEN),
    )
    deliver_due()
    (received,) = smtp_sink.messages()
    assert received.get_content_type() == "multipart/signed"
    text = received.get_payload()[0].get_content()
    assert "TLP:GREEN" in text and "The grid operator's billing systems are encrypted." in text
    assert "evil[.]example" in text  # indicators are defanged in e-mail
    assert "إخطار بحادث" in text  # the policy contact reads Arabic first


def test_groups_skip_the_sender_and_report_members_without_contacts(
    focal_point, participant, other_participant, people
):
    from thiqa.messaging.tests.helpers import state

    silent = state("KE", "Kenya", "كينيا")
    group = ParticipantGroup.objects.create(code="au", kind="regional", name_en="AU", name_ar="الاتحاد")
    group.members.add(participant, other_participant, silent)
    message = services.send(
        focal_point, participant, consultation(Addressees(groups=[group], roles=["policy"]))
    )
    assert {r.contact for r in message.recipients.all()} == {people["fr_policy"]}
    assert message.unreached == [silent]


def test_named_contacts_and_the_alternate_fallback(focal_point, participant, other_participant, people):
    from thiqa.messaging.tests.helpers import state

    spare = state("JO", "Jordan", "الأردن")
    alternate = make_contact(spare, "alternate", "duty@jo.example")
    message = services.send(
        focal_point,
        participant,
        consultation(Addressees(participants=[spare], contacts=[people["fr_tech"]], roles=["policy"])),
    )
    assert {r.contact for r in message.recipients.all()} == {alternate, people["fr_tech"]}


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"kind": "reply"}, "kind", "type of message"),
        ({"kind": "astrology"}, "kind", "type of message"),
        ({"tlp": "PURPLE"}, "tlp", "TLP label"),
        ({"subject": "  "}, "subject", "subject"),
        ({"body": "x" * 20_001}, "body", "20000"),
        ({"fields": {"concern": "x"}}, "fields.level", "required"),
        ({"fields": {"concern": "x", "level": "emperor", "format": "call"}}, "fields.level", "not one of"),
        (
            {"fields": {"concern": "x", "level": "policy", "format": "call", "mood": "calm"}},
            "fields.mood",
            "no field",
        ),
        ({"items": ["osce-cbm-99"]}, "items", "osce-cbm-99"),
        ({"items": []}, "items", "at least one catalogue item"),
        ({"acknowledge_within_hours": 0}, "acknowledge_within_hours", "1 to 720"),
        ({"to": Addressees()}, "recipients", "at least one recipient"),
        ({"to": Addressees(participants=[])}, "recipients", "at least one recipient"),
        ({"attachment_tlp": TLP.GREEN}, "attachment_tlp", "never looser"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_is_written(
    focal_point, participant, other_participant, people, change, field, text
):
    draft = consultation(**{"to": Addressees(participants=[other_participant], roles=["policy"]), **change})
    with pytest.raises(services.InvalidMessage) as caught:
        services.send(focal_point, participant, draft)
    assert field in caught.value.errors
    assert text in " ".join(caught.value.errors[field])
    assert not Message.objects.exists() and not Recipient.objects.exists()
    assert not AuditEvent.objects.filter(action="messaging.sent").exists()


def test_a_participant_without_a_contact_of_the_roles_is_named(
    focal_point, participant, other_participant, people
):
    draft = consultation(Addressees(participants=[other_participant], roles=["law_enforcement"]))
    with pytest.raises(services.InvalidMessage, match="France has no published contact"):
        services.send(focal_point, participant, draft)


def test_observers_and_strangers_cannot_send(observer, participant, other_participant, people):
    with pytest.raises(PermissionDenied):
        services.send(
            observer,
            other_participant,
            consultation(Addressees(participants=[participant], roles=["policy"])),
        )
    with pytest.raises(PermissionDenied):
        services.send(
            people["fr_member"],
            participant,
            consultation(Addressees(participants=[participant], roles=["policy"])),
        )
