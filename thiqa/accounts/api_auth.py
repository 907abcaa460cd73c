"""Who calls the API: a personal token, a signed-in session, or, on the reading endpoints of
what the policy makes public, a visitor with neither. ``thiqa/api.py`` makes the first two the
whole API's default; a router or an endpoint that may be read in public declares
``auth=open_to_visitors(action)`` (the rooms below the API's top level declare it on their
own endpoints, so it lives here)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from thiqa.accounts import policy
from thiqa.accounts import services as account_services
from thiqa.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer thq_…`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = account_services.token_for(token)
        if found is None:
            raise AuthenticationError(401, _("The API token is not valid, has expired or was revoked."))
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found


class SessionAuth(NinjaSessionAuth):
    """The signed-in browser session (CSRF-protected for writes)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            request.api_token = None  # type: ignore[attr-defined]
        return user


class Visitor:
    """A caller with neither token nor session, admitted where the policy lets visitors who are
    not signed in perform ``action`` (the public texts of an open deployment); anywhere else,
    and when the deployment is closed, such a caller gets the 401 problem."""

    def __init__(self, action: str) -> None:
        self.action = action

    def __call__(self, request: HttpRequest) -> bool:
        request.api_token = None  # type: ignore[attr-defined]
        return policy.can(None, self.action)


def signed_in() -> list[Any]:
    """The API's default: a token or a session."""
    return [TokenAuth(), SessionAuth()]


def open_to_visitors(action: str) -> list[Any]:
    """Authentication of a router or an endpoint whose reading ``action`` may be public: a
    token or a session as everywhere, else a visitor if the policy allows. Use the action
    of the page that shows the same thing (its ``catalogue.access.readable``), so the endpoint
    and the page admit the same visitors."""
    return [*signed_in(), Visitor(action)]
