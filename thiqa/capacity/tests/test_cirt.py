"""National CIRT status: recorded by the State's focal point or the secretariat, validated,
audited; shown by region with a chart of counts per status; States without one flagged as
priorities (GCA guideline 4.8(b)) and filterable; sample data said to be sample."""

import csv
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

import thiqa.accounts
from thiqa.accounts.models import Participant
from thiqa.audit.models import AuditEvent
from thiqa.capacity import listing, services
from thiqa.capacity.models import CirtStatus
from thiqa.capacity.services import CirtDraft
from thiqa.capacity.tests.helpers import signed_in, state, writer
from thiqa.capacity.vocabulary import WORLDWIDE, region_of, regions


def test_every_state_belongs_to_exactly_one_region():
    path = Path(thiqa.accounts.__file__).parent / "data" / "states.csv"
    with open(path, encoding="utf-8") as f:
        codes = [row["iso_alpha2"] for row in csv.DictReader(f)]
    for code in codes:
        homes = [r.code for r in regions().values() if code in r.members]
        assert len(homes) == 1, (code, homes)
    assert not regions()[WORLDWIDE].members
    assert all(r.labels["en"] and r.labels["ar"] for r in regions().values())
    assert region_of("EG").code == "arab-states" and region_of("secretariat") is None


def test_the_focal_point_records_its_state_and_it_is_audited(focal_point, participant):
    recorded = services.set_cirt_status(
        focal_point,
        participant,
        CirtDraft(
            status="planned", assessment_done=True, assessment_year=2022, sources=["https://example.org/plan"]
        ),
    )
    assert recorded.status == "planned" and recorded.is_priority and recorded.updated_by == focal_point
    services.set_cirt_status(focal_point, participant, CirtDraft(status="established"))
    recorded.refresh_from_db()
    assert recorded.status == "established" and recorded.assessment_year is None and recorded.sources == []
    events = AuditEvent.objects.filter(action="capacity.cirt_updated").order_by("seq")
    assert [(e.data["previous"], e.data["status"]) for e in events] == [
        (None, "planned"),
        ("planned", "established"),
    ]


def test_only_the_states_focal_point_or_the_secretariat_may_record(
    focal_point, member, secretariat, participant, other_participant, secretariat_participant
):
    with pytest.raises(PermissionDenied):
        services.set_cirt_status(member, participant, CirtDraft(status="none"))
    with pytest.raises(PermissionDenied):
        services.set_cirt_status(focal_point, other_participant, CirtDraft(status="none"))
    with pytest.raises(PermissionDenied):  # an organization has no national CIRT
        services.set_cirt_status(secretariat, secretariat_participant, CirtDraft(status="none"))
    services.set_cirt_status(secretariat, other_participant, CirtDraft(status="mature"))
    assert CirtStatus.objects.get().participant == other_participant


def test_bad_statuses_are_refused_with_every_problem(focal_point, participant):
    year = timezone.localdate().year
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.set_cirt_status(
            focal_point,
            participant,
            CirtDraft(
                status="excellent", assessment_done=True, assessment_year=year + 1, sources=["https://"]
            ),
        )
    errors = caught.value.errors
    assert errors["status"] == ["Choose the status of the national CIRT: None, Planned, Established, Mature."]
    assert errors["assessment_year"] == [f"Give the year of the readiness assessment, from 1990 to {year}."]
    assert errors["sources"] == ["“https://” is not a valid web address."]
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.set_cirt_status(focal_point, participant, CirtDraft(status="none", assessment_year=2020))
    assert caught.value.errors == {
        "assessment_year": ["Give a year only when a readiness assessment was done."]
    }
    assert not CirtStatus.objects.exists()


@pytest.fixture
def recorded(participant, other_participant):
    """Egypt none (a priority), France mature, Kenya planned (a priority), Brazil unreported."""
    kenya, brazil = state("KE", "Kenya", "كينيا"), state("BR", "Brazil", "البرازيل")
    for who, level in ((participant, "none"), (other_participant, "mature"), (kenya, "planned")):
        CirtStatus.objects.create(participant=who, status=level, is_sample=True)
    return kenya, brazil


def test_the_overview_groups_by_region_counts_and_flags_priorities(recorded):
    overview = listing.cirt_overview()
    by_region = {
        g.region.code: [(r.participant.code, r.level, r.is_priority) for r in g.rows] for g in overview.groups
    }
    assert by_region == {
        "africa": [("KE", "planned", True)],
        "arab-states": [("EG", "none", True)],
        "americas": [("BR", "unknown", False)],
        "asia-pacific": [],
        "cis": [],
        "europe": [("FR", "mature", False)],
    }
    assert overview.counts == {"none": 1, "planned": 1, "established": 0, "mature": 1, "unknown": 1}
    assert overview.has_sample
    priorities = listing.cirt_overview(priority=True)
    assert [r.participant.code for r in priorities.rows] == ["KE", "EG"]
    assert [r.participant.code for r in listing.cirt_overview(region="europe").rows] == ["FR"]
    assert [r.participant.code for r in listing.cirt_overview(level="unknown").rows] == ["BR"]


def test_the_page_shows_the_map_the_chart_and_the_sample_warning(recorded, member, focal_point):
    html = signed_in(member).get("/capacity/cirt/").content.decode()
    assert 'id="state-EG" class="cirt-tile cirt-none cirt-priority"' in html
    assert 'id="state-FR" class="cirt-tile cirt-mature"' in html
    assert "Sample data." in html and "invented for the demonstration" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bar"' in html
    assert html.count('class="chart-row"') == 5  # none, planned, established, mature, not reported
    assert "/capacity/cirt/EG/" not in html  # a member does not update the status
    assert "/capacity/cirt/EG/" in signed_in(focal_point).get("/capacity/cirt/").content.decode()
    only = signed_in(member).get("/capacity/cirt/?priority=on").content.decode()
    assert 'id="state-KE"' in only and 'id="state-EG"' in only and 'id="state-FR"' not in only


def test_the_page_in_arabic_is_right_to_left_with_a_mirrored_chart(recorded, member):
    html = signed_in(member, "ar").get("/capacity/cirt/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html and 'direction="rtl"' in html
    assert "مصر" in html and "الدول العربية" in html


def test_the_focal_point_updates_from_the_page(focal_point, participant):
    client = signed_in(focal_point)
    assert client.get("/capacity/cirt/EG/").status_code == 200
    bad = client.post("/capacity/cirt/EG/", {"status": "planned", "assessment_done": "on"})
    assert bad.status_code == 400 and "Give the year of the readiness assessment" in bad.content.decode()
    done = client.post(
        "/capacity/cirt/EG/",
        {
            "status": "planned",
            "assessment_done": "on",
            "assessment_year": "2021",
            "sources": "Decree 12/2024",
        },
    )
    assert done.status_code == 302 and done["Location"] == "/capacity/cirt/#state-EG"
    saved = CirtStatus.objects.get(participant=participant)
    assert (saved.status, saved.assessment_year, saved.sources, saved.is_sample) == (
        "planned",
        2021,
        ["Decree 12/2024"],
        False,
    )
    assert signed_in(writer(Participant.objects.get(code="EG"))).get("/capacity/cirt/EG/").status_code == 403
