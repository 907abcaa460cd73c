"""The incidents pages (English and Arabic) and API: list filters, the incident page
(defanged indicators, timeline), recording and updating with the service's errors, RFC 9457
problems for bad input, forged participants and read-only tokens refused."""

import pytest
from django.test import Client

from conftest import make_user
from thiqa.accounts.models import User
from thiqa.accounts.services import create_token
from thiqa.incidents.models import Incident
from thiqa.incidents.tests.helpers import recorded, scale
from thiqa.lib.tlp import TLP

pytestmark = pytest.mark.usefixtures("catalogue")


def signed_in(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["thiqa-language"] = language
    return client


def bearer(user, scope: str = "write") -> Client:
    _token, secret = create_token(user, name="tooling", scope=scope, days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_list_filters_by_status_severity_sector_and_label(participant, member):
    grid = recorded(member, participant, title="Grid", common_level=4, sectors=["energy"])
    clinic = recorded(member, participant, title="Clinic", common_level=2, sectors=["health"], tlp=TLP.GREEN)
    client = signed_in(member)

    def titles(**query):
        page = client.get("/incidents/", query).content.decode()
        return {t for t in ("Grid", "Clinic") if f">{t}</a>" in page}

    assert titles() == {"Grid", "Clinic"}
    assert titles(common_level="4") == {"Grid"}
    assert titles(sector="health") == {"Clinic"}
    assert titles(tlp=TLP.GREEN) == {"Clinic"}
    clinic.status = Incident.Status.RESOLVED
    clinic.save()
    assert titles(status="open") == {"Grid"} and grid.pk


def test_the_incident_page_in_arabic_shows_defanged_indicators_and_the_timeline(participant, member):
    incident = recorded(member, participant, indicators=["hxxps://evil[.]example/x", "198.51.100.1"])
    page = signed_in(member, "ar").get(f"/incidents/{incident.pk}/").content.decode()
    assert 'dir="rtl"' in page and "hxxps://evil[.]example/x" in page and "https://evil.example" not in page
    assert "CVE-2026-12345" in page and "المؤشرات" in page


def test_recording_on_the_page_with_errors_beside_the_fields(participant, member):
    client = signed_in(member)
    data = {
        "participant": participant.pk,
        "title": "Wiper at the port",
        "tlp": TLP.AMBER,
        "detected_at": "2026-11-29T10:00",
        "common_level": "3",
        "sectors": ["transport"],
        "indicators": "not an indicator",
        "items": ["osce-cbm-15"],
    }
    refused = client.post("/incidents/new/", data)
    assert refused.status_code == 200 and "is not an IP address" in refused.content.decode()
    data["indicators"] = "port-update[.]example"
    created = client.post("/incidents/new/", data)
    incident = Incident.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/incidents/{incident.pk}/"
    assert incident.indicators == [{"type": "domain", "value": "port-update.example"}]


def test_updating_on_the_page_adds_to_the_timeline_and_refuses_going_back(participant, member):
    incident = recorded(member, participant)
    client = signed_in(member)
    client.post(f"/incidents/{incident.pk}/update/", {"status": "contained", "text": "Segments isolated."})
    page = client.post(
        f"/incidents/{incident.pk}/update/", {"status": "confirmed"}, follow=True
    ).content.decode()
    assert "cannot go from" in page and "Segments isolated." in page
    incident.refresh_from_db()
    assert incident.status == "contained"


def test_the_api_records_reads_and_changes(participant, member):
    levels = scale(participant, member).levels.all()
    client = bearer(member)
    body = {
        "title": "Wiper at the port",
        "tlp": "AMBER",
        "detected_at": "2026-11-29T10:00Z",
        "national_level": levels[2].pk,
        "indicators": ["198.51.100.7"],
        "cves": ["CVE-2026-4242"],
        "catalogue_items": ["osce-cbm-15"],
    }
    created = client.post("/api/v1/incidents", body, content_type="application/json")
    assert created.status_code == 201, created.content
    got = created.json()
    assert got["common_level"] == 5 and got["national_level"]["names"]["en"] == "Grave"
    assert got["stix_id"].startswith("incident--") and got["timeline"][0]["status"] == "reported"
    changed = client.patch(
        f"/api/v1/incidents/{got['id']}",
        {"status": "confirmed", "text": "Confirmed."},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["status"] == "confirmed"
    assert client.get("/api/v1/incidents", {"status": "open"}).json()["items"][0]["id"] == got["id"]


def test_the_api_answers_bad_input_with_problems_naming_each_field(participant, member):
    client = bearer(member)
    body = {
        "title": "",
        "tlp": "PURPLE",
        "detected_at": "soon",
        "common_level": 9,
        "indicators": ["nope"],
        "cves": ["CVE-1"],
        "sectors": ["moon"],
    }
    response = client.post("/api/v1/incidents", body, content_type="application/json")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    where = {tuple(e["loc"]) for e in response.json()["errors"]}
    assert where == {
        ("title",),
        ("tlp",),
        ("detected_at",),
        ("common_level",),
        ("indicators",),
        ("cves",),
        ("sectors",),
    }
    assert not Incident.objects.exists()
    unknown = client.post("/api/v1/incidents", {**body, "participant": "ZZ"}, content_type="application/json")
    assert unknown.status_code == 422


def test_a_forged_participant_and_a_read_only_token_are_refused(participant, other_participant, member):
    body = {"title": "T", "tlp": "AMBER", "detected_at": "2026-11-29T10:00Z", "common_level": 2}
    forged = bearer(member).post(
        "/api/v1/incidents", {**body, "participant": "FR"}, content_type="application/json"
    )
    assert forged.status_code == 403
    read_only = bearer(member, "read").post("/api/v1/incidents", body, content_type="application/json")
    assert read_only.status_code == 403
    incident = recorded(member, participant)
    patch = bearer(member, "read").patch(
        f"/api/v1/incidents/{incident.pk}", {"status": "closed"}, content_type="application/json"
    )
    assert patch.status_code == 403
    stranger = make_user("m@fr.example", other_participant, "member")
    assert bearer(stranger).get(f"/api/v1/incidents/{incident.pk}").status_code == 403
    assert not Incident.objects.exclude(pk=incident.pk).exists()


def _form(participant, **overrides) -> dict:
    data = {
        "participant": participant.pk,
        "title": "Intrusion at the ministry",
        "tlp": TLP.RED,
        "detected_at": "2026-11-29T10:00",
        "common_level": "4",
        "items": ["osce-cbm-15"],
    }
    return {**data, **overrides}


def test_a_person_named_on_the_record_form_reads_the_red_incident_on_its_page(
    participant, other_participant, member
):
    named = make_user("cert@fr.example", other_participant, "member")
    make_user("colleague@fr.example", other_participant, "member")
    created = signed_in(member).post("/incidents/new/", _form(participant, named_users="Cert@fr.example\n"))
    incident = Incident.objects.get()
    assert created.status_code == 302 and list(incident.named_users.all()) == [named]
    page = signed_in(named, "ar").get(f"/incidents/{incident.pk}/")
    assert page.status_code == 200 and "Intrusion at the ministry" in page.content.decode()
    assert "الأشخاص المسمَّون" in page.content.decode() and named.full_name in page.content.decode()
    colleague = User.objects.get(email="colleague@fr.example")
    assert signed_in(colleague).get(f"/incidents/{incident.pk}/").status_code == 403


def test_an_unknown_or_outside_address_is_a_field_error_and_nothing_is_recorded(participant, member):
    make_user("former@thiqa.example", None, None)
    client = signed_in(member, "ar")
    refused = client.post(
        "/incidents/new/", _form(participant, named_users="nobody@thiqa.example, former@thiqa.example")
    )
    assert refused.status_code == 200
    errors = refused.context["form"].errors["named_users"]
    assert errors == [
        "غير معروف: nobody@thiqa.example.",
        "لا يُسمّى إلا أفراد المجتمع؛ وهؤلاء لا يشغلون أي دور فيه: former@thiqa.example.",
    ]
    assert not Incident.objects.exists()


def test_updating_on_the_page_adds_and_removes_named_people_on_the_timeline(
    participant, other_participant, member
):
    first = make_user("first@fr.example", other_participant, "member")
    second = make_user("second@fr.example", other_participant, "member")
    incident = recorded(member, participant, tlp=TLP.RED, named_users=[first])
    client = signed_in(member)
    form = client.get(f"/incidents/{incident.pk}/").context["update_form"]
    assert form["named_users"].value() == "first@fr.example"

    client.post(f"/incidents/{incident.pk}/update/", {"named_users": "first@fr.example\nsecond@fr.example"})
    assert set(incident.named_users.all()) == {first, second}
    client.post(f"/incidents/{incident.pk}/update/", {"named_users": "second@fr.example"})
    assert list(incident.named_users.all()) == [second]
    assert [u.field for u in incident.updates.all()] == ["", "named_users", "named_users"]
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "changed “people named”" in page

    client.post(f"/incidents/{incident.pk}/update/", {"status": "confirmed"})  # no list posted
    assert list(incident.named_users.all()) == [second]
    refused = client.post(
        f"/incidents/{incident.pk}/update/", {"status": "contained", "named_users": "nobody@fr.example"}
    )
    assert refused.status_code == 200
    assert refused.context["update_form"].errors["named_users"] == ["Unknown: nobody@fr.example."]
    incident.refresh_from_db()
    assert incident.status == "confirmed" and list(incident.named_users.all()) == [second]


def test_the_api_refuses_a_named_person_outside_the_community_as_a_problem(participant, member):
    make_user("former@thiqa.example", None, None)
    body = {"title": "Wiper", "tlp": "RED", "detected_at": "2026-11-29T10:00Z", "common_level": 3}
    response = bearer(member).post(
        "/api/v1/incidents",
        {**body, "named_users": ["former@thiqa.example"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["named_users"]]
    assert not Incident.objects.exists()


def test_the_api_changes_named_people_and_shows_addresses_to_editors_only(
    participant, other_participant, member
):
    named = make_user("cert@fr.example", other_participant, "member")
    incident = recorded(member, participant, tlp=TLP.AMBER, shared_participants=[other_participant])
    path = f"/api/v1/incidents/{incident.pk}"
    changed = bearer(member).patch(
        path, {"named_users": ["CERT@fr.example"]}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["named"] == [{"name": named.full_name, "email": "cert@fr.example"}]
    assert [u.field for u in incident.updates.all()] == ["", "named_users"]
    # A reader who may not change it sees who is named, not their addresses.
    reader = make_user("reader@fr.example", other_participant, "member")
    assert bearer(reader, "read").get(path).json()["named"] == [{"name": named.full_name, "email": None}]
    # A read-only token of an editor still shows the addresses (the person decides, not the token).
    assert bearer(member, "read").get(path).json()["named"][0]["email"] == "cert@fr.example"
    emptied = bearer(member).patch(path, {"named_users": []}, content_type="application/json")
    assert emptied.json()["named"] == [] and not incident.named_users.exists()
