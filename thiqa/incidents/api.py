"""API of the incidents room: national severity scales (list, one participant's versions,
register a version) and incident records (list, read, record, change, publish a draft,
raise an early warning), under the same policy and TLP rules as the pages. Bad input is
answered with RFC 9457 problems naming each field."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.incidents import scales, services
from thiqa.incidents.models import Incident, Scale

router = Router(tags=["incidents"])


class LevelIn(Schema):
    rank: Any = None
    names: Any = None
    description: Any = ""
    common_level: Any = None


class LevelOut(Schema):
    id: int
    rank: int
    names: dict[str, str]
    description: str
    common_level: int


class ScaleIn(Schema):
    name: str
    description: str = ""
    levels: list[LevelIn]


class ScaleOut(Schema):
    participant: str
    version: int
    name: str
    description: str
    registered_at: datetime
    levels: list[LevelOut]


def _scale(scale: Scale) -> dict[str, Any]:
    return {
        "participant": scale.participant.code,
        "version": scale.version,
        "name": scale.name,
        "description": scale.description,
        "registered_at": scale.created_at,
        "levels": [
            {
                "id": lvl.pk,
                "rank": lvl.rank,
                "names": lvl.names,
                "description": lvl.description,
                "common_level": lvl.common_level,
            }
            for lvl in scale.levels.all()
        ],
    }


@router.get("/scales", response=list[ScaleOut])
def scale_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The current version of every registered scale."""
    policy.require_request(request, "scales.view")
    return [_scale(row["scale"]) for row in scales.compared()]


@router.get("/scales/{code}", response=list[ScaleOut])
def scale_versions(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Every version of a participant's scale, newest first."""
    policy.require_request(request, "scales.view")
    participant = get_object_or_404(Participant, code=code, is_active=True)
    found = (
        Scale.objects.filter(participant=participant).select_related("participant").prefetch_related("levels")
    )
    return [_scale(scale) for scale in found]


@router.post("/scales/{code}", response={201: ScaleOut})
def register_scale(request: HttpRequest, code: str, payload: ScaleIn) -> Status:
    """Register a new version of the participant's scale (its focal point or the secretariat)."""
    participant = get_object_or_404(Participant, code=code, is_active=True)
    policy.require_request(request, "scales.register", participant)
    scale = scales.register_scale(
        request.user,
        participant,
        payload.name,
        payload.description,
        [level.dict() for level in payload.levels],
        request=request,
    )
    return Status(201, _scale(scale))


# --- incidents -----------------------------------------------------------------------------------


class IncidentIn(Schema):
    participant: str | None = None  # the participant's code; optional for who writes for one only
    title: str
    tlp: str
    detected_at: str
    summary: str = ""
    started_at: str | None = None
    ended_at: str | None = None
    sectors: list[str] = []
    affected: list[str] = []
    cross_border: bool = False
    national_level: int | None = None
    common_level: int | None = None
    indicators: list[str] = []
    cves: list[str] = []
    catalogue_items: list[str] = []
    messages: list[int] = []
    shared_participants: list[str] = []
    shared_groups: list[str] = []
    named_users: list[str] = []  # e-mail addresses
    draft: bool = False


class IncidentChange(Schema):
    status: str | None = None
    text: str = ""
    title: str | None = None
    summary: str | None = None
    tlp: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    sectors: list[str] | None = None
    affected: list[str] | None = None
    cross_border: bool | None = None
    national_level: int | None = None
    common_level: int | None = None
    indicators: list[str] | None = None
    cves: list[str] | None = None
    catalogue_items: list[str] | None = None
    shared_participants: list[str] | None = None
    shared_groups: list[str] | None = None
    named_users: list[str] | None = None  # e-mail addresses: the whole list, replacing the last


class IndicatorOut(Schema):
    type: str
    value: str


class UpdateOut(Schema):
    at: datetime
    author: str
    status: str
    field: str
    text: str


class NamedOut(Schema):
    name: str
    email: str | None  # to who may change the incident only (every reader sees the names)


class AlertOut(Schema):
    message: int
    sent_at: datetime
    recipients: int
    acknowledged: int


class IncidentOut(Schema):
    id: int
    stix_id: str
    participant: str
    tlp: str
    status: str
    draft: bool
    title: str
    summary: str
    detected_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    sectors: list[str]
    affected: list[str]
    cross_border: bool
    national_level: LevelOut | None
    common_level: int | None
    indicators: list[IndicatorOut]
    cves: list[str]
    catalogue_items: list[str]
    messages: list[int]
    named: list[NamedOut]
    alerts: list[AlertOut]
    timeline: list[UpdateOut]
    updated_at: datetime


class IncidentSummaryOut(Schema):
    id: int
    participant: str
    tlp: str
    status: str
    draft: bool
    title: str
    common_level: int | None
    detected_at: datetime
    updated_at: datetime


class AlertIn(Schema):
    text: str
    participants: list[str] = []
    groups: list[str] = []
    acknowledge_within_hours: int | None = None


def _level(incident: Incident) -> dict[str, Any] | None:
    level = incident.national_level
    if level is None:
        return None
    return {
        "id": level.pk,
        "rank": level.rank,
        "names": level.names,
        "description": level.description,
        "common_level": level.common_level,
    }


def _named(request: HttpRequest, incident: Incident) -> list[dict[str, Any]]:
    editor = policy.can(request.user, "incidents.update", incident)  # the person, whatever the token
    return [
        {"name": u.full_name, "email": u.email if editor else None}
        for u in incident.named_users.order_by("full_name", "pk")
    ]


def _out(request: HttpRequest, incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "stix_id": incident.stix_id,
        "participant": incident.participant.code,
        "tlp": incident.tlp,
        "status": incident.status,
        "draft": incident.is_draft,
        "title": incident.title,
        "summary": incident.summary,
        "detected_at": incident.detected_at,
        "started_at": incident.started_at,
        "ended_at": incident.ended_at,
        "sectors": incident.sectors,
        "affected": [p.code for p in incident.affected.all()],
        "cross_border": incident.cross_border,
        "national_level": _level(incident),
        "common_level": incident.common_level,
        "indicators": incident.indicators,
        "cves": incident.cves,
        "catalogue_items": [i.code for i in incident.items.all()],
        "messages": [m.pk for m in incident.messages.all() if policy.can(request.user, "messaging.read", m)],
        "named": _named(request, incident),
        "alerts": [
            {
                "message": m.pk,
                "sent_at": m.created_at,
                "recipients": m.recipients.count(),
                "acknowledged": m.recipients.exclude(acknowledged_at=None).count(),
            }
            for m in incident.alerts.all()
        ],
        "timeline": [
            {"at": u.at, "author": u.author.full_name, "status": u.status, "field": u.field, "text": u.text}
            for u in incident.updates.select_related("author")
        ],
        "updated_at": incident.updated_at,
    }


def _readable(request: HttpRequest, pk: int) -> Incident:
    incident = get_object_or_404(Incident.objects.select_related("participant", "national_level"), pk=pk)
    policy.require_request(request, "incidents.read", incident)
    return incident


def _owner(request: HttpRequest, code: str | None) -> Participant:
    """The participant named (an unknown code is bad input; one the caller does not write
    for is refused by the policy), or the only one the caller writes for."""
    if code is None:
        mine = policy.writing_participants(request.user)
        if mine.count() != 1:
            raise services.InvalidIncident({"participant": [_("Name the participant you record for.")]})
        return mine.get()
    found = Participant.objects.filter(code=code).first()
    if found is None:
        raise services.InvalidIncident(
            {"participant": [_("Unknown participant: %(code)s.") % {"code": code}]}
        )
    return found


@router.get("", response=list[IncidentSummaryOut])
@paginate(PageNumberPagination)
def incident_list(
    request: HttpRequest, status: str = "", common_level: int | None = None, sector: str = "", tlp: str = ""
) -> list[dict[str, Any]]:
    """The incidents the caller may read, newest first (``status=open`` for those not yet
    resolved)."""
    policy.require_request(request, "incidents.view")
    found = Incident.objects.readable_by(request.user).select_related("participant")
    if status == "open":
        found = found.open()
    elif status:
        found = found.filter(status=status)
    if common_level:
        found = found.filter(common_level=common_level)
    if sector:
        found = found.filter(sectors__icontains=f'"{sector}"')
    if tlp:
        found = found.filter(tlp=tlp)
    return [
        {
            "id": i.pk,
            "participant": i.participant.code,
            "tlp": i.tlp,
            "status": i.status,
            "draft": i.is_draft,
            "title": i.title,
            "common_level": i.common_level,
            "detected_at": i.detected_at,
            "updated_at": i.updated_at,
        }
        for i in found
    ]


@router.get("/{int:pk}", response=IncidentOut)
def incident_read(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(request, _readable(request, pk))


@router.post("", response={201: IncidentOut})
def incident_record(request: HttpRequest, payload: IncidentIn) -> Status:
    """Record an incident for ``participant`` (see docs/api.md for the fields)."""
    values = payload.dict()
    participant = _owner(request, values.pop("participant"))
    policy.require_request(request, "incidents.record", participant)
    values["items"] = values.pop("catalogue_items")
    incident = services.record(request.user, participant, request=request, **values)
    return Status(201, _out(request, incident))


@router.patch("/{int:pk}", response=IncidentOut)
def incident_update(request: HttpRequest, pk: int, payload: IncidentChange) -> dict[str, Any]:
    """Change an incident: a status (forward only; resolved may reopen as confirmed), a note
    and any field given (fields left out or null are unchanged)."""
    incident = _readable(request, pk)
    policy.require_request(request, "incidents.update", incident)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "catalogue_items" in changes:
        changes["items"] = changes.pop("catalogue_items")
    services.update(request.user, incident, request=request, **changes)
    return _out(request, _readable(request, pk))


@router.post("/{int:pk}/publish", response=IncidentOut)
def incident_publish(request: HttpRequest, pk: int) -> dict[str, Any]:
    incident = _readable(request, pk)
    policy.require_request(request, "incidents.update", incident)
    services.publish_draft(request.user, incident, request=request)
    return _out(request, _readable(request, pk))


@router.post("/{int:pk}/alerts", response={201: AlertOut})
def incident_alert(request: HttpRequest, pk: int, payload: AlertIn) -> Status:
    """Raise an early warning to participants and groups (by code)."""
    incident = _readable(request, pk)
    policy.require_request(request, "incidents.alert", incident)
    participants = list(Participant.objects.filter(code__in=payload.participants, is_active=True))
    groups = list(ParticipantGroup.objects.filter(code__in=payload.groups))
    missing = sorted(
        (set(payload.participants) - {p.code for p in participants})
        | (set(payload.groups) - {g.code for g in groups})
    )
    if missing:
        raise services.messaging.InvalidMessage(
            {"recipients": [_("Unknown: %(names)s.") % {"names": ", ".join(missing[:20])}]}
        )
    message = services.raise_alert(
        request.user,
        incident,
        text=payload.text,
        participants=participants,
        groups=groups,
        acknowledge_within_hours=payload.acknowledge_within_hours,
        request=request,
    )
    return Status(
        201,
        {
            "message": message.pk,
            "sent_at": message.created_at,
            "recipients": message.recipients.count(),
            "acknowledged": 0,
        },
    )
