"""API of the glossary: concepts and national terms the caller may read, submitting and
withdrawing national terms, the secretariat's concepts (create, change, group terms), comments,
and the TBX and CSV exports. Bad input answers 422 with every problem named."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from thiqa.accounts import policy
from thiqa.accounts.api_auth import open_to_visitors
from thiqa.accounts.models import Participant
from thiqa.accounts.services import InvalidInput
from thiqa.glossary import exchange, listing, services
from thiqa.glossary.models import Concept, GlossaryTerm
from thiqa.lib import wordsearch

router = Router(tags=["glossary"])

# The reading endpoints whose pages visitors read (``catalogue.access.readable``): the same
# visitors, in an open deployment only. The list of terms is, like its page, for signed-in
# people; writes need a token or a session.
VISITORS = open_to_visitors("glossary.view")


class TermIn(Schema):
    participant: str = Field("", description="participant code (when creating)")
    term: str
    language: str = Field(description="ISO 639-1 code: ar, en, fr, ru, es, zh...")
    definition: str
    source_kind: str = Field(description="law, strategy, cert, standard or other")
    source_title: str
    source_url: str = ""
    source_document: str = Field("", description="slug of a library document")
    source_locator: str = ""
    dated: str = Field(description="date of the source, YYYY-MM-DD")
    catalogue_items: list[str] = []
    audience: str = Field("secretariat", description="secretariat, community, chosen or public")
    audience_participants: list[str] = Field([], description="participant codes, for 'chosen'")


class TermOut(Schema):
    id: int
    participant: str
    term: str
    language: str
    definition: str
    source_kind: str
    source_title: str
    source_url: str
    source_document: str
    source_locator: str
    dated: date
    catalogue_items: list[str]
    status: str
    audience: str
    audience_participants: list[str]
    concept: str | None
    submitted_at: datetime | None
    updated_at: datetime
    url: str


class TermFilters(Schema):
    participant: str = Field("", max_length=40)
    language: str = Field("", max_length=8)
    status: str = Field("", max_length=12)
    concept: str = Field("", max_length=80)
    q: str = Field("", max_length=10_000)


class ConceptIn(Schema):
    slug: str
    name_en: str
    name_ar: str
    definition_en: str = ""
    definition_ar: str = ""
    status: str = "proposed"
    catalogue_items: list[str] = []


class RowOut(Schema):
    term: TermOut
    agreement: float | None
    diverges: bool


class LanguageOut(Schema):
    language: str
    consensus: str
    terms: list[str]
    rows: list[RowOut]


class ConceptOut(Schema):
    id: int
    slug: str
    name_en: str
    name_ar: str
    definition_en: str
    definition_ar: str
    status: str
    catalogue_items: list[str]
    agreed_at: datetime | None
    url: str


class ConceptDetailOut(ConceptOut):
    languages: list[LanguageOut]


class GroupIn(Schema):
    terms: list[int]


class CommentIn(Schema):
    participant: str
    text: str


class CommentOut(Schema):
    id: int
    participant: str
    text: str
    created_at: datetime


def _term_out(term: GlossaryTerm, user: Any) -> dict[str, Any]:
    """A term as ``user`` reads it: its concept only if ``user`` may read that too."""
    values = services.snapshot(term)
    concept = listing.readable_concept(user, term)
    return {
        **values,
        "id": term.pk,
        "participant": term.participant.code,
        "dated": term.dated,
        "catalogue_items": values["items"],
        "concept": concept.slug if concept else None,
        "submitted_at": term.submitted_at,
        "updated_at": term.updated_at,
        "url": reverse("glossary:term", args=[term.pk]),
    }


def _concept_out(concept: Concept) -> dict[str, Any]:
    names = ("slug", "name_en", "name_ar", "definition_en", "definition_ar", "status", "agreed_at")
    return {
        "id": concept.pk,
        **{name: getattr(concept, name) for name in names},
        "catalogue_items": sorted(i.code for i in concept.items.all()),
        "url": reverse("glossary:concept", args=[concept.pk]),
    }


def _participant(code: str, name: str = "participant") -> Participant:
    found = Participant.objects.filter(code__iexact=code.strip(), is_active=True).first() if code else None
    if found is None:
        raise InvalidInput({name: [_("Unknown participant: %(code)s.") % {"code": code[:40]}]})
    return found


def _draft(payload: TermIn) -> services.TermDraft:
    chosen = [_participant(code, "audience_participants") for code in payload.audience_participants]
    return services.TermDraft(
        term=payload.term,
        language=payload.language,
        definition=payload.definition,
        source_kind=payload.source_kind,
        source_title=payload.source_title,
        source_url=payload.source_url,
        source_document=payload.source_document,
        source_locator=payload.source_locator,
        dated=payload.dated,
        items=payload.catalogue_items,
        audience=payload.audience,
        audience_participants=chosen,
    )


def _concept_draft(payload: ConceptIn) -> services.ConceptDraft:
    return services.ConceptDraft(
        slug=payload.slug,
        name_en=payload.name_en,
        name_ar=payload.name_ar,
        definition_en=payload.definition_en,
        definition_ar=payload.definition_ar,
        status=payload.status,
        items=payload.catalogue_items,
    )


def _readable_term(request: HttpRequest, term_id: int) -> GlossaryTerm:
    term = get_object_or_404(GlossaryTerm.objects.select_related("participant", "concept"), pk=term_id)
    policy.require_request(request, "glossary.view_term", term)
    return term


def _readable_concept(request: HttpRequest, concept_id: int) -> Concept:
    concept = get_object_or_404(Concept, pk=concept_id)
    policy.require_request(request, "glossary.view_concept", concept)
    return concept


@router.get("/concepts", response=list[ConceptOut], auth=VISITORS)
def concepts(request: HttpRequest, q: str = "", status: str = "") -> list[dict[str, Any]]:
    """The concepts the caller may read (agreed ones, and all of them for the community)."""
    policy.require_request(request, "glossary.view")
    try:
        found = listing.concepts(request.user, q.strip(), status)
    except wordsearch.QueryError as exc:
        raise HttpError(400, str(exc)) from None
    return [_concept_out(c) for c in found]


@router.post("/concepts", response={201: ConceptOut})
def create_concept(request: HttpRequest, payload: ConceptIn) -> Status:
    """Create a concept (the secretariat, a read-write token)."""
    policy.require_request(request, "glossary.manage")
    return Status(
        201, _concept_out(services.create_concept(request.user, _concept_draft(payload), request=request))
    )


@router.get("/concepts/{concept_id}", response=ConceptDetailOut, auth=VISITORS)
def concept(request: HttpRequest, concept_id: int) -> dict[str, Any]:
    """A concept with the national terms the caller may read, per language, and their
    agreement with the proposed definition."""
    found = _readable_concept(request, concept_id)
    blocks = listing.side_by_side(found, request.user)
    languages = [
        {
            "language": block.language,
            "consensus": block.consensus,
            "terms": block.words,
            "rows": [
                {
                    "term": _term_out(row.term, request.user),
                    "agreement": row.agreement,
                    "diverges": row.diverges,
                }
                for row in block.rows
            ],
        }
        for block in blocks
    ]
    return {**_concept_out(found), "languages": languages}


@router.put("/concepts/{concept_id}", response=ConceptOut)
def change_concept(request: HttpRequest, concept_id: int, payload: ConceptIn) -> dict[str, Any]:
    found = _readable_concept(request, concept_id)
    policy.require_request(request, "glossary.manage")
    return _concept_out(
        services.update_concept(request.user, found, _concept_draft(payload), request=request)
    )


@router.post("/concepts/{concept_id}/terms", response=ConceptOut)
def group(request: HttpRequest, concept_id: int, payload: GroupIn) -> dict[str, Any]:
    """Group submitted national terms into the concept (the secretariat)."""
    found = _readable_concept(request, concept_id)
    policy.require_request(request, "glossary.manage")
    chosen = list(GlossaryTerm.objects.visible_to(request.user).filter(pk__in=payload.terms))
    if len(chosen) != len(set(payload.terms)):
        raise HttpError(404, _("Some of these terms do not exist or are not readable."))
    services.group(request.user, found, chosen, request=request)
    return _concept_out(found)


@router.post("/concepts/{concept_id}/comments", response={201: CommentOut})
def comment(request: HttpRequest, concept_id: int, payload: CommentIn) -> Status:
    found = _readable_concept(request, concept_id)
    policy.require_request(request, "glossary.comment", found)
    made = services.comment(
        request.user, found, _participant(payload.participant), payload.text, request=request
    )
    return Status(
        201,
        {
            "id": made.pk,
            "participant": made.participant.code,
            "text": made.text,
            "created_at": made.created_at,
        },
    )


@router.get("/terms", response=list[TermOut])
def terms(request: HttpRequest, filters: Query[TermFilters]) -> list[dict[str, Any]]:
    """The national terms the caller may read; filter by participant, language, status, concept."""
    policy.require_request(request, "glossary.view")
    chosen = listing.TermFilters(
        q=filters.q.strip(),
        participant=filters.participant,
        language=filters.language,
        status=filters.status,
        concept=filters.concept,
    )
    try:
        found = listing.terms(request.user, chosen)
    except wordsearch.QueryError as exc:
        raise HttpError(400, str(exc)) from None
    return [_term_out(t, request.user) for t in found[:2000]]


@router.post("/terms", response={201: TermOut})
def create(request: HttpRequest, payload: TermIn) -> Status:
    """Record a draft national term for a participant the caller writes for."""
    participant = _participant(payload.participant)
    policy.require_request(request, "glossary.submit", participant)
    return Status(
        201,
        _term_out(services.create(request.user, participant, _draft(payload), request=request), request.user),
    )


@router.get("/terms/{term_id}", response=TermOut, auth=VISITORS)
def term(request: HttpRequest, term_id: int) -> dict[str, Any]:
    return _term_out(_readable_term(request, term_id), request.user)


@router.put("/terms/{term_id}", response=TermOut)
def change(request: HttpRequest, term_id: int, payload: TermIn) -> dict[str, Any]:
    """Change a draft or withdrawn term (it becomes a draft); a submitted one is refused."""
    found = _readable_term(request, term_id)
    policy.require_request(request, "glossary.edit_term", found)
    return _term_out(services.update(request.user, found, _draft(payload), request=request), request.user)


@router.post("/terms/{term_id}/submit", response=TermOut)
def submit(request: HttpRequest, term_id: int) -> dict[str, Any]:
    found = _readable_term(request, term_id)
    policy.require_request(request, "glossary.edit_term", found)
    return _term_out(services.submit(request.user, found, request=request), request.user)


@router.post("/terms/{term_id}/withdraw", response=TermOut)
def withdraw(request: HttpRequest, term_id: int) -> dict[str, Any]:
    found = _readable_term(request, term_id)
    policy.require_request(request, "glossary.edit_term", found)
    return _term_out(services.withdraw(request.user, found, request=request), request.user)


@router.get("/export", response={200: None}, auth=open_to_visitors("glossary.export"))
def export(request: HttpRequest, format: str = "tbx") -> HttpResponse:
    """What the caller may read as TBX (ISO 30042) or CSV (``format=csv``)."""
    policy.require_request(request, "glossary.export")
    if format not in ("tbx", "csv"):
        raise HttpError(400, _("The format is tbx or csv."))
    if format == "csv":
        return HttpResponse(
            exchange.export_csv(request.user).encode(), content_type="text/csv; charset=utf-8"
        )
    return HttpResponse(exchange.export_tbx(request.user), content_type="application/x-tbx+xml")
