"""Terms and concepts in the platform's one search: only public content (agreed concepts,
terms submitted to the public) enters the shared index, so restricted terms move nothing in its
statistics; they are found on the glossary's pages by those who may read them."""

import pytest

from thiqa.glossary import indexing, services
from thiqa.glossary.tests.helpers import community, concept_draft, signed_in, submitted
from thiqa.library import search
from thiqa.library.models import SearchEntry, SearchTermStat

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def world(db):
    return community()


CRITICAL = concept_draft(
    slug="critical-infrastructure",
    name_en="Critical infrastructure",
    name_ar="البنية التحتية الحرجة",
    definition_en="",
    definition_ar="",
)


def _entries(source: str) -> set[str]:
    return set(SearchEntry.objects.filter(kind=source).values_list("key", flat=True))


def _scores(q: str) -> list[tuple[str, float]]:
    return [(hit.url, hit.score) for hit in search.search(q, limit=20)]


@pytest.mark.parametrize("audience", ["secretariat", "community", "chosen"])
def test_a_restricted_term_changes_nothing_in_the_shared_index(world, audience):
    member = world["people"]["member"]
    submitted(member, world["a"], term="network incident", audience="public")
    before_scores, before_stats = (
        _scores("network incident"),
        sorted(SearchTermStat.objects.values_list("term", "df")),
    )
    chosen = [world["b"]] if audience == "chosen" else []
    restricted = submitted(
        member,
        world["a"],
        term="wombat incident",
        definition="A network incident of the wombat kind.",
        audience=audience,
        audience_participants=chosen,
    )
    assert _scores("network incident") == before_scores
    assert sorted(SearchTermStat.objects.values_list("term", "df")) == before_stats
    assert search.search("wombat") == []
    # Found on the glossary's own pages by those who read it.
    page = signed_in(world["people"]["secretariat"]).get("/glossary/terms/", {"q": "wombat"}).content.decode()
    assert f"/glossary/terms/{restricted.pk}/" in page


def test_public_terms_and_agreed_concepts_are_in_the_shared_index_and_follow_each_change(world):
    staff, member = world["people"]["secretariat"], world["people"]["member"]
    term = submitted(member, world["a"], term="platypus breach", audience="public")
    assert _entries(indexing.TERM_SOURCE) == {str(term.pk)}
    hit = search.search("platypus")[0]
    assert hit.type == indexing.TERM_SOURCE and hit.url == f"/glossary/terms/{term.pk}/"
    services.withdraw(member, term)
    assert _entries(indexing.TERM_SOURCE) == set() and search.search("platypus") == []

    concept = services.create_concept(staff, concept_draft(definition_ar="حدث يهدد أمن الشبكات المعلوماتية"))
    assert _entries(indexing.CONCEPT_SOURCE) == set()
    services.update_concept(
        staff, concept, concept_draft(status="agreed", definition_ar="حدث يهدد أمن الشبكات المعلوماتية")
    )
    assert _entries(indexing.CONCEPT_SOURCE) == {str(concept.pk)}
    # Arabic normalization and stemming: another spelling of the same words finds it.
    assert (
        search.search("الشبكه", entry_type=indexing.CONCEPT_SOURCE)[0].url
        == f"/glossary/concepts/{concept.pk}/"
    )
    services.update_concept(staff, concept, concept_draft(status="retired"))
    assert _entries(indexing.CONCEPT_SOURCE) == set()


def test_a_rebuild_indexes_the_same_entries(world):
    submitted(world["people"]["member"], world["a"], term="echidna breach", audience="public")
    before = _scores("echidna")
    search.rebuild()
    assert _scores("echidna") == before and before


def test_the_concept_list_searches_in_arabic_and_english(world):
    staff = world["people"]["secretariat"]
    services.create_concept(
        staff,
        concept_draft(
            slug="critical-infrastructure",
            name_en="Critical infrastructure",
            name_ar="البنية التحتية الحرجة",
            definition_en="",
            definition_ar="",
        ),
    )
    client = signed_in(world["people"]["other"])
    assert "Critical infrastructure" in client.get("/glossary/", {"q": "infrastructures"}).content.decode()
    assert "Critical infrastructure" in client.get("/glossary/", {"q": "الحرجه"}).content.decode()
    assert "Critical infrastructure" not in client.get("/glossary/", {"q": "incident"}).content.decode()
