"""API of the activities room: list (with filters) and read the activities the caller may see,
record, change and cancel them (a read-write token), the caller's calendar feed URLs, and a
group's OSCE CBM 11 figures. Bad input answers 422 with every problem named."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.activities import cbm11, listing, services
from thiqa.activities.models import Activity
from thiqa.activities.vocabulary import KINDS
from thiqa.catalogue.parameters import MissingParameter
from thiqa.lib import wordsearch
from thiqa.lib.problems import problem

router = Router(tags=["activities"])


class ActivityIn(Schema):
    kind: str = Field(description="workshop, seminar, exercise, expert_meeting, training, regional_forum...")
    title: str
    description: str = ""
    all_day: bool = False
    start: str = Field(description="YYYY-MM-DD when all_day, else YYYY-MM-DDTHH:MM local to time_zone")
    end: str = Field(description="the last day when all_day, else the end's date and time")
    time_zone: str = "UTC"
    place: str = ""
    online: bool = False
    organizer: str | None = Field(None, description="participant code; or name an outside body")
    organizer_name: str = ""
    groups: list[str] = []
    audience: list[str] = []
    pillars: list[str] = []
    catalogue_items: list[str] = []
    languages: list[str] = []
    links: list[str] = []
    tlp: str = "GREEN"


class ActivityOut(Schema):
    id: int
    uid: UUID
    kind: str
    kind_en: str
    kind_ar: str
    title: str
    description: str
    all_day: bool
    starts_at: datetime
    ends_at: datetime
    first_day: date
    last_day: date
    time_zone: str
    place: str
    online: bool
    organizer: str | None
    organizer_name: str
    groups: list[str]
    audience: list[str]
    pillars: list[str]
    catalogue_items: list[str]
    languages: list[str]
    links: list[str]
    tlp: str
    cancelled_at: datetime | None
    sequence: int
    updated_at: datetime
    url: str


class ActivityFilters(Schema):
    group: str = Field("", max_length=40)
    kind: str = Field("", max_length=20)
    pillar: str = Field("", max_length=60)
    when: str = Field("all", pattern="^(upcoming|past|all)$")
    q: str = Field("", max_length=10_000)


class FeedsOut(Schema):
    personal: str | None
    groups: dict[str, str]


class YearOut(Schema):
    year: int
    held: int
    planned: int
    meetings: int
    minimum: int
    status: str


def _out(activity: Activity) -> dict[str, Any]:
    kind = KINDS.get(activity.kind)
    return {
        "id": activity.pk,
        "uid": activity.uid,
        "kind": activity.kind,
        "kind_en": kind.labels["en"] if kind else activity.kind,
        "kind_ar": kind.labels["ar"] if kind else activity.kind,
        "title": activity.title,
        "description": activity.description,
        "all_day": activity.all_day,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "first_day": activity.first_day,
        "last_day": activity.last_day,
        "time_zone": activity.time_zone,
        "place": activity.place,
        "online": activity.online,
        "organizer": activity.organizer.code if activity.organizer_id else None,
        "organizer_name": activity.organizer_name,
        "groups": [g.code for g in activity.groups.all()],
        "audience": activity.audience,
        "pillars": activity.pillar_codes,
        "catalogue_items": sorted(i.code for i in activity.items.all()),
        "languages": activity.languages,
        "links": activity.links,
        "tlp": activity.tlp,
        "cancelled_at": activity.cancelled_at,
        "sequence": activity.sequence,
        "updated_at": activity.updated_at,
        "url": reverse("activities:detail", args=[activity.pk]),
    }


def _invalid(exc: services.InvalidActivity) -> HttpResponse:
    errors = [{"loc": [name], "msg": msg} for name, msgs in exc.errors.items() for msg in msgs]
    return problem(
        422, _("The activity cannot be saved."), _("Correct the fields listed in “errors”."), errors=errors
    )


def _saving(write: Callable[[], Activity], status: int) -> Status | HttpResponse:
    """Run a write; its refusals of bad input become a 422 problem naming each field."""
    try:
        activity = write()
    except services.InvalidActivity as exc:
        return _invalid(exc)
    return Status(status, _out(activity))


def _draft(payload: ActivityIn) -> services.Draft:
    """The payload as a draft; unknown participant or group codes are refused like any bad input."""
    errors: services.Errors = {}
    organizer = None
    if payload.organizer:
        organizer = Participant.objects.filter(code=payload.organizer, is_active=True).first()
        if organizer is None:
            errors["organizer"] = [_("Unknown participant: %(code)s.") % {"code": payload.organizer[:40]}]
    groups = list(ParticipantGroup.objects.filter(code__in=payload.groups))
    if missing := sorted(set(payload.groups) - {g.code for g in groups}):
        errors["groups"] = [_("Unknown groups: %(codes)s.") % {"codes": ", ".join(missing[:20])}]
    if errors:
        raise services.InvalidActivity(errors)
    return services.Draft(
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        all_day=payload.all_day,
        start=payload.start,
        end=payload.end,
        time_zone=payload.time_zone,
        place=payload.place,
        online=payload.online,
        organizer=organizer,
        organizer_name=payload.organizer_name,
        groups=groups,
        audience=payload.audience,
        pillars=payload.pillars,
        items=payload.catalogue_items,
        languages=payload.languages,
        links=payload.links,
        tlp=payload.tlp,
    )


@router.get("", response=list[ActivityOut])
@paginate(PageNumberPagination)
def activities(request: HttpRequest, filters: Query[ActivityFilters]) -> list[dict[str, Any]]:
    """The activities the caller may see; past ones newest first with ``when=past``."""
    policy.require_request(request, "activities.view")
    chosen = listing.Filters(filters.group, filters.kind, filters.pillar, filters.when, filters.q.strip())
    try:
        found = listing.filtered(request.user, chosen)
    except wordsearch.QueryError as exc:
        raise HttpError(400, str(exc)) from None
    return [_out(a) for a in found.prefetch_related("items")[:2000]]


@router.post("", response={201: ActivityOut})
def record(request: HttpRequest, payload: ActivityIn) -> Status | HttpResponse:
    """Record an activity (a read-write token)."""
    policy.require_request(request, "activities.create")
    return _saving(lambda: services.create(request.user, _draft(payload), request=request), 201)


@router.get("/feeds", response=FeedsOut)
def feeds(request: HttpRequest) -> dict[str, Any]:
    """The caller's calendar feed URLs (iCalendar, TLP:CLEAR and TLP:GREEN only); null until
    they were made (POST)."""
    policy.require_request(request, "activities.view")
    return _feed_urls(request, services.feed_key(request.user))


@router.post("/feeds", response=FeedsOut)
def regenerate_feeds(request: HttpRequest) -> dict[str, Any]:
    """Make new feed URLs; the previous ones stop working."""
    policy.require_request(request, "activities.subscribe")
    return _feed_urls(request, services.regenerate_feed_key(request.user, request=request))


@router.delete("/feeds", response={204: None})
def revoke_feeds(request: HttpRequest) -> Status:
    """Turn the caller's feeds off."""
    policy.require_request(request, "activities.subscribe")
    services.revoke_feed_key(request.user, request=request)
    return Status(204, None)


def _feed_urls(request: HttpRequest, key: Any) -> dict[str, Any]:
    if key is None:
        return {"personal": None, "groups": {}}
    token = services.feed_token(key)
    groups = ParticipantGroup.objects.order_by("code").values_list("code", flat=True)
    return {
        "personal": request.build_absolute_uri(reverse("activities:feed", args=[token])),
        "groups": {
            code: request.build_absolute_uri(reverse("activities:group_feed", args=[token, code]))
            for code in groups
        },
    }


@router.get("/groups/{code}/expert-meetings", response=list[YearOut])
def expert_meetings(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """OSCE CBM 11 for one group: expert meetings of the last and the current year (among the
    activities the caller may see) against the catalogue's minimum."""
    policy.require_request(request, "activities.view")
    group = get_object_or_404(ParticipantGroup, code=code)
    try:
        years = cbm11.years(request.user, group)
    except MissingParameter:
        raise HttpError(
            409, _("The catalogue is not loaded: the minimum number of meetings is unknown.")
        ) from None
    return [
        {
            "year": y.year,
            "held": y.held,
            "planned": y.planned,
            "meetings": y.meetings,
            "minimum": y.minimum,
            "status": y.status,
        }
        for y in years
    ]


def _visible(request: HttpRequest, activity_id: int) -> Activity:
    activity = get_object_or_404(Activity.objects.select_related("organizer"), pk=activity_id)
    policy.require_request(request, "activities.view_activity", activity)
    return activity


@router.get("/{activity_id}", response=ActivityOut)
def read(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    return _out(_visible(request, activity_id))


@router.put("/{activity_id}", response=ActivityOut)
def change(request: HttpRequest, activity_id: int, payload: ActivityIn) -> Status | HttpResponse:
    """Replace an activity's details (a read-write token); calendars see a new revision."""
    activity = _visible(request, activity_id)
    policy.require_request(request, "activities.manage", activity)
    return _saving(lambda: services.update(request.user, activity, _draft(payload), request=request), 200)


@router.post("/{activity_id}/cancel", response=ActivityOut)
def cancel(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    """Cancel an activity; a second cancellation is refused with 409 and changes nothing."""
    activity = _visible(request, activity_id)
    policy.require_request(request, "activities.manage", activity)
    if activity.is_cancelled:
        raise HttpError(409, _("This activity was already cancelled. Nothing has changed."))
    return _out(services.cancel(request.user, activity, request=request))
