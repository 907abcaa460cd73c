"""Registering and changing a record: one validation for the page and the API, clear
errors, nothing written; goals and progress; the browse filters."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from conftest import make_user
from thiqa.accounts.services import create_token
from thiqa.partnerships import registry, services
from thiqa.partnerships.models import Arrangement
from thiqa.partnerships.tests.helpers import record

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"name": ""}, "name", "required"),
        ({"model": "empire"}, "model", "valid choice"),
        ({"sectors": ["astrology"]}, "sectors", "valid choice"),
        ({"purposes": ["world-peace"]}, "purposes", "valid choice"),
        ({"lifespan": "fixed_term"}, "ends_on", "date it ends"),
        ({"lifespan": "permanent", "ends_on": "2030-01-01"}, "ends_on", "Only a fixed-term"),
        ({"nda_text": "  "}, "nda_text", "non-disclosure agreement"),
    ],
)
def test_bad_records_are_refused_and_nothing_is_written(focal_point, participant, change, field, text):
    with pytest.raises(services.InvalidArrangement) as caught:
        services.register(focal_point, participant, record(**change))
    assert text in " ".join(caught.value.errors[field])
    assert not Arrangement.objects.exists()


def test_only_the_owner_registers_and_changes(focal_point, participant, other_participant, observer):
    with pytest.raises(PermissionDenied):
        services.register(observer, other_participant, record())
    with pytest.raises(PermissionDenied):
        services.register(focal_point, other_participant, record())
    arrangement = services.register(focal_point, participant, record())
    france = make_user("focal@fr.example", other_participant, "focal_point", totp=True)
    with pytest.raises(PermissionDenied):
        services.change(france, arrangement, record(name="Taken over"))
    services.change(focal_point, arrangement, record(name="Renamed forum"))
    assert Arrangement.objects.get().name == "Renamed forum"


def test_the_api_validates_like_the_page(focal_point, participant):
    _token, secret = create_token(focal_point, name="t", scope="write", days=5)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    bad = client.post(
        "/api/v1/partnerships",
        {"owner": "EG", "fields": record(lifespan="fixed_term")},
        content_type="application/json",
    )
    assert bad.status_code == 422 and [e["loc"] for e in bad.json()["errors"]] == [["ends_on"]]
    good = client.post(
        "/api/v1/partnerships",
        {"owner": "EG", "fields": record(sectors=["energy", "health"])},
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json()["record"]["sectors"] == ["energy", "health"]
    assert good.json()["completeness"]["percent"] < 100


def test_goals_and_progress(focal_point, participant):
    arrangement = services.register(focal_point, participant, record())
    goal = services.add_goal(
        focal_point, arrangement, title="Faster alerts", indicator="Members on the feed", target="50"
    )
    with pytest.raises(services.InvalidArrangement, match="a day that has come"):
        services.add_progress(
            focal_point, goal, reported_on=timezone.localdate() + timedelta(days=1), note="x"
        )
    with pytest.raises(services.InvalidArrangement, match="value"):
        services.add_progress(focal_point, goal, reported_on=timezone.localdate())
    services.add_progress(focal_point, goal, reported_on=timezone.localdate(), value=12)
    client = Client()
    client.force_login(focal_point)
    page = client.get(f"/partnerships/{arrangement.pk}/").content.decode()
    assert "Faster alerts" in page and "chart-line" in page


def test_browse_by_purpose_sector_and_model(focal_point, participant):
    services.register(focal_point, participant, record(name="Energy ISAC", model="isac", sectors=["energy"]))
    services.register(
        focal_point,
        participant,
        record(
            name="Health campaign", model="awareness_campaign", sectors=["health"], purposes=["awareness"]
        ),
    )
    names = lambda **f: [a.name for a in registry.browse(focal_point, registry.Filters(**f))]  # noqa: E731
    assert names(sector="health") == ["Health campaign"]
    assert names(purpose="information-sharing") == ["Energy ISAC"]
    assert names(model="isac") == ["Energy ISAC"]
    assert names(q="campaign") == ["Health campaign"]
    client = Client()
    client.force_login(focal_point)
    ids = [str(a.pk) for a in Arrangement.objects.all()]
    compare = client.get("/partnerships/compare/", {"a": ids}).content.decode()
    assert "Energy ISAC" in compare and "Health campaign" in compare


def test_yes_and_no_are_words_on_the_page(focal_point, participant):
    arrangement = services.register(focal_point, participant, record(non_national_members=True))
    client = Client()
    client.force_login(focal_point)
    page = client.get(f"/partnerships/{arrangement.pk}/").content.decode()
    assert "members from other countries allowed" in page.lower() and "True" not in page
