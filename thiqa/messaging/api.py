"""API for CERT tooling: message types, sending, listing, reading, acknowledging, replying,
exports and attachments, under the same policy and TLP rules as the pages."""

import base64
import binascii
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.directory.models import Contact
from thiqa.lib import files, tlp, wordsearch
from thiqa.lib.files import Upload
from thiqa.messaging import inbox, services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.kinds import all_kinds
from thiqa.messaging.models import Attachment, Message, Recipient

router = Router(tags=["messaging"])


class ChoiceOut(Schema):
    value: str
    en: str
    ar: str


class FieldOut(Schema):
    name: str
    type: str
    required: bool
    label_en: str
    label_ar: str
    choices: list[ChoiceOut]


class KindOut(Schema):
    code: str
    title_en: str
    title_ar: str
    catalogue_items: list[str]
    roles: list[str]
    acknowledge_within_hours: int | None
    reply_only: bool
    fields: list[FieldOut]


class AddresseesIn(Schema):
    participants: list[str] = []
    groups: list[str] = []
    contacts: list[int] = []
    roles: list[str] = []


class AttachmentIn(Schema):
    filename: str
    content_base64: str


class MessageIn(Schema):
    sender: str | None = None
    type: str
    tlp: str
    subject: str
    body: str
    to: AddresseesIn
    fields: dict[str, Any] = {}
    catalogue_items: list[str] | None = None
    acknowledge_within_hours: int | None = None
    attachments: list[AttachmentIn] = []
    attachments_tlp: str | None = None


class ReplyIn(Schema):
    body: str
    tlp: str | None = None
    attachments: list[AttachmentIn] = []


class SummaryOut(Schema):
    id: int
    thread: int
    type: str
    tlp: str
    subject: str
    sender: str
    sent_at: datetime
    acknowledge_by: datetime | None
    unread: bool


class RecipientOut(Schema):
    participant: str
    name: str
    role: str
    level: int
    email_copy: str
    status: str
    acknowledge_by: datetime | None
    acknowledged_at: datetime | None


class MessageOut(Schema):
    document: dict[str, Any]
    recipients: list[RecipientOut]
    unreached: list[str] = []


class AcknowledgedOut(Schema):
    acknowledged: int


@router.get("/types", response=list[KindOut])
def kinds(request: HttpRequest) -> list[dict[str, Any]]:
    """Every message type with its template: what a message of each type must contain."""
    policy.require_request(request, "messaging.view")
    return [
        {
            "code": k.code,
            "title_en": k.titles["en"],
            "title_ar": k.titles["ar"],
            "catalogue_items": list(k.item_codes),
            "roles": list(k.roles),
            "acknowledge_within_hours": k.acknowledge_within_hours,
            "reply_only": k.reply_only,
            "fields": [
                {
                    "name": f.name,
                    "type": f.type,
                    "required": f.required,
                    "label_en": f.labels["en"],
                    "label_ar": f.labels["ar"],
                    "choices": [{"value": c.value, **c.labels} for c in f.choices],
                }
                for f in k.fields
                if not f.retired
            ],
        }
        for k in all_kinds().values()
    ]


@router.get("", response=list[SummaryOut])
@paginate(PageNumberPagination)
def messages(
    request: HttpRequest,
    box: str = "inbox",
    type: str = "",
    tlp: str = "",
    state: str = "",
    participant: str = "",
    q: str = "",
) -> list[dict[str, Any]]:
    """Received (``box=inbox``), sent (``box=sent``) or every readable (``box=all``, TLP:CLEAR
    messages of the whole community included) message, newest first."""
    policy.require_request(request, "messaging.view")
    user = request.user
    if box not in inbox.BOXES:
        raise HttpError(400, _("box must be inbox, sent or all."))
    if state and state not in inbox.STATES:
        raise HttpError(400, _("Unknown state: %(state)s.") % {"state": state})
    everything = inbox.BOXES[box](user)
    try:
        found = inbox.filtered(user, everything, inbox.Filters(type, tlp, state, participant, q))
    except wordsearch.QueryError as exc:
        raise HttpError(400, str(exc)) from None
    return [
        {
            "id": m.pk,
            "thread": m.thread_id_or_own,
            "type": m.kind,
            "tlp": m.tlp,
            "subject": m.subject,
            "sender": m.sender_participant.code,
            "sent_at": m.created_at,
            "acknowledge_by": m.ack_due_at,
            "unread": row["unread"],
        }
        for row in inbox.summary(found[:1000], user)
        for m in [row["message"]]
    ]


def _uploads(items: list[AttachmentIn]) -> list[Upload]:
    uploads = []
    for item in items:
        try:
            uploads.append(Upload(item.filename, base64.b64decode(item.content_base64, validate=True)))
        except (binascii.Error, ValueError):
            raise services.InvalidMessage(
                {"attachments": [_("“%(name)s” is not valid base64.") % {"name": item.filename[:100]}]}
            ) from None
    return uploads


def _addressees(to: AddresseesIn, request: HttpRequest) -> Addressees:
    errors = []
    participants = {p.code: p for p in Participant.objects.filter(code__in=to.participants, is_active=True)}
    groups = {g.code: g for g in ParticipantGroup.objects.filter(code__in=to.groups)}
    contacts = {
        c.pk: c
        for c in Contact.objects.visible_to(request.user)
        .filter(pk__in=to.contacts)
        .select_related("participant")
    }
    if missing := [c for c in to.participants if c not in participants]:
        errors.append(_("Unknown participants: %(codes)s.") % {"codes": ", ".join(missing[:20])})
    if missing := [c for c in to.groups if c not in groups]:
        errors.append(_("Unknown groups: %(codes)s.") % {"codes": ", ".join(missing[:20])})
    if missing := [str(c) for c in to.contacts if c not in contacts]:
        errors.append(_("Unknown contacts: %(ids)s.") % {"ids": ", ".join(missing[:20])})
    if errors:
        raise services.InvalidMessage({"recipients": errors})
    return Addressees(list(participants.values()), list(groups.values()), list(contacts.values()), to.roles)


def _sender(request: HttpRequest, code: str | None) -> Participant:
    mine = policy.writing_participants(request.user)
    if code is None:
        if mine.count() != 1:
            raise services.InvalidMessage({"sender": [_("Name the participant you send for (sender).")]})
        return mine.get()
    found = mine.filter(code=code).first()
    if found is None:
        raise services.InvalidMessage(
            {"sender": [_("You do not send messages for “%(code)s”.") % {"code": code}]}
        )
    return found


def _out(user: Any, message: Message, unreached: list[Participant] | None = None) -> dict[str, Any]:
    return {
        "document": services.document(message),
        "recipients": [
            {
                "participant": r.participant.code,
                "name": r.name,
                "role": r.role,
                "level": r.level,
                "email_copy": r.copy,
                "status": r.status,
                "acknowledge_by": r.ack_due_at,
                "acknowledged_at": r.acknowledged_at,
            }
            for r in inbox.visible_recipients(user, message)
        ],
        "unreached": [p.code for p in unreached or []],
    }


@router.post("", response={201: MessageOut})
def send(request: HttpRequest, payload: MessageIn) -> Status:
    """Send a message (attachments as base64, within the request size limit)."""
    policy.require_request(request, "messaging.send")
    draft = services.Draft(
        kind=payload.type,
        tlp=payload.tlp,
        subject=payload.subject,
        body=payload.body,
        to=_addressees(payload.to, request),
        fields=payload.fields,
        items=payload.catalogue_items,
        acknowledge_within_hours=payload.acknowledge_within_hours,
        uploads=_uploads(payload.attachments),
        attachment_tlp=payload.attachments_tlp,
    )
    message = services.send(request.user, _sender(request, payload.sender), draft, request=request)
    return Status(201, _out(request.user, message, message.unreached))  # type: ignore[attr-defined]


def _readable(request: HttpRequest, message_id: int) -> Message:
    message = get_object_or_404(Message.objects.select_related("sender_participant", "sender"), pk=message_id)
    policy.require_request(request, "messaging.read", message)
    return message


@router.get("/{message_id}", response=MessageOut)
def read(request: HttpRequest, message_id: int) -> dict[str, Any]:
    """One message (reading it is recorded, and marks it read)."""
    message = _readable(request, message_id)
    services.open_message(request.user, message, request=request, via="api")
    return _out(request.user, message)


@router.post("/{message_id}/acknowledge", response=AcknowledgedOut)
def acknowledge(request: HttpRequest, message_id: int) -> dict[str, int]:
    """Acknowledge receipt; a second acknowledgement is refused with 409 and changes nothing."""
    message = _readable(request, message_id)
    done = services.acknowledge(
        request.user, message, via=Recipient.Via.API, token=policy.request_token(request), request=request
    )
    if not done:
        raise HttpError(409, _("This message was already acknowledged. Nothing has changed."))
    return {"acknowledged": done}


@router.post("/{message_id}/replies", response={201: MessageOut})
def reply(request: HttpRequest, message_id: int, payload: ReplyIn) -> Status:
    parent = _readable(request, message_id)
    policy.require_request(request, "messaging.reply", parent)
    message = services.reply(
        request.user,
        parent,
        payload.body,
        label=payload.tlp,
        uploads=_uploads(payload.attachments),
        request=request,
    )
    return Status(201, _out(request.user, message))


@router.get("/{message_id}/export", response=dict[str, Any])
def export(request: HttpRequest, message_id: int) -> dict[str, Any]:
    """The message as an export document, if its TLP label allows exporting."""
    message = _readable(request, message_id)
    policy.require_request(request, "messaging.export", message)
    return services.export(request.user, message, request=request)


@router.get("/{message_id}/attachments/{attachment_id}")
def attachment(request: HttpRequest, message_id: int, attachment_id: int) -> HttpResponse:
    found = get_object_or_404(
        Attachment.objects.select_related("message"), pk=attachment_id, message_id=message_id
    )
    policy.require_request(request, "messaging.download", found)
    data = services.download(request.user, found, request=request)
    return files.download(data, found.filename, found.content_type, tlp.marking(found.tlp))
