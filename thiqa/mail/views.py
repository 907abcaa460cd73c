from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thiqa.accounts import policy
from thiqa.mail import services
from thiqa.mail.models import InboundMessage, OutboundMessage

Status = OutboundMessage.Status
FILTERS = {
    "problem": [Status.FAILED, Status.UNCERTAIN],
    "waiting": [Status.QUEUED, Status.SENDING, Status.TRANSMITTING],
    "sent": [Status.SENT],
}


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "mail.view_outbox")
    rows = OutboundMessage.objects.defer("raw")
    selected = request.GET.get("status", "")
    if selected in FILTERS:
        rows = rows.filter(status__in=FILTERS[selected])
    page = Paginator(rows.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    counts = {key: OutboundMessage.objects.filter(status__in=value).count() for key, value in FILTERS.items()}
    return render(
        request,
        "mail/outbox.html",
        {
            "page": page,
            "selected": selected,
            "counts": counts,
            "inbound": InboundMessage.objects.defer("raw")[:20],
            "can_requeue": policy.can(request.user, "mail.requeue"),
        },
    )


@login_required
@require_POST
def requeue(request: HttpRequest, pk: str) -> HttpResponse:
    message = get_object_or_404(OutboundMessage, pk=pk)
    services.requeue(message, actor=request.user)
    messages.success(request, _("The message will be sent again."))
    return redirect("mail:outbox")
