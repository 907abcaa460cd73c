"""Glossary pages for exchanging terminology: TBX or CSV import (check, then confirm) and the
TBX and CSV exports of what the person may read."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.accounts.services import ServiceError
from thiqa.audit.services import record
from thiqa.catalogue.access import readable
from thiqa.glossary import exchange
from thiqa.lib import imports


def _page_facts(checked: exchange.ImportPreview | None) -> dict[str, Any]:
    return {
        "rows": list(exchange.rows_for_table(checked)) if checked else [],
        "columns": exchange.COLUMNS,
        "required_columns": exchange.REQUIRED_COLUMNS,
    }


@login_required
def import_file(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "glossary.import")
    flow = imports.ImportFlow.of(
        exchange,
        template="glossary/import.html",
        done="glossary:index",
        refused=ServiceError,
        choose_file=_("Choose a TBX or CSV file to check."),
        nothing_to_import=_("There is nothing to import: every concept and term is already here."),
        context=_page_facts,
    )
    return imports.import_page(request, flow)


def _download(request: HttpRequest, content: bytes, fmt: str) -> HttpResponse:
    content_types = {"tbx": "application/x-tbx+xml", "csv": "text/csv; charset=utf-8"}
    if request.user.is_authenticated:
        record("glossary.exported", actor=request.user, data={"format": fmt}, request=request)
    response = HttpResponse(content, content_type=content_types[fmt])
    response["Content-Disposition"] = f'attachment; filename="thiqa-glossary.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@readable("glossary.export")
def export_tbx(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "glossary.export")
    return _download(request, exchange.export_tbx(request.user), "tbx")


@readable("glossary.export")
def export_csv(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "glossary.export")
    # The byte-order mark lets spreadsheet programs recognise UTF-8 (Arabic terms).
    return _download(request, ("\ufeff" + exchange.export_csv(request.user)).encode(), "csv")
