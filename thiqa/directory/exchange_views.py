"""Directory pages for exchanging contacts: CSV import (check, then confirm) and the
CSV and vCard exports."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.accounts.services import ServiceError
from thiqa.audit.services import record
from thiqa.directory import exchange
from thiqa.directory.models import Contact
from thiqa.lib import imports


def _page_facts(preview: exchange.ImportPreview | None) -> dict[str, Any]:
    return {
        "columns": exchange.COLUMNS,
        "required_columns": exchange.REQUIRED_COLUMNS,
        "max_rows": exchange.MAX_ROWS,
    }


@login_required
def import_contacts(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "directory.import")
    flow = imports.ImportFlow.of(
        exchange,
        template="directory/import.html",
        done="directory:index",
        refused=ServiceError,
        choose_file=_("Choose a CSV file to check."),
        nothing_to_import=_("There is nothing to import: every row is already published as it is."),
        context=_page_facts,
    )
    return imports.import_page(request, flow)


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
