"""How the glossary is found: the words of a concept and of a national term, for the room's
own search among what a person may read, and the entries the shared search index holds.

Only public content enters the shared index (the library's search, used by /search/ and
/api/v1/search): agreed concepts, and national terms submitted to the public. The index's
statistics shape every score, so a term submitted to the secretariat or to chosen
participants indexed there would leak through the order and the scores of other results.
Everything else is found on the glossary's pages, among what the person may read
(``listing.search``, through ``lib/wordsearch``).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from thiqa.glossary.models import Audience, Concept, GlossaryTerm
from thiqa.lib.text import is_arabic, tokenize
from thiqa.lib.wordsearch import stored_terms
from thiqa.library import search

CONCEPT_SOURCE = "glossary_concept"
TERM_SOURCE = "glossary_term"


def concept_terms(concept: Concept) -> str:
    """The ``search_terms`` of a concept: its names and consensus definitions."""
    return stored_terms(
        concept.slug, concept.name_en, concept.name_ar, concept.definition_en, concept.definition_ar
    )


def _term_names(term: GlossaryTerm) -> str:
    """Words a searcher may use that the term and definition do not hold."""
    parts = [term.source_title, term.participant.code, term.participant.name_en, term.participant.name_ar]
    if term.concept_id:
        parts += [term.concept.name_en, term.concept.name_ar]
    return " ".join(p for p in parts if p)


def term_terms(term: GlossaryTerm) -> str:
    """The ``search_terms`` of a national term."""
    return stored_terms(term.term, term.definition, _term_names(term))


def _concept_searchable(concept: Concept) -> search.Searchable:
    return search.Searchable(
        key=str(concept.pk),
        title=f"{concept.name_en} · {concept.name_ar}",
        text=f"{concept.definition_en}\n{concept.definition_ar}".strip() or concept.name_en,
        language="en",
        extra=concept.slug,
    )


def _language(term: GlossaryTerm) -> str:
    tokens = tokenize(f"{term.term} {term.definition}")
    arabic = sum(1 for t in tokens if is_arabic(t))
    return "ar" if arabic * 2 > len(tokens) else "en"


def _term_searchable(term: GlossaryTerm) -> search.Searchable:
    return search.Searchable(
        key=str(term.pk),
        title=f"{term.term} ({term.participant.code})",
        text=term.definition,
        language=_language(term),
        extra=_term_names(term),
    )


def refresh_concept(concept: Concept) -> None:
    """In the shared index when agreed, out of it otherwise."""
    if concept.is_agreed:
        search.index(CONCEPT_SOURCE, _concept_searchable(concept))
    else:
        search.unindex(CONCEPT_SOURCE, str(concept.pk))


def refresh_term(term: GlossaryTerm) -> None:
    """In the shared index when submitted to the public, out of it otherwise."""
    if term.is_public:
        search.index(TERM_SOURCE, _term_searchable(term))
    else:
        search.unindex(TERM_SOURCE, str(term.pk))


def _agreed() -> list[search.Searchable]:
    return [_concept_searchable(c) for c in Concept.objects.filter(status=Concept.Status.AGREED)]


def _public() -> list[search.Searchable]:
    public = GlossaryTerm.objects.submitted().filter(audience=Audience.PUBLIC)
    return [_term_searchable(t) for t in public.select_related("participant", "concept")]


def _concept_url(key: str) -> str:
    return reverse("glossary:concept", args=[int(key)])


def _term_url(key: str) -> str:
    return reverse("glossary:term", args=[int(key)])


def register() -> None:
    """Called from ``GlossaryConfig.ready``."""
    search.register_source(
        search.Source(name=CONCEPT_SOURCE, label=_("Glossary concept"), url=_concept_url, everything=_agreed)
    )
    search.register_source(
        search.Source(name=TERM_SOURCE, label=_("National term"), url=_term_url, everything=_public)
    )
