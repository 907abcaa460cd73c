"""What the glossary pages list: concepts and national terms a person may read, filtered and
searched (``lib/wordsearch``, always within ``visible_to``), and a concept's terms side by
side per language and per State, with where their definitions diverge.

Divergence is measured on the analysed words of the definitions (``lib/text.analyze``: Arabic
normalization and stemming, English stemming): the share of words two definitions have in
common (Jaccard). A national definition is compared with the consensus definition in its
language where there is one (Arabic, English), otherwise with the other national definitions
in its language; below ``DIVERGENT`` it is marked as diverging.
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Q

from thiqa.accounts import policy
from thiqa.accounts.models import User
from thiqa.glossary.models import Concept, GlossaryTerm
from thiqa.lib import wordsearch
from thiqa.lib.languages import language_name
from thiqa.lib.text import analyze

DIVERGENT = 0.2


@dataclass
class TermFilters:
    q: str = ""
    participant: str = ""  # participant code
    language: str = ""
    status: str = ""
    concept: str = ""  # concept slug, or "none" for terms not grouped yet


def concepts(user: User, q: str = "", status: str = "") -> list[Concept]:
    """The concepts ``user`` may read, by English name; searched and filtered."""
    found = Concept.objects.visible_to(user)
    if status:
        found = found.filter(status=status)
    if q:
        found = wordsearch.search(found, q)
    return list(found.order_by("name_en", "pk"))


def terms(user: User, filters: TermFilters) -> list[GlossaryTerm]:
    """The national terms ``user`` may read, filtered and searched."""
    found = GlossaryTerm.objects.visible_to(user).select_related("participant", "concept")
    if filters.participant:
        found = found.filter(participant__code__iexact=filters.participant)
    if filters.language:
        found = found.filter(language=filters.language)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.concept == "none":
        found = found.filter(concept__isnull=True)
    elif filters.concept:
        found = found.filter(concept__slug=filters.concept)
    if filters.q:
        found = wordsearch.search(found, filters.q)
    return list(found)


def readable_concept(user: User, term: GlossaryTerm) -> Concept | None:
    """The concept ``term`` is grouped into, if ``user`` may read it: a public term may be
    grouped into a concept still under discussion, which only the community reads, so its
    page and the API name the concept to those only (as the exports do)."""
    concept = term.concept
    return concept if concept is not None and policy.can(user, "glossary.view_concept", concept) else None


def similarity(a: str, b: str) -> float:
    """The share of analysed words two texts have in common (0 to 1)."""
    first, second = set(analyze(a)), set(analyze(b))
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


@dataclass
class Row:
    term: GlossaryTerm
    agreement: float | None  # None when there is nothing in its language to compare with
    compared_with_consensus: bool

    @property
    def percent(self) -> int | None:
        return None if self.agreement is None else round(self.agreement * 100)

    @property
    def diverges(self) -> bool:
        return self.agreement is not None and self.agreement < DIVERGENT


@dataclass
class LanguageBlock:
    language: str
    consensus: str
    rows: list[Row] = field(default_factory=list)

    @property
    def name(self) -> str:
        return language_name(self.language)

    @property
    def words(self) -> list[str]:
        """The different terms States use in this language."""
        return list(dict.fromkeys(row.term.term for row in self.rows))

    @property
    def diverging(self) -> int:
        return sum(1 for row in self.rows if row.diverges)


def side_by_side(concept: Concept, user: User) -> list[LanguageBlock]:
    """The concept's national terms that ``user`` may read, per language (Arabic and English
    first), per State within each, with their agreement."""
    readable = GlossaryTerm.objects.visible_to(user).filter(concept=concept).submitted()
    found = sorted(
        readable.select_related("participant"),
        key=lambda t: (_language_order(t.language), t.participant.name_en, t.term),
    )
    consensus = {"en": concept.definition_en, "ar": concept.definition_ar}
    blocks = []
    for language, group in groupby(found, key=lambda t: t.language):
        members = list(group)
        block = LanguageBlock(language=language, consensus=consensus.get(language, ""))
        for term in members:
            block.rows.append(_row(term, block.consensus, members))
        blocks.append(block)
    return blocks


def _language_order(code: str) -> tuple[int, str]:
    return ({"ar": 0, "en": 1}.get(code, 2), code)


def _row(term: GlossaryTerm, consensus: str, members: list[GlossaryTerm]) -> Row:
    if consensus:
        return Row(term, similarity(term.definition, consensus), True)
    others = [similarity(term.definition, o.definition) for o in members if o.pk != term.pk]
    return Row(term, sum(others) / len(others) if others else None, False)


def ungrouped_submitted(user: User) -> list[GlossaryTerm]:
    """Submitted terms in no concept yet, which the secretariat may group."""
    found = GlossaryTerm.objects.visible_to(user).submitted().filter(Q(concept__isnull=True))
    return list(found.select_related("participant"))
