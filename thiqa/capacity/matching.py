"""Matching needs and offers, with the reasons shown to the people who read the ranking.

A need and an offer are compared on what they are about, where and how the help is given.
The score is a sum of points; every component that contributes is shown with its points
("Matches because: same pillar Technical; both name A/68/98 32(b); common language Arabic").

Weights (points; docs/architecture.md repeats them):

======================  ======  =====================================================================
component               points  why
======================  ======  =====================================================================
shared catalogue item   30 each  both name the same commitment (e.g. GGE 2013 32(b)): the most
                                 precise sign that the offer answers the need; at most 3 counted
related catalogue item  10 each  the catalogue's crosswalk links an item of one to an item of the
                                 other (GGE 2013 32(b) and GCA 4.8(b)); at most 3 counted
shared GCA pillar       15 each  same area of work (legal, technical...); at most 3 counted
shared kind of support  10 each  the form of help asked for is the one offered (training...); at most 2
shared region           20       the help can be given where it is needed
worldwide region        10       one side names "worldwide": possible, less specific than a region
common language         15       help in a language the recipient works in; without one the match
                                 is still listed, with the gap named
shared words             2 each  words of the titles and descriptions (Arabic and English stems, the
                                 room's generic words left out) that tags may miss; at most 5
======================  ======  =====================================================================

Only postings that share a topic (a catalogue item, a related item or a pillar) are
candidates: region and language alone are no reason to talk. Candidates are current (open and
not past their end date) and come from another participant. Ties are broken by id, so the
order is the same every time.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thiqa.capacity.models import Need, Offer, Posting
from thiqa.capacity.vocabulary import LANGUAGES, WORLDWIDE, SupportKind, language_name, pillars, regions
from thiqa.catalogue.models import Item, Relation
from thiqa.lib.bilingual import join_list
from thiqa.lib.text import analyze

ITEM_POINTS, MAX_ITEMS = 30, 3
RELATED_POINTS, MAX_RELATED = 10, 3
PILLAR_POINTS, MAX_PILLARS = 15, 3
KIND_POINTS, MAX_KINDS = 10, 2
REGION_POINTS = 20
WORLDWIDE_POINTS = 10
LANGUAGE_POINTS = 15
WORD_POINTS, MAX_WORDS = 2, 5
MIN_WORD_LENGTH = 3
WORD = re.compile(r"[^\W_]+")  # a word as written, analysed like the search index analyses it

# Words every posting of this room uses; sharing them says nothing (stemmed like the text).
GENERIC_WORDS = frozenset(
    term
    for word in (
        "capacity capacities building build cyber cybersecurity security national need needs offer "
        "offers support help assistance country countries state states government "
        "القدرات بناء السيبراني الأمن الوطني دعم مساعدة الدول الدولة"
    ).split()
    for term in analyze(word)
)


TOPICS = frozenset({"item", "related_item", "pillar"})


@dataclass(frozen=True)
class Reason:
    """One component of a score: which (``component``), how many points, what it means in
    words, and the codes behind it (for the API)."""

    component: str
    points: int
    text: str
    codes: tuple[str, ...] = ()


@dataclass
class Match:
    posting: Any  # the Offer matched to a need, or the Need matched to an offer
    reasons: list[Reason]
    gaps: list[str] = field(default_factory=list)  # what does not match, said plainly

    @property
    def score(self) -> int:
        return sum(r.points for r in self.reasons)

    @property
    def explanation(self) -> str:
        separator = "؛ " if get_language() == "ar" else "; "
        return _("Matches because: %(reasons)s") % {"reasons": separator.join(r.text for r in self.reasons)}


def offers_for(need: Need, *, today: date | None = None, limit: int | None = None) -> list[Match]:
    """The current offers of other participants that share a topic with ``need``, best first."""
    candidates = Offer.objects.filter(Offer.current_q(today)).exclude(participant_id=need.participant_id)
    return _rank(need, candidates, limit)


def needs_for(offer: Offer, *, today: date | None = None, limit: int | None = None) -> list[Match]:
    """The reverse: current needs of other participants that ``offer`` could answer, best first."""
    candidates = Need.objects.filter(Need.current_q(today)).exclude(participant_id=offer.participant_id)
    return _rank(offer, candidates, limit)


def compare(need: Need, offer: Offer) -> Match:
    """The reasons (possibly none) why ``offer`` matches ``need``, seen from the need."""
    need_items, offer_items = posting_items(need), posting_items(offer)
    related = _related([*need_items, *offer_items])
    return _score(need, offer, need_items, offer_items, related, pillars(), from_need=True)


def _rank(subject: Posting, candidates: QuerySet[Any], limit: int | None) -> list[Match]:
    """Score every candidate in Python: a community has hundreds of postings, not millions, and
    one computation serves SQLite and PostgreSQL alike."""
    from_need = isinstance(subject, Need)
    subject_items = posting_items(subject)
    found = list(candidates.select_related("participant").prefetch_related("items__citations").order_by("pk"))
    related = _related([*subject_items, *(i for c in found for i in c.items.all())])
    names = pillars()
    matches = []
    for candidate in found:
        theirs = list(candidate.items.all())
        if from_need:
            match = _score(subject, candidate, subject_items, theirs, related, names, from_need=True)
        else:
            match = _score(candidate, subject, theirs, subject_items, related, names, from_need=False)
        if any(r.component in TOPICS for r in match.reasons):
            matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.posting.pk))
    return matches[:limit] if limit else matches


def _score(
    need: Any,
    offer: Any,
    need_items: list[Item],
    offer_items: list[Item],
    related: set[tuple[int, int]],
    pillar_names: dict[str, str],
    *,
    from_need: bool,
) -> Match:
    """The reasons ``need`` and ``offer`` match, worded for the reader of the need (or of the
    offer when not ``from_need``)."""
    subject, other = (need, offer) if from_need else (offer, need)
    gaps: list[str] = []
    reasons = [
        *_shared_items(need_items, offer_items),
        *_related_items(need_items, offer_items, related),
        *_shared_pillars(need, offer, pillar_names),
        *_shared_kinds(need, offer),
        *_region(need, offer, gaps),
        *_language(need, offer, gaps, from_need),
        *_words(subject, other),
    ]
    return Match(other, reasons, gaps)


def _shared_items(need_items: list[Item], offer_items: list[Item]) -> list[Reason]:
    offered = {i.pk for i in offer_items}
    shared = [i for i in need_items if i.pk in offered][:MAX_ITEMS]
    if not shared:
        return []
    text = _("both name %(items)s") % {"items": join_list([item_label(i) for i in shared])}
    return [Reason("item", ITEM_POINTS * len(shared), text, tuple(i.code for i in shared))]


def _related_items(
    need_items: list[Item], offer_items: list[Item], related: set[tuple[int, int]]
) -> list[Reason]:
    shared = {i.pk for i in need_items} & {i.pk for i in offer_items}
    pairs = [
        (a, b)
        for a in need_items
        for b in offer_items
        if (a.pk, b.pk) in related and a.pk not in shared and b.pk not in shared
    ][:MAX_RELATED]
    if not pairs:
        return []
    text = _("related in the catalogue: %(pairs)s") % {
        "pairs": join_list([f"{item_label(a)} ~ {item_label(b)}" for a, b in pairs])
    }
    codes = tuple(f"{a.code}~{b.code}" for a, b in pairs)
    return [Reason("related_item", RELATED_POINTS * len(pairs), text, codes)]


def _shared_pillars(need: Any, offer: Any, names: dict[str, str]) -> list[Reason]:
    shared = [code for code in names if code in need.pillars and code in offer.pillars][:MAX_PILLARS]
    if not shared:
        return []
    text = (_("same pillar %(pillars)s") if len(shared) == 1 else _("same pillars %(pillars)s")) % {
        "pillars": join_list([names[c] for c in shared])
    }
    return [Reason("pillar", PILLAR_POINTS * len(shared), text, tuple(shared))]


def _shared_kinds(need: Any, offer: Any) -> list[Reason]:
    shared = [k for k in SupportKind if k.value in need.kinds and k.value in offer.kinds][:MAX_KINDS]
    if not shared:
        return []
    text = _("support asked and offered: %(kinds)s") % {"kinds": join_list([str(k.label) for k in shared])}
    return [Reason("kind", KIND_POINTS * len(shared), text, tuple(k.value for k in shared))]


def _region(need: Any, offer: Any, gaps: list[str]) -> list[Reason]:
    known = regions()
    shared = [code for code in known if code != WORLDWIDE and code in need.regions and code in offer.regions]
    if shared:
        text = _("both in %(regions)s") % {"regions": join_list([known[c].label for c in shared])}
        return [Reason("region", REGION_POINTS, text, tuple(shared))]
    if WORLDWIDE in offer.regions:
        return [Reason("region", WORLDWIDE_POINTS, _("offered worldwide"), (WORLDWIDE,))]
    if WORLDWIDE in need.regions:
        return [Reason("region", WORLDWIDE_POINTS, _("needed in any region"), (WORLDWIDE,))]
    gaps.append(_("not offered in the region of the need"))
    return []


def _language(need: Any, offer: Any, gaps: list[str], from_need: bool) -> list[Reason]:
    shared = [code for code in LANGUAGES if code in need.languages and code in offer.languages]
    if not shared:
        gaps.append(_("no common language"))
        return []
    names = join_list([language_name(c) for c in shared])
    text = (_("offered in %(languages)s") if from_need else _("needed in %(languages)s")) % {
        "languages": names
    }
    return [Reason("language", LANGUAGE_POINTS, text, tuple(shared))]


def _words(subject: Posting, other: Posting) -> list[Reason]:
    """Words both texts use, shown as the subject's text writes them."""
    theirs = set(other.search_terms.split())
    shown: dict[str, str] = {}
    for word in WORD.findall(f"{subject.title} {subject.description}"):
        term = next(iter(analyze(word)), None)
        if term and len(word) >= MIN_WORD_LENGTH and term in theirs and term not in GENERIC_WORDS:
            shown.setdefault(term, word)
    words = list(shown.values())[:MAX_WORDS]
    if not words:
        return []
    text = _("words in common: %(words)s") % {"words": join_list(words)}
    return [Reason("words", WORD_POINTS * len(words), text, tuple(words))]


def weights() -> dict[str, int]:
    """The points of each component, for the pages that explain the ranking."""
    return {
        "item": ITEM_POINTS,
        "related_item": RELATED_POINTS,
        "pillar": PILLAR_POINTS,
        "kind": KIND_POINTS,
        "region": REGION_POINTS,
        "worldwide": WORLDWIDE_POINTS,
        "language": LANGUAGE_POINTS,
        "word": WORD_POINTS,
    }


def item_label(item: Item) -> str:
    """A catalogue item as diplomats cite it: its document's symbol and its number
    ("A/68/98 32(b)"), or its code when it has no citation."""
    citation = next(iter(item.citations.all()), None)
    return f"{citation.document_symbol} {item.number}" if citation else item.code


def posting_items(posting: Posting) -> list[Item]:
    """The catalogue items a need or an offer names, with their citations, in catalogue order."""
    return list(posting.items.prefetch_related("citations").order_by("framework__order", "order"))


def _related(items: Iterable[Item]) -> set[tuple[int, int]]:
    """Crosswalk relations among the given items, in both directions."""
    ids = {i.pk for i in items}
    pairs = Relation.objects.filter(source_id__in=ids, target_id__in=ids)
    return {p for a, b in pairs.values_list("source_id", "target_id") for p in ((a, b), (b, a))}
