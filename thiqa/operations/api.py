"""Operators' endpoints: Prometheus metrics, for a secretariat member's token."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from thiqa.accounts import policy
from thiqa.operations import metrics

router = Router(tags=["operations"])


@router.get("/metrics", summary="Prometheus metrics (text exposition format)")
def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    policy.require_request(request, "operations.metrics")
    return metrics.exposition()
