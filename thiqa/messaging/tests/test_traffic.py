"""The secretariat's traffic overview: counts per type, label, sending participant and
month, as tables, a chart and CSV, in both languages; never the content; others refused."""

import csv
import io
from datetime import UTC, datetime

import pytest

from conftest import make_contact
from thiqa.lib.tlp import TLP
from thiqa.messaging import services, traffic
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Message
from thiqa.messaging.tests.helpers import consultation, incident

pytestmark = pytest.mark.usefixtures("catalogue")
SUBJECT = "Scanning of ministry networks"


@pytest.fixture
def sent(focal_point, participant, other_participant):
    make_contact(other_participant, "technical", "cert@fr.example")
    make_contact(participant, "technical", "cert@eg.example")
    to_fr = Addressees(participants=[other_participant], roles=["technical"])
    first = services.send(focal_point, participant, consultation(to_fr))
    second = services.send(focal_point, participant, consultation(to_fr, tlp=TLP.RED))
    third = services.send(focal_point, participant, incident(to_fr))
    Message.objects.filter(pk=first.pk).update(created_at=datetime(2026, 10, 5, 12, tzinfo=UTC))
    Message.objects.filter(pk=second.pk).update(created_at=datetime(2026, 11, 7, 12, tzinfo=UTC))
    Message.objects.filter(pk=third.pk).update(created_at=datetime(2026, 11, 20, 12, tzinfo=UTC))
    return [first, second, third]


def test_the_counts_match_the_messages_sent(sent, participant):
    figures = traffic.traffic()
    assert figures.messages == 3 and figures.recipients == 3
    assert {r.key: r.messages for r in figures.by_kind} == {
        "consultation_request": 2,
        "incident_notification": 1,
    }
    assert [(r.key, r.messages) for r in figures.by_label] == [(TLP.AMBER, 2), (TLP.RED, 1)]
    assert [(r.key, r.messages) for r in figures.by_participant] == [("EG", 3)]
    assert [(r.key, r.messages) for r in figures.by_month] == [("2026-10", 1), ("2026-11", 2)]
    assert (figures.asked, figures.acknowledged, figures.acknowledgement_rate) == (1, 0, 0.0)


def test_a_period_keeps_only_its_messages(sent):
    figures = traffic.traffic(datetime(2026, 11, 1).date(), datetime(2026, 11, 7).date())
    assert figures.messages == 1 and [r.key for r in figures.by_label] == [TLP.RED]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_secretariat_sees_the_page_and_no_content(client, sent, secretariat, language):
    client.force_login(secretariat)
    client.cookies["thiqa-language"] = language
    page = client.get("/messages/traffic/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'lang="{language}"' in html and "<svg" in html
    assert SUBJECT not in html and "grid operator" not in html and sent[0].body not in html
    assert ("حركة الرسائل" if language == "ar" else "Message traffic") in html


def test_the_csv_has_the_same_counts_and_no_content(client, sent, secretariat):
    client.force_login(secretariat)
    response = client.get("/messages/traffic.csv?first_day=2026-11-01")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["tlp", TLP.RED, "TLP:RED", "1"] in rows
    assert [(r[1], r[3]) for r in rows if r[0] == "month" and r[1] == "2026-11"] == [("2026-11", "2")]
    assert ["total", "messages", "Messages", "2"] in rows
    assert SUBJECT not in text


def test_a_bad_period_is_refused_with_a_clear_error(client, sent, secretariat):
    client.force_login(secretariat)
    html = client.get("/messages/traffic/?first_day=2026-11-30&last_day=2026-11-01").content.decode()
    assert "The period must end on or after its first day." in html
    assert "Enter a valid date." in client.get("/messages/traffic/?first_day=not-a-date").content.decode()


def test_others_are_refused(client, sent, focal_point, member, observer):
    for person in (focal_point, member, observer):
        client.force_login(person)
        assert client.get("/messages/traffic/").status_code == 403
        assert client.get("/messages/traffic.csv").status_code == 403
