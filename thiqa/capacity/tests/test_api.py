"""The capacity API: vocabulary, needs and offers (list, read, post with 422 naming each
problem), matches with their reasons, requests to engage (409 once settled), CIRT statuses;
read-only tokens never write."""

import pytest

from thiqa.capacity import services
from thiqa.capacity.models import CirtStatus, Engagement, Need
from thiqa.capacity.tests.helpers import bearer, draft, writer

pytestmark = pytest.mark.usefixtures("catalogue")

NEED = {
    "title": "Sector CERTs",
    "description": "Procedures and training for sector CERTs.",
    "pillars": ["organizational"],
    "kinds": ["experts"],
    "regions": ["arab-states"],
    "languages": ["ar"],
    "catalogue_items": ["un-gge-2013-32b"],
}


def test_the_vocabulary_lists_every_code_in_both_languages(member):
    body = bearer(member, "read").get("/api/v1/capacity/vocabulary").json()
    assert [p["code"] for p in body["pillars"]] == [
        "legal",
        "technical",
        "organizational",
        "capacity-building",
        "cooperation",
    ]
    arab = next(r for r in body["regions"] if r["code"] == "arab-states")
    assert arab == {"code": "arab-states", "en": "Arab States", "ar": "الدول العربية"}
    assert {"code": "ar", "en": "Arabic"}.items() <= next(
        lang for lang in body["languages"] if lang["code"] == "ar"
    ).items()
    assert "training" in [k["code"] for k in body["kinds"]]


def test_a_member_posts_a_need_and_reads_it_back(member):
    client = bearer(member)
    created = client.post("/api/v1/capacity/needs", NEED, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["participant"] == "EG"
        and body["catalogue_items"] == ["un-gge-2013-32b"]
        and body["status"] == "open"
    )
    assert client.get(f"/api/v1/capacity/needs/{body['id']}").json() == body
    listed = client.get("/api/v1/capacity/needs?region=arab-states&pillar=organizational").json()
    assert [n["id"] for n in listed["items"]] == [body["id"]]
    assert client.get("/api/v1/capacity/needs?pillar=legal").json()["items"] == []
    assert client.get("/api/v1/capacity/needs?q=sector").json()["count"] == 1


def test_bad_input_is_422_with_each_problem_and_nothing_is_written(member):
    bad = {**NEED, "pillars": ["diplomacy"], "catalogue_items": ["un-gge-2013-99z"], "languages": ["xx"]}
    answer = bearer(member).post("/api/v1/capacity/needs", bad, content_type="application/json")
    assert answer.status_code == 422 and answer["Content-Type"] == "application/problem+json"
    locations = {tuple(e["loc"]): e["msg"] for e in answer.json()["errors"]}
    assert locations[("items",)] == "Unknown catalogue items: un-gge-2013-99z."
    assert locations[("pillars",)].startswith("Unknown GCA pillars: diplomacy.")
    assert locations[("languages",)].startswith("Unknown languages: xx.")
    missing = bearer(member).post("/api/v1/capacity/offers", {"title": "x"}, content_type="application/json")
    assert missing.status_code == 422
    assert not Need.objects.exists()


def test_posting_for_another_participant_or_with_a_read_token_is_forbidden(member, observer):
    other = bearer(member).post(
        "/api/v1/capacity/offers", {**NEED, "participant": "FR"}, content_type="application/json"
    )
    assert other.status_code == 403
    read_only = bearer(member, "read").post("/api/v1/capacity/needs", NEED, content_type="application/json")
    assert read_only.status_code == 403
    watcher = bearer(observer).post("/api/v1/capacity/needs", NEED, content_type="application/json")
    assert watcher.status_code == 403
    assert not Need.objects.exists()


def test_matches_and_engagement_through_the_api(member, participant, other_participant, focal_point):
    need = services.post_need(member, participant, draft())
    france = writer(other_participant)
    offer = services.post_offer(france, other_participant, draft(languages=["fr", "ar"]))
    client = bearer(member)
    (match,) = client.get(f"/api/v1/capacity/needs/{need.pk}/matches").json()
    assert match["id"] == offer.pk and match["participant"] == "FR"
    assert [(r["component"], r["points"]) for r in match["reasons"]][:3] == [
        ("item", 30),
        ("pillar", 15),
        ("kind", 10),
    ]
    assert match["explanation"].startswith("Matches because: both name A/68/98 32(b)")
    (reverse,) = bearer(france).get(f"/api/v1/capacity/offers/{offer.pk}/matches").json()
    assert reverse["id"] == need.pk and reverse["score"] == match["score"]

    asked = client.post(
        "/api/v1/capacity/engagements",
        {"need": need.pk, "offer": offer.pk, "message": "Mentor us?"},
        content_type="application/json",
    )
    assert asked.status_code == 201 and asked.json()["asking"] == "EG" and asked.json()["asked"] == "FR"
    pk = asked.json()["id"]
    again = client.post(
        "/api/v1/capacity/engagements",
        {"need": need.pk, "offer": offer.pk, "message": "Again?"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert (
        client.post(
            f"/api/v1/capacity/engagements/{pk}/accept", {}, content_type="application/json"
        ).status_code
        == 403
    )
    no_reason = bearer(france).post(
        f"/api/v1/capacity/engagements/{pk}/decline", {}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    declined = bearer(france).post(
        f"/api/v1/capacity/engagements/{pk}/decline", {"reason": "Booked."}, content_type="application/json"
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    late = client.post(f"/api/v1/capacity/engagements/{pk}/withdraw", {}, content_type="application/json")
    assert late.status_code == 409 and "can no longer be answered or withdrawn" in late.json()["detail"]
    assert Engagement.objects.get().status == "declined"
    assert [e["id"] for e in client.get("/api/v1/capacity/engagements?status=declined").json()["items"]] == [
        pk
    ]


def test_cirt_statuses_read_and_written(focal_point, member, participant, other_participant):
    CirtStatus.objects.create(participant=other_participant, status="mature")
    client = bearer(focal_point)
    written = client.put(
        "/api/v1/capacity/cirt/EG",
        {"status": "none", "sources": ["Sample source"]},
        content_type="application/json",
    )
    assert (
        written.status_code == 200
        and written.json()["priority"] is True
        and written.json()["region"] == "arab-states"
    )
    bad = client.put("/api/v1/capacity/cirt/EG", {"status": "great"}, content_type="application/json")
    assert bad.status_code == 422
    denied = client.put("/api/v1/capacity/cirt/FR", {"status": "none"}, content_type="application/json")
    assert denied.status_code == 403
    listed = bearer(member, "read").get("/api/v1/capacity/cirt").json()
    assert [(s["participant"], s["status"]) for s in listed] == [("EG", "none"), ("FR", "mature")]
    priorities = bearer(member, "read").get("/api/v1/capacity/cirt?priority=true").json()
    assert [s["participant"] for s in priorities] == ["EG"]
    assert bearer(member, "read").get("/api/v1/capacity/cirt?region=mars").status_code == 400
