"""The messaging API for CERT tooling: types, send (with 422 problem details naming each
bad field), list, read (audited), reply, export, attachments; tokens respected."""

import base64

import pytest
from django.test import Client

from conftest import make_contact, make_user
from thiqa.accounts.services import create_token
from thiqa.audit.models import AuditEvent
from thiqa.lib.tlp import TLP
from thiqa.messaging.models import Message

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def fr(other_participant):
    make_contact(other_participant, "technical", "cert@fr.example")
    return make_user("cert@fr.example", other_participant, "member")


def bearer(user, scope="write") -> Client:
    _token, secret = create_token(user, name="tooling", scope=scope, days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def payload(**overrides):
    body = {
        "type": "incident_notification",
        "tlp": "AMBER",
        "subject": "Botnet C2 hosted in your network",
        "body": "Please take down the C2 server.",
        "to": {"participants": ["FR"], "roles": ["technical"]},
        "fields": {
            "detected_at": "2026-11-30T06:00Z",
            "sectors": ["digital-infrastructure"],
            "severity": "3",
            "incident_status": "ongoing",
            "impact": "C2 traffic from 2,000 hosts.",
            "indicators": ["198.51.100.9", "c2.bad[.]example"],
        },
        "acknowledge_within_hours": 12,
        "attachments": [
            {"filename": "hosts.csv", "content_base64": base64.b64encode(b"ip\n198.51.100.9\n").decode()}
        ],
    }
    body.update(overrides)
    return body


def test_types_describe_each_template(member):
    client = bearer(member, "read")
    kinds = client.get("/api/v1/messages/types").json()
    incident = next(k for k in kinds if k["code"] == "incident_notification")
    assert incident["acknowledge_within_hours"] == 24 and "un-gge-2013-26c" in incident["catalogue_items"]
    severity = next(f for f in incident["fields"] if f["name"] == "severity")
    assert severity["required"] and [c["value"] for c in severity["choices"]] == ["1", "2", "3", "4", "5"]


def test_send_list_read_reply_and_export(member, fr, participant):
    client = bearer(member)
    response = client.post("/api/v1/messages", payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    sent = response.json()
    assert sent["document"]["tlp"] == "TLP:AMBER" and sent["document"]["fields"]["indicators"][1] == {
        "type": "domain",
        "value": "c2.bad.example",
    }
    assert [r["participant"] for r in sent["recipients"]] == ["FR"]
    message_id = sent["document"]["id"]
    reader = bearer(fr)
    listed = reader.get("/api/v1/messages", {"box": "inbox", "state": "unread"}).json()
    assert [m["id"] for m in listed["items"]] == [message_id] and listed["items"][0]["unread"]
    got = reader.get(f"/api/v1/messages/{message_id}").json()
    assert got["document"]["body"] == "Please take down the C2 server."
    assert AuditEvent.objects.filter(action="messaging.read", data__via="api").count() == 1
    assert reader.get("/api/v1/messages", {"state": "unread"}).json()["count"] == 0
    attachment = got["document"]["attachments"][0]
    file = reader.get(f"/api/v1/messages/{message_id}/attachments/{attachment['id']}")
    assert file.status_code == 200 and file.content == b"ip\n198.51.100.9\n"
    answer = reader.post(
        f"/api/v1/messages/{message_id}/replies", {"body": "Taken down."}, content_type="application/json"
    )
    assert answer.status_code == 201 and answer.json()["document"]["in_reply_to"] == message_id
    exported = reader.get(f"/api/v1/messages/{message_id}/export")
    assert exported.status_code == 200 and exported.json()["schema"] == "thiqa.message/1"


def test_bad_messages_get_problem_details_naming_each_field(member, fr):
    client = bearer(member)
    response = client.post(
        "/api/v1/messages",
        payload(
            tlp="ORANGE",
            to={"participants": ["FR", "XX"], "contacts": [99999], "roles": ["technical"]},
            fields={"severity": "9"},
            attachments=[{"filename": "a.txt", "content_base64": "!!!"}],
        ),
        content_type="application/json",
    )
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and any("XX" in e["msg"] for e in problem["errors"])
    assert not Message.objects.exists()
    response = client.post("/api/v1/messages", payload(tlp="ORANGE"), content_type="application/json")
    places = {tuple(e["loc"]) for e in response.json()["errors"]}
    assert ("tlp",) in places
    response = client.post(
        "/api/v1/messages", payload(fields={"severity": "9"}), content_type="application/json"
    )
    places = {tuple(e["loc"]) for e in response.json()["errors"]}
    assert ("fields", "severity") in places and ("fields", "impact") in places
    assert not Message.objects.exists()


def test_a_read_only_token_cannot_send_reply_or_acknowledge(member, fr):
    writer = bearer(member)
    message_id = writer.post("/api/v1/messages", payload(), content_type="application/json").json()[
        "document"
    ]["id"]
    reader = bearer(fr, "read")
    assert reader.post("/api/v1/messages", payload(), content_type="application/json").status_code == 403
    assert reader.post(f"/api/v1/messages/{message_id}/acknowledge").status_code == 403
    assert (
        reader.post(
            f"/api/v1/messages/{message_id}/replies", {"body": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert reader.get(f"/api/v1/messages/{message_id}").status_code == 200


def test_red_cannot_be_exported_and_strangers_see_nothing(member, fr, other_participant):
    client = bearer(member)
    message_id = client.post(
        "/api/v1/messages", payload(tlp=TLP.RED), content_type="application/json"
    ).json()["document"]["id"]
    assert bearer(fr).get(f"/api/v1/messages/{message_id}/export").status_code == 403
    colleague = make_user("duty@fr.example", other_participant, "member")
    assert bearer(colleague).get(f"/api/v1/messages/{message_id}").status_code == 403
    assert bearer(colleague).get("/api/v1/messages", {"box": "all"}).json()["count"] == 0
