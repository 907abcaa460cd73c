"""The HTTP API under /api/v1: the routers, who may call them (a token or a session, and visitors
where ``accounts.api_auth.open_to_visitors`` says so) and errors as RFC 9457 problem details."""

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from thiqa import __version__
from thiqa.accounts import services as account_services
from thiqa.accounts.api import router as accounts_router
from thiqa.accounts.api_auth import open_to_visitors, signed_in
from thiqa.activities.api import router as activities_router
from thiqa.audit.api import router as audit_router
from thiqa.capacity.api import router as capacity_router
from thiqa.catalogue.api import router as catalogue_router
from thiqa.checks.api import router as checks_router
from thiqa.directory.api import router as directory_router
from thiqa.glossary.api import router as glossary_router
from thiqa.incidents.api import router as incidents_router
from thiqa.lib.problems import declare_problem_responses, problem
from thiqa.library.api import router as library_router
from thiqa.library.search_api import router as search_router
from thiqa.mail.api import router as mail_router
from thiqa.messaging.api import router as messaging_router
from thiqa.operations.api import router as operations_router
from thiqa.partnerships.api import router as partnerships_router
from thiqa.profiles.api import router as profiles_router
from thiqa.reporting.api import router as reporting_router
from thiqa.taxii.api import router as stix_router


class ThiqaAPI(NinjaAPI):
    """The API whose OpenAPI schema also declares the problem documents it answers with."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return declare_problem_responses(schema)


api = ThiqaAPI(
    title="Thiqa API",
    version=__version__,
    description=(
        "Cyber confidence-building and cooperation platform. Authenticate with a personal "
        "token (`Authorization: Bearer thq_…`, created under Account → API tokens) or a "
        "signed-in session. Errors are RFC 9457 problem details."
    ),
    auth=signed_in(),
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/", accounts_router)
api.add_router("/mail", mail_router)
api.add_router("/audit", audit_router)
api.add_router("/operations", operations_router)
api.add_router("/catalogue", catalogue_router, auth=open_to_visitors("catalogue.view"))
api.add_router("/library", library_router, auth=open_to_visitors("library.view"))
api.add_router("/directory", directory_router)
api.add_router("/checks", checks_router)
api.add_router("/messages", messaging_router)
api.add_router("/incidents", incidents_router)
api.add_router("/reporting", reporting_router)
api.add_router("/partnerships", partnerships_router)
api.add_router("/capacity", capacity_router)
api.add_router("/activities", activities_router)
# The glossary and the profiles open their reading endpoints to visitors one by one (as their
# pages do), beside writes that need a token or a session.
api.add_router("/glossary", glossary_router)
api.add_router("/stix", stix_router)
api.add_router("/", profiles_router)
api.add_router("/", search_router, auth=open_to_visitors("search.query"))


def _validation_problem(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", "")), "type": e.get("type", "")}
        for e in exc.errors
    ]
    return problem(
        422, _("The request is not valid."), _("Correct the fields listed in “errors”."), errors=errors
    )


def _http_problem(request: HttpRequest, exc: HttpError) -> HttpResponse:
    titles = {
        400: _("Bad request"),
        401: _("Authentication required"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        429: _("Too many requests"),
    }
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):
        detail = _("The request body is not valid JSON.")
    elif exc.status_code == 401 and detail == "Unauthorized":
        detail = _("Sign in or send a valid API token.")
    response = problem(exc.status_code, titles.get(exc.status_code, _("Error")), detail)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="thiqa"'
    return response


api.add_exception_handler(ValidationError, _validation_problem)
api.add_exception_handler(HttpError, _http_problem)
api.add_exception_handler(
    PermissionDenied,
    lambda request, exc: problem(403, _("Forbidden"), str(exc) or _("You are not allowed to do this.")),
)
api.add_exception_handler(
    Http404, lambda request, exc: problem(404, _("Not found"), _("There is no such object."))
)
api.add_exception_handler(
    RequestDataTooBig,
    lambda request, exc: problem(413, _("Request too large"), _("The request body is too large.")),
)
api.add_exception_handler(
    account_services.ServiceError, lambda request, exc: problem(400, _("Bad request"), str(exc))
)


def _invalid_input(request: HttpRequest, exc: account_services.InvalidInput) -> HttpResponse:
    """422 naming every field's problem, for the services that collect them."""
    errors = [{"loc": name.split("."), "msg": msg} for name, msgs in exc.errors.items() for msg in msgs]
    return problem(422, str(exc.title), _("Correct the fields listed in “errors”."), errors=errors)


api.add_exception_handler(account_services.InvalidInput, _invalid_input)
