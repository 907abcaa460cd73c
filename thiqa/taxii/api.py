"""STIX 2.1 under /api/v1/stix: an incident or a filtered set as a bundle, and a bundle
imported as a draft incident. Bad bundles answer a 422 problem listing every finding."""

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.incidents.models import Incident
from thiqa.lib.problems import problem
from thiqa.taxii import services, stix
from thiqa.taxii.views import STIX_MEDIA_TYPE

router = Router(tags=["stix"])


def _bundle_response(bundle: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False, indent=1), content_type=STIX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The bundles are answered as STIX, not as generic JSON: the schema says so.
BUNDLE_RESPONSE = {"responses": {200: {"content": {STIX_MEDIA_TYPE: {"schema": {"type": "object"}}}}}}


@router.get(
    "/incidents/{incident_uuid}",
    response={200: dict},
    summary="One incident as a STIX 2.1 bundle",
    openapi_extra=BUNDLE_RESPONSE,
    url_name="stix_incident",
)
def export_incident(request: HttpRequest, incident_uuid: UUID) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.select_related("participant"), uuid=incident_uuid)
    if not policy.can(request.user, "incidents.read", incident):
        raise Http404
    policy.require_request(request, "stix.export", incident)
    bundle = services.export_bundle(request.user, [incident], policy.request_token(request))
    return _bundle_response(bundle, f"incident-{incident.uuid}.stix.json")


@router.get(
    "/incidents",
    response={200: dict},
    summary="The incidents one may export, filtered, as one bundle",
    openapi_extra=BUNDLE_RESPONSE,
)
def export_incidents(
    request: HttpRequest,
    status: str = "",
    participant: str = "",
    since: datetime | None = None,
    limit: int = 200,
) -> HttpResponse:
    incidents = (
        Incident.objects.readable_by(request.user).select_related("participant").filter(is_draft=False)
    )
    if status:
        incidents = incidents.filter(status=status)
    if participant:
        incidents = incidents.filter(participant__code=participant)
    if since is not None:
        incidents = incidents.filter(updated_at__gte=since)
    chosen = services.exportable(
        request.user, incidents.order_by("-updated_at", "-pk"), policy.request_token(request)
    )
    return _bundle_response(stix.export(chosen[: max(1, min(limit, 1000))]), "incidents.stix.json")


class ImportedOut(Schema):
    incident: str
    title: str
    tlp: str
    indicators: list[dict[str, str]]
    cves: list[str]
    unsupported: list[dict[str, str]]


@router.post(
    "/import",
    response={201: ImportedOut},
    summary="A STIX 2.1 bundle (MISP, OpenCTI...) into a draft incident of `participant`",
)
def import_bundle(request: HttpRequest, participant: str) -> Status | HttpResponse:
    owner = Participant.objects.filter(code=participant, is_active=True).first()
    if owner is None:
        raise HttpError(404, _("There is no such participant."))
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise HttpError(400, "Cannot parse request body") from exc
    try:
        incident, imported = services.import_bundle(request.user, owner, data, policy.request_token(request))
    except stix.StixError as exc:
        errors = [{"msg": finding} for finding in exc.findings]
        return problem(422, exc.title, _("Correct the findings listed in “errors”."), errors=errors)
    return Status(
        201,
        {
            "incident": str(incident.uuid),
            "title": incident.title,
            "tlp": incident.tlp,
            "indicators": incident.indicators,
            "cves": incident.cves,
            "unsupported": imported.unsupported,
        },
    )
