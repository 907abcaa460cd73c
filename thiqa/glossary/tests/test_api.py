"""The glossary's API: reading what the caller may read, writing with a read-write token only,
bad input as RFC 9457 problems naming each field."""

import pytest
from django.test import Client

from thiqa.accounts import services as account_services
from thiqa.glossary import services
from thiqa.glossary.models import GlossaryTerm
from thiqa.glossary.tests.helpers import community, concept_draft, submitted

pytestmark = pytest.mark.usefixtures("catalogue")

TERM = {
    "participant": "AA",
    "term": "cyber incident",
    "language": "en",
    "definition": "An event harming a system.",
    "source_kind": "law",
    "source_title": "Act 1",
    "dated": "2020-01-01",
    "audience": "public",
    "catalogue_items": ["osce-cbm-9"],
}


@pytest.fixture
def world(db):
    return community()


def _client(user, writes: bool = True) -> Client:
    _token, secret = account_services.create_token(
        user, name="test", scope="write" if writes else "read", days=30
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_term_is_created_submitted_and_read(world):
    client = _client(world["people"]["member"])
    made = client.post("/api/v1/glossary/terms", TERM, content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "draft" and body["catalogue_items"] == ["osce-cbm-9"]
    done = client.post(f"/api/v1/glossary/terms/{body['id']}/submit")
    assert done.json()["status"] == "submitted"
    listed = _client(world["people"]["other"]).get("/api/v1/glossary/terms", {"participant": "AA"}).json()
    assert [t["term"] for t in listed] == ["cyber incident"]


def test_a_read_only_token_never_writes(world):
    client = _client(world["people"]["member"], writes=False)
    refused = client.post("/api/v1/glossary/terms", TERM, content_type="application/json")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert not GlossaryTerm.objects.exists()


def test_bad_input_is_a_problem_naming_each_field(world):
    client = _client(world["people"]["member"])
    bad = {**TERM, "language": "xx", "definition": "d" * 2001}
    answer = client.post("/api/v1/glossary/terms", bad, content_type="application/json")
    assert answer.status_code == 422
    assert {e["loc"][0] for e in answer.json()["errors"]} == {"language", "definition"}
    client.post("/api/v1/glossary/terms", TERM, content_type="application/json")
    twice = client.post("/api/v1/glossary/terms", TERM, content_type="application/json")
    assert twice.status_code == 422 and "already has the term" in twice.json()["errors"][0]["msg"]


def test_the_secretariat_groups_and_the_concept_shows_agreement(world):
    term = submitted(world["people"]["member"], world["a"], audience="community")
    staff = _client(world["people"]["secretariat"])
    concept = staff.post(
        "/api/v1/glossary/concepts",
        {
            "slug": "incident",
            "name_en": "Incident",
            "name_ar": "حادث",
            "definition_en": "An event harming a system.",
        },
        content_type="application/json",
    ).json()
    assert (
        staff.post(
            f"/api/v1/glossary/concepts/{concept['id']}/terms",
            {"terms": [term.pk]},
            content_type="application/json",
        ).status_code
        == 200
    )
    detail = _client(world["people"]["other"]).get(f"/api/v1/glossary/concepts/{concept['id']}").json()
    assert detail["languages"][0]["terms"] == ["cyber incident"]
    member = _client(world["people"]["member"])
    assert (
        member.post(
            "/api/v1/glossary/concepts",
            {"slug": "x", "name_en": "X", "name_ar": "س"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_the_export_is_tbx_or_csv(world):
    services.create_concept(world["people"]["secretariat"], concept_draft(status="agreed"))
    client = _client(world["people"]["other"])
    tbx = client.get("/api/v1/glossary/export")
    assert tbx["Content-Type"] == "application/x-tbx+xml" and b"conceptEntry" in tbx.content
    assert client.get("/api/v1/glossary/export", {"format": "csv"}).content.startswith(b"participant,")
    assert client.get("/api/v1/glossary/export", {"format": "pdf"}).status_code == 400
