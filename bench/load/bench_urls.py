"""Thiqa's routes, plus bare Django views that read the same rows as the pages and API calls
the load benchmark requests, without Thiqa's policy, templates or serializers: the floor its
figures are compared to. Served only with bench_settings (the benchmark's server)."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path

from thiqa.catalogue.models import Item
from thiqa.directory.models import Contact
from thiqa.messaging.models import Message
from thiqa.reporting.models import Response
from thiqa.taxii.models import StixObject
from thiqa.urls import handler403, handler404, handler500
from thiqa.urls import urlpatterns as thiqa_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def _rows(rows: Any) -> JsonResponse:
    return JsonResponse({"rows": list(rows)}, json_dumps_params={"default": str})


def inbox(request: HttpRequest) -> JsonResponse:
    """The latest messages, as the inbox lists them (a page of 25)."""
    return _rows(
        Message.objects.order_by("-created_at").values("id", "kind", "tlp", "subject", "created_at")[:25]
    )


def directory(request: HttpRequest) -> JsonResponse:
    """The published contacts with their participant, as the directory lists them."""
    return _rows(
        Contact.objects.filter(removed_at__isnull=True)
        .order_by("participant__name_en", "role")
        .values("id", "participant__code", "participant__name_en", "role", "name", "emails")[:200]
    )


def catalogue_search(request: HttpRequest) -> JsonResponse:
    """Catalogue items whose summary holds the query's word (a plain LIKE, no ranking)."""
    word = request.GET.get("q", "")
    return _rows(Item.objects.filter(summary_en__icontains=word).values("code", "summary_en")[:10])


def compilation(request: HttpRequest, cycle_id: int) -> JsonResponse:
    """The submitted responses of a cycle with their answers, which the compilation reads."""
    return _rows(
        Response.objects.filter(cycle_id=cycle_id, status="submitted").values("participant__code", "answers")
    )


def taxii_objects(request: HttpRequest, collection: str) -> JsonResponse:
    """The latest version of every object of a collection, as a TAXII objects page holds them."""
    return _rows(
        StixObject.objects.filter(collection__uuid=collection, is_latest=True)
        .order_by("date_added", "pk")
        .values_list("body", flat=True)[:1000]
    )


urlpatterns = [
    path("bench/bare/inbox", inbox),
    path("bench/bare/directory", directory),
    path("bench/bare/catalogue-search", catalogue_search),
    path("bench/bare/compilation/<int:cycle_id>", compilation),
    path("bench/bare/taxii-objects/<uuid:collection>", taxii_objects),
    *thiqa_urlpatterns,
]
