"""Deleting a posted object over TAXII (2.1, section 5.7): who may, which versions go and
which is the latest after, objects published with an incident refused, and each bad request
answered in the TAXII error format with a translated title."""

import pytest
from django.test import Client
from django.utils import translation

from thiqa.accounts import policy
from thiqa.accounts.models import Membership
from thiqa.accounts.services import create_token
from thiqa.audit.models import AuditEvent
from thiqa.lib.tlp import TLP
from thiqa.taxii import stix
from thiqa.taxii.models import Collection, StixObject
from thiqa.taxii.tests.helpers import delete, get, indicator, post_objects
from thiqa.taxii.views import TAXII_MEDIA_TYPE

pytestmark = pytest.mark.usefixtures("catalogue")

VERSIONS = ["2026-11-30T10:00:00.000Z", "2026-12-01T10:00:00.000Z", "2026-12-02T10:00:00.000Z"]
GREEN_ID = indicator(1)["id"]
RED_ID = indicator(2)["id"]


def writer(people, name: str) -> str:
    return create_token(people[name], name="w", scope="write", days=1)[1]


def alpha() -> Collection:
    return Collection.objects.get(participant__code="AA")


def object_path(stix_id: str, suffix: str = "") -> str:
    return f"/taxii2/api/collections/{alpha().uuid}/objects/{stix_id}/{suffix}"


def stored_versions(stix_id: str) -> list[str]:
    return sorted(StixObject.objects.filter(stix_id=stix_id).values_list("version", flat=True))


def latest(stix_id: str) -> list[str]:
    return list(StixObject.objects.filter(stix_id=stix_id, is_latest=True).values_list("version", flat=True))


@pytest.fixture
def posted(client: Client, world) -> None:
    """Three versions of a GREEN indicator and a RED one, posted by Alpha's recorder to Alpha's
    collection."""
    people, _incidents, _tokens = world
    objects = [indicator(1, modified=m) for m in VERSIONS] + [indicator(2, TLP.RED)]
    response = post_objects(client, writer(people, "recorder"), alpha(), objects)
    assert response.json()["success_count"] == 4


def test_the_poster_and_writers_for_the_owner_may_delete_what_they_read(world, posted):
    people, _incidents, _tokens = world
    green = StixObject.objects.get(stix_id=GREEN_ID, is_latest=True)
    red = StixObject.objects.get(stix_id=RED_ID)
    allowed = {
        label: {name for name, user in people.items() if policy.can(user, "taxii.delete_object", row)}
        for label, row in (("green", green), ("red", red))
    }
    # the observer reads but does not write; RED is read by its poster alone
    assert allowed == {"green": {"recorder", "colleague"}, "red": {"recorder"}}
    recorder = people["recorder"]
    read_token = create_token(recorder, name="r", scope="read", days=1)[0]
    assert not policy.can(recorder, "taxii.delete_object", green, read_token)
    # a poster who no longer writes no longer deletes
    Membership.objects.filter(user=recorder).update(role=Membership.Role.OBSERVER)
    policy.forget_roles(recorder)
    assert not policy.can(recorder, "taxii.delete_object", red)


def test_each_holder_gets_what_the_policy_says_and_the_deletion_is_audited(client, world, posted):
    people, _incidents, tokens = world
    path = object_path(GREEN_ID)
    refused = {
        "read token": delete(client, tokens["recorder"], path),
        "observer": delete(client, writer(people, "observer_a"), path),
        "other participant": delete(client, writer(people, "focal_b"), path),
        "secretariat": delete(client, writer(people, "secretariat"), path),
    }
    assert {name: r.status_code for name, r in refused.items()} == {
        "read token": 403,
        "observer": 403,
        "other participant": 404,  # Beta's people do not read Alpha's collection
        "secretariat": 404,
    }
    error = refused["read token"]
    assert error["Content-Type"] == TAXII_MEDIA_TYPE and error.json()["http_status"] == "403"
    assert "read-write token" in error.json()["description"]
    assert stored_versions(GREEN_ID) == VERSIONS

    done = delete(client, writer(people, "colleague"), path)
    assert done.status_code == 200 and done.content == b""
    assert stored_versions(GREEN_ID) == []  # without match[version]: every version
    assert get(client, tokens["recorder"], path).status_code == 404
    assert get(client, tokens["recorder"], path + "versions/").status_code == 404
    manifest = get(client, tokens["recorder"], f"/taxii2/api/collections/{alpha().uuid}/manifest/")
    assert GREEN_ID not in manifest.content.decode() and RED_ID in manifest.content.decode()
    event = AuditEvent.objects.get(action="taxii.object_deleted")
    assert event.actor == people["colleague"] and event.target_id == str(alpha().pk)
    assert event.data == {"object": GREEN_ID, "versions": VERSIONS}


def test_deleting_versions_keeps_the_newest_left_as_the_latest(client, world, posted):
    people, _incidents, tokens = world
    secret, path = writer(people, "recorder"), object_path(GREEN_ID)

    assert delete(client, secret, path + "?match[version]=last").status_code == 200
    assert stored_versions(GREEN_ID) == VERSIONS[:2] and latest(GREEN_ID) == [VERSIONS[1]]
    shown = get(client, tokens["recorder"], path).json()["objects"]
    assert [o["modified"] for o in shown] == [VERSIONS[1]]

    assert delete(client, secret, path + f"?match[version]={VERSIONS[0]}").status_code == 200
    assert stored_versions(GREEN_ID) == [VERSIONS[1]] and latest(GREEN_ID) == [VERSIONS[1]]

    # posted again, the deleted last version is the latest again; "first" then goes
    post_objects(client, secret, alpha(), [indicator(1, modified=VERSIONS[2])])
    assert latest(GREEN_ID) == [VERSIONS[2]]
    assert delete(client, secret, path + "?match[version]=first").status_code == 200
    assert stored_versions(GREEN_ID) == [VERSIONS[2]] and latest(GREEN_ID) == [VERSIONS[2]]

    # only STIX 2.1 is stored: another version matches nothing, 2.1 everything
    assert delete(client, secret, path + "?match[spec_version]=2.0").status_code == 404
    assert stored_versions(GREEN_ID) == [VERSIONS[2]]
    assert delete(client, secret, path + "?match[spec_version]=2.0,2.1").status_code == 200
    assert stored_versions(GREEN_ID) == [] and stored_versions(RED_ID) != []


def test_what_an_incident_publishes_changes_only_through_the_incident(client, world):
    people, incidents, _tokens = world
    secret = writer(people, "recorder")
    incident = StixObject.objects.get(collection=alpha(), stix_id=incidents[TLP.AMBER].stix_id)
    marking = StixObject.objects.get(collection=alpha(), stix_id=stix.TLP2_MARKINGS[TLP.AMBER])
    for row in (incident, marking):
        assert not [u for u in people.values() if policy.can(u, "taxii.delete_object", row)]
    before = StixObject.objects.count()
    english = delete(client, secret, object_path(incident.stix_id))
    assert english.status_code == 403
    assert "only through the incident" in english.json()["description"]
    assert delete(client, secret, object_path(marking.stix_id)).status_code == 403
    arabic = delete(client, secret, object_path(incident.stix_id), **{"accept-language": "ar"})
    with translation.override("ar"):
        expected = translation.gettext("Forbidden")
    assert expected != "Forbidden" and arabic.json()["title"] == expected
    assert StixObject.objects.count() == before


def test_bad_deletes_get_taxii_errors_and_delete_nothing(client, world, posted):
    people, _incidents, _tokens = world
    secret, path = writer(people, "recorder"), object_path(GREEN_ID)
    cases = {
        "bad version": delete(client, secret, path + "?match[version]=yesterday"),
        "bad spec_version": delete(client, secret, path + "?match[spec_version]=two"),
        "unknown object": delete(
            client, secret, object_path("indicator--00000000-0000-4000-8000-000000000000")
        ),
        "unknown collection": delete(
            client,
            secret,
            f"/taxii2/api/collections/00000000-0000-4000-8000-000000000000/objects/{GREEN_ID}/",
        ),
        "no token": client.delete(path, headers={"accept": TAXII_MEDIA_TYPE}),
        "wrong accept": delete(client, secret, path, accept="application/json"),
        "versions endpoint": delete(client, secret, path + "versions/"),
    }
    assert {name: r.status_code for name, r in cases.items()} == {
        "bad version": 400,
        "bad spec_version": 400,
        "unknown object": 404,
        "unknown collection": 404,
        "no token": 401,
        "wrong accept": 406,
        "versions endpoint": 405,
    }
    assert all(r["Content-Type"] == TAXII_MEDIA_TYPE for r in cases.values())
    assert cases["bad spec_version"].json()["description"] == (
        "match[spec_version] takes STIX versions such as 2.1."
    )
    assert stored_versions(GREEN_ID) == VERSIONS
