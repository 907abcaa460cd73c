import pytest

from thiqa.library import search
from thiqa.library.models import Document, Passage, SearchEntry, SearchTermStat
from thiqa.library.tests.search_fixtures import build_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus() -> None:
    build_corpus()


def codes(hits: list[search.Hit]) -> list[str]:
    return [h.code or f"{h.document} {h.locator}" for h in hits]


def test_it_finds_an_item_by_its_arabic_summary(corpus) -> None:
    hits = search.search("تحديث بيانات نقاط الاتصال سنويا", entry_type="item")
    assert codes(hits)[0] == "osce-cbm-8"


def test_it_finds_an_item_by_its_english_summary(corpus) -> None:
    hits = search.search("update contact details every year", entry_type="item")
    assert codes(hits) == ["osce-cbm-8"]


def test_diacritics_and_alef_ya_ta_variants_find_the_same_item(corpus) -> None:
    plain = codes(search.search("الابلاغ المسؤول عن الثغرات الامنيه", entry_type="item"))
    assert plain[0] == "osce-cbm-16"
    for variant in ("الإبلاغ المسؤول عن الثغرات الأمنية", "الإِبْلَاغُ المَسْؤُولُ عَنِ الثَّغَرَاتِ"):
        assert codes(search.search(variant, entry_type="item"))[0] == "osce-cbm-16"


def test_results_are_one_per_item_whatever_the_language(corpus) -> None:
    hits = search.search("CERT الاستجابة للطوارئ", entry_type="item")
    assert codes(hits).count("gge-26d") == 1


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"framework": "gge"}, {"gge-13g", "gge-26d"}),
        ({"pillar": "technical"}, {"osce-cbm-16", "gge-13g"}),
        ({"kind": "norm"}, {"gge-13g"}),
        ({"entry_type": "passage"}, {"a-68-98 26(c)", "a-68-98 26(d)", "a-68-98 13(j)"}),
        ({"document": "a-68-98", "language": "en"}, {"a-68-98 26(d)", "a-68-98 13(j)"}),
        ({"language": "ar", "entry_type": "item"}, {"osce-cbm-8", "osce-cbm-16", "gge-13g", "gge-26d"}),
    ],
)
def test_it_filters(corpus, filters: dict, expected: set[str]) -> None:
    query = (
        "states contact vulnerabilities infrastructure CERT incidents الدول الاتصال الثغرات الحيوية الطوارئ"
    )
    assert set(codes(search.search(query, limit=50, **filters))) == expected


# The same assertions run on SQLite and on PostgreSQL (CI runs the suite on both), which
# proves the ranking is identical on the two databases.
@pytest.mark.parametrize(
    ("q", "order"),
    [
        ("responsible reporting vulnerabilities", ["osce-cbm-16", "a-68-98 13(j)", "gge-26d"]),
        ("نقاط الاتصال الوطنية", ["osce-cbm-8", "a-68-98 26(c)"]),
        ("CERT exchanges incidents", ["a-68-98 26(d)", "gge-26d"]),
        ("states", ["gge-13g", "osce-cbm-16", "osce-cbm-8"]),
    ],
)
def test_ranking_is_fixed(corpus, q: str, order: list[str]) -> None:
    hits = search.search(q)
    assert codes(hits) == order
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_scores_are_the_same_numbers_on_every_database(corpus) -> None:
    assert [h.score for h in search.search("states")] == [1.2482, 1.1493, 1.1198]


def test_snippets_escape_html_and_mark_matches(corpus) -> None:
    [hit] = search.search("alert exchanges", entry_type="passage")
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "<mark>Exchanges</mark>" in hit.snippet_html
    assert "<mark>alert</mark>" in hit.snippet_html


def test_arabic_snippet_marks_words_with_their_prefixes(corpus) -> None:
    [hit] = search.search("الإنذار المبكر", entry_type="passage")
    assert "<mark>والإنذار</mark> <mark>المبكر</mark>" in hit.snippet_html


@pytest.mark.parametrize("q", ["", "   ", "!!!", "ًٌٍَُِ", "؟؟ ... ،", "the of and", "في من"])
def test_meaningless_queries_give_no_hits(corpus, q: str) -> None:
    assert search.search(q) == []


def test_an_overlong_query_is_refused_with_a_message(corpus) -> None:
    with pytest.raises(search.SearchError, match="too long"):
        search.search("أ" * 10_000)
    assert search.search("contact " * 60) != []  # 480 characters is fine


@pytest.mark.parametrize("limit", [0, -1, 51])
def test_limit_out_of_bounds_is_refused(corpus, limit: int) -> None:
    with pytest.raises(search.SearchError):
        search.search("states", limit=limit)


def test_limit_caps_the_hits(corpus) -> None:
    assert len(search.search("states الدول", limit=2)) == 2


def test_reindexing_a_document_keeps_statistics_exact(corpus) -> None:
    document = Document.objects.get()
    Passage.objects.filter(locator="13(j)").delete()
    search.reindex_document(document)
    stats = dict(SearchTermStat.objects.values_list("term", "df"))
    assert stats[search.ENTRIES] == SearchEntry.objects.count() == 8 + 2
    assert stats[search.LENGTH] == sum(SearchEntry.objects.values_list("length", flat=True))
    assert stats["vulner"] == 1  # only the item's English entry now
    before = codes(search.search("نقاط الاتصال الوطنية"))
    search.reindex_catalogue()
    assert codes(search.search("نقاط الاتصال الوطنية")) == before


def test_the_rebuild_command_reports_the_entries(corpus, capsys) -> None:
    from django.core.management import call_command

    call_command("search", "rebuild")
    assert "11 entries" in capsys.readouterr().out
