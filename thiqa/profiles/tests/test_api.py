"""The profiles API: a profile as the caller may see it, national documents (uploaded as
multipart) and positions, 422 naming each problem, read-only tokens never write."""

import pytest

from conftest import make_user
from thiqa.profiles import services
from thiqa.profiles.models import Position
from thiqa.profiles.tests.helpers import bearer, position_draft, text_file

pytestmark = pytest.mark.usefixtures("catalogue")

POSITION = {
    "subject": "norms",
    "title": "On protecting critical infrastructure",
    "text": "We refrain from harming the critical infrastructure of other States.",
    "issued_on": "2025-09-01",
    "language": "en",
    "audience": "community",
    "items": ["un-gge-2015-13f"],
}


def test_a_profile_as_the_caller_may_see_it(focal_point, participant, other_participant):
    services.record_position(focal_point, participant, position_draft(title="Shared", audience="community"))
    services.record_position(focal_point, participant, position_draft(title="Kept", audience="secretariat"))
    french = make_user("member@fr.example", other_participant, "member")
    body = bearer(french, "read").get("/api/v1/profiles/EG").json()
    assert body["participant"]["code"] == "EG"
    assert [p["title"] for p in body["positions"]] == ["Shared"]
    assert body["coverage"]["contacts"] == 0 and body["submissions"] == []
    listed = bearer(french, "read").get("/api/v1/profiles/EG/positions").json()
    assert [p["title"] for p in listed] == ["Shared"]
    on_item = bearer(french, "read").get("/api/v1/profiles/items/un-gge-2013-19/positions").json()
    assert [p["title"] for p in on_item] == ["Shared"]
    assert bearer(french, "read").get("/api/v1/profiles?page=1").json()["count"] == 2


def test_the_focal_point_records_a_position(focal_point, participant):
    answer = bearer(focal_point).post(
        "/api/v1/profiles/EG/positions", POSITION, content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["items"] == ["un-gge-2015-13f"]
    again = bearer(focal_point).post(
        "/api/v1/profiles/EG/positions", POSITION, content_type="application/json"
    )
    assert again.status_code == 422 and again["Content-Type"] == "application/problem+json"
    assert again.json()["errors"][0]["loc"] == ["title"]


def test_bad_input_names_each_field(focal_point, participant):
    bad = {**POSITION, "language": "xx", "text": "x" * 20_001, "audience": "chosen"}
    answer = bearer(focal_point).post("/api/v1/profiles/EG/positions", bad, content_type="application/json")
    assert answer.status_code == 422
    assert {e["loc"][0] for e in answer.json()["errors"]} == {"language", "text", "shared_with"}
    assert not Position.objects.exists()


def test_a_read_only_token_and_other_roles_never_write(focal_point, member, participant):
    read_only = bearer(focal_point, "read").post(
        "/api/v1/profiles/EG/positions", POSITION, content_type="application/json"
    )
    by_member = bearer(member).post(
        "/api/v1/profiles/EG/positions", POSITION, content_type="application/json"
    )
    assert read_only.status_code == by_member.status_code == 403
    assert not Position.objects.exists()


def test_a_national_document_uploaded_as_multipart(focal_point, participant):
    form = {
        "kind": "strategy",
        "title_en": "Strategy",
        "issued_on": "2025-01-01",
        "language": "en",
        "audience": "public",
        "items": ["osce-cbm-7"],
        "file": text_file(),
    }
    answer = bearer(focal_point).post("/api/v1/profiles/EG/documents", form)
    assert answer.status_code == 201, answer.content
    slug = answer.json()["slug"]
    assert answer.json()["passages"] == 2 and answer.json()["items"] == ["osce-cbm-7"]
    assert (
        bearer(focal_point, "read").get(f"/api/v1/profiles/documents/{slug}").json()["audience"] == "public"
    )
    assert [d["slug"] for d in bearer(focal_point, "read").get("/api/v1/profiles/EG/documents").json()] == [
        slug
    ]
    refused = bearer(focal_point).post("/api/v1/profiles/EG/documents", {**form, "file": text_file("s.exe")})
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == ["file"]
