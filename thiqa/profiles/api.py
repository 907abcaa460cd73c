"""API: national profiles, national documents and national positions (``/api/v1/profiles``).
Everything is read as the caller may see it; writes (recording, changing, withdrawing) go
through the services."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from thiqa.accounts import policy
from thiqa.accounts.api_auth import open_to_visitors
from thiqa.accounts.models import Participant
from thiqa.catalogue.models import Item
from thiqa.glossary import listing as glossary
from thiqa.glossary.models import GlossaryTerm
from thiqa.profiles import services, standing
from thiqa.profiles.models import NationalDocument, Position

router = Router(tags=["profiles"])

# Every reading endpoint, like the profiles' pages (``catalogue.access.readable``), is open to
# visitors in an open deployment and shows them what the page does: public records only.
# Writes need a token or a session. (Set on each endpoint, not on the router, which shares
# its mount point with others.)
VISITORS = open_to_visitors("profiles.view")


class ProfileParticipantOut(Schema):
    code: str
    name_en: str
    name_ar: str
    kind: str


class SharingIn(Schema):
    issued_on: date | None = None
    language: str
    audience: str
    shared_with: list[str] = []
    items: list[str] = []

    def sharing(self) -> services.Sharing:
        return services.Sharing(self.issued_on, self.language, self.audience, self.shared_with, self.items)


class DocumentIn(SharingIn):
    kind: str
    title_en: str = ""
    title_ar: str = ""


class PositionIn(SharingIn):
    subject: str
    title: str
    text: str


class WithdrawIn(Schema):
    reason: str


class ProfileDocumentOut(Schema):
    slug: str
    participant: str
    kind: str
    title_en: str
    title_ar: str
    issued_on: date | None
    language: str
    audience: str
    items: list[str]
    passages: int


class PositionOut(Schema):
    id: int
    participant: str
    subject: str
    title: str
    text: str
    document: str | None
    stated_on: date
    language: str
    audience: str
    items: list[str]


class ProfileTermOut(Schema):
    id: int
    term: str
    language: str
    definition: str
    audience: str
    concept: int | None


class ProfileStandingOut(Schema):
    instrument: str
    cycle: int
    response: int
    value: float | None
    tier: str | None
    trend: list[dict[str, Any]]


class CoverageOut(Schema):
    contacts: int
    by_role: dict[str, int]
    always_available: int
    with_key: int
    complete: bool
    due_on: date | None


class ProfileOut(Schema):
    participant: ProfileParticipantOut
    submissions: list[ProfileStandingOut]
    documents: list[ProfileDocumentOut]
    positions: list[PositionOut]
    cirt: str | None
    coverage: CoverageOut | None
    partnerships: list[int]
    activities: list[int]
    terms: list[ProfileTermOut]


def _document_out(national: NationalDocument) -> dict[str, Any]:
    d = national.document
    return {
        "slug": d.slug,
        "participant": d.owner.code,
        "kind": d.kind,
        "title_en": d.title_en,
        "title_ar": d.title_ar,
        "issued_on": d.issued_on,
        "language": d.language,
        "audience": d.audience,
        "items": [i.code for i in national.items.all()],
        "passages": d.passages.count(),
    }


def _position_out(position: Position) -> dict[str, Any]:
    return {
        "id": position.pk,
        "participant": position.owner.code,
        "subject": position.subject,
        "title": position.title,
        "text": position.text,
        "document": position.document.slug if position.document else None,
        "stated_on": position.stated_on,
        "language": position.language,
        "audience": position.audience,
        "items": [i.code for i in position.items.all()],
    }


def _term_out(term: GlossaryTerm, user: Any) -> dict[str, Any]:
    concept = glossary.readable_concept(user, term)  # a public term's concept may be the community's
    return {
        "id": term.pk,
        "term": term.term,
        "language": term.language,
        "definition": term.definition,
        "audience": term.audience,
        "concept": concept.pk if concept else None,
    }


def _standing_out(found: standing.Standing) -> dict[str, Any]:
    return {
        "instrument": found.instrument.code,
        "cycle": found.response.cycle_id,
        "response": found.response.pk,
        "value": found.value,
        "tier": found.score.tier.code if found.score else None,
        "trend": [{"cycle": p.cycle.pk, "period": p.cycle.period, "value": p.value} for p in found.trend],
    }


def _participant(request: HttpRequest, code: str) -> Participant:
    found = get_object_or_404(Participant, code=code, is_active=True)
    policy.require_request(request, "profiles.view", found)
    return found


@router.get("/profiles", response=list[ProfileParticipantOut], auth=VISITORS)
@paginate(PageNumberPagination)
def profiles(request: HttpRequest):
    policy.require_request(request, "profiles.view")
    return standing.participants()


@router.get("/profiles/{code}", response=ProfileOut, auth=VISITORS)
def profile(request: HttpRequest, code: str) -> dict[str, Any]:
    shown = standing.profile(request.user, _participant(request, code))
    coverage = shown.coverage
    return {
        "participant": shown.participant,
        "submissions": [_standing_out(s) for s in shown.standings],
        "documents": [_document_out(n) for n in shown.documents],
        "positions": [_position_out(p) for p in shown.positions],
        "cirt": shown.cirt.status if shown.cirt else None,
        "coverage": {**vars(coverage), "complete": coverage.complete} if coverage else None,
        "partnerships": [a.pk for a in shown.partnerships],
        "activities": [a.pk for a in shown.activities],
        "terms": [_term_out(t, request.user) for t in shown.terms],
    }


@router.get("/profiles/{code}/documents", response=list[ProfileDocumentOut], auth=VISITORS)
def documents(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    participant = _participant(request, code)
    found = standing.national_documents(request.user).filter(document__owner=participant)
    return [_document_out(n) for n in found.prefetch_related("items")]


@router.post("/profiles/{code}/documents", response={201: ProfileDocumentOut})
def add_document(
    request: HttpRequest, code: str, payload: Form[DocumentIn], file: File[UploadedFile]
) -> Status:
    participant = _participant(request, code)
    policy.require_request(request, "profiles.add_document", participant)
    draft = services.DocumentDraft(payload.kind, payload.title_en, payload.title_ar, payload.sharing())
    national = services.add_document(request.user, participant, file, draft, request=request)
    return Status(201, _document_out(national))


@router.get("/profiles/documents/{slug}", response=ProfileDocumentOut, auth=VISITORS)
def document(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _document_out(_national(request, slug))


@router.get("/profiles/{code}/positions", response=list[PositionOut], auth=VISITORS)
def positions(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    participant = _participant(request, code)
    found = Position.objects.visible_to(request.user).filter(owner=participant)
    return [_position_out(p) for p in found.select_related("owner", "document").prefetch_related("items")]


@router.post("/profiles/{code}/positions", response={201: PositionOut})
def record_position(request: HttpRequest, code: str, payload: PositionIn) -> Status:
    participant = _participant(request, code)
    policy.require_request(request, "profiles.record_position", participant)
    draft = services.PositionDraft(payload.subject, payload.title, payload.text, payload.sharing())
    return Status(
        201, _position_out(services.record_position(request.user, participant, draft, request=request))
    )


@router.get("/profiles/items/{code}/positions", response=list[PositionOut], auth=VISITORS)
def item_positions(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    policy.require_request(request, "profiles.view")
    positions, _documents = standing.on_item(request.user, get_object_or_404(Item, code=code, is_active=True))
    return [_position_out(p) for p in positions]


def _national(request: HttpRequest, slug: str) -> NationalDocument:
    found = get_object_or_404(NationalDocument.objects.select_related("document__owner"), document__slug=slug)
    policy.require_request(request, "library.view_document", found.document)
    return found


def _position(request: HttpRequest, position_id: int) -> Position:
    found = get_object_or_404(Position.objects.select_related("owner", "document"), pk=position_id)
    policy.require_request(request, "profiles.view_position", found)
    return found


@router.put("/profiles/documents/{slug}", response=ProfileDocumentOut)
def edit_document(request: HttpRequest, slug: str, payload: DocumentIn) -> dict[str, Any]:
    """Change a national document's facts (its file stays); an audited change."""
    national = _national(request, slug)
    policy.require_request(request, "profiles.edit_document", national.document)
    draft = services.DocumentDraft(payload.kind, payload.title_en, payload.title_ar, payload.sharing())
    return _document_out(services.edit_document(request.user, national, draft, request=request))


@router.post("/profiles/documents/{slug}/withdraw", response={204: None})
def withdraw_document(request: HttpRequest, slug: str, payload: WithdrawIn) -> Status:
    national = _national(request, slug)
    policy.require_request(request, "profiles.withdraw_document", national.document)
    services.withdraw_document(request.user, national, payload.reason, request=request)
    return Status(204, None)


@router.put("/profiles/positions/{position_id}", response=PositionOut)
def edit_position(request: HttpRequest, position_id: int, payload: PositionIn) -> dict[str, Any]:
    """Change a national position (its document, if any, follows); an audited change."""
    found = _position(request, position_id)
    policy.require_request(request, "profiles.edit_position", found)
    draft = services.PositionDraft(payload.subject, payload.title, payload.text, payload.sharing())
    return _position_out(services.edit_position(request.user, found, draft, request=request))


@router.post("/profiles/positions/{position_id}/withdraw", response={204: None})
def withdraw_position(request: HttpRequest, position_id: int, payload: WithdrawIn) -> Status:
    found = _position(request, position_id)
    policy.require_request(request, "profiles.withdraw_position", found)
    services.withdraw_position(request.user, found, payload.reason, request=request)
    return Status(204, None)
