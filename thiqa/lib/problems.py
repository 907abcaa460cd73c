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


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem details document.",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "title", "status"],
}

_ERRORS = {
    400: "Bad request: the service refused the request.",
    401: "Authentication required: no valid token or session.",
    403: "Forbidden by the policy, or by the token's scope.",
    404: "No such object (in the path, query or body), or not one the caller may see.",
    409: "Conflict with the object's current state.",
    413: "The request body is too large.",
    422: "The request is not valid: the fields are listed in `errors`.",
}
_WRITES = {"post", "put", "patch", "delete"}


def _error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The problems an operation can answer with, from what it takes."""
    takes_input = bool(operation.get("parameters")) or "requestBody" in operation
    statuses = [400, 401, 403]
    if takes_input:  # an object named in the path, the query or the body may not exist
        statuses.append(404)
    if method in _WRITES:
        statuses.append(409)
    if "requestBody" in operation:
        statuses.append(413)
    if takes_input:
        statuses.append(422)
    return statuses


def declare_problem_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the problem documents every operation may answer with to an OpenAPI ``schema``
    (in place), so clients and the fuzz tests know the error answers as well as the
    successful ones. Responses an operation declares itself are kept."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _error_statuses(method, operation):
                responses.setdefault(status, {"description": _ERRORS[status], "content": content})
    return schema
