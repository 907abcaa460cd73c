"""Who finds what through the platform's one search (/search/ and /api/v1/search), now that
visitors who are not signed in may search: each restricted record holds a word found nowhere
else (a TLP:AMBER activity, a message, a draft submission, a contact hidden from the
community), and nobody finds it there; a TLP:GREEN activity is found by the community and never
by a visitor; and a visitor's scores are those of the public texts alone."""

import random
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_contact
from thiqa.accounts import policy
from thiqa.activities import services as activities
from thiqa.activities.models import Activity
from thiqa.activities.tests.helpers import community, draft, signed_in
from thiqa.directory.models import Contact
from thiqa.lib.tlp import TLP
from thiqa.library import search
from thiqa.library.models import SearchTermStat
from thiqa.messaging import services as messaging
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Message
from thiqa.messaging.tests.helpers import consultation
from thiqa.reporting import services as reporting
from thiqa.reporting.instruments import instrument
from thiqa.reporting.models import Audience, Response
from thiqa.reporting.sample import sample_answers

pytestmark = pytest.mark.usefixtures("catalogue")

RESTRICTED = {"quokka": "activity", "narwhal": "message", "pangolin": "draft", "okapi": "contact"}
COMMUNITY = "wallaby"  # only in a GREEN activity: the community's, never a visitor's
AUDIENCE = ("visitor", "no_role", "observer", "member", "other_participant")
QUERY = "points of contact"  # in the catalogue, and in both activities


def hits_of(client: Client, q: str) -> tuple[list[dict], str]:
    api = client.get("/api/v1/search", {"q": q, "limit": 50})
    page = client.get("/search/", {"q": q})
    assert api.status_code == 200 and page.status_code == 200
    return api.json()["hits"], page.content.decode()


def type_choices(page: str) -> str:
    return page.split('id="id_type"', 1)[1].split("</select>", 1)[0]


@pytest.fixture
def world(db):
    world = community()
    a, b, people = world["a"], world["b"], world["people"]
    people["member"], people["observer"] = people["organizer_member"], people["group_observer"]
    people["other_participant"], people["no_role"] = people["other_member"], people["outsider"]
    clients = {name: signed_in(people[name]) for name in AUDIENCE if name != "visitor"}
    clients["visitor"] = Client()
    world["clients"] = clients
    world["before"] = {name: hits_of(client, QUERY)[0] for name, client in clients.items()}

    author = people["organizer_member"]
    amber = draft(organizer=a, groups=[world["group"]], tlp=TLP.AMBER, title="Quokka drill on contact points")
    world["amber"] = activities.create(author, amber)
    world["green"] = activities.create(
        author, draft(organizer=a, title="Wallaby workshop on points of contact")
    )
    make_contact(b, "technical", "cert@bb.example")
    make_contact(a, "technical", "hidden@aa.example", name="Okapi duty desk", secretariat_only=True)
    messaging.send(
        people["organizer_focal"],
        a,
        consultation(Addressees(participants=[b], roles=["technical"]), subject="Narwhal scanning"),
    )
    today = timezone.localdate()
    cycle = reporting.open_cycle(
        people["secretariat"],
        instrument="gca-self-assessment",
        title="GCA",
        period="2026",
        opens_on=today - timedelta(days=1),
        due_on=today + timedelta(days=30),
        group=world["group"],
    )
    response = reporting.response_for(people["organizer_focal"], cycle, a)
    answers = sample_answers(instrument("gca-self-assessment"), random.Random(3), 0.5, "en")
    answers[next(iter(answers))]["comment"] = "Our pangolin programme"
    reporting.save_draft(
        people["organizer_focal"], response, answers=answers, language="en", audience=Audience.SECRETARIAT
    )
    return world


def test_the_restricted_words_are_really_held_by_restricted_records(world):
    amber, green = world["amber"], world["green"]
    assert Activity.objects.filter(title__icontains="quokka").get() == amber and amber.tlp == TLP.AMBER
    assert Message.objects.filter(subject__icontains="narwhal").get().tlp == TLP.AMBER
    assert Response.objects.get(participant=world["a"]).submitted is None
    assert "pangolin" in str(Response.objects.get(participant=world["a"]).answers)
    assert Contact.objects.get(name__icontains="okapi").secretariat_only
    people = world["people"]
    assert policy.can(people["member"], "activities.view_activity", amber)
    assert policy.can(people["observer"], "activities.view_activity", amber)  # in the group
    assert not policy.can(people["other_participant"], "activities.view_activity", amber)
    assert policy.can(people["other_participant"], "activities.view_activity", green)
    assert not policy.can(None, "activities.view_activity", green)


@pytest.mark.parametrize("who", AUDIENCE)
def test_nobody_finds_a_restricted_word_in_the_shared_search(world, who):
    for word in RESTRICTED:
        hits, page = hits_of(world["clients"][who], word)
        assert hits == [], word
        assert "Nothing matches" in page
        assert f'href="/activities/{world["amber"].pk}/"' not in page


@pytest.mark.parametrize("who", AUDIENCE)
def test_the_community_finds_the_green_activity_and_a_visitor_never(world, who):
    hits, page = hits_of(world["clients"][who], COMMUNITY)
    link = f"/activities/{world['green'].pk}/"
    if who in ("visitor", "no_role"):
        assert hits == [] and f'href="{link}"' not in page
    else:
        assert [h["url"] for h in hits] == [link] and f'href="{link}"' in page


@pytest.mark.parametrize("who", AUDIENCE)
def test_a_visitors_results_and_scores_are_those_of_the_public_texts_alone(world, who):
    hits, page = hits_of(world["clients"][who], QUERY)
    assert any(h["type"] == "item" for h in hits)
    activities_found = [h["url"] for h in hits if h["type"] == "activity"]
    if who in ("visitor", "no_role"):
        # Not one score moved when the community's activities entered the index.
        assert hits == world["before"][who]
        assert activities_found == [] and 'value="activity"' not in type_choices(page)
    else:
        assert activities_found == [f"/activities/{world['green'].pk}/"]
        assert 'value="activity"' in type_choices(page)
        assert hits != world["before"][who]


def test_the_policy_says_who_searches_the_communitys_entries(world):
    people = world["people"]
    assert search.public_only_for(None) and search.public_only_for(people["no_role"])
    for name in ("observer", "member", "other_participant", "secretariat"):
        assert not search.public_only_for(people[name])
        assert policy.can(people[name], "search.query")
    assert policy.can(None, "search.query")


def test_a_rebuild_keeps_the_public_statistics(world):
    stats = sorted(SearchTermStat.objects.values_list("term", "df", "public_df"))
    assert any(df > public_df for _t, df, public_df in stats)  # the GREEN activity's words
    assert not SearchTermStat.objects.filter(term__in=["wallabi", "wallaby"], public_df__gt=0).exists()
    search.rebuild()
    assert sorted(SearchTermStat.objects.values_list("term", "df", "public_df")) == stats
    assert (
        world["clients"]["visitor"].get("/api/v1/search", {"q": QUERY, "limit": 50}).json()["hits"]
        == world["before"]["visitor"]
    )
