"""Who reaches the pages of the public texts (the catalogue, the library and the search).

The policy decides: a visitor who is not signed in reads them when the policy lets visitors
(an open deployment); otherwise the visitor is sent to sign in, as for any page of the
community, and a signed-in person the policy refuses gets 403."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from thiqa.accounts import policy

View = Callable[..., HttpResponse]


def readable(action: str) -> Callable[[View], View]:
    """Serve the view to whoever ``policy`` allows ``action``; send refused visitors to sign in."""

    def decorate(view: View) -> View:
        @wraps(view)
        def serve(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated and not policy.can(request.user, action):
                return redirect_to_login(request.get_full_path())
            policy.require(request.user, action)
            return view(request, *args, **kwargs)

        return serve

    return decorate
