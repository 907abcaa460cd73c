"""RFC 9457 problem details, the one error format of the API."""

from typing import Any

from django.http import JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str = "", **extra: Any) -> JsonResponse:
    """A problem-details response; ``title`` and ``detail`` are already translated."""
    body: dict[str, Any] = {"type": "about:blank", "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    return JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
