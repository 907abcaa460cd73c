"""API of the capacity room: the vocabulary, needs and offers (list, read, post), their
matches with the reasons, requests to engage, their answers, their course and evaluations, the
figures of completed engagements, the project registry (list, read; record and change for the
secretariat), national CIRT statuses.

Bad input raises ``services.InvalidCapacityInput``, which the API answers with 422 and every
field's problem (RFC 9457 problem details with ``errors``); a request to engage that can no
longer change is answered with 409."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.services import ServiceError
from thiqa.capacity import listing, matching, services
from thiqa.capacity.models import CirtStatus, Engagement, Need, Offer, Posting, Project
from thiqa.capacity.vocabulary import LANGUAGES, SupportKind, language_name, region_of, regions
from thiqa.catalogue.models import Term

router = Router(tags=["capacity"])


# --- schemas ----------------------------------------------------------------------------------------


class VocabularyTermOut(Schema):
    code: str
    en: str
    ar: str


class VocabularyOut(Schema):
    pillars: list[VocabularyTermOut]
    regions: list[VocabularyTermOut]
    languages: list[VocabularyTermOut]
    kinds: list[VocabularyTermOut]


class PostingIn(Schema):
    participant: str | None = None  # the code; may be left out by those who post for one participant
    title: str
    description: str
    pillars: list[str]
    kinds: list[str]
    regions: list[str]
    languages: list[str]
    catalogue_items: list[str] = []
    valid_until: date | None = None


class PostingOut(Schema):
    id: int
    participant: str
    title: str
    description: str
    pillars: list[str]
    kinds: list[str]
    regions: list[str]
    languages: list[str]
    catalogue_items: list[str]
    status: str
    valid_until: date | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    sample: bool


class ReasonOut(Schema):
    component: str
    points: int
    text: str
    codes: list[str]


class MatchOut(Schema):
    id: int
    participant: str
    title: str
    score: int
    explanation: str
    reasons: list[ReasonOut]
    gaps: list[str]


class EngagementIn(Schema):
    need: int
    offer: int
    message: str
    side: str | None = None  # "need" or "offer": whom the caller asks for, when they write for both


class ReasonIn(Schema):
    reason: str = ""


class EvaluationIn(Schema):
    rating: int  # 1 (did not meet its aims) to 5 (went beyond them)
    text: str
    side: str | None = None  # "need" or "offer": for whom, when the caller writes for both


class EvaluationOut(Schema):
    side: str
    participant: str
    rating: int
    text: str
    evaluated_at: datetime


class OutcomeIn(Schema):
    outcome: str


class StopIn(Schema):
    reason: str


class EngagementOut(Schema):
    id: int
    need: int
    offer: int
    side: str
    asking: str
    asked: str
    status: str
    message: str
    reason: str
    requested_at: datetime
    answered_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    outcome: str
    stop_reason: str
    evaluations: list[EvaluationOut]


class FigureOut(Schema):
    pillar: str
    region: str
    completed: int


class CapacityFiguresOut(Schema):
    completed: int
    per_pillar: dict[str, int]
    per_region: dict[str, int]
    cells: list[FigureOut]


class ProjectIn(Schema):
    title_en: str
    title_ar: str
    description: str
    status: str
    start_date: date | None = None
    end_date: date | None = None
    outcome: str = ""
    pillars: list[str] = []
    catalogue_items: list[str] = []
    funders: list[str] = []  # participants' codes
    implementers: list[str] = []
    beneficiaries: list[str] = []
    outside_funders: list[str] = []  # names of bodies outside the community
    outside_implementers: list[str] = []
    outside_beneficiaries: list[str] = []
    engagements: list[int] = []


class ProjectOut(Schema):
    id: int
    title_en: str
    title_ar: str
    description: str
    status: str
    start_date: date
    end_date: date | None
    outcome: str
    pillars: list[str]
    catalogue_items: list[str]
    funders: list[str]  # participants' codes, and names of bodies outside the community
    implementers: list[str]
    beneficiaries: list[str]
    engagements: list[int]
    sample: bool


class CirtIn(Schema):
    status: str
    assessment_done: bool = False
    assessment_year: int | None = None
    sources: list[str] = []


class CirtOut(Schema):
    participant: str
    name_en: str
    name_ar: str
    region: str | None
    status: str
    assessment_done: bool | None
    assessment_year: int | None
    sources: list[str]
    priority: bool
    sample: bool
    updated_at: datetime | None


# --- vocabulary -------------------------------------------------------------------------------------


@router.get("/vocabulary", response=VocabularyOut)
def vocabulary(request: HttpRequest) -> dict[str, Any]:
    """The codes needs and offers choose from, with their English and Arabic names."""
    policy.require_request(request, "capacity.view")
    return {
        "pillars": [
            {"code": t.code, "en": t.title_en, "ar": t.title_ar}
            for t in Term.objects.filter(axis=Term.Axis.PILLAR).order_by("order")
        ],
        "regions": [{"code": r.code, **r.labels} for r in regions().values()],
        "languages": [{"code": code, **_in_both(lambda c=code: language_name(c))} for code in LANGUAGES],
        "kinds": [{"code": k.value, **_in_both(lambda k=k: str(k.label))} for k in SupportKind],
    }


def _in_both(name: Callable[[], str]) -> dict[str, str]:
    """A name in English and in Arabic."""
    names = {}
    for language in ("en", "ar"):
        with translation.override(language):
            names[language] = name()
    return names


# --- needs and offers -------------------------------------------------------------------------------


def _posting_out(posting: Posting) -> dict[str, Any]:
    return {
        "id": posting.pk,
        "participant": posting.participant.code,
        "title": posting.title,
        "description": posting.description,
        "pillars": posting.pillars,
        "kinds": posting.kinds,
        "regions": posting.regions,
        "languages": posting.languages,
        "catalogue_items": [i.code for i in posting.items.all()],
        "status": posting.status,
        "valid_until": posting.valid_until,
        "created_at": posting.created_at,
        "updated_at": posting.updated_at,
        "closed_at": posting.closed_at,
        "sample": posting.is_sample,
    }


def _list(
    request: HttpRequest, model: type[Posting], filters: listing.PostingFilters
) -> list[dict[str, Any]]:
    policy.require_request(request, "capacity.view")
    found = listing.filtered(model.objects.all(), filters).prefetch_related("items")
    return [_posting_out(p) for p in found[:1000]]


def _filters(
    status: str, pillar: str, region: str, language: str, kind: str, participant: str, q: str
) -> Any:
    if status not in ("", "all", *Posting.Status.values):
        raise HttpError(400, _("status must be open, closed or all."))
    return listing.PostingFilters(
        status="" if status == "all" else status,
        pillar=pillar,
        region=region,
        language=language,
        kind=kind,
        participant=participant,
        q=q,
    )


@router.get("/needs", response=list[PostingOut])
@paginate(PageNumberPagination)
def needs(
    request: HttpRequest,
    status: str = "open",
    pillar: str = "",
    region: str = "",
    language: str = "",
    kind: str = "",
    participant: str = "",
    q: str = "",
) -> list[dict[str, Any]]:
    """Needs, newest first; ``status=all`` includes closed ones."""
    return _list(request, Need, _filters(status, pillar, region, language, kind, participant, q))


@router.get("/offers", response=list[PostingOut])
@paginate(PageNumberPagination)
def offers(
    request: HttpRequest,
    status: str = "open",
    pillar: str = "",
    region: str = "",
    language: str = "",
    kind: str = "",
    participant: str = "",
    q: str = "",
) -> list[dict[str, Any]]:
    """Offers, newest first; ``status=all`` includes closed ones."""
    return _list(request, Offer, _filters(status, pillar, region, language, kind, participant, q))


def _read(request: HttpRequest, model: type[Posting], pk: int) -> Any:
    policy.require_request(request, "capacity.view")
    return get_object_or_404(model.objects.select_related("participant"), pk=pk)


@router.get("/needs/{need_id}", response=PostingOut)
def need(request: HttpRequest, need_id: int) -> dict[str, Any]:
    return _posting_out(_read(request, Need, need_id))


@router.get("/offers/{offer_id}", response=PostingOut)
def offer(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    return _posting_out(_read(request, Offer, offer_id))


def _poster(request: HttpRequest, code: str | None) -> Participant:
    mine = policy.writing_participants(request.user)
    if code is None:
        if mine.count() != 1:
            raise services.InvalidCapacityInput({"participant": [_("Name the participant you post for.")]})
        return mine.get()
    found = Participant.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise services.InvalidCapacityInput(
            {"participant": [_("Unknown participant: %(code)s.") % {"code": code[:40]}]}
        )
    return found


def _post(request: HttpRequest, payload: PostingIn, publish: Callable[..., Posting]) -> Any:
    policy.require_request(request, "capacity.post")
    participant = _poster(request, payload.participant)
    policy.require_request(request, "capacity.post", participant)
    draft = services.PostingDraft(
        title=payload.title,
        description=payload.description,
        pillars=payload.pillars,
        regions=payload.regions,
        languages=payload.languages,
        kinds=payload.kinds,
        items=payload.catalogue_items,
        valid_until=payload.valid_until,
    )
    return Status(201, _posting_out(publish(request.user, participant, draft, request=request)))


@router.post("/needs", response={201: PostingOut})
def post_need(request: HttpRequest, payload: PostingIn) -> Any:
    """Post a need for a participant the caller writes for."""
    return _post(request, payload, services.post_need)


@router.post("/offers", response={201: PostingOut})
def post_offer(request: HttpRequest, payload: PostingIn) -> Any:
    """Post an offer for a participant the caller writes for."""
    return _post(request, payload, services.post_offer)


def _match_out(match: matching.Match) -> dict[str, Any]:
    return {
        "id": match.posting.pk,
        "participant": match.posting.participant.code,
        "title": match.posting.title,
        "score": match.score,
        "explanation": match.explanation,
        "reasons": [
            {"component": r.component, "points": r.points, "text": r.text, "codes": list(r.codes)}
            for r in match.reasons
        ],
        "gaps": match.gaps,
    }


@router.get("/needs/{need_id}/matches", response=list[MatchOut])
def need_matches(request: HttpRequest, need_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The offers that match a need, best first, with the reasons and their points."""
    found = _read(request, Need, need_id)
    return [_match_out(m) for m in matching.offers_for(found, limit=max(1, min(limit, 200)))]


@router.get("/offers/{offer_id}/matches", response=list[MatchOut])
def offer_matches(request: HttpRequest, offer_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """The needs an offer could answer, best first, with the reasons and their points."""
    found = _read(request, Offer, offer_id)
    return [_match_out(m) for m in matching.needs_for(found, limit=max(1, min(limit, 200)))]


# --- requests to engage -------------------------------------------------------------------------------


def _engagement_out(e: Engagement) -> dict[str, Any]:
    return {
        "id": e.pk,
        "need": e.need_id,
        "offer": e.offer_id,
        "side": e.side,
        "asking": e.asking.code,
        "asked": e.asked.code,
        "status": e.status,
        "message": e.message,
        "reason": e.reason,
        "requested_at": e.requested_at,
        "answered_at": e.answered_at,
        "started_at": e.started_at,
        "ended_at": e.ended_at,
        "outcome": e.outcome,
        "stop_reason": e.stop_reason,
        "evaluations": [
            {
                "side": v.side,
                "participant": e.participant_of(v.side).code,
                "rating": v.rating,
                "text": v.text,
                "evaluated_at": v.evaluated_at,
            }
            for v in e.evaluations.all()
        ],
    }


@router.get("/engagements", response=list[EngagementOut])
@paginate(PageNumberPagination)
def engagements(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    """Requests to engage the caller may see (their participants', either side), newest first."""
    policy.require_request(request, "capacity.view")
    found = (
        Engagement.objects.visible_to(request.user)
        .select_related("need__participant", "offer__participant")
        .prefetch_related("evaluations")
    )
    if status:
        if status not in Engagement.Status.values:
            raise HttpError(400, _("Unknown status: %(status)s.") % {"status": status[:20]})
        found = found.filter(status=status)
    return [_engagement_out(e) for e in found[:1000]]


@router.post("/engagements", response={201: EngagementOut})
def engage(request: HttpRequest, payload: EngagementIn) -> Any:
    """Ask the other side to engage on a need with an offer."""
    found_need = get_object_or_404(Need.objects.select_related("participant"), pk=payload.need)
    found_offer = get_object_or_404(Offer.objects.select_related("participant"), pk=payload.offer)
    policy.require_request(request, "capacity.engage", (found_need, found_offer))
    try:
        created = services.request_engagement(
            request.user, found_need, found_offer, payload.message, side=payload.side, request=request
        )
    except services.InvalidCapacityInput:
        raise
    except ServiceError as exc:
        raise HttpError(409, str(exc)) from None
    return Status(201, _engagement_out(created))


def _engagement(request: HttpRequest, pk: int) -> Engagement:
    found = get_object_or_404(
        Engagement.objects.select_related("need__participant", "offer__participant").prefetch_related(
            "evaluations"
        ),
        pk=pk,
    )
    policy.require_request(request, "capacity.view_engagement", found)
    return found


@router.get("/engagements/{engagement_id}", response=EngagementOut)
def engagement(request: HttpRequest, engagement_id: int) -> dict[str, Any]:
    return _engagement_out(_engagement(request, engagement_id))


def _settle(request: HttpRequest, pk: int, action: str, settle: Callable[..., Any], *args: Any) -> Any:
    """Take a step on an engagement: 422 for bad input, 409 when its status does not allow it."""
    found = _engagement(request, pk)
    policy.require_request(request, action, found)
    try:
        settle(request.user, found, *args, request=request)
    except services.InvalidCapacityInput:
        raise
    except ServiceError as exc:
        raise HttpError(409, str(exc)) from None
    return _engagement_out(_engagement(request, pk))


@router.post("/engagements/{engagement_id}/accept", response=EngagementOut)
def accept(request: HttpRequest, engagement_id: int, payload: ReasonIn) -> Any:
    """The asked side accepts (a reason is optional)."""
    return _settle(request, engagement_id, "capacity.answer", services.accept, payload.reason)


@router.post("/engagements/{engagement_id}/decline", response=EngagementOut)
def decline(request: HttpRequest, engagement_id: int, payload: ReasonIn) -> Any:
    """The asked side declines, with a reason (required)."""
    return _settle(request, engagement_id, "capacity.answer", services.decline, payload.reason)


@router.post("/engagements/{engagement_id}/withdraw", response=EngagementOut)
def withdraw(request: HttpRequest, engagement_id: int, payload: ReasonIn) -> Any:
    """The asking side takes its request back before it is answered."""
    return _settle(request, engagement_id, "capacity.withdraw", services.withdraw, payload.reason)


@router.post("/engagements/{engagement_id}/start", response=EngagementOut)
def start(request: HttpRequest, engagement_id: int) -> Any:
    """Either side marks an accepted engagement in progress."""
    return _settle(request, engagement_id, "capacity.start", services.start)


@router.post("/engagements/{engagement_id}/complete", response=EngagementOut)
def complete(request: HttpRequest, engagement_id: int, payload: OutcomeIn) -> Any:
    """Either side completes an engagement in progress, with its outcome (required)."""
    return _settle(request, engagement_id, "capacity.complete", services.complete, payload.outcome)


@router.post("/engagements/{engagement_id}/stop", response=EngagementOut)
def stop(request: HttpRequest, engagement_id: int, payload: StopIn) -> Any:
    """Either side stops an accepted engagement or one in progress, with a reason (required)."""
    return _settle(request, engagement_id, "capacity.stop", services.stop, payload.reason)


@router.post("/engagements/{engagement_id}/evaluations", response={201: EngagementOut})
def evaluate(request: HttpRequest, engagement_id: int, payload: EvaluationIn) -> Any:
    """One side's evaluation of a completed engagement, once: a rating from 1 to 5 and a text."""
    found = _engagement(request, engagement_id)
    try:
        side = services.evaluating_side(request.user, found, payload.side)
        policy.require_request(request, "capacity.evaluate", (found, side))  # a read token never writes
        services.evaluate(request.user, found, payload.rating, payload.text, side=side, request=request)
    except services.InvalidCapacityInput:
        raise
    except ServiceError as exc:
        raise HttpError(409, str(exc)) from None
    return Status(201, _engagement_out(_engagement(request, engagement_id)))


# --- figures and projects -----------------------------------------------------------------------------


@router.get("/figures", response=CapacityFiguresOut)
def figures(request: HttpRequest) -> dict[str, Any]:
    """Completed engagements per GCA pillar (of the need) and per region (of the participant
    in need; ``none`` for organizations), and per pillar and region."""
    policy.require_request(request, "capacity.view")
    found = listing.completed_figures()
    pillar_codes = [code for code, _label in found.pillars]
    per_pillar = dict(zip(pillar_codes, [n for _label, n in found.by_pillar()], strict=True))
    return {
        "completed": found.total,
        "per_pillar": per_pillar,
        "per_region": {code: found.region_total(code) for code, _label in found.regions},
        "cells": [
            {"pillar": pillar, "region": region, "completed": count}
            for (pillar, region), count in sorted(found.cells.items())
        ],
    }


@router.get("/projects", response=list[ProjectOut])
@paginate(PageNumberPagination)
def projects(
    request: HttpRequest, q: str = "", status: str = "", pillar: str = "", region: str = "", funder: str = ""
) -> list[dict[str, Any]]:
    """Projects, latest start first, filtered by status, pillar, the region of their
    beneficiaries, a funder (a participant's code or an outside body's name) and words."""
    policy.require_request(request, "capacity.project_view")
    if status and status not in Project.Status.values:
        raise HttpError(400, _("Unknown status: %(status)s.") % {"status": status[:20]})
    if region and region not in regions():
        raise HttpError(400, _("Unknown region: %(code)s.") % {"code": region[:40]})
    filters = listing.ProjectFilters(q=q, status=status, pillar=pillar, region=region, funder=funder)
    found = listing.filtered_projects(Project.objects.all(), filters).prefetch_related("engagements")
    return [listing.project_row(p) for p in found[:1000]]


def _project(request: HttpRequest, pk: int) -> Project:
    policy.require_request(request, "capacity.project_view")
    return get_object_or_404(
        Project.objects.prefetch_related("parties__participant", "items", "engagements"), pk=pk
    )


@router.get("/projects/{project_id}", response=ProjectOut)
def project(request: HttpRequest, project_id: int) -> dict[str, Any]:
    return listing.project_row(_project(request, project_id))


def _project_draft(payload: ProjectIn) -> services.ProjectDraft:
    values = payload.dict()
    values["items"] = values.pop("catalogue_items")
    return services.ProjectDraft(**values)


@router.post("/projects", response={201: ProjectOut})
def record_project(request: HttpRequest, payload: ProjectIn) -> Any:
    """Record a project (the secretariat, with a read-write token)."""
    policy.require_request(request, "capacity.project_edit")
    created = services.record_project(request.user, _project_draft(payload), request=request)
    return Status(201, listing.project_row(_project(request, created.pk)))


@router.put("/projects/{project_id}", response=ProjectOut)
def update_project(request: HttpRequest, project_id: int, payload: ProjectIn) -> Any:
    """Replace a project's record (the secretariat, with a read-write token)."""
    found = _project(request, project_id)
    policy.require_request(request, "capacity.project_edit", found)
    services.update_project(request.user, found, _project_draft(payload), request=request)
    return listing.project_row(_project(request, project_id))


# --- national CIRT status ----------------------------------------------------------------------------


def _cirt_out(row: listing.StateRow) -> dict[str, Any]:
    state, status = row.participant, row.status
    region = region_of(state.code)
    return {
        "participant": state.code,
        "name_en": state.name_en,
        "name_ar": state.name_ar,
        "region": region.code if region else None,
        "status": row.level,
        "assessment_done": status.assessment_done if status else None,
        "assessment_year": status.assessment_year if status else None,
        "sources": status.sources if status else [],
        "priority": row.is_priority,
        "sample": bool(status and status.is_sample),
        "updated_at": status.updated_at if status else None,
    }


@router.get("/cirt", response=list[CirtOut])
def cirt(
    request: HttpRequest, region: str = "", status: str = "", priority: bool = False
) -> list[dict[str, Any]]:
    """Every active State's national CIRT status (``unknown`` when none was recorded), by
    region; ``priority=true`` keeps the States without one (GCA guideline 4.8(b))."""
    policy.require_request(request, "capacity.view")
    if region and region not in regions():
        raise HttpError(400, _("Unknown region: %(code)s.") % {"code": region[:40]})
    if status and status not in dict(listing.levels()):
        raise HttpError(400, _("Unknown status: %(status)s.") % {"status": status[:20]})
    overview = listing.cirt_overview(region=region, level=status, priority=priority)
    return [_cirt_out(row) for row in overview.rows]


def _state(code: str) -> Participant:
    return get_object_or_404(Participant, code=code, kind=Participant.Kind.STATE, is_active=True)


@router.get("/cirt/{code}", response=CirtOut)
def cirt_state(request: HttpRequest, code: str) -> dict[str, Any]:
    policy.require_request(request, "capacity.view")
    state = _state(code)
    return _cirt_out(listing.StateRow(state, CirtStatus.objects.filter(participant=state).first()))


@router.put("/cirt/{code}", response=CirtOut)
def set_cirt(request: HttpRequest, code: str, payload: CirtIn) -> Any:
    """Record a State's national CIRT status (its focal point or the secretariat)."""
    state = _state(code)
    policy.require_request(request, "capacity.cirt_edit", state)
    draft = services.CirtDraft(
        status=payload.status,
        assessment_done=payload.assessment_done,
        assessment_year=payload.assessment_year,
        sources=payload.sources,
    )
    return _cirt_out(
        listing.StateRow(state, services.set_cirt_status(request.user, state, draft, request=request))
    )
