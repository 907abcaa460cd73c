"""API: the audit log, for the secretariat."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from thiqa.accounts import policy
from thiqa.audit.models import AuditEvent

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    seq: int
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    data: dict[str, Any]
    hash: str

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str:
        return obj.actor_label


@router.get("/events", response=list[AuditEventOut])
@paginate(PageNumberPagination)
def events(request: HttpRequest, action: str | None = None):
    policy.require_request(request, "audit.view")
    rows = AuditEvent.objects.order_by("-seq")
    if action:
        rows = rows.filter(action=action)
    return rows
