"""Glossary pages for exchanging terminology: TBX or CSV import (check, then confirm) and the
TBX and CSV exports of what the person may read."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.accounts.services import ServiceError
from thiqa.audit.services import record
from thiqa.catalogue.access import readable
from thiqa.glossary import exchange
from thiqa.lib import imports


def _render(request: HttpRequest, checked: exchange.ImportPreview | None = None) -> HttpResponse:
    context: dict[str, Any] = {
        "preview": checked,
        "rows": list(exchange.rows_for_table(checked)) if checked else [],
        "columns": exchange.COLUMNS,
        "required_columns": exchange.REQUIRED_COLUMNS,
        "token": None,
    }
    if checked is not None and not checked.has_errors and checked.to_apply:
        context["token"] = exchange.sign_content(request.user, checked.content)
    return render(request, "glossary/import.html", context)


@login_required
def import_file(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "glossary.import")
    if request.method != "POST":
        return _render(request)
    if request.POST.get("step") == "confirm":
        return _confirm(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a TBX or CSV file to check."))
        return _render(request)
    if upload.size is not None and upload.size > exchange.MAX_BYTES:
        messages.error(request, imports.too_large(exchange.MAX_BYTES))
        return _render(request)
    checked = exchange.preview(request.user, upload.read())
    if checked.has_errors:
        messages.error(request, _("The file has errors. Correct them and check it again."))
    elif not checked.to_apply:
        messages.info(request, _("There is nothing to import: every concept and term is already here."))
    return _render(request, checked)


def _confirm(request: HttpRequest) -> HttpResponse:
    try:
        content = exchange.unsign_content(request.user, request.POST.get("content", ""))
    except ServiceError as exc:
        messages.error(request, str(exc))
        return _render(request)
    checked = exchange.preview(request.user, content)
    try:
        result = exchange.apply(request.user, checked, request=request)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return _render(request, checked)
    messages.success(request, exchange.summary(result))
    return redirect("glossary:index")


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
