"""The project registry: recorded and changed by the secretariat only, read by the community;
validated as a whole (titles in both languages, end after start, a beneficiary, known
participants, catalogue items and engagements that went ahead); filtered, searched and
exported as CSV; audited."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import make_user
from thiqa.audit.models import AuditEvent
from thiqa.capacity import services
from thiqa.capacity.models import Engagement, Project
from thiqa.capacity.tests.helpers import bearer, draft, signed_in, state, writer

pytestmark = pytest.mark.usefixtures("catalogue")


def project_draft(**overrides):
    values = {
        "title_en": "Sector CERTs in the Nile basin",
        "title_ar": "فرق الاستجابة القطاعية في حوض النيل",
        "description": "Sets up incident-response teams for the energy sector.",
        "start_date": date(2025, 3, 1),
        "end_date": date(2026, 2, 28),
        "status": "ongoing",
        "pillars": ["organizational"],
        "items": ["un-gge-2013-32b"],
        "funders": ["FR"],
        "outside_funders": ["Nile Cyber Fund"],
        "implementers": ["FR"],
        "beneficiaries": ["EG"],
    }
    values.update(overrides)
    return services.ProjectDraft(**values)


@pytest.fixture
def people(secretariat, focal_point, member, observer, participant, other_participant):
    return {
        "secretariat": secretariat,
        "focal point": focal_point,
        "member": member,
        "observer": observer,
        "other participant": writer(state("KE", "Kenya", "كينيا")),
        "outside the community": make_user("nobody@example.org", None, None),
    }


def test_the_secretariat_records_a_project_with_its_parties_and_links(
    secretariat, participant, other_participant
):
    project = services.record_project(secretariat, project_draft())
    assert project.title_ar == "فرق الاستجابة القطاعية في حوض النيل" and project.status == "ongoing"
    assert [(p.role, p.label) for p in project.parties.all()] == [
        ("beneficiary", "Egypt"),
        ("funder", "France"),
        ("funder", "Nile Cyber Fund"),
        ("implementer", "France"),
    ]
    assert [i.code for i in project.items.all()] == ["un-gge-2013-32b"]
    event = AuditEvent.objects.get(action="capacity.project_recorded")
    assert event.data["parties"] == {"funder": ["FR"], "implementer": ["FR"], "beneficiary": ["EG"]}
    assert event.data["outside_parties"] == 1


def test_every_problem_is_named_and_nothing_is_written(secretariat, participant):
    bad = project_draft(
        title_ar="",
        description=" ",
        status="paused",
        start_date=date(2025, 3, 1),
        end_date=date(2025, 3, 1),
        pillars=["diplomacy"],
        items=["un-gge-2013-99z"],
        funders=["ZZ"],
        beneficiaries=[],
        outside_implementers=["x" * 201],
        engagements=[999],
    )
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.record_project(secretariat, bad)
    errors = caught.value.errors
    assert errors["title_ar"] == ["Give a title of 3 to 200 characters."]
    assert errors["end_date"] == ["The end date must be after the start date."]
    assert errors["status"] == ["Choose the status: Planned, Ongoing, Completed, Cancelled."]
    assert errors["funders"] == ["Unknown participants: ZZ."]
    assert errors["beneficiaries"] == ["Name at least one beneficiary, in the community or outside it."]
    assert errors["outside_implementers"] == ["A name is at most 200 characters long."]
    assert errors["engagements"] == ["These are not engagements that went ahead: 999."]
    assert {"description", "pillars", "items"} <= set(errors)
    assert (
        not Project.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="capacity.project").exists()
    )


def test_a_completed_project_needs_its_outcome_and_a_start(secretariat, participant, other_participant):
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.record_project(secretariat, project_draft(status="completed", start_date=None))
    assert caught.value.errors == {
        "outcome": ["Describe the outcome of a completed project."],
        "start_date": ["Give the start date."],
    }


def test_errors_are_translated(secretariat, participant, other_participant):
    from django.utils import translation

    with translation.override("ar"), pytest.raises(services.InvalidCapacityInput) as caught:
        services.record_project(secretariat, project_draft(end_date=date(2024, 1, 1)))
    assert caught.value.errors["end_date"] != ["The end date must be after the start date."]


def test_only_engagements_that_went_ahead_feed_a_project(secretariat, member, participant, other_participant):
    need = services.post_need(member, participant, draft())
    offer = services.post_offer(writer(other_participant), other_participant, draft())
    proposed = services.request_engagement(member, need, offer, "Please.")
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.record_project(secretariat, project_draft(engagements=[proposed.pk]))
    assert list(caught.value.errors) == ["engagements"]
    services.accept(make_user("focal@fr.example", other_participant, "focal_point"), proposed)
    project = services.record_project(secretariat, project_draft(engagements=[proposed.pk]))
    assert list(project.engagements.all()) == [Engagement.objects.get()]


def test_an_update_replaces_the_record(secretariat, participant, other_participant):
    project = services.record_project(secretariat, project_draft())
    services.update_project(
        secretariat, project, project_draft(status="completed", outcome="Two teams run.", outside_funders=[])
    )
    project.refresh_from_db()
    assert project.status == "completed" and project.outcome == "Two teams run."
    assert [p.label for p in project.parties_as("funder")] == ["France"]
    assert AuditEvent.objects.filter(action="capacity.project_updated").count() == 1


def test_only_the_secretariat_records_and_everyone_in_the_community_reads(
    people, participant, other_participant
):
    project = services.record_project(people["secretariat"], project_draft())
    for name, person in people.items():
        if name != "secretariat":
            with pytest.raises(PermissionDenied):
                services.record_project(person, project_draft())
            with pytest.raises(PermissionDenied):
                services.update_project(person, project, project_draft())
        client = signed_in(person)
        reads = client.get(f"/capacity/projects/{project.pk}/")
        form = client.get("/capacity/projects/new/")
        edit = client.get(f"/capacity/projects/{project.pk}/edit/")
        if name == "outside the community":
            assert reads.status_code == 403, name
        else:
            assert reads.status_code == 200 and "Nile Cyber Fund" in reads.content.decode(), name
        expected = 200 if name == "secretariat" else 403
        assert (form.status_code, edit.status_code) == (expected, expected), name
    anonymous = Client().get(f"/capacity/projects/{project.pk}/")
    assert anonymous.status_code == 302 and "/accounts/signin/" in anonymous["Location"]
    assert Project.objects.count() == 1


def test_the_list_filters_and_searches_and_exports_the_same_rows(
    secretariat, member, participant, other_participant
):
    kenya = state("KE", "Kenya", "كينيا")
    nile = services.record_project(secretariat, project_draft())
    services.record_project(
        secretariat,
        project_draft(
            title_en="Cybercrime law review",
            title_ar="مراجعة قانون الجرائم الإلكترونية",
            description="Review of a draft law with prosecutors.",
            status="planned",
            pillars=["legal"],
            funders=[],
            outside_funders=["Justice Foundation"],
            beneficiaries=[kenya.code],
        ),
    )
    client = signed_in(member)

    def titles(query: str) -> list[str]:
        rows = list(
            csv.DictReader(
                io.StringIO(client.get(f"/capacity/projects.csv?{query}").content.decode("utf-8-sig"))
            )
        )
        page = client.get(f"/capacity/projects/?{query}").content.decode()
        assert all(row["title_en"] in page for row in rows)
        return sorted(row["title_en"] for row in rows)

    assert titles("") == ["Cybercrime law review", "Sector CERTs in the Nile basin"]
    assert titles("status=planned") == ["Cybercrime law review"]
    assert titles("pillar=organizational") == ["Sector CERTs in the Nile basin"]
    assert titles("region=africa") == ["Cybercrime law review"]
    assert titles("region=arab-states") == ["Sector CERTs in the Nile basin"]
    assert titles("funder=FR") == ["Sector CERTs in the Nile basin"]
    assert titles("funder=Justice+Foundation") == ["Cybercrime law review"]
    assert titles("q=prosecutors") == ["Cybercrime law review"]
    assert titles("q=" + "الجرائم") == ["Cybercrime law review"]
    row = next(
        csv.DictReader(
            io.StringIO(client.get("/capacity/projects.csv?funder=FR").content.decode("utf-8-sig"))
        )
    )
    assert row["funders"] == "FR; Nile Cyber Fund" and row["beneficiaries"] == "EG"
    assert row["title_ar"] == "فرق الاستجابة القطاعية في حوض النيل" and row["id"] == str(nile.pk)


def test_the_secretariat_records_a_project_through_the_form(secretariat, participant, other_participant):
    client = signed_in(secretariat)
    form = {
        "title_en": "Sector CERTs",
        "title_ar": "فرق قطاعية",
        "description": "Teams for the energy sector.",
        "status": "planned",
        "start_date": "2026-01-10",
        "end_date": "2025-01-10",
        "pillars": ["organizational"],
        "beneficiaries": ["EG"],
        "outside_funders": "Nile Cyber Fund\nSecond Fund",
    }
    refused = client.post("/capacity/projects/new/", form)
    assert (
        refused.status_code == 400
        and "The end date must be after the start date." in refused.content.decode()
    )
    form["end_date"] = "2026-12-31"
    saved = client.post("/capacity/projects/new/", form)
    project = Project.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/capacity/projects/{project.pk}/"
    assert [p.label for p in project.parties_as("funder")] == ["Nile Cyber Fund", "Second Fund"]
    page = client.get(f"/capacity/projects/{project.pk}/edit/").content.decode()
    assert "Nile Cyber Fund\nSecond Fund" in page


# --- the API ----------------------------------------------------------------------------------------

PROJECT = {
    "title_en": "Sector CERTs",
    "title_ar": "فرق قطاعية",
    "description": "Teams for the energy sector.",
    "status": "ongoing",
    "start_date": "2025-03-01",
    "pillars": ["organizational"],
    "catalogue_items": ["un-gge-2013-32b"],
    "beneficiaries": ["EG"],
    "outside_funders": ["Nile Cyber Fund"],
}


def test_the_api_records_reads_and_updates_for_the_secretariat_with_a_read_write_token(
    secretariat, member, participant
):
    client = bearer(secretariat)
    created = client.post("/api/v1/capacity/projects", PROJECT, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["beneficiaries"] == ["EG"]
        and body["funders"] == ["Nile Cyber Fund"]
        and body["end_date"] is None
    )
    assert bearer(member, "read").get(f"/api/v1/capacity/projects/{body['id']}").json() == body
    changed = client.put(
        f"/api/v1/capacity/projects/{body['id']}",
        {**PROJECT, "status": "cancelled"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["status"] == "cancelled"
    listed = bearer(member, "read").get("/api/v1/capacity/projects?status=cancelled").json()
    assert [p["id"] for p in listed["items"]] == [body["id"]]
    assert bearer(member, "read").get("/api/v1/capacity/projects?status=paused").status_code == 400


def test_the_api_refuses_a_read_token_and_other_roles_and_answers_422_for_bad_input(
    secretariat, member, participant
):
    read_only = bearer(secretariat, "read").post(
        "/api/v1/capacity/projects", PROJECT, content_type="application/json"
    )
    assert read_only.status_code == 403
    by_member = bearer(member).post("/api/v1/capacity/projects", PROJECT, content_type="application/json")
    assert by_member.status_code == 403
    bad = bearer(secretariat).post(
        "/api/v1/capacity/projects", {**PROJECT, "end_date": "2024-01-01"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert {"loc": ["end_date"], "msg": "The end date must be after the start date."} in bad.json()["errors"]
    assert not Project.objects.exists()
