"""The GCA capacity-building figures: completed engagements per pillar (of the need) and per
region (of the participant in need), on the page as a table and charts and in the API,
against counts made by hand; and completed engagements on both participants' pages."""

import re

import pytest
from django.test import Client
from django.utils import translation

from conftest import make_user
from thiqa.accounts.models import Participant
from thiqa.capacity import services
from thiqa.capacity.models import Engagement
from thiqa.capacity.tests.helpers import bearer, draft, signed_in, state, writer
from thiqa.capacity.vocabulary import pillars

pytestmark = pytest.mark.usefixtures("catalogue")


def completed(need, offer, outcome="Done."):
    """A request from the need's side, accepted, in progress and completed."""
    asker, answerer = writer(need.participant), writer(offer.participant)
    engagement = services.request_engagement(asker, need, offer, "Shall we?")
    services.accept(answerer, engagement)
    services.start(asker, engagement)
    services.complete(answerer, engagement, outcome)
    return engagement


@pytest.fixture
def world(participant, other_participant):
    """Egypt (Arab States) twice helped, Kenya (Africa) once, an organization once; one
    engagement only in progress and one stopped, which do not count."""
    kenya = state("KE", "Kenya", "كينيا")
    forum = Participant.objects.create(
        code="forum", kind="international_organization", name_en="Forum", name_ar="المنتدى"
    )
    france = other_participant
    offer = services.post_offer(writer(france), france, draft(title="Mentoring"))
    other_offer = services.post_offer(writer(france), france, draft(title="Drills"))
    egypt_a = services.post_need(
        writer(participant), participant, draft(pillars=["organizational", "technical"])
    )
    egypt_b = services.post_need(writer(participant), participant, draft(pillars=["technical"]))
    kenya_need = services.post_need(writer(kenya), kenya, draft(pillars=["legal"], regions=["africa"]))
    forum_need = services.post_need(writer(forum), forum, draft(pillars=["cooperation", "technical"]))
    completed(egypt_a, offer, "Two sector teams trained.")
    completed(egypt_b, offer)
    completed(kenya_need, offer)
    completed(forum_need, offer)
    ongoing = services.request_engagement(writer(participant), egypt_a, other_offer, "And drills?")
    services.accept(writer(france), ongoing)
    services.start(writer(france), ongoing)
    stopped = services.request_engagement(writer(kenya), kenya_need, other_offer, "Drills?")
    services.accept(writer(france), stopped)
    services.stop(writer(france), stopped, "No budget.")
    return {"kenya": kenya, "forum": forum}


def test_the_api_counts_by_pillar_and_region_as_counted_by_hand(world, member):
    body = bearer(member, "read").get("/api/v1/capacity/figures").json()
    assert body["completed"] == 4
    assert body["per_pillar"] == {
        "legal": 1,
        "technical": 3,  # Egypt twice, the forum once
        "organizational": 1,
        "capacity-building": 0,
        "cooperation": 1,
    }
    assert body["per_region"] == {
        "africa": 1,
        "arab-states": 2,
        "americas": 0,
        "asia-pacific": 0,
        "cis": 0,
        "europe": 0,
        "none": 1,
    }
    assert {(c["pillar"], c["region"]): c["completed"] for c in body["cells"]} == {
        ("organizational", "arab-states"): 1,
        ("technical", "arab-states"): 2,
        ("legal", "africa"): 1,
        ("cooperation", "none"): 1,
        ("technical", "none"): 1,
    }


def test_the_page_shows_the_table_and_two_charts_in_arabic(world, member):
    page = signed_in(member, "ar").get("/capacity/figures/").content.decode()
    assert '<strong id="completed-total">4</strong>' in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bar"') == 2
    assert 'direction="rtl"' in page
    table = page.split('id="pillar-region"')[1].split("</table>")[0]
    rows = {
        re.search(r'<th scope="row">([^<]+)</th>', row).group(1): [
            int(n) for n in re.findall(r'<td class="number">(?:<strong>)?(\d+)', row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table)
        if '<th scope="row">' in row
    }
    with translation.override("ar"):
        technical = pillars()["technical"]
    # Africa, Arab States, Americas, Asia-Pacific, CIS, Europe, organizations; then the total
    assert rows[technical] == [0, 2, 0, 0, 0, 0, 1, 3]
    assert list(rows.values())[-1] == [1, 2, 0, 0, 0, 0, 1, 4]  # engagements per region, each once


def test_completed_engagements_show_on_both_participants_pages(
    world, participant, other_participant, observer
):
    egypt_page = signed_in(observer).get("/participants/EG/").content.decode()
    assert "Completed engagements" in egypt_page and "Two sector teams trained." in egypt_page
    assert egypt_page.count("Received help") == 2
    france_page = signed_in(observer).get("/participants/FR/").content.decode()
    assert france_page.count("Provided help") == 4
    kenyan = make_user("observer@ke.example", world["kenya"], "observer")
    on_egypt = signed_in(kenyan).get("/participants/EG/").content.decode()
    engagement = Engagement.objects.filter(need__participant=participant, status="completed").first()
    assert f"/capacity/engagements/{engagement.pk}/" not in on_egypt  # Kenya is no party: no link
    assert f"/capacity/engagements/{engagement.pk}/" in egypt_page  # France's observer is


def test_a_participant_without_completed_engagements_has_no_section(member, participant):
    assert "Completed engagements" not in signed_in(member).get("/participants/EG/").content.decode()


def test_the_figures_are_the_communitys(member, db):
    outsider = make_user("nobody@example.org", None, None)
    assert signed_in(outsider).get("/capacity/figures/").status_code == 403
    assert Client().get("/capacity/figures/").status_code == 302
    assert Client().get("/api/v1/capacity/figures").status_code == 401
    assert signed_in(member).get("/capacity/figures/").status_code == 200
