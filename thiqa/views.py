"""Pages that belong to no single room: the home page, language switch, health check."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.i18n import set_language

from thiqa.accounts.services import set_language as remember_language
from thiqa.lib.todo import todo_for


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
