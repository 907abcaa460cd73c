"""The reporting API: instruments and cycles; a participant's draft written from a JSON
document, checked like a page save (422 naming each problem); submission; the submissions,
compilation and search a caller may see; tokens respected."""

import base64
import random
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from thiqa.accounts.models import ParticipantGroup
from thiqa.accounts.services import create_token
from thiqa.reporting import services
from thiqa.reporting.instruments import instrument
from thiqa.reporting.models import Response
from thiqa.reporting.sample import sample_answers

pytestmark = pytest.mark.usefixtures("catalogue")


def bearer(user, scope: str = "write") -> Client:
    _token, secret = create_token(user, name="tooling", scope=scope, days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def cycle(secretariat, participant, other_participant):
    group = ParticipantGroup.objects.create(code="LAS", kind="regional", name_en="LAS", name_ar="الجامعة")
    group.members.add(participant, other_participant)
    today = timezone.localdate()
    return services.open_cycle(
        secretariat,
        instrument="gca-self-assessment",
        title="GCA 2026",
        period="2026",
        opens_on=today - timedelta(days=1),
        due_on=today + timedelta(days=30),
        group=group,
    )


def document(answers: dict, **overrides) -> dict:
    body = {
        "schema": "thiqa.response/1",
        "instrument": {"code": "gca-self-assessment", "version": 1},
        "participant": "EG",
        "language": "en",
        "audience": {"kind": "scope", "participants": []},
        "answers": answers,
    }
    body.update(overrides)
    return body


def test_instruments_and_cycles(member, cycle):
    client = bearer(member, "read")
    codes = {i["code"] for i in client.get("/api/v1/reporting/instruments").json()}
    assert "gca-self-assessment" in codes
    (listed,) = client.get("/api/v1/reporting/cycles").json()
    assert listed["instrument"] == "gca-self-assessment" and listed["scope"] == "LAS"


def test_draft_submit_read_compile_and_search(member, cycle, other_participant):
    client = bearer(member)
    answers = sample_answers(instrument("gca-self-assessment"), random.Random(4), 0.6, "en")
    first = next(iter(answers))
    answers[first]["comment"] = "Our quokkaland strategy"
    written = client.put(
        f"/api/v1/reporting/cycles/{cycle.pk}/responses/EG/draft",
        document(answers),
        content_type="application/json",
    )
    assert written.status_code == 200, written.content
    response = Response.objects.get()
    submitted = client.post(f"/api/v1/reporting/responses/{response.pk}/submit")
    assert submitted.status_code == 200 and submitted.json() == {"version": 2, "status": "submitted"}
    reader = bearer(make_user("member@fr.example", other_participant, "member"), "read")
    got = reader.get(f"/api/v1/reporting/responses/{response.pk}").json()
    assert got["status"] == "submitted" and got["answers"][first]["comment"] == "Our quokkaland strategy"
    assert reader.get(f"/api/v1/reporting/responses/{response.pk}", {"draft": "true"}).status_code == 403
    compiled = reader.get(f"/api/v1/reporting/cycles/{cycle.pk}/compilation").json()
    assert [p["participant"] for p in compiled["participants"]] == ["EG"]
    assert [r["id"] for r in reader.get("/api/v1/reporting/search", {"q": "quokkaland"}).json()] == [
        response.pk
    ]


def test_bad_documents_get_problem_details_and_change_nothing(member, cycle):
    client = bearer(member)
    url = f"/api/v1/reporting/cycles/{cycle.pk}/responses/EG/draft"
    answers = {q.code: {"value": "maybe"} for q in list(instrument("gca-self-assessment").questions())[:2]}
    reply = client.put(url, document(answers), content_type="application/json")
    assert reply.status_code == 422 and reply["Content-Type"] == "application/problem+json"
    places = {tuple(e["loc"]) for e in reply.json()["errors"]}
    assert places == {("answers", code) for code in answers}
    assert client.put(url, document({}, participant="FR"), content_type="application/json").status_code == 422
    assert client.put(url, {"schema": "nope"}, content_type="application/json").status_code == 422
    response = Response.objects.get()
    assert response.answers == {} and not response.versions.exists()
    incomplete = client.post(f"/api/v1/reporting/responses/{response.pk}/submit")
    assert incomplete.status_code == 422 and len(incomplete.json()["errors"]) == 26


def test_tokens_and_participants_are_respected(member, cycle, other_participant):
    reader = bearer(member, "read")
    url = f"/api/v1/reporting/cycles/{cycle.pk}/responses/EG/draft"
    assert reader.put(url, document({}), content_type="application/json").status_code == 403
    other = f"/api/v1/reporting/cycles/{cycle.pk}/responses/FR/draft"
    assert (
        bearer(member).put(other, document({}, participant="FR"), content_type="application/json").status_code
        == 403
    )
    assert not Response.objects.exists()


def encoded(content: bytes) -> str:
    return base64.b64encode(content).decode()


def test_evidence_is_added_listed_and_read_through_the_api(
    member, participant, cycle, other_participant, settings
):
    client = bearer(member)
    response = services.response_for(member, cycle, participant)
    question = next(q.code for q in instrument("gca-self-assessment").questions() if q.evidence)
    url = f"/api/v1/reporting/responses/{response.pk}/evidence"
    body = {"question": question, "filename": "strategy.pdf", "content_base64": encoded(b"%PDF-1.7\n")}
    added = client.post(url, body, content_type="application/json")
    assert added.status_code == 201, added.content
    document = added.json()
    assert document["filename"] == "strategy.pdf" and document["content_type"] == "application/pdf"
    response.refresh_from_db()
    assert response.answers[question]["evidence"] == [document["id"]]
    assert [d["id"] for d in client.get(url).json()] == [document["id"]]
    read = client.get(f"{url}/{document['id']}")
    assert read.status_code == 200 and read.content == b"%PDF-1.7\n"
    outsider = bearer(make_user("member@fr.example", other_participant, "member"), "read")
    assert outsider.get(url).status_code == 403  # a draft: only the participant's own people

    refused = [
        ({**body, "filename": "fake.pdf", "content_base64": encoded(b"MZ")}, 422, "does not contain"),
        ({**body, "content_base64": "not base64!"}, 422, "not valid base64"),
        ({**body, "question": "no-such-question"}, 422, "cannot be attached"),
    ]
    settings.THIQA_ATTACHMENT_MAX_BYTES = 100
    refused.append(({**body, "content_base64": encoded(b"%PDF-" + b"x" * 200)}, 413, "larger than"))
    for payload, status, text in refused:
        reply = client.post(url, payload, content_type="application/json")
        assert reply.status_code == status and reply["Content-Type"] == "application/problem+json"
        assert text in reply.content.decode()
    assert bearer(member, "read").post(url, body, content_type="application/json").status_code == 403
    assert response.evidence.count() == 1
