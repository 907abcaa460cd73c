"""Only public national documents enter the library's shared search index: a restricted one
would move the corpus statistics everybody's scores are made of (docs/architecture.md)."""

import pytest

from thiqa.lib.text import analyze
from thiqa.library import search
from thiqa.library.models import SearchEntry, SearchTermStat
from thiqa.profiles import services
from thiqa.profiles.tests.helpers import document_draft, text_file

pytestmark = pytest.mark.usefixtures("catalogue")

RESTRICTED = "1. The quokkaware regulator audits operators every spring.\n"
PUBLIC = "1. The wombatish agency trains analysts in every province.\n"


def _index_holds(word: str) -> bool:
    (term,) = analyze(word)
    return SearchTermStat.objects.filter(term=term).exists()


def test_a_restricted_national_document_is_never_indexed_a_public_one_is(focal_point, participant):
    restricted = services.add_document(
        focal_point,
        participant,
        text_file("restricted.txt", RESTRICTED),
        document_draft(audience="community"),
    ).document
    public = services.add_document(
        focal_point, participant, text_file("public.txt", PUBLIC), document_draft(audience="public")
    ).document
    assert not SearchEntry.objects.filter(document=restricted.slug).exists()
    assert not _index_holds("quokkaware") and not search.search("quokkaware")
    assert SearchEntry.objects.filter(document=public.slug).count() == 1
    assert [h.document for h in search.search("wombatish")] == [public.slug]

    search.rebuild()
    assert not _index_holds("quokkaware") and _index_holds("wombatish")
    assert search.rebuild_steps() == 1 + 1 + len(search.SOURCES)  # the catalogue, the public document
