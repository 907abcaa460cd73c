"""Search latency at 100,000 passages, against the database's own ranked full-text query.

    THIQA_DATABASE_URL=... .venv/bin/python bench/search_latency.py [PASSAGES]

Grows a corpus of PASSAGES (default 100,000) passages from real text: the paragraphs of
the source documents in ../shared/sources (or the ingested passages, when the library room
can ingest) and the catalogue summaries in both languages, each synthetic passage being 1
to 3 consecutive paragraphs starting at a random place (seeded). The passages are indexed
the way ``search.rebuild`` does (the analysis of each real paragraph is computed once and
reused), then the labelled queries are run round-robin.

Printed: p50/p95 of ``search.search`` (Thiqa: analysis, candidate retrieval through the
full-text index, BM25 in Python, snippets) and of the baseline, the database's native
ranked full-text query for the same terms (FTS5 ``bm25`` on SQLite, ``ts_rank`` on
PostgreSQL, OR of the terms, LIMIT 10, ids only).
"""

import random
import statistics
import sys
import time

from django.db import connection
from django.test.utils import setup_databases, teardown_databases
from search_common import SOURCES, load_corpus, load_queries

from thiqa.catalogue.models import Item
from thiqa.lib.text import analyze
from thiqa.library import search
from thiqa.library.models import Document, Passage, SearchEntry


def paragraphs() -> list[tuple[str, str]]:
    """(language, text) of real paragraphs."""
    found = [(p.language, p.text) for p in Passage.objects.all()]
    if not found:
        for path in sorted(SOURCES.glob("*.txt")):
            if path.name == "README.md":
                continue
            for block in path.read_text(encoding="utf-8").split("\n\n"):
                block = " ".join(block.split())
                if len(block) > 80:
                    found.append(("ar", block))
    for item in Item.objects.all():
        found += [("en", item.summary_en), ("ar", item.summary_ar)]
    return found


def grow(total: int) -> float:
    rng = random.Random(20261125)
    real = paragraphs()
    analysed = [analyze(text) for _language, text in real]
    document = Document.objects.create(
        slug="bench-corpus",
        symbol="BENCH",
        language="ar",
        format="text",
        file_name="bench.txt",
        sha256="0" * 64,
        original="",
    )
    start = time.perf_counter()
    for first in range(0, total, 5000):
        passages, parts = [], []
        for order in range(first, min(total, first + 5000)):
            at, span = rng.randrange(len(real)), rng.randint(1, 3)
            chosen = range(at, min(len(real), at + span))
            parts.append(chosen)
            passages.append(
                Passage(
                    document=document,
                    order=order,
                    locator=str(order + 1),
                    language=real[at][0],
                    text="\n\n".join(real[i][1] for i in chosen),
                )
            )
        Passage.objects.bulk_create(passages)
        entries = []
        for passage, chosen in zip(passages, parts, strict=True):
            terms = [t for i in chosen for t in analysed[i]]
            entries.append(
                SearchEntry(
                    kind="passage",
                    passage=passage,
                    language=passage.language,
                    document=document.slug,
                    title=f"BENCH {passage.locator}",
                    text=passage.text,
                    terms=" ".join(terms),
                    length=len(terms),
                    public=True,
                )
            )
        SearchEntry.objects.bulk_create(entries, batch_size=1000)
        search._adjust_statistics(*search._frequencies(entries))
    search.refresh_planner_statistics()
    return time.perf_counter() - start


def native(terms: list[str]) -> list[int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = " | ".join("'" + t.replace("'", "''") + "'" for t in terms)
            cursor.execute(
                "SELECT id FROM library_searchentry WHERE terms_vector @@ %s::tsquery "
                "ORDER BY ts_rank(terms_vector, %s::tsquery) DESC LIMIT 10",
                [query, query],
            )
        else:
            query = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
            cursor.execute(
                "SELECT rowid FROM library_searchentry_fts WHERE library_searchentry_fts MATCH %s "
                "ORDER BY rank LIMIT 10",
                [query],
            )
        return [row[0] for row in cursor.fetchall()]


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    old = setup_databases(verbosity=0, interactive=False)
    try:
        corpus = load_corpus()
        search.reindex_catalogue()
        built = grow(total)
        queries = [q["q"] for q in load_queries()]
        print(f"database: {connection.vendor}; passages: {Passage.objects.count():,}; source: {corpus}")
        print(f"corpus grown and indexed in {built:.1f} s; {SearchEntry.objects.count():,} entries")
        for q in queries:  # warm caches once
            search.search(q)
            native(search.query_terms(q))
        thiqa, visitors, plain = [], [], []
        for _round in range(5):
            for q in queries:
                started = time.perf_counter()
                search.search(q, limit=10)
                thiqa.append(time.perf_counter() - started)
                started = time.perf_counter()
                search.search(q, limit=10, public_only=True)
                visitors.append(time.perf_counter() - started)
                terms = search.query_terms(q)
                started = time.perf_counter()
                native(terms)
                plain.append(time.perf_counter() - started)
        (t50, t95), (v50, v95), (b50, b95) = percentiles(thiqa), percentiles(visitors), percentiles(plain)
        print(f"queries: {len(thiqa)} ({len(queries)} labelled queries x 5)")
        print(f"baseline (native ranked full-text query, ids only): p50 {b50:.1f} ms  p95 {b95:.1f} ms")
        print(f"Thiqa search (BM25, hits with snippets):           p50 {t50:.1f} ms  p95 {t95:.1f} ms")
        print(f"Thiqa search of a visitor (public entries only):   p50 {v50:.1f} ms  p95 {v95:.1f} ms")
        print(f"ratio p95 baseline/Thiqa: {b95 / t95:.2f}; ratio p95 visitor/community: {v95 / t95:.2f}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
