from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from thiqa.operations import health


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For monitors: 200 when every part works, 503 when one does not; each check in a few words."""
    return _answer(health.all_checks())


@never_cache
def live(request: HttpRequest) -> JsonResponse:
    """For load balancers: this web process answers and reaches the database (a relay or
    worker that is down must not take every web server out of rotation)."""
    return _answer([health.database()])


def _answer(checks: list[health.Check]) -> JsonResponse:
    healthy = all(check.ok for check in checks)
    return JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        },
        status=200 if healthy else 503,
    )
