"""Directory pages for exchanging contacts: CSV import (check, then confirm) and the
CSV and vCard exports."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.accounts.services import ServiceError
from thiqa.audit.services import record
from thiqa.directory import exchange
from thiqa.directory.models import Contact

# The signed copy of a checked file is posted back as an ordinary form field, which
# Django refuses beyond DATA_UPLOAD_MAX_MEMORY_SIZE: leave room for the other fields.
_FORM_MARGIN = 16 * 1024


def _token_limit() -> int | None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if limit is None else limit - _FORM_MARGIN


def _render(request: HttpRequest, preview: exchange.ImportPreview | None = None) -> HttpResponse:
    context: dict[str, Any] = {
        "preview": preview,
        "columns": exchange.COLUMNS,
        "required_columns": exchange.REQUIRED_COLUMNS,
        "max_rows": exchange.MAX_ROWS,
        "token": None,
    }
    if preview is not None and not preview.has_errors and preview.to_apply:
        token = exchange.sign_content(request.user, preview.content)
        limit = _token_limit()
        if limit is not None and len(token) > limit:
            messages.error(
                request,
                _("This file is too large to be imported in one step. Split it into smaller files."),
            )
        else:
            context["token"] = token
    return render(request, "directory/import.html", context, status=200)


@login_required
def import_contacts(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "directory.import")
    if request.method != "POST":
        return _render(request)
    if request.POST.get("step") == "confirm":
        return _confirm(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a CSV file to check."))
        return _render(request)
    if upload.size is not None and upload.size > exchange.MAX_BYTES:
        messages.error(request, exchange.too_large())
        return _render(request)
    preview = exchange.preview(request.user, upload.read())
    if preview.has_errors:
        messages.error(request, _("The file has errors. Correct them and check it again."))
    elif not preview.to_apply:
        messages.info(request, _("There is nothing to import: every row is already published as it is."))
    return _render(request, preview)


def _confirm(request: HttpRequest) -> HttpResponse:
    try:
        content = exchange.unsign_content(request.user, request.POST.get("content", ""))
    except ServiceError as exc:
        messages.error(request, str(exc))
        return _render(request)
    preview = exchange.preview(request.user, content)
    try:
        result = exchange.apply(request.user, preview, request=request)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return _render(request, preview)
    messages.success(request, exchange.summary(result))
    return redirect("directory:index")


def _exported(request: HttpRequest) -> tuple[QuerySet[Contact], dict[str, Any]]:
    """The contacts the user may see, filtered by ``?participant=CODE`` or ``?group=CODE``."""
    policy.require(request.user, "directory.export")
    contacts = Contact.objects.visible_to(request.user).select_related("participant", "structure")
    filters: dict[str, Any] = {}
    code = request.GET.get("participant", "").strip()
    if code:
        participant = Participant.objects.filter(code__iexact=code, is_active=True).first()
        if participant is None:
            raise Http404(_("There is no participant with this code."))
        contacts = contacts.filter(participant=participant)
        filters["participant"] = participant.code
    group_code = request.GET.get("group", "").strip()
    if group_code:
        group = ParticipantGroup.objects.filter(code=group_code).first()
        if group is None:
            raise Http404(_("There is no group with this code."))
        contacts = contacts.filter(participant__groups=group)
        filters["group"] = group.code
    return contacts.order_by("participant__code", "role", "name", "pk"), filters


def _download(request: HttpRequest, text: str, count: int, filters: dict[str, Any], fmt: str) -> HttpResponse:
    content_types = {"csv": "text/csv; charset=utf-8", "vcf": "text/vcard; charset=utf-8"}
    record(
        "directory.exported",
        actor=request.user,
        data={"format": fmt, "count": count, **filters},
        request=request,
    )
    suffix = "".join(f"-{value}" for value in filters.values())
    response = HttpResponse(text.encode(), content_type=content_types[fmt])
    response["Content-Disposition"] = f'attachment; filename="thiqa-contacts{suffix}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    contacts, filters = _exported(request)
    contacts = list(contacts)
    # The byte-order mark lets spreadsheet programs recognise UTF-8 (Arabic names).
    text = "\ufeff" + exchange.export_csv(contacts)
    return _download(request, text, len(contacts), filters, "csv")


@login_required
def export_vcard(request: HttpRequest) -> HttpResponse:
    contacts, filters = _exported(request)
    contacts = list(contacts)
    return _download(request, exchange.export_vcard(contacts), len(contacts), filters, "vcf")
