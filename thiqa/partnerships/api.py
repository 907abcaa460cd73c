"""API of the partnerships registry: arrangements (members and discussion only for those who
may see them), their completeness, registering one (422 naming each problem) and joining."""

from typing import Any

from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.lib import wordsearch
from thiqa.partnerships import registry, services
from thiqa.partnerships.completeness import completeness
from thiqa.partnerships.models import Arrangement

router = Router(tags=["partnerships"])


class ArrangementIn(Schema):
    owner: str
    fields: dict[str, Any]


class JoinIn(Schema):
    participant: str
    nda_accepted: bool = False
    note: str = ""


RECORD = [
    "name", "model", "sectors", "purposes", "problem", "ecosystem", "assessment", "incentives", "coordinator",
    "legal_basis", "consultation", "transparency", "goals", "activities", "lifespan", "ends_on", "funding",
    "security_rules", "monitoring", "review", "communication", "responsibilities", "membership", "vetting",
    "non_national_members", "contributions", "dedicated_posts",
]  # fmt: skip


def _document(request: HttpRequest, arrangement: Arrangement) -> dict[str, Any]:
    user = request.user
    document: dict[str, Any] = {
        "id": arrangement.pk,
        "owner": arrangement.owner.code,
        "published": arrangement.is_published,
        "record": {name: getattr(arrangement, name) for name in RECORD},
        "completeness": {
            "percent": (check := completeness(arrangement)).percent,
            "open": [c.item.code for c in check.checks if not c.met],
        },
        "members": None,
        "discussion": None,
    }
    if arrangement.ends_on:
        document["record"]["ends_on"] = arrangement.ends_on.isoformat()
    if policy.can(user, "partnerships.view_members", arrangement):
        document["members"] = [
            {"participant": m.participant.code, "role": m.role, "status": m.status}
            for m in arrangement.members.select_related("participant")
        ]
    if policy.can(user, "partnerships.view_discussion", arrangement):
        document["discussion"] = [
            {"participant": p.author_participant.code, "at": p.created_at.isoformat(), "text": p.text}
            for p in arrangement.posts.select_related("author_participant")
        ]
    return document


@router.get("", response=list[dict[str, Any]])
def arrangements(
    request: HttpRequest, purpose: str = "", sector: str = "", model: str = "", owner: str = "", q: str = ""
) -> list[dict[str, Any]]:
    policy.require_request(request, "partnerships.view")
    try:
        found = registry.browse(request.user, registry.Filters(purpose, sector, model, owner, q))
    except wordsearch.QueryError as exc:
        raise HttpError(400, str(exc)) from None
    return [
        {"id": a.pk, "name": a.name, "owner": a.owner.code, "model": a.model, "published": a.is_published}
        for a in found[:300]
    ]


@router.get("/{arrangement_id}", response=dict[str, Any])
def arrangement(request: HttpRequest, arrangement_id: int) -> dict[str, Any]:
    policy.require_request(request, "partnerships.view")
    return _document(
        request, get_object_or_404(Arrangement.objects.select_related("owner"), pk=arrangement_id)
    )


@router.post("", response={201: dict[str, Any]})
def register(request: HttpRequest, payload: ArrangementIn) -> Status:
    owner = get_object_or_404(Participant, code=payload.owner, is_active=True)
    policy.require_request(request, "partnerships.register", owner)
    created = services.register(request.user, owner, _form_data(payload.fields), request=request)
    return Status(201, _document(request, created))


def _form_data(fields: dict[str, Any]) -> QueryDict:
    """JSON values as the form's data, so the API is validated by the page's own form."""
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


@router.post("/{arrangement_id}/join", response={201: dict[str, Any]})
def join(request: HttpRequest, arrangement_id: int, payload: JoinIn) -> Status:
    found = get_object_or_404(Arrangement, pk=arrangement_id)
    participant = get_object_or_404(Participant, code=payload.participant, is_active=True)
    policy.require_request(request, "partnerships.join", (found, participant))
    member = services.request_to_join(
        request.user,
        found,
        participant,
        nda_accepted=payload.nda_accepted,
        note=payload.note,
        request=request,
    )
    return Status(201, {"participant": participant.code, "status": member.status})
