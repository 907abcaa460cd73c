"""Search quality on the labelled queries: Thiqa's analysis against a plain baseline.

    THIQA_DATABASE_URL=... .venv/bin/python bench/search_quality.py

Loads the catalogue (and the sources, when the library room can ingest them) into a fresh
test database, indexes it twice with the same machinery, once with Thiqa's analysis
(normalization, stop words, stemming) and once with ``analyze_plain`` (lowercase and
split), and prints MRR@10 and recall@5 for both, overall and per language. A hit is
relevant when it is an expected item, or an expected passage ("<document> <locator>").
"""

from django.db import connection
from django.test.utils import setup_databases, teardown_databases
from search_common import load_corpus, load_queries

from thiqa.lib.text import analyze, analyze_plain
from thiqa.library import search


def relevant(hit: search.Hit, query: dict) -> bool:
    if hit.type == "item":
        return hit.code in query["expected"]
    return f"{hit.document} {hit.locator}" in query.get("passages", [])


def measure(queries: list[dict], analyzer) -> dict[str, tuple[float, float, int]]:
    by_language: dict[str, list[tuple[float, float]]] = {}
    misses = []
    for query in queries:
        hits = search.search(query["q"], limit=10, analyzer=analyzer)
        ranks = [i for i, hit in enumerate(hits, 1) if relevant(hit, query)]
        wanted = len(query["expected"]) + len(query.get("passages", []))
        reciprocal = 1 / ranks[0] if ranks else 0.0
        recall = len([r for r in ranks if r <= 5]) / min(wanted, 5)
        for key in (query["lang"], "all"):
            by_language.setdefault(key, []).append((reciprocal, recall))
        if reciprocal < 1:
            misses.append((reciprocal, query["q"], [h.code or h.document for h in hits[:3]]))
    result = {
        key: (sum(r for r, _ in rows) / len(rows), sum(c for _, c in rows) / len(rows), len(rows))
        for key, rows in by_language.items()
    }
    result["_misses"] = misses  # type: ignore[assignment]
    return result


def main() -> None:
    old = setup_databases(verbosity=0, interactive=False)
    try:
        corpus = load_corpus()
        queries = load_queries()
        print(f"database: {connection.vendor}; corpus: {corpus}")
        print(f"queries: {len(queries)} ({sum(q['lang'] == 'ar' for q in queries)} in Arabic)")
        figures = {}
        for name, analyzer in (("baseline (lowercase + split)", analyze_plain), ("Thiqa", analyze)):
            entries = search.rebuild(analyzer=analyzer)
            figures[name] = measure(queries, analyzer)
            print(f"\n{name}: {entries} entries indexed")
            for key in ("all", "ar", "en"):
                mrr, recall, count = figures[name][key]
                print(f"  {key:>3} ({count:2d} queries): MRR@10 {mrr:.3f}   recall@5 {recall:.3f}")
        if "-v" in __import__("sys").argv:
            for reciprocal, q, top in figures["Thiqa"]["_misses"]:
                print(f"  miss {reciprocal:.2f} {q!r} -> {top}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
