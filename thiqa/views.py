"""Pages that belong to no single room: the home page, language switch, health check."""

import sys
from typing import Any

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.i18n import set_language

from thiqa.accounts.services import set_language as remember_language
from thiqa.lib.problems import problem
from thiqa.lib.todo import todo_for

# Seconds a client is asked to wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "welcome.html")
    return render(
        request,
        "home.html",
        {
            "todo": todo_for(request.user),
            "memberships": request.user.memberships.filter(is_active=True).select_related("participant"),
        },
    )


def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, which also remembers the choice for a signed-in user."""
    response = set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        remember_language(request.user, request.POST.get("language", ""))
    return response


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, except when the database is unreachable (restarted, failed over):
    then a 503 that says so, and that nothing was half-saved (every write is one transaction),
    drawn without the database (no navigation, no session), in the request's language."""
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response = problem(
            503,
            _("Briefly unavailable"),
            _("The database cannot be reached at the moment; nothing was saved. Try again shortly."),
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
