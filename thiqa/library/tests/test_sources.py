"""The five source documents: ingestion, locators, damage handling, citation resolution."""

import pytest

from thiqa.catalogue.loader import load_catalogue
from thiqa.catalogue.models import Citation
from thiqa.library.models import CitedPassage, Document
from thiqa.library.services import ingest, resolve_citations
from thiqa.library.tests.source_files import FILES, source_dir

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources():
    return source_dir()


def locators(document: Document) -> set[str]:
    return set(document.passages.values_list("locator", flat=True))


def test_each_source_is_ingested_in_arabic(sources):
    for name in FILES.values():
        document = ingest(sources / name)
        count = document.passages.count()
        assert document.language == "ar", name
        assert 40 <= count <= 400, (name, count)
        for p in document.passages.all():
            assert p.text.strip() and p.first_line <= p.last_line


def test_gge_keeps_the_clean_copy(sources):
    document = ingest(sources / FILES["gge"])
    assert not document.passages.filter(first_line__lte=602).exists()
    assert "1-602 excluded" in document.notes
    assert {"26", "26(a)", "26(c)", "26(f)", "32(e)", "34"} <= locators(document)
    assert document.passages.get(locator="26(c)").first_line == 658


def test_osce_annex_has_the_sixteen_cbms(sources):
    document = ingest(sources / FILES["osce"])
    cbms = {f"CBM {n}" for n in range(1, 17)}
    assert cbms <= locators(document)
    cbm8 = document.passages.get(locator="CBM 8")
    assert cbm8.language == "en" and "thirty days" in cbm8.text
    assert "reversed word order" in document.notes


def test_itu_numbers_are_read_left_to_right(sources):
    document = ingest(sources / FILES["itu2021"])
    found = locators(document)
    assert {"2.12", "2.12(a)", "2.12(d)", "3.12(f)", "4.8(a)", "5.14(l)", "6.17(e)", "7.1(b)"} <= found
    assert "12.2" not in found
    assert {"3.4", "3.4(a)", "3.5(e)"} <= locators(ingest(sources / FILES["itu2020"]))


def test_every_catalogue_citation_resolves(sources):
    load_catalogue()
    for name in FILES.values():
        ingest(sources / name)
    resolved, unresolved = resolve_citations()
    anchored = Citation.objects.exclude(anchor="").exclude(source_file="")
    failures = [str(u) for u in unresolved]
    assert failures == []
    for citation in anchored.prefetch_related("passages__passage"):
        texts = [" ".join(link.passage.text.split()) for link in citation.passages.all()]
        assert texts, citation
        assert any(" ".join(citation.anchor.split()) in t for t in texts) or " ".join(
            citation.anchor.split()
        ) in " ".join(texts), citation
    assert resolved == Citation.objects.exclude(source_file="").count()
    assert CitedPassage.objects.count() >= resolved


def test_the_demo_ingests_the_sources_once_with_catalogue_titles(sources):
    from thiqa.library.demo_data import SOURCES, load

    assert sources == SOURCES
    load_catalogue()
    load()
    load()  # already there: skipped
    assert Document.objects.count() == 5
    gge = Document.objects.get(file_name=FILES["gge"])
    assert gge.symbol == "A/68/98" and gge.title_en and gge.title_ar
    assert gge.passages.filter(citations__isnull=False).exists()


def test_reloading_the_catalogue_keeps_citations_linked_and_items_searchable(sources):
    from thiqa.library import search

    load_catalogue()
    ingest(sources / FILES["gge"])
    linked = CitedPassage.objects.count()
    assert linked > 0
    load_catalogue()  # citations are written anew; the library follows through the signal
    assert CitedPassage.objects.count() == linked
    assert Citation.objects.get(item__code="un-gge-2013-26c").passages.exists()
    hits = search.search("نقاط الاتصال الوطنية", entry_type="item")
    assert "un-gge-2013-26c" in [h.code for h in hits]
