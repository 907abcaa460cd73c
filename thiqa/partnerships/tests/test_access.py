"""A closed arrangement: a non-member sees neither its members nor its discussion, in the
pages, the API or search; those inside do. The record itself is the community's."""

import pytest
from django.test import Client

from conftest import make_user
from thiqa.accounts import policy
from thiqa.partnerships import services
from thiqa.partnerships.tests.helpers import record, state

pytestmark = pytest.mark.usefixtures("catalogue")
SECRET_WORD = "quetzalcoatl"  # only the discussion holds it


@pytest.fixture
def closed(focal_point, participant, other_participant, secretariat):
    arrangement = services.register(focal_point, participant, record(name="Energy Sector Forum"))
    france = make_user("focal@fr.example", other_participant, "focal_point", totp=True)
    services.decide(
        focal_point,
        services.request_to_join(france, arrangement, other_participant, nda_accepted=True),
        accept=True,
    )
    services.post(focal_point, arrangement, f"Briefing on the {SECRET_WORD} campaign.")
    germany = state("DE", "Germany")
    return {
        "arrangement": arrangement,
        "people": {
            "owner": focal_point,
            "member": france,
            "member_observer": make_user("observer@fr.example", other_participant, "observer"),
            "outsider": make_user("focal@de.example", germany, "focal_point", totp=True),
            "secretariat": secretariat,
        },
    }


def sees(user, arrangement) -> dict[str, bool]:
    client = Client()
    client.force_login(user)
    page = client.get(f"/partnerships/{arrangement.pk}/").content.decode()
    api = client.get(f"/api/v1/partnerships/{arrangement.pk}").json()
    searched = client.get("/partnerships/", {"q": SECRET_WORD}).content.decode()
    api_search = client.get("/api/v1/partnerships", {"q": SECRET_WORD}).json()
    return {
        "record": "Energy Sector Forum" in page and api["record"]["name"] == "Energy Sector Forum",
        "members": "France" in page and api["members"] is not None,
        "discussion": SECRET_WORD in page and api["discussion"] is not None,
        "search": "Energy Sector Forum" in searched and [a["id"] for a in api_search] == [arrangement.pk],
    }


EXPECTED = {
    "owner": {"record", "members", "discussion", "search"},
    "member": {"record", "members", "discussion", "search"},
    "member_observer": {"record", "members", "discussion", "search"},
    "outsider": {"record"},
    "secretariat": {"record", "members"},
}


def test_each_person_sees_exactly_what_the_closed_arrangement_allows(closed):
    for name, user in closed["people"].items():
        seen = sees(user, closed["arrangement"])
        assert {k for k, v in seen.items() if v} == EXPECTED[name], name


def test_an_open_arrangement_shows_its_members_to_the_community(focal_point, participant, other_participant):
    arrangement = services.register(
        focal_point, participant, record(membership="open", vetting="none", nda_text="")
    )
    outsider = make_user("member@de.example", state("DE", "Germany"), "member")
    assert policy.can(outsider, "partnerships.view_members", arrangement)
    assert not policy.can(outsider, "partnerships.view_discussion", arrangement)


def test_the_disclosure_page_is_public_once_published_and_never_shows_the_discussion(closed):
    arrangement, owner = closed["arrangement"], closed["people"]["owner"]
    visitor = Client()
    assert visitor.get(f"/partnerships/{arrangement.pk}/public/").status_code in (302, 403)
    services.publish(owner, arrangement, visible=True)
    page = visitor.get(f"/partnerships/{arrangement.pk}/public/")
    html = page.content.decode()
    assert (
        page.status_code == 200 and "Energy Sector Forum" in html and "Incidents are shared too late." in html
    )
    assert SECRET_WORD not in html and "France" not in html  # closed: members stay private too
    with pytest.raises(Exception):  # noqa: B017  (PermissionDenied: only the owner's focal point publishes)
        services.publish(closed["people"]["member"], arrangement, visible=False)
    services.publish(owner, arrangement, visible=False)
    assert visitor.get(f"/partnerships/{arrangement.pk}/public/").status_code in (302, 403)
