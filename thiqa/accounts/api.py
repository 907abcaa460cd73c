"""API: who am I, participants and groups."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict, HttpUrl

from thiqa.accounts import policy, services
from thiqa.accounts.models import Participant, ParticipantGroup

router = Router(tags=["participants"])


class StrictSchema(Schema):
    """Input schema: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class MembershipOut(Schema):
    participant: str = Field(alias="participant.code")
    role: str


class MeOut(Schema):
    email: str
    full_name: str
    language: str
    second_factor: bool = Field(alias="has_second_factor")
    token_scope: str | None
    memberships: list[MembershipOut]


class ParticipantOut(Schema):
    code: str
    kind: str
    name_en: str
    name_ar: str
    iso_alpha3: str
    iso_numeric: str
    un_member: bool
    website: str
    groups: list[str]
    is_sample: bool

    @staticmethod
    def resolve_groups(obj: Participant) -> list[str]:
        return [g.code for g in obj.groups.all()]


class ParticipantPatch(StrictSchema):
    name_en: str | None = Field(None, min_length=1, max_length=200)
    name_ar: str | None = Field(None, min_length=1, max_length=200)
    website: HttpUrl | None = None


class GroupOut(Schema):
    code: str
    kind: str
    name_en: str
    name_ar: str
    members: list[str]

    @staticmethod
    def resolve_members(obj: ParticipantGroup) -> list[str]:
        return [p.code for p in obj.members.all()]


@router.get("/me", response=MeOut, tags=["account"])
def me(request: HttpRequest) -> dict:
    user = request.user
    token = policy.request_token(request)
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "has_second_factor": user.has_second_factor,
        "token_scope": token.scope if token else None,
        "memberships": user.memberships.filter(is_active=True).select_related("participant"),
    }


@router.get("/participants", response=list[ParticipantOut])
@paginate(PageNumberPagination)
def list_participants(request: HttpRequest, kind: str | None = None, group: str | None = None):
    policy.require_request(request, "participant.list")
    rows = Participant.objects.filter(is_active=True).prefetch_related("groups").order_by("code")
    if kind:
        rows = rows.filter(kind=kind)
    if group:
        rows = rows.filter(groups__code=group)
    return rows


@router.get("/participants/{code}", response=ParticipantOut)
def get_participant(request: HttpRequest, code: str) -> Participant:
    obj = get_object_or_404(Participant, code=code)
    policy.require_request(request, "participant.view", obj)
    return obj


@router.patch("/participants/{code}", response=ParticipantOut)
def patch_participant(request: HttpRequest, code: str, payload: ParticipantPatch) -> Participant:
    obj = get_object_or_404(Participant, code=code)
    changes = payload.model_dump(exclude_unset=True)
    if "website" in changes:
        changes["website"] = str(changes["website"] or "")
    return services.update_participant(
        obj, changes, actor=request.user, token=policy.request_token(request), request=request
    )


@router.get("/groups", response=list[GroupOut])
@paginate(PageNumberPagination)
def list_groups(request: HttpRequest):
    policy.require_request(request, "group.list")
    return ParticipantGroup.objects.prefetch_related("members").order_by("code")
