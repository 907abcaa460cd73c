"""The one search service over catalogue items, passages and the entries rooms register.

Index. Every active catalogue item has two :class:`SearchEntry` rows, one per language
(title twice, code and summary, analysed by :func:`thiqa.lib.text.analyze`), and every
passage one row; rooms above the library add their own entries through a registered
:class:`Source` (see "Sources" below). ``terms`` holds the analysed terms separated by
spaces. The database indexes ``terms``: an FTS5 table on SQLite, a GIN index over
``array_to_tsvector(string_to_array(terms, ' '))`` on PostgreSQL (migration 0002).
:class:`SearchTermStat` keeps each term's document frequency and the corpus totals.

Ranking, identical on both databases. The database index is used only to find the
entries that contain a query term (an exact set: the terms are stored verbatim, neither
database tokenizes or stems them again). Scores are computed here, in Python, with BM25
(k1=1.2, b=0.75, idf = ln(1 + (N - df + 0.5) / (df + 0.5))) from integers stored in the
database: N and the total length from the reserved stats rows, df per term, each entry's
length, and term frequencies counted in its ``terms``. The same integers give the same
floating-point operations in the same order, hence the same scores; ties are broken by
entry id, and entries are always written in the same order (items by code, passages by
document and position), so the order is the same on SQLite and PostgreSQL.

Speed: query terms are visited rarest first (MaxScore). After each term's entries are
fetched and scored, if the k-th best score already exceeds the best score any unseen
entry could reach (the sum of the remaining terms' upper bounds idf * (k1 + 1)), the
search stops. One term fetches at most ``CANDIDATES_PER_TERM`` entries, in id order, so a
query made only of very common words is ranked within a deterministic subset; and a term
that common is not fetched at all once rarer terms have found ``limit`` results (it still
counts in the scores of the entries found).

Results are per item (the better of its two languages), per passage, or per registered entry.

Sources. A room that wants its records found (the activities room: its activities) registers
a :class:`Source` in its ``AppConfig.ready`` with :func:`register_source`: a name (the entry
type, e.g. ``"activity"``), a label shown beside each hit, the URL of an entry's page and the
list of everything it wants indexed (for :func:`rebuild`). It then keeps its entries current
with :func:`index` and :func:`unindex` when a record changes. The library never imports the
room; the registry is the only link, as with the catalogue's ``catalogue_loaded`` signal.

A source indexes only what every member of the community may read. This is a rule about
the corpus, not about the results: the statistics of the index (how many entries contain a
term, the average length) enter the score of every hit, so an entry indexed for some and
hidden from others would still move the scores everybody sees, and a term found in it would
change what a query returns. Restricted records are searched by their own room, among the
records the person may see (as messages and submissions are).

Audiences. The catalogue and the library are public texts, and the search is open to
visitors who are not signed in (``search.query``; ``THIQA_PUBLIC_CATALOGUE``). Whoever the
policy does not let read the community's entries (``search.community_entries``: visitors,
people without a role) searches the public part of the index only: items, passages and the
entries a source marked ``public`` (a source asks the policy whether a visitor may read the
record). For them the index is kept as a corpus of its own: ``SearchTermStat.public_df``
counts the public entries only, so their scores and their order are exactly those of an
index that held nothing else, and no word of a community entry moves them.
"""

import html
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.accounts.models import ApiToken
from thiqa.catalogue.models import Item, SourceDocument
from thiqa.lib.text import analyze, normalize

from .models import Document, Passage, SearchEntry, SearchTermStat

Analyzer = Callable[[str], list[str]]

K1 = 1.2
B = 0.75
MAX_QUERY_LENGTH = 500
MAX_QUERY_TERMS = 12
MAX_LIMIT = 50
CANDIDATES_PER_TERM = 250
DENSE_SHARE = 0.1  # a term in more than 10% of the entries is fetched by an id-order walk
ENTRIES = " entries"  # reserved: real terms never contain a space
LENGTH = " length"
SNIPPET_WORDS = 36
_STATISTICS_LOCK = 0x7468_7374  # PostgreSQL advisory lock key: changes to SearchTermStat


class SearchError(ValueError):
    """The query cannot be run; the message is translated and meant for the user."""


@dataclass(frozen=True)
class Searchable:
    """What a source gives the index for one of its records: shown as a hit's title and
    snippet, analysed (title twice, then text and ``extra``) into the entry's terms."""

    key: str
    title: str
    text: str
    language: str
    extra: str = ""  # indexed, never shown: labels, names, places
    pillars: tuple[str, ...] = ()  # GCA pillar codes, for the pillar filter
    public: bool = False  # a visitor who is not signed in may read it (as the policy says)


@dataclass(frozen=True)
class Source:
    """A room's searchable records. ``everything`` lists what the room wants indexed now
    (only what every person allowed to search may read; see the module's docstring)."""

    name: str
    label: Promise
    url: Callable[[str], str]
    everything: Callable[[], Iterable[Searchable]]


SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> Source:
    """Register ``source`` (from the room's ``AppConfig.ready``); its name becomes a hit type."""
    if source.name in (SearchEntry.Kind.ITEM, SearchEntry.Kind.PASSAGE) or " " in source.name:
        raise ValueError(f"{source.name!r} cannot name a search source")
    SOURCES[source.name] = source
    return source


def type_label(kind: str) -> str:
    """The type of a hit as the search page names it: catalogue item, passage, activity..."""
    if kind in SearchEntry.Kind.values:
        return str(SearchEntry.Kind(kind).label)
    source = SOURCES.get(kind)
    return str(source.label) if source else kind


def entry_types(public_only: bool = False) -> list[str]:
    """The types of hit a searcher may filter by: items, passages and the registered sources
    (for a ``public_only`` searcher, those that hold public entries)."""
    sources = sorted(SOURCES)
    if public_only:
        public = SearchEntry.objects.filter(public=True, kind__in=sources)
        held = set(public.values_list("kind", flat=True).distinct())
        sources = [name for name in sources if name in held]
    return [SearchEntry.Kind.ITEM, SearchEntry.Kind.PASSAGE, *sources]


@dataclass(frozen=True)
class Hit:
    type: str  # "item", "passage" or the name of a registered source ("activity")
    code: str | None  # catalogue item code
    document: str | None  # document slug
    locator: str
    title: str
    snippet_html: str
    score: float
    url: str
    language: str

    @property
    def type_label(self) -> str:
        return type_label(self.type)


# --- building the index ------------------------------------------------------------------


def _item_entries(item: Item, pillars: str, analyzer: Analyzer) -> list[SearchEntry]:
    entries = []
    for language in ("en", "ar"):
        title = getattr(item, f"title_{language}")
        summary = getattr(item, f"summary_{language}")
        terms = analyzer(title) * 2 + analyzer(item.code.replace("-", " ")) + analyzer(summary)
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.ITEM,
                item=item,
                language=language,
                framework=item.framework.code,
                item_kind=item.kind.code,
                pillars=pillars,
                title=title[:400],
                text=summary,
                terms=" ".join(terms),
                length=len(terms),
                public=True,
            )
        )
    return entries


def _passage_entry(passage: Passage, document: Document, framework: str, analyzer: Analyzer) -> SearchEntry:
    title = " ".join(p for p in (document.symbol or document.title, passage.locator or passage.heading) if p)
    terms = analyzer(passage.heading) + analyzer(passage.text)
    return SearchEntry(
        kind=SearchEntry.Kind.PASSAGE,
        passage=passage,
        language=passage.language,
        framework=framework,
        document=document.slug,
        title=title[:400],
        text=passage.text,
        terms=" ".join(terms),
        length=len(terms),
        public=True,
    )


def _source_entry(source: str, searchable: Searchable, analyzer: Analyzer) -> SearchEntry:
    terms = analyzer(searchable.title) * 2 + analyzer(searchable.text) + analyzer(searchable.extra)
    return SearchEntry(
        kind=source,
        key=searchable.key,
        language=searchable.language,
        pillars=f" {' '.join(searchable.pillars)} " if searchable.pillars else "",
        title=searchable.title[:400],
        text=searchable.text,
        terms=" ".join(terms),
        length=len(terms),
        public=searchable.public,
    )


def _everything_of(source: Source, analyzer: Analyzer) -> list[SearchEntry]:
    """Every entry of ``source``, ordered by key so that ids come out in the same order on
    every database."""
    found = sorted(source.everything(), key=lambda s: (len(s.key), s.key))
    return [_source_entry(source.name, s, analyzer) for s in found]


def _frequencies(entries: Iterable[SearchEntry]) -> tuple[Counter, Counter]:
    """Document frequencies and corpus totals of ``entries``: of all, and of the public ones."""
    whole: Counter = Counter()
    public: Counter = Counter()
    for entry in entries:
        for counts in (whole, public) if entry.public else (whole,):
            counts.update(set(entry.terms.split()))
            counts[ENTRIES] += 1
            counts[LENGTH] += entry.length
    return whole, public


def _adjust_statistics(delta: Counter, public_delta: Counter) -> None:
    """Add ``delta`` and ``public_delta`` (term -> change of document frequency, among all
    entries and among the public ones) to the stored statistics.

    Called inside the caller's transaction. On PostgreSQL a transaction-level advisory lock
    makes concurrent changes (two activities saved at once) take turns, so that neither
    reads a frequency the other is about to change; SQLite has one writer at a time."""
    terms = sorted({t for t, d in delta.items() if d} | {t for t, d in public_delta.items() if d})
    if not terms:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_STATISTICS_LOCK])
    existing = {}
    for start in range(0, len(terms), 500):
        existing.update(
            {s.term: s for s in SearchTermStat.objects.filter(term__in=terms[start : start + 500])}
        )
    changed, new, gone = [], [], []
    for term in terms:
        stat = existing.get(term)
        if stat is None:
            new.append(SearchTermStat(term=term, df=delta[term], public_df=public_delta[term]))
        else:
            stat.df += delta[term]
            stat.public_df += public_delta[term]
            (gone if stat.df <= 0 else changed).append(stat)
    SearchTermStat.objects.bulk_create(new, batch_size=1000)
    SearchTermStat.objects.bulk_update(changed, ["df", "public_df"], batch_size=1000)
    SearchTermStat.objects.filter(pk__in=[s.pk for s in gone]).delete()


def _replace(old: Iterable[SearchEntry], new: list[SearchEntry]) -> None:
    old = list(old)
    delta, public_delta = _frequencies(new)
    gone, public_gone = _frequencies(old)
    delta.subtract(gone)
    public_delta.subtract(public_gone)
    SearchEntry.objects.filter(pk__in=[e.pk for e in old]).delete()
    SearchEntry.objects.bulk_create(new, batch_size=500)
    _adjust_statistics(delta, public_delta)


def _pillars_by_item() -> dict[int, str]:
    pillars: dict[int, list[str]] = {}
    for item_id, code in Item.pillars.through.objects.values_list("item_id", "term__code").order_by(
        "item_id", "term__code"
    ):
        pillars.setdefault(item_id, []).append(code)
    return {item_id: f" {' '.join(codes)} " for item_id, codes in pillars.items()}


def _catalogue_entries(analyzer: Analyzer) -> list[SearchEntry]:
    pillars = _pillars_by_item()
    items = Item.objects.filter(is_active=True).select_related("framework", "kind").order_by("code")
    return [e for item in items for e in _item_entries(item, pillars.get(item.pk, ""), analyzer)]


def _framework_of(document: Document) -> str:
    found = SourceDocument.objects.filter(symbol=document.symbol).select_related("framework").first()
    return found.framework.code if found and document.symbol else ""


def _document_entries(document: Document, analyzer: Analyzer) -> list[SearchEntry]:
    framework = _framework_of(document)
    return [_passage_entry(p, document, framework, analyzer) for p in document.passages.order_by("order")]


@transaction.atomic
def reindex_catalogue(analyzer: Analyzer = analyze) -> int:
    """Index the active catalogue items again (call after ``load_catalogue``); returns entries."""
    new = _catalogue_entries(analyzer)
    _replace(SearchEntry.objects.filter(kind=SearchEntry.Kind.ITEM), new)
    return len(new)


@transaction.atomic
def reindex_document(document: Document, analyzer: Analyzer = analyze) -> int:
    """Index one document's passages again (call after an ingest); returns entries. A
    national document that is not public is never indexed (see the module's docstring)."""
    new = _document_entries(document, analyzer) if document.is_shared else []
    _replace(SearchEntry.objects.filter(kind=SearchEntry.Kind.PASSAGE, document=document.slug), new)
    return len(new)


def _registered(name: str) -> Source:
    source = SOURCES.get(name)
    if source is None:
        raise LookupError(f"no search source {name!r} is registered")
    return source


@transaction.atomic
def index(source: str, searchable: Searchable, analyzer: Analyzer = analyze) -> None:
    """Add or replace the entry of one record of a registered source (call it in the
    transaction that changes the record). Only for what every searcher may read."""
    _registered(source)
    old = SearchEntry.objects.filter(kind=source, key=searchable.key)
    _replace(old, [_source_entry(source, searchable, analyzer)])


@transaction.atomic
def unindex(source: str, key: str) -> int:
    """Remove the entry of one record (deleted, withdrawn, or now restricted); returns how many."""
    _registered(source)
    old = list(SearchEntry.objects.filter(kind=source, key=key))
    _replace(old, [])
    return len(old)


@transaction.atomic
def reindex_source(name: str, analyzer: Analyzer = analyze) -> int:
    """Index everything of one source again; returns entries."""
    new = _everything_of(_registered(name), analyzer)
    _replace(SearchEntry.objects.filter(kind=name), new)
    return len(new)


@transaction.atomic
def rebuild(analyzer: Analyzer = analyze, progress: Callable[[int], None] | None = None) -> int:
    """Drop and rebuild the whole index. ``progress`` is advanced once per item, document
    or registered source."""
    SearchEntry.objects.all().delete()
    SearchTermStat.objects.all().delete()
    entries = _catalogue_entries(analyzer)
    if progress:
        progress(1)
    for document in Document.objects.shared().order_by("slug"):
        entries.extend(_document_entries(document, analyzer))
        if progress:
            progress(1)
    for name in sorted(SOURCES):
        entries.extend(_everything_of(SOURCES[name], analyzer))
        if progress:
            progress(1)
    SearchEntry.objects.bulk_create(entries, batch_size=500)
    _adjust_statistics(*_frequencies(entries))
    refresh_planner_statistics()
    return len(entries)


def refresh_planner_statistics() -> None:
    """After bulk changes, let the database re-estimate the index (PostgreSQL's ANALYZE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE library_searchentry")


def rebuild_steps() -> int:
    return 1 + Document.objects.shared().count() + len(SOURCES)


# --- querying ----------------------------------------------------------------------------


def query_terms(q: str, analyzer: Analyzer = analyze) -> list[str]:
    """The distinct terms of a query, validated. Raises :class:`SearchError`."""
    q = (q or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise SearchError(
            _("The query is too long: at most %(max)d characters, please shorten it.")
            % {"max": MAX_QUERY_LENGTH}
        )
    return list(dict.fromkeys(analyzer(q)))[:MAX_QUERY_TERMS]


def public_only_for(user: Any, token: ApiToken | None = None) -> bool:
    """Whether ``user`` searches the public entries only: the policy does not let them read
    the entries the index holds for the community (visitors, people without a role)."""
    return not policy.can(user, "search.community_entries", token=token)


def _filters(public_only: bool = False, **chosen: str | None) -> tuple[str, list[Any]]:
    # Orphans (an item or passage deleted since) and entries of a source no longer
    # registered are skipped until the next reindex.
    live = "e.item_id IS NOT NULL OR e.passage_id IS NOT NULL"
    sources = sorted(SOURCES)
    if sources:
        live += f" OR e.kind IN ({', '.join(['%s'] * len(sources))})"
    clauses = [f"({live})"]
    params: list[Any] = list(sources)
    if public_only:
        clauses.append("e.public = %s")
        params.append(True)
    columns = {
        "language": "e.language",
        "framework": "e.framework",
        "kind": "e.item_kind",
        "document": "e.document",
        "entry_type": "e.kind",
    }
    for name, column in columns.items():
        value = chosen.get(name)
        if value:
            clauses.append(f"{column} = %s")
            params.append(value)
    if chosen.get("pillar"):
        clauses.append("e.pillars LIKE %s")
        params.append(f"% {chosen['pillar']} %")
    return "".join(f" AND {c}" for c in clauses), params


def _entries_with(term: str, where: str, params: list[Any], dense: bool = False) -> list[tuple]:
    """Entries whose terms contain ``term``, through the database's full-text index.

    ``dense``: the term is in a large share of the entries, so walking the entries in id
    order finds the first ``CANDIDATES_PER_TERM`` of them sooner than listing every match."""
    columns = "e.id, e.terms, e.length, e.item_id, e.passage_id, e.kind, e.key"
    if connection.vendor == "postgresql":
        match = "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"
        if dense:
            sql = (
                f"SELECT {columns} FROM library_searchentry e "  # noqa: S608
                f"WHERE e.terms_vector @@ %s::tsquery{where} ORDER BY e.id LIMIT %s"
            )
        else:
            # The materialized match makes PostgreSQL use the GIN index, whatever its estimates.
            sql = (
                "WITH matched AS MATERIALIZED (SELECT id FROM library_searchentry "  # noqa: S608
                "WHERE terms_vector @@ %s::tsquery) "
                f"SELECT {columns} FROM library_searchentry e JOIN matched m ON m.id = e.id "
                f"WHERE TRUE{where} ORDER BY e.id LIMIT %s"
            )
    else:
        sql = (
            f"SELECT {columns} FROM library_searchentry e WHERE e.id IN ("  # noqa: S608
            "SELECT rowid FROM library_searchentry_fts WHERE library_searchentry_fts MATCH %s)"
            f"{where} ORDER BY e.id LIMIT %s"
        )
        match = '"' + term.replace('"', '""') + '"'
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *params, CANDIDATES_PER_TERM])
        return cursor.fetchall()


def _statistics(terms: list[str], public_only: bool = False) -> tuple[int, float, dict[str, int]]:
    frequency = "public_df" if public_only else "df"
    wanted = SearchTermStat.objects.filter(term__in=[*terms, ENTRIES, LENGTH])
    rows = dict(wanted.values_list("term", frequency))
    entries = rows.pop(ENTRIES, 0)
    length = rows.pop(LENGTH, 0)
    return entries, (length / entries if entries else 0.0), rows


def _unit(item_id: int | None, passage_id: int | None, kind: str, key: str) -> tuple[str, int | str]:
    """What one result stands for: an item (whatever the language), a passage, a record."""
    if item_id:
        return ("item", item_id)
    if passage_id:
        return ("passage", passage_id)
    return (kind, key)


def rank(
    terms: list[str], *, limit: int = 10, public_only: bool = False, **filters: str | None
) -> list[tuple[float, int]]:
    """(score, entry id) of the best ``limit`` results, one per item, passage or record;
    ``public_only``: among the public entries, scored with their own statistics."""
    n, average, df = _statistics(terms, public_only)
    present = sorted((t for t in terms if df.get(t)), key=lambda t: (df[t], t))
    if not present or not average:
        return []
    idf = {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in present}
    bound = [idf[t] * (K1 + 1) for t in present]
    where, params = _filters(public_only, **filters)
    seen: set[int] = set()
    best: dict[tuple[str, int | str], tuple[float, int]] = {}
    for position, term in enumerate(present):
        if df[term] > CANDIDATES_PER_TERM and len(best) >= limit:
            break  # a very common term would only add an arbitrary capped subset: skip it
        dense = df[term] > n * DENSE_SHARE
        for row in _entries_with(term, where, params, dense):
            entry_id, text, length, item_id, passage_id, kind, key = row
            if entry_id in seen:
                continue
            seen.add(entry_id)
            padded = f" {text} "
            norm = K1 * (1 - B + B * length / average)
            score = 0.0
            for t in present:
                tf = padded.count(f" {t} ")
                if tf:
                    score += idf[t] * tf * (K1 + 1) / (tf + norm)
            unit = _unit(item_id, passage_id, kind, key)
            if unit not in best or (-score, entry_id) < (-best[unit][0], best[unit][1]):
                best[unit] = (score, entry_id)
        if len(best) >= limit:
            kth = sorted((s for s, _id in best.values()), reverse=True)[limit - 1]
            if kth > sum(bound[position + 1 :]):
                break
    return sorted(best.values(), key=lambda pair: (-pair[0], pair[1]))[:limit]


def search(
    q: str,
    *,
    language: str | None = None,
    framework: str | None = None,
    pillar: str | None = None,
    kind: str | None = None,
    document: str | None = None,
    entry_type: str | None = None,
    limit: int = 10,
    public_only: bool = False,
    analyzer: Analyzer = analyze,
) -> list[Hit]:
    """Ranked hits for ``q``. Empty or meaningless queries give no hits; a query that is
    too long or a limit out of 1..50 raises :class:`SearchError`. Pages and the API pass
    ``public_only=public_only_for(user)``."""
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchError(_("The number of results must be between 1 and %(max)d.") % {"max": MAX_LIMIT})
    terms = query_terms(q, analyzer)
    if not terms:
        return []
    ranked = rank(
        terms,
        limit=limit,
        language=language,
        framework=framework,
        pillar=pillar,
        kind=kind,
        document=document,
        entry_type=entry_type,
        public_only=public_only,
    )
    rows = SearchEntry.objects.select_related("item", "passage__document").in_bulk([i for _s, i in ranked])
    wanted = set(terms)
    return [_hit(rows[entry_id], score, wanted, analyzer) for score, entry_id in ranked]


def _hit(entry: SearchEntry, score: float, wanted: set[str], analyzer: Analyzer) -> Hit:
    code, slug, locator = None, None, ""
    if entry.kind == SearchEntry.Kind.ITEM:
        code, locator = entry.item.code, entry.item.number
        url = reverse("catalogue:item", args=[code])
    elif entry.kind == SearchEntry.Kind.PASSAGE:
        passage = entry.passage
        slug, locator = passage.document.slug, passage.locator
        url = reverse("library:document", args=[slug]) + f"#p-{passage.order}"
    else:
        url = _registered(entry.kind).url(entry.key)
    return Hit(
        type=entry.kind,
        code=code,
        document=slug,
        locator=locator,
        title=entry.title,
        snippet_html=snippet(entry.text, wanted, analyzer),
        score=round(score, 4),
        url=url,
        language=entry.language,
    )


# Words of the original text, diacritics and tatweel included, so offsets stay exact.
_WORD = re.compile(r"[\w\u0640\u064b-\u065f\u0670]+")


def snippet(text: str, wanted: set[str], analyzer: Analyzer = analyze, words: int = SNIPPET_WORDS) -> str:
    """An HTML excerpt of ``text`` around the densest run of matched words: everything is
    escaped, matched words are wrapped in ``<mark>``."""
    spans = [m.span() for m in _WORD.finditer(text)]
    hits = [i for i, (a, b) in enumerate(spans) if wanted & set(analyzer(normalize(text[a:b])))]
    start = 0
    if hits:
        densest = max(hits, key=lambda i: (sum(1 for j in hits if i <= j < i + words), -i))
        start = max(0, min(densest - 4, len(spans) - words))
    chosen = spans[start : start + words]
    if not chosen:
        return html.escape(text[:300])
    marked = set(hits)
    out = ["… " if start > 0 else ""]
    cursor = chosen[0][0]
    for offset, (a, b) in enumerate(chosen):
        out.append(html.escape(text[cursor:a]))
        word = html.escape(text[a:b])
        out.append(f"<mark>{word}</mark>" if start + offset in marked else word)
        cursor = b
    end = chosen[-1][1]
    if start + words < len(spans):
        out.append(" …")
    else:
        out.append(html.escape(text[end:]))
    return "".join(out)
