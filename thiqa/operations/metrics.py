"""Prometheus metrics: requests counted by the web processes, and the state of the outbox and
the task queue read from the database when scraped.

Under ``thiqa serve`` several gunicorn processes answer requests; each writes its counters
into ``PROMETHEUS_MULTIPROC_DIR`` (set by ``serve``, emptied at each start), and a scrape adds
them up. Without it (``runserver``, tests) the process's own counters are reported."""

import os
import time
from collections.abc import Callable, Iterator

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from thiqa.audit.models import AuditEvent
from thiqa.mail.models import OutboundMessage
from thiqa.operations.models import Heartbeat

REQUESTS = Counter(
    "thiqa_http_requests",
    "HTTP requests answered, by method, view and status class",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "thiqa_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and view",
    ["method", "view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class DatabaseCollector(Collector):
    """Figures that live in the database, read at each scrape (a few aggregate queries)."""

    def collect(self) -> Iterator[Metric]:
        outbox = GaugeMetricFamily(
            "thiqa_outbox_messages", "Messages in the outbox, by status", labels=["status"]
        )
        counts = dict(OutboundMessage.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in OutboundMessage.Status.values:
            outbox.add_metric([status], counts.get(status, 0))
        yield outbox
        tasks = GaugeMetricFamily("thiqa_tasks", "Background tasks, by state", labels=["state"])
        tasks.add_metric(["ready"], DBTaskResult.objects.ready().count())
        tasks.add_metric(["running"], DBTaskResult.objects.running().count())
        yield tasks
        last = Heartbeat.objects.order_by("-at").values_list("at", flat=True).first()
        age = GaugeMetricFamily(
            "thiqa_worker_heartbeat_age_seconds", "Seconds since a worker last ran a task"
        )
        age.add_metric([], (timezone.now() - last).total_seconds() if last else float("inf"))
        yield age
        events = GaugeMetricFamily("thiqa_audit_events", "Events in the audit log")
        events.add_metric([], AuditEvent.objects.count())
        yield events


def exposition() -> HttpResponse:
    """The text exposition of every metric, for Prometheus."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY):
            registry.register(collector)
    registry.register(DatabaseCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class RequestMetricsMiddleware:
    """Count each request by its view's name (never its path: paths carry ids and tokens)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match.url_name or "unnamed") if match else "unmatched"
        REQUESTS.labels(request.method, view, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(request.method, view).observe(time.perf_counter() - started)
        return response
