"""API: the outbox, for the secretariat (metadata only; message bodies may hold secrets)."""

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from thiqa.accounts import policy
from thiqa.mail.models import OutboundMessage

router = Router(tags=["mail"])


class OutboundOut(Schema):
    id: UUID
    message_id: str
    purpose: str
    recipients: list[str]
    subject: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None


@router.get("/outbox", response=list[OutboundOut])
@paginate(PageNumberPagination)
def outbox(request: HttpRequest, status: str | None = None):
    policy.require_request(request, "mail.view_outbox")
    rows = OutboundMessage.objects.defer("raw").order_by("-created_at")
    if status:
        rows = rows.filter(status=status)
    return rows
