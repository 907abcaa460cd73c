"""The STIX 2.1 mapping: every exported bundle passes the OASIS validator; MISP- and
OpenCTI-shaped bundles import into draft incidents; bad bundles answer 422 with every
finding and write nothing."""

import json

import pytest
import stix2
from django.test import Client
from stix2validator import ValidationOptions, validate_instance

from conftest import make_user
from thiqa.accounts.services import create_token
from thiqa.incidents.models import Incident
from thiqa.incidents.services import update
from thiqa.incidents.tests.helpers import recorded
from thiqa.lib.tlp import TLP
from thiqa.messaging.tests.helpers import state
from thiqa.taxii import stix
from thiqa.taxii.tests.fixtures import MISP_BUNDLE, OPENCTI_BUNDLE, copy_of

pytestmark = pytest.mark.usefixtures("catalogue")

INDICATORS = [
    "203.0.113.7",
    "2001:db8::7",
    "198.51.100.0/24",
    "evil[.]example",
    "hxxps://evil.example/login?x='1'",
    "phish@evil.example",
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
]


@pytest.fixture
def egypt():
    return state("EG", "Egypt", "مصر")


@pytest.fixture
def member(egypt):
    return make_user("member@eg.example", egypt, "member")


def valid(bundle: dict) -> None:
    result = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert result.is_valid, [e.message for e in result.errors]
    # Warnings only on Thiqa's own properties (x_thiqa_*) and on "indicates" pointing at an
    # incident, which STIX permits without suggesting it.
    assert all("{401}" in w or "not a suggested" in w for w in result.warnings), result.warnings


@pytest.mark.parametrize("label", list(TLP.values))
def test_every_label_exports_a_valid_bundle_marked_with_the_tlp_2_definition(member, egypt, label):
    incident = recorded(member, egypt, tlp=label, indicators=INDICATORS, cves=["CVE-2026-12345"])
    update(member, incident, status="confirmed", text="Two more hosts encrypted.")
    bundle = stix.export([incident])
    valid(bundle)
    by_type: dict[str, list] = {}
    for obj in bundle["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
        if obj["type"] != "marking-definition":
            assert obj["object_marking_refs"] == [stix.TLP2_MARKINGS[label]]
    marking = by_type["marking-definition"] == [stix.marking_definition(label)]
    assert marking and by_type["marking-definition"][0]["name"] == f"TLP:{label}"
    assert {o["id"] for o in by_type["incident"]} == {incident.stix_id}
    patterns = sorted(o["pattern"] for o in by_type["indicator"])
    assert "[ipv4-addr:value = '203.0.113.7']" in patterns
    assert "[ipv4-addr:value ISSUBSET '198.51.100.0/24']" in patterns
    assert (
        "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']"
        in patterns
    )
    assert "[url:value = 'https://evil.example/login?x=\\'1\\'']" in patterns
    assert len(patterns) == len(INDICATORS)
    assert by_type["vulnerability"][0]["external_references"] == [
        {"source_name": "cve", "external_id": "CVE-2026-12345"}
    ]
    kinds = sorted(r["relationship_type"] for r in by_type["relationship"])
    assert kinds == ["indicates"] * len(INDICATORS) + ["related-to"]
    assert [n["content"] for n in by_type["note"]][-1] == "Two more hosts encrypted."
    assert by_type["identity"][0]["name"] == "Egypt"
    stix2.parse(bundle, allow_custom=True)  # and the OASIS library reads it


def test_the_same_incident_exports_under_the_same_ids(member, egypt):
    incident = recorded(member, egypt)
    first = {o["id"] for o in stix.export([incident])["objects"]}
    assert first == {o["id"] for o in stix.export([incident])["objects"]}


def test_exported_patterns_read_back_into_the_same_indicators(member, egypt):
    incident = recorded(member, egypt, indicators=INDICATORS)
    imported = stix.read_bundle(stix.export([incident]))
    assert sorted(map(str, imported.indicators)) == sorted(map(str, incident.indicators))
    assert imported.tlp == incident.tlp and imported.title == incident.title
    assert imported.unsupported == []


def _import(client: Client, secret: str, bundle, participant: str = "EG"):
    return client.post(
        f"/api/v1/stix/import?participant={participant}",
        json.dumps(bundle) if not isinstance(bundle, str) else bundle,
        content_type="application/json",
        headers={"authorization": f"Bearer {secret}"},
    )


@pytest.fixture
def writer(member):
    return create_token(member, name="misp", scope="write", days=1)[1]


def test_a_misp_event_imports_into_a_draft_with_its_indicators(client, writer, egypt):
    response = _import(client, writer, MISP_BUNDLE)
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(uuid=body["incident"])
    assert incident.is_draft and incident.participant == egypt
    assert incident.title == "Phishing wave against ministries"
    assert incident.tlp == TLP.GREEN  # TLP 1.0 green read as TLP 2.0 green
    assert {i["value"] for i in incident.indicators} == {
        "login-ministry.example",
        "198.51.100.23",
        "d41d8cd98f00b204e9800998ecf8427e",
    }
    assert incident.cves == ["CVE-2026-20001"]
    assert [u["id"] for u in body["unsupported"]] == ["indicator--5e0b1f8d-1d4a-4b0c-9a57-1b7b6a1c2d04"]


def test_an_opencti_incident_imports_with_its_label_and_detection_time(client, writer):
    response = _import(client, writer, OPENCTI_BUNDLE)
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(uuid=response.json()["incident"])
    assert incident.tlp == TLP.AMBER and incident.is_draft
    assert incident.detected_at.isoformat().startswith("2026-11-29T06:40")
    assert [i["type"] for i in incident.indicators] == ["sha256", "url"]
    assert response.json()["unsupported"][0]["pattern"].startswith("rule wiper")


def _bad_bundles():
    missing = copy_of(OPENCTI_BUNDLE)
    del missing["objects"][1]["pattern"]
    missing["objects"][2]["created"] = "yesterday"
    unknown = copy_of(MISP_BUNDLE)
    unknown["objects"][2]["object_marking_refs"] = [
        "marking-definition--00000000-1111-4222-8333-444444444444"
    ]
    statement = copy_of(OPENCTI_BUNDLE)
    statement["objects"].append(
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": "marking-definition--7c1e8c9a-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
            "created": "2026-01-01T00:00:00.000Z",
            "definition_type": "statement",
            "definition": {"statement": "Copyright CERT-Example"},
        }
    )
    return {
        "two invalid objects": (missing, 2),
        "unknown marking": (unknown, 1),
        "statement marking": (statement, 1),
        "not a bundle": ({"type": "indicator"}, 1),
    }


@pytest.mark.parametrize("case", list(_bad_bundles()))
def test_a_bad_bundle_is_a_422_listing_each_finding_and_writes_nothing(client, writer, case):
    bundle, count = _bad_bundles()[case]
    response = _import(client, writer, bundle)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert len(errors) >= count, errors
    assert Incident.objects.count() == 0


def test_not_json_is_a_400_and_a_read_token_may_not_import(client, member, writer):
    assert _import(client, writer, "{not json").status_code == 400
    reader = create_token(member, name="read", scope="read", days=1)[1]
    assert _import(client, reader, MISP_BUNDLE).status_code == 403
    assert _import(client, writer, MISP_BUNDLE, participant="FR").status_code == 404
    assert Incident.objects.count() == 0


def test_the_export_api_gives_readers_a_valid_bundle_and_others_nothing(client, member, egypt):
    incident = recorded(member, egypt, tlp=TLP.AMBER)
    strict = recorded(member, egypt, tlp=TLP.AMBER_STRICT, title="Strict one")
    secret = create_token(member, name="read", scope="read", days=1)[1]
    auth = {"authorization": f"Bearer {secret}"}
    one = client.get(f"/api/v1/stix/incidents/{incident.uuid}", headers=auth)
    assert one.status_code == 200 and one["Content-Type"] == "application/stix+json;version=2.1"
    valid(one.json())
    assert client.get(f"/api/v1/stix/incidents/{strict.uuid}", headers=auth).status_code == 403
    listed = client.get("/api/v1/stix/incidents", headers=auth).json()
    valid(listed)
    assert {o["id"] for o in listed["objects"] if o["type"] == "incident"} == {incident.stix_id}
    outsider = make_user("out@fr.example", state("FR", "France", "فرنسا"), "member")
    other = {"authorization": f"Bearer {create_token(outsider, name='r', scope='read', days=1)[1]}"}
    assert client.get(f"/api/v1/stix/incidents/{incident.uuid}", headers=other).status_code == 404


def test_the_incident_page_links_to_its_bundle_when_it_may_be_exported(client, member, egypt):
    amber = recorded(member, egypt, tlp=TLP.AMBER)
    red = recorded(member, egypt, tlp=TLP.RED, title="Red one")
    client.force_login(member)
    link = f'href="/api/v1/stix/incidents/{amber.uuid}"'
    assert link in client.get(f"/incidents/{amber.pk}/").content.decode()
    assert "/api/v1/stix/incidents/" not in client.get(f"/incidents/{red.pk}/").content.decode()
    download = client.get(f"/api/v1/stix/incidents/{amber.uuid}")  # the signed-in session suffices
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
