"""The messaging pages, in English and Arabic: composing with the template's fields and the
service's errors beside them, the thread, the lists with filters and unread counts."""

import pytest
from django.test import Client

from conftest import make_contact, make_user
from thiqa.lib.tlp import TLP
from thiqa.messaging import services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Message
from thiqa.messaging.tests.helpers import incident

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def fr_contact(other_participant):
    return make_contact(other_participant, "technical", "cert@fr.example")


def signed_in(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["thiqa-language"] = language
    return client


def compose_data(participant, other_participant, **overrides):
    data = {
        "sender": participant.pk,
        "tlp": TLP.AMBER,
        "participants": [other_participant.pk],
        "roles": ["technical"],
        "subject": "هجوم فدية على مشغل الشبكة",
        "body": "تعرضت أنظمة الفوترة للتشفير.",
        "f_detected_at": "2026-11-30T08:15",
        "f_sectors": ["energy"],
        "f_severity": "4",
        "f_incident_status": "ongoing",
        "f_impact": "توقف الفوترة",
        "items": ["un-gge-2013-26c"],
        "acknowledge": "on",
        "acknowledge_within_hours": "24",
    }
    data.update(overrides)
    return data


def test_composing_in_arabic_right_to_left(member, participant, other_participant, fr_contact):
    client = signed_in(member, "ar")
    choose = client.get("/messages/new/").content.decode()
    assert 'dir="rtl"' in choose and "إخطار بحادث" in choose and "طلب تشاور" in choose
    form = client.get("/messages/new/incident_notification/").content.decode()
    assert "القطاعات المتأثرة" in form and "TLP:AMBER+STRICT" in form and "الطاقة" in form
    response = client.post(
        "/messages/new/incident_notification/", compose_data(participant, other_participant)
    )
    message = Message.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/messages/threads/{message.pk}/"
    assert message.fields["sectors"] == ["energy"] and [i.code for i in message.items.all()] == [
        "un-gge-2013-26c"
    ]
    thread = client.get(response["Location"]).content.decode()
    assert "هجوم فدية على مشغل الشبكة" in thread and "TLP:AMBER" in thread and "الطاقة" in thread


def test_the_service_errors_appear_beside_their_fields(member, participant, other_participant, fr_contact):
    client = signed_in(member)
    response = client.post(
        "/messages/new/incident_notification/",
        compose_data(
            participant,
            other_participant,
            f_severity="",
            f_detected_at="yesterday",
            roles=["law_enforcement"],
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "required" in " ".join(form.errors["f_severity"])
    assert "date and time" in " ".join(form.errors["f_detected_at"])
    assert "no published contact" in " ".join(form.errors["participants"])
    assert not Message.objects.exists()


def test_an_unknown_recipient_is_refused_by_the_form(member, participant, other_participant, fr_contact):
    client = signed_in(member)
    response = client.post(
        "/messages/new/incident_notification/",
        compose_data(participant, other_participant, participants=[999999]),
    )
    assert response.status_code == 200 and "participants" in response.context["form"].errors
    assert not Message.objects.exists()


def test_observers_cannot_compose(observer):
    assert signed_in(observer).get("/messages/new/").status_code == 403


def test_lists_filters_and_the_unread_badge(member, participant, other_participant, fr_contact):
    fr_member = make_user("cert@fr.example", other_participant, "member")
    for label in (TLP.AMBER, TLP.GREEN):
        services.send(
            member,
            participant,
            incident(
                Addressees(participants=[other_participant], roles=["technical"]),
                tlp=label,
                subject=f"Alert {label}",
            ),
        )
    client = signed_in(fr_member)
    inbox = client.get("/messages/").content.decode()
    assert "Alert AMBER" in inbox and "Alert GREEN" in inbox
    assert '<span class="badge">2' in inbox
    filtered = client.get("/messages/", {"tlp": "GREEN"}).content.decode()
    assert "Alert GREEN" in filtered and "Alert AMBER" not in filtered
    awaiting = client.get("/messages/", {"state": "awaiting"}).content.decode()
    assert "Alert GREEN" in awaiting
    client.get(f"/messages/threads/{Message.objects.get(subject='Alert GREEN').pk}/")
    assert '<span class="badge">1' in client.get("/messages/").content.decode()
    assert "Alert AMBER" in client.get("/messages/", {"state": "unread"}).content.decode()
    sent = signed_in(member).get("/messages/sent/").content.decode()
    assert "Alert AMBER" in sent


def test_the_home_page_lists_messages_to_acknowledge(
    member, participant, other_participant, fr_contact, client
):
    fr_member = make_user("cert@fr.example", other_participant, "member")
    services.send(
        member, participant, incident(Addressees(participants=[other_participant], roles=["technical"]))
    )
    home = signed_in(fr_member).get("/").content.decode()
    assert "1 message is waiting for your acknowledgement." in home


def test_forward_page_names_what_the_label_forbids(member, participant, other_participant, fr_contact):
    from thiqa.messaging.tests.helpers import state

    fr_member = make_user("cert@fr.example", other_participant, "member")
    message = services.send(
        member, participant, incident(Addressees(participants=[other_participant], roles=["technical"]))
    )
    outside = make_contact(state("DE", "Germany", "ألمانيا"), "technical", "cert@de.example")
    response = signed_in(fr_member).post(
        f"/messages/{message.pk}/forward/", {"contacts": [outside.pk], "tlp": TLP.AMBER, "note": ""}
    )
    assert response.status_code == 200
    assert "TLP:AMBER does not allow passing this message to: Germany." in response.content.decode()
