"""API: the contacts a caller may see, a participant's CBM 8 standing, nominations."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.directory import services
from thiqa.directory.forms import ContactForm
from thiqa.directory.models import Contact

router = Router(tags=["directory"])


class ContactOut(Schema):
    id: int
    participant: str
    role: str
    name: str
    position: str
    structure: str | None
    emails: list[str]
    phones: list[str]
    languages: list[str]
    time_zone: str
    availability: str
    office_hours: str
    pgp_fingerprint: str
    pgp_expires_at: datetime | None
    confirmed_on: date


class StandingOut(Schema):
    participant: str
    has_policy_contact: bool
    has_technical_contact: bool
    contacts: int
    reconfirmation_due_on: date | None
    overdue: bool
    pending_nominations: int
    late_change_notices: int


class ContactIn(Schema):
    role: str
    name: str
    position: str = ""
    emails: list[str]
    phones: list[str] = []
    languages: list[str] = []
    time_zone: str = "UTC"
    availability: str = "office_hours"
    office_hours: str = ""
    pgp_key: str = ""
    secretariat_only: bool = False


class NominationIn(Schema):
    participant: str
    action: str
    contact: int | None = None
    details: ContactIn | None = None
    effective_on: date
    note: str = ""


class NominationOut(Schema):
    id: int
    participant: str
    action: str
    status: str
    is_late: bool
    contact: int | None


def _contact(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "participant": contact.participant.code,
        "role": contact.role,
        "name": contact.name,
        "position": contact.position,
        "structure": contact.structure.name_en if contact.structure else None,
        "emails": contact.emails,
        "phones": contact.phones,
        "languages": contact.languages,
        "time_zone": contact.time_zone,
        "availability": contact.availability,
        "office_hours": contact.office_hours,
        "pgp_fingerprint": contact.pgp_fingerprint,
        "pgp_expires_at": contact.pgp_expires_at,
        "confirmed_on": contact.confirmed_on,
    }


@router.get("/contacts", response=list[ContactOut])
@paginate(PageNumberPagination)
def contacts(request: HttpRequest, participant: str = "", role: str = "") -> Any:
    policy.require_request(request, "directory.view")
    rows = Contact.objects.visible_to(request.user).select_related("participant", "structure")
    if participant:
        rows = rows.filter(participant__code=participant)
    if role:
        rows = rows.filter(role=role)
    return [_contact(c) for c in rows.order_by("participant__code", "role", "pk")]


@router.get("/participants/{code}/standing", response=StandingOut)
def standing(request: HttpRequest, code: str) -> dict[str, Any]:
    policy.require_request(request, "directory.view")
    target = get_object_or_404(Participant, code=code, is_active=True)
    current = services.currency([target])[0]
    return {
        "participant": target.code,
        "has_policy_contact": current.has_policy,
        "has_technical_contact": current.has_technical,
        "contacts": current.contacts,
        "reconfirmation_due_on": current.due_on,
        "overdue": current.is_overdue(timezone.localdate()),
        "pending_nominations": current.pending,
        "late_change_notices": current.late_notices,
    }


@router.post("/nominations", response={201: NominationOut})
def nominate(request: HttpRequest, payload: NominationIn) -> Status:
    """Propose adding, changing or removing a contact (the web page's rules and checks)."""
    target = get_object_or_404(Participant, code=payload.participant, is_active=True)
    policy.require_request(request, "directory.nominate", target)
    contact = None
    if payload.contact is not None:
        contact = Contact.objects.published().filter(pk=payload.contact, participant=target).first()
        if contact is None:
            raise HttpError(
                400, _("This contact is not a current contact of %(name)s.") % {"name": target.name}
            )
    data = None
    if payload.details is not None:
        fields = payload.details.dict()
        for name in ("emails", "phones", "languages"):
            fields[name] = ", ".join(fields[name])
        form = ContactForm(fields, participant=target)
        if not form.is_valid():
            raise HttpError(422, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        data = form.cleaned_contact()
    nomination = services.propose(
        request.user,
        target,
        action=payload.action,
        contact=contact,
        data=data,
        effective_on=payload.effective_on,
        note=payload.note,
        request=request,
    )
    return Status(
        201,
        {
            "id": nomination.pk,
            "participant": target.code,
            "action": nomination.action,
            "status": nomination.status,
            "is_late": nomination.is_late,
            "contact": nomination.contact_id,
        },
    )
