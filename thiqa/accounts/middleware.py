from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.lib.problems import problem

# Paths a signed-in user without the required second factor may still reach.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/healthz/live")


class SecondFactorMiddleware:
    """Secretariat staff and focal points must enrol a second factor before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.has_second_factor
            and not request.path.startswith(_OPEN_PREFIXES)
            and policy.needs_second_factor(user)
        ):
            if request.path.startswith("/api/"):
                return problem(
                    403, _("Second factor required"), _("Set up your authenticator app before using the API.")
                )
            return redirect(reverse("accounts:mfa_setup"))
        return self.get_response(request)
