"""HTTP response headers every page carries."""

import re
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from thiqa.lib.problems import PROBLEM_CONTENT_TYPE, problem

# Everything is served by Thiqa itself: no inline script, no third-party origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# A JSON \u0000 escape, not preceded by an escaped backslash ("\\u0000" is six characters).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def _holds_nul(request: HttpRequest) -> bool:
    """Whether the path, the query or a JSON body holds U+0000, which no text field stores
    (PostgreSQL refuses it; Django's form fields reject it the same way)."""
    query = request.GET.lists()
    if "\x00" in request.path or any("\x00" in k or "\x00" in "".join(v) for k, v in query):
        return True
    if request.content_type != "application/json":
        return False
    try:
        body = request.body
    except RequestDataTooBig:  # the API answers it with its own 413 problem
        return False
    return b"\x00" in body or _JSON_NUL.search(body) is not None


class ApiProblemMiddleware:
    """Under /api/, answers that Django or the router make on their own (unknown path,
    method not allowed, an unexpected server error) become problem details too, like every
    other API error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and _holds_nul(request):
            return problem(
                422, _("The request is not valid."), _("Text may not contain the NUL character (U+0000).")
            )
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.get("Content-Type", "").startswith(
            PROBLEM_CONTENT_TYPE
        ):
            return response
        if response.status_code == 404:
            return problem(404, _("Not found"), _("There is no such object."))
        if response.status_code == 405:
            converted = problem(
                405,
                _("Method not allowed"),
                _("This address does not accept %(method)s.") % {"method": request.method},
            )
            converted["Allow"] = response.get("Allow", "")
            return converted
        if response.status_code >= 500:  # logged by Django; the caller gets no traceback
            return problem(
                response.status_code,
                _("Server error"),
                _("The server could not answer this request; the error has been logged."),
            )
        return response
