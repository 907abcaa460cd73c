"""Activities in the shared search: CLEAR and GREEN ones are found through /search/ and the API
like catalogue items, linked to their page and typed "Activity"; a restricted one never enters
the index, so it neither appears nor moves the scores of anything else; the index follows
every change (a new label, a new title, a cancellation)."""

import pytest

from thiqa.activities import indexing, services
from thiqa.activities.tests.helpers import community, draft, signed_in
from thiqa.lib.tlp import TLP
from thiqa.library import search
from thiqa.library.models import SearchEntry, SearchTermStat
from thiqa.library.tests.search_fixtures import build_corpus


@pytest.fixture
def world(db):
    build_corpus()
    return community()


def entries() -> set[str]:
    return set(SearchEntry.objects.filter(kind="activity").values_list("key", flat=True))


def scores(q: str) -> list[tuple[str, float]]:
    return [(h.url, h.score) for h in search.search(q, limit=20)]


def test_a_green_activity_is_found_typed_and_linked(world):
    activity = services.create(
        world["people"]["organizer_member"],
        draft(organizer=world["a"], title="Regional workshop on vulnerability disclosure"),
    )
    hits = search.search("vulnerability disclosure workshop")
    assert hits[0].url == f"/activities/{activity.pk}/"
    assert (hits[0].type, hits[0].type_label) == ("activity", "Activity")
    html = (
        signed_in(world["people"]["other_member"])
        .get("/search/", {"q": "disclosure workshop"})
        .content.decode()
    )
    assert f'href="/activities/{activity.pk}/"' in html and ">Activity</span>" in html
    only = search.search("vulnerability", entry_type="activity", limit=50)
    assert [h.url for h in only] == [f"/activities/{activity.pk}/"]


def test_arabic_activities_are_found_by_their_arabic_words(world):
    activity = services.create(
        world["people"]["organizer_member"],
        draft(organizer=world["a"], title="ورشة عمل حول الإبلاغ عن الثغرات الأمنية", description="القاهرة"),
    )
    hits = search.search("الابلاغ عن الثغرات ورشه", entry_type="activity")
    assert [h.url for h in hits] == [f"/activities/{activity.pk}/"]
    assert hits[0].language == "ar"


@pytest.mark.parametrize("label", [TLP.AMBER, TLP.AMBER_STRICT, TLP.RED])
def test_a_restricted_activity_changes_nothing_in_the_shared_index(world, label):
    author = world["people"]["organizer_member"]
    services.create(author, draft(organizer=world["a"], title="States exchange on points of contact"))
    before_scores = scores("states contact points")
    before_stats = sorted(SearchTermStat.objects.values_list("term", "df"))
    restricted = services.create(
        author,
        draft(
            organizer=world["a"],
            groups=[world["group"]],
            tlp=label,
            title="Secret wombat meeting of states on points of contact",
        ),
    )
    assert scores("states contact points") == before_scores
    assert sorted(SearchTermStat.objects.values_list("term", "df")) == before_stats
    for person in ("organizer_member", "group_member", "secretariat"):
        client = signed_in(world["people"][person])
        assert client.get("/api/v1/search", {"q": "wombat"}).json()["hits"] == []
        page = client.get("/search/", {"q": "wombat"}).content.decode()
        assert f'href="/activities/{restricted.pk}/"' not in page and "Nothing matches" in page
    assert search.search("wombat") == []


def test_the_index_follows_each_change(world):
    author = world["people"]["organizer_member"]
    activity = services.create(author, draft(organizer=world["a"], title="Platypus drill"))
    assert entries() == {str(activity.pk)}
    renamed = draft(organizer=world["a"], title="Echidna drill")
    services.update(author, activity, renamed)
    assert search.search("platypus") == [] and len(search.search("echidna")) == 1
    services.update(author, activity, draft(organizer=world["a"], title="Echidna drill", tlp=TLP.AMBER))
    assert entries() == set() and search.search("echidna") == []
    services.update(author, activity, renamed)
    assert entries() == {str(activity.pk)}
    services.cancel(author, activity)
    assert entries() == set() and search.search("echidna") == []
    assert not SearchTermStat.objects.filter(term="echidna").exists()


def test_a_rebuild_indexes_the_same_activities_with_the_same_scores(world):
    author = world["people"]["organizer_member"]
    for label in TLP.values:
        services.create(
            author, draft(organizer=world["a"], groups=[world["group"]], tlp=label, title=f"Drill {label}")
        )
    before = scores("drill")
    assert len(before) == 2
    search.rebuild()
    assert scores("drill") == before
    assert search.reindex_source(indexing.SOURCE_NAME) == 2
    assert scores("drill") == before


def test_scores_are_the_same_numbers_on_every_database(world):
    author = world["people"]["organizer_member"]
    services.create(author, draft(organizer=world["a"], title="States meet on contact points"))
    services.create(author, draft(organizer=world["a"], title="Workshop", description="States and CERTs."))
    # The catalogue's own figures (library tests) plus two activities: one order, one set of
    # numbers, on SQLite and on PostgreSQL.
    hits = search.search("states", limit=5)
    assert [h.type for h in hits] == ["activity", "activity", "item", "item", "item"]
    assert [h.score for h in hits] == [1.1826, 1.0376, 0.9487, 0.8738, 0.8514]
