"""Matching against hand-made examples: the expected ranking and every score are written out
by hand from the weights documented in ``matching.py``."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from thiqa.capacity import matching, services
from thiqa.capacity.models import Offer, Posting
from thiqa.capacity.tests.helpers import draft, state, writer

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def kenya():
    return state("KE", "Kenya", "كينيا")


@pytest.fixture
def need(member, participant):
    return services.post_need(
        member,
        participant,
        draft(
            title="National CERT procedures",
            description="Help writing incident handling procedures for our national CERT.",
            pillars=["organizational", "technical"],
            items=["un-gge-2013-32b"],
            kinds=["experts", "training"],
            regions=["arab-states"],
            languages=["ar", "en"],
        ),
    )


@pytest.fixture
def offers(member, participant, other_participant, kenya):
    france, kenyan = writer(other_participant), writer(kenya)

    def offer(user, who, **fields):
        return services.post_offer(user, who, draft(**fields))

    posted = {
        # item 30 + pillar 15 + kind 10 + region 20 + language 15 + 4 words x 2 = 98
        "mentoring": offer(
            france,
            other_participant,
            title="CERT mentoring",
            description="Mentoring on incident handling procedures.",
            pillars=["organizational"],
            items=["un-gge-2013-32b"],
            kinds=["experts"],
            regions=["arab-states", "africa"],
            languages=["fr", "ar"],
        ),
        # related item (32(b) ~ GCA 4.8(b)) 10 + pillar 15 + worldwide 10 + language 15 = 50
        "grants": offer(
            kenyan,
            kenya,
            title="Grants",
            description="Small grants for equipment.",
            pillars=["technical", "legal"],
            items=["gca-guideline-4-8b"],
            kinds=["funding"],
            regions=["worldwide"],
            languages=["en"],
        ),
        # two pillars 30 + kind 10 = 40; neither region nor language in common
        "course": offer(
            kenyan,
            kenya,
            title="Course",
            description="Online course.",
            pillars=["organizational", "technical"],
            items=[],
            kinds=["training"],
            regions=["europe"],
            languages=["ru"],
        ),
        # the same 40 as "course": the tie goes to the older one
        "course_again": offer(
            france,
            other_participant,
            title="Course",
            description="Online course.",
            pillars=["technical", "organizational"],
            items=[],
            kinds=["training"],
            regions=["europe"],
            languages=["ru"],
        ),
        # region and language alone are no reason to talk: not a candidate
        "legal": offer(
            kenyan,
            kenya,
            title="Legal drafting",
            description="Drafting of laws.",
            pillars=["legal"],
            items=[],
            kinds=["experts"],
            regions=["arab-states"],
            languages=["ar"],
        ),
        # the need's own participant: never matched with itself
        "own": offer(member, participant, title="Our own mentoring", description="Mentoring."),
        "closed": offer(france, other_participant, title="Closed mentoring", description="Mentoring."),
        "expired": offer(france, other_participant, title="Expired mentoring", description="Mentoring."),
    }
    Offer.objects.filter(pk=posted["closed"].pk).update(status=Posting.Status.CLOSED)
    yesterday = timezone.localdate() - timedelta(days=1)
    Offer.objects.filter(pk=posted["expired"].pk).update(valid_until=yesterday)
    return posted


def test_offers_are_ranked_by_the_documented_weights_with_ties_by_id(need, offers):
    ranking = [(m.posting.pk, m.score) for m in matching.offers_for(need)]
    assert ranking == [
        (offers["mentoring"].pk, 98),
        (offers["grants"].pk, 50),
        (offers["course"].pk, 40),
        (offers["course_again"].pk, 40),
    ]


def test_each_component_is_shown_with_its_points(need, offers):
    best, grants, course, _again = matching.offers_for(need)
    assert [(r.component, r.points, r.codes) for r in best.reasons] == [
        ("item", 30, ("un-gge-2013-32b",)),
        ("pillar", 15, ("organizational",)),
        ("kind", 10, ("experts",)),
        ("region", 20, ("arab-states",)),
        ("language", 15, ("ar",)),
        ("words", 8, ("CERT", "procedures", "incident", "handling")),
    ]
    assert best.explanation == (
        "Matches because: both name A/68/98 32(b); same pillar Organizational structures; "
        "support asked and offered: Expert advice and mentoring; both in Arab States; offered in Arabic; "
        "words in common: CERT, procedures, incident, handling"
    )
    assert [(r.component, r.points) for r in grants.reasons] == [
        ("related_item", 10),
        ("pillar", 15),
        ("region", 10),
        ("language", 15),
    ]
    assert "A/68/98 32(b) ~ C21/71 4.8(b)" in grants.explanation and "offered worldwide" in grants.explanation
    pillars = "Technical and procedural measures, Organizational structures"  # the catalogue's order
    assert course.reasons[0].text == f"same pillars {pillars}"
    assert course.gaps == ["not offered in the region of the need", "no common language"]


def test_the_reverse_lists_needs_for_an_offer_in_the_readers_words(need, offers, kenya, participant):
    other_need = services.post_need(
        writer(kenya),
        kenya,
        draft(title="Legal review", description="Review of a draft law.", pillars=["legal"], items=[]),
    )
    matches = matching.needs_for(offers["grants"])
    assert [(m.posting.pk, m.score) for m in matches] == [(need.pk, 50)]  # Kenya's own need is left out
    assert "needed in English" in matches[0].explanation
    # Egypt's need shares no topic with the legal offer, and the legal need is Kenya's own
    assert matching.needs_for(offers["legal"]) == []
    assert other_need.pk not in [m.posting.pk for m in matching.needs_for(offers["mentoring"])]


def test_matching_speaks_arabic(need, offers):
    with translation.override("ar"):
        best = matching.offers_for(need)[0]
        assert "؛ " in best.explanation and "; " not in best.explanation  # the Arabic semicolon
        assert "العربي" in best.explanation and "الدول العربية" in best.explanation


def test_compare_gives_the_reasons_even_without_a_common_topic(need, offers):
    match = matching.compare(need, offers["legal"])
    expected = [("kind", 10), ("region", 20), ("language", 15)]
    assert [(r.component, r.points) for r in match.reasons] == expected
    assert matching.compare(need, offers["mentoring"]).score == 98
