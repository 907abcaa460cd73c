"""The TAXII 2.1 server in process: the TLP matrix of its collections (every role x every
label), versions and match[spec_version], posting, and each bad request answered in the TAXII
error format."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from thiqa.accounts import policy
from thiqa.accounts.models import ParticipantGroup
from thiqa.accounts.services import create_token
from thiqa.incidents.services import update
from thiqa.lib.tlp import TLP
from thiqa.messaging.tests.helpers import state
from thiqa.taxii import store
from thiqa.taxii.models import Collection, StixObject
from thiqa.taxii.tests.fixtures import MISP_BUNDLE
from thiqa.taxii.tests.helpers import get, indicator, post_objects
from thiqa.taxii.views import TAXII_MEDIA_TYPE

pytestmark = pytest.mark.usefixtures("catalogue")

ALL = set(TLP.values)
EXPECTED = {
    "recorder": ALL,
    "colleague": ALL - {TLP.RED},
    "observer_a": ALL - {TLP.RED},
    "focal_b": ALL - {TLP.RED},
    "observer_b": ALL - {TLP.RED},
    "named_c": ALL,  # named on it: the personal circle reads every label
    "member_c": {TLP.CLEAR},
    "secretariat": {TLP.CLEAR},
}


def labels_seen(client: Client, secret: str, incidents) -> set[str]:
    by_id = {i.stix_id: label for label, i in incidents.items()}
    seen = set()
    for found in get(client, secret, "/taxii2/api/collections/").json().get("collections", []):
        page = get(
            client, secret, f"/taxii2/api/collections/{found['id']}/objects/?match[type]=incident"
        ).json()
        seen |= {by_id[o["id"]] for o in page.get("objects", [])}
    return seen


def test_every_role_sees_in_its_collections_exactly_the_labels_it_may_read(client, world):
    _people, incidents, tokens = world
    table = {name: labels_seen(client, tokens[name], incidents) for name in EXPECTED}
    assert table == EXPECTED
    assert get(client, tokens["outsider"], "/taxii2/").status_code == 403


def test_the_store_query_agrees_with_the_policy_for_every_object(world):
    people, _incidents, _tokens = world
    for user in people.values():
        for collection in Collection.objects.all():
            listed = set(store.readable(user, collection).values_list("pk", flat=True))
            ruled = {o.pk for o in collection.stix_objects.all() if policy.can(user, "taxii.read_object", o)}
            assert listed == ruled, (user.email, collection.title)


def test_collections_exist_from_creation_and_listing_them_writes_nothing(client, world):
    _people, _incidents, tokens = world
    fresh = state("DD", "Delta", "دلتا")
    group = ParticipantGroup.objects.create(
        code="g1", kind="regional", name_en="Group one", name_ar="المجموعة الأولى"
    )
    group.members.add(fresh)
    assert Collection.objects.filter(participant=fresh).exists()
    assert Collection.objects.filter(group=group).exists()
    with CaptureQueriesContext(connection) as queries:
        listed = get(client, tokens["recorder"], "/taxii2/api/collections/").json()["collections"]
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert not [sql for sql in writes if "taxii_" in sql]  # (the token's last use is recorded)
    assert {c["title"] for c in listed} == {"Thiqa community", "Avalon (AA)"}


def test_a_new_version_replaces_the_last_and_keeps_the_first(client, world):
    people, incidents, tokens = world
    incident = incidents[TLP.AMBER]
    update(people["recorder"], incident, status="confirmed", text="More hosts.")
    mine = Collection.objects.get(participant=incident.participant)
    base = f"/taxii2/api/collections/{mine.uuid}/objects/{incident.stix_id}/"
    versions = get(client, tokens["colleague"], base + "versions/").json()["versions"]
    assert len(versions) == 2 and versions == sorted(versions)
    last = get(client, tokens["colleague"], base).json()["objects"]
    assert [o["modified"] for o in last] == [versions[-1]]
    every = get(client, tokens["colleague"], base + "?match[version]=all").json()["objects"]
    assert len(every) == 2


def test_bad_requests_get_taxii_errors(client, world, settings):
    people, _incidents, tokens = world
    reader = tokens["recorder"]
    writer = create_token(people["recorder"], name="w", scope="write", days=1)[1]
    mine = Collection.objects.get(participant__code="AA")
    objects = f"/taxii2/api/collections/{mine.uuid}/objects/"

    def post(secret, body, content_type=TAXII_MEDIA_TYPE):
        return client.post(
            objects,
            body,
            content_type=content_type,
            headers={"authorization": f"Bearer {secret}", "accept": TAXII_MEDIA_TYPE},
        )

    cases = {
        "no token": client.get("/taxii2/", headers={"accept": TAXII_MEDIA_TYPE}).status_code,
        "wrong accept": get(client, reader, "/taxii2/", accept="application/xml").status_code,
        "old version": get(
            client, reader, "/taxii2/", accept="application/taxii+json;version=2.0"
        ).status_code,
        "bad next": get(client, reader, objects + "?next=bm9wZQ").status_code,
        "bad limit": get(client, reader, objects + "?limit=-3").status_code,
        "bad added_after": get(client, reader, objects + "?added_after=yesterday").status_code,
        "unknown collection": get(
            client, reader, "/taxii2/api/collections/00000000-0000-4000-8000-000000000000/"
        ).status_code,
        "read token posts": post(reader, json.dumps({"objects": []})).status_code,
        "wrong content type": post(writer, json.dumps({"objects": []}), "application/json").status_code,
        "not json": post(writer, "{oops").status_code,
        "not an envelope": post(writer, json.dumps([1, 2])).status_code,
        "too large": post(
            writer, json.dumps({"objects": [], "pad": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
        ).status_code,
    }
    assert cases == {
        "no token": 401,
        "wrong accept": 406,
        "old version": 406,
        "bad next": 400,
        "bad limit": 400,
        "bad added_after": 400,
        "unknown collection": 404,
        "read token posts": 403,
        "wrong content type": 415,
        "not json": 400,
        "not an envelope": 422,
        "too large": 413,
    }
    error = post(reader, "{}")
    assert error["Content-Type"] == TAXII_MEDIA_TYPE and error.json()["http_status"] == "403"
    assert StixObject.objects.filter(poster__isnull=False).count() == 0


def test_a_page_past_the_end_is_empty_and_says_no_more(client, world):
    _people, _incidents, tokens = world
    mine = Collection.objects.get(participant__code="AA")
    objects = f"/taxii2/api/collections/{mine.uuid}/objects/"
    first = get(client, tokens["recorder"], objects + "?limit=1").json()
    assert first["more"] is True
    last = None
    page = first
    while page.get("more"):
        last = page
        page = get(client, tokens["recorder"], objects + f"?limit=1&next={page['next']}").json()
    beyond = get(client, tokens["recorder"], objects + f"?limit=5&next={last['next']}").json()
    assert beyond["more"] is False and len(beyond["objects"]) == 1
    after_all = get(client, tokens["recorder"], objects + "?added_after=2999-01-01T00:00:00Z")
    assert after_all.status_code == 200 and after_all.json() == {"more": False}


def test_posted_objects_are_checked_one_by_one_and_the_status_says_so(client, world):
    people, _incidents, tokens = world
    writer = create_token(people["recorder"], name="w", scope="write", days=1)[1]
    mine = Collection.objects.get(participant__code="AA")
    good = MISP_BUNDLE["objects"][2]
    bad = {
        **MISP_BUNDLE["objects"][3],
        "object_marking_refs": ["marking-definition--00000000-1111-4222-8333-444444444444"],
    }
    response = client.post(
        f"/taxii2/api/collections/{mine.uuid}/objects/",
        json.dumps({"objects": [good, bad]}),
        content_type=TAXII_MEDIA_TYPE,
        headers={"authorization": f"Bearer {writer}", "accept": TAXII_MEDIA_TYPE},
    )
    assert response.status_code == 202
    status = response.json()
    assert (status["success_count"], status["failure_count"]) == (1, 1)
    assert "unknown marking" in status["failures"][0]["message"]
    again = get(client, writer, f"/taxii2/api/status/{status['id']}/")
    assert again.json()["id"] == status["id"]
    assert get(client, tokens["colleague"], f"/taxii2/api/status/{status['id']}/").status_code == 404
    stored = StixObject.objects.get(stix_id=good["id"])
    assert stored.tlp == TLP.GREEN and stored.poster == people["recorder"]


def test_match_spec_version_finds_the_stored_2_1_and_nothing_of_another_version(client, world):
    _people, incidents, tokens = world
    mine = Collection.objects.get(participant__code="AA")
    stix_id = incidents[TLP.AMBER].stix_id
    base = f"/taxii2/api/collections/{mine.uuid}/"
    paths = {
        "objects": base + "objects/",
        "object": base + f"objects/{stix_id}/",
        "versions": base + f"objects/{stix_id}/versions/",
        "manifest": base + "manifest/",
    }

    def answer(path: str, value: str | None) -> tuple[int, dict]:
        response = get(
            client, tokens["recorder"], path + ("" if value is None else f"?match[spec_version]={value}")
        )
        return response.status_code, response.json()

    for name, path in paths.items():
        everything = answer(path, None)
        assert everything[0] == 200 and answer(path, "2.1") == everything == answer(path, "2.0,2.1"), name
        other = answer(path, "2.0")
        assert other[0] == 404 if name in ("object", "versions") else other == (200, {"more": False}), name
        status, error = answer(path, "2.1.x")
        assert (status, error["http_status"]) == (400, "400"), name


def test_a_posted_object_of_another_stix_version_is_refused(client, world):
    people, _incidents, _tokens = world
    writer = create_token(people["recorder"], name="w", scope="write", days=1)[1]
    mine = Collection.objects.get(participant__code="AA")
    older = {**indicator(7), "spec_version": "2.0"}
    status = post_objects(client, writer, mine, [older, indicator(8)]).json()
    assert (status["success_count"], status["failure_count"]) == (1, 1)
    assert "STIX 2.1 only" in status["failures"][0]["message"]
    assert not StixObject.objects.filter(stix_id=older["id"]).exists()
