from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thiqa.accounts import policy
from thiqa.audit.models import AuditEvent


@login_required
def events(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "audit.view")
    rows = AuditEvent.objects.order_by("-seq")
    if action := request.GET.get("action", "").strip():
        rows = rows.filter(action=action)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    return render(request, "audit/events.html", {"page": page, "actions": actions, "selected": action})
