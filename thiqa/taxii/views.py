"""The TAXII 2.1 server under ``/taxii2/``: discovery, one API root, its collections, their
objects (added, read and deleted), manifests and versions, and the status of each POST.

Authentication is the platform's API token (``Authorization: Bearer thq_…``); every
decision goes through the policy. Errors are TAXII error messages
(``application/taxii+json;version=2.1``) with translated titles.
"""

import base64
import binascii
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from thiqa.accounts import policy
from thiqa.accounts import services as account_services
from thiqa.accounts.models import User
from thiqa.taxii import store
from thiqa.taxii.models import Collection, Status, StixObject

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
MAX_PAGE = 1000
SPEC_VERSION_FORM = re.compile(r"\d+\.\d+")  # a STIX version as match[spec_version] names it: 2.0, 2.1


class TaxiiError(Exception):
    def __init__(self, status: int, title: str, description: str = "") -> None:
        super().__init__(title)
        self.status, self.title, self.description = status, title, description


def taxii_response(data: dict[str, Any], status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=TAXII_MEDIA_TYPE,
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def error_response(error: TaxiiError) -> HttpResponse:
    body = {"title": error.title, "http_status": str(error.status)}
    if error.description:
        body["description"] = error.description
    response = taxii_response(body, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="thiqa"'
    return response


def _accepts_taxii(header: str) -> bool:
    if not header.strip():
        return True
    for item in header.split(","):
        kind, *params = [p.strip().lower() for p in item.split(";")]
        if kind in ("*/*", "application/*"):
            return True
        versions = [p.split("=", 1)[1].strip() for p in params if p.startswith("version=")]
        if kind == "application/taxii+json" and (not versions or "2.1" in versions):
            return True
    return False


def _authenticate(request: HttpRequest) -> User:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    token = account_services.token_for(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise TaxiiError(401, _("Authentication required"), _("Send a valid API token as a Bearer token."))
    request.user = token.user
    request.api_token = token  # type: ignore[attr-defined]
    return token.user


def taxii_view(*methods: str) -> Callable[..., Callable[..., HttpResponse]]:
    """Method, Accept and token checks, and errors in the TAXII format."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise TaxiiError(405, _("Method not allowed"))
                if not _accepts_taxii(request.headers.get("Accept", "")):
                    raise TaxiiError(
                        406,
                        _("Not acceptable"),
                        _("This server answers in %(type)s.") % {"type": TAXII_MEDIA_TYPE},
                    )
                _authenticate(request)
                policy.require_request(request, "taxii.discover")
                return view(request, *args, **kwargs)
            except TaxiiError as error:
                return error_response(error)
            except PermissionDenied as exc:
                return error_response(TaxiiError(403, _("Forbidden"), str(exc)))
            except Http404:
                return error_response(TaxiiError(404, _("Not found"), _("There is no such object.")))
            except RequestDataTooBig:
                return error_response(
                    TaxiiError(413, _("Request too large"), _("The request body is too large."))
                )

        return wrapped

    return decorate


# --- discovery, API root, status -------------------------------------------------------------


@taxii_view("GET")
def discovery(request: HttpRequest) -> HttpResponse:
    root = request.build_absolute_uri(reverse("taxii:api-root"))
    return taxii_response(
        {
            "title": _("Thiqa TAXII server"),
            "description": _("Incident information shared between the participants of Thiqa."),
            "default": root,
            "api_roots": [root],
        }
    )


@taxii_view("GET")
def api_root(request: HttpRequest) -> HttpResponse:
    return taxii_response(
        {
            "title": _("Thiqa incidents"),
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        }
    )


@taxii_view("GET")
def status(request: HttpRequest, status_id: str) -> HttpResponse:
    found = Status.objects.filter(uuid=status_id).first()
    if found is None or not policy.can(
        request.user, "taxii.read_status", found, policy.request_token(request)
    ):
        raise Http404
    return taxii_response(status_resource(found))


def status_resource(found: Status) -> dict[str, Any]:
    return {
        "id": str(found.uuid),
        "status": "complete",
        "request_timestamp": _taxii_time(found.requested_at),
        "total_count": len(found.successes) + len(found.failures),
        "success_count": len(found.successes),
        "successes": found.successes,
        "failure_count": len(found.failures),
        "failures": found.failures,
        "pending_count": 0,
        "pendings": [],
    }


# --- collections -------------------------------------------------------------------------------


def _visible_collections(user: User) -> list[Collection]:
    """The collections ``user`` may read (they exist from their participant's or group's
    creation: reading writes nothing)."""
    participants = set(policy.roles_of(user))
    found = (
        Collection.objects.filter(
            Q(kind=Collection.Kind.COMMUNITY)
            | Q(participant__in=participants)
            | Q(group__members__in=participants)
        )
        .select_related("participant", "group")
        .distinct()
        .order_by("kind", "pk")
    )
    return [c for c in found if policy.can(user, "taxii.read_collection", c)]


def collection_resource(request: HttpRequest, collection: Collection) -> dict[str, Any]:
    token = policy.request_token(request)
    return {
        "id": str(collection.uuid),
        "title": collection.title,
        "description": str(collection.get_kind_display()),
        "can_read": True,
        "can_write": policy.can(request.user, "taxii.write_collection", collection, token),
        "media_types": [STIX_MEDIA_TYPE],
    }


@taxii_view("GET")
def collections(request: HttpRequest) -> HttpResponse:
    found = _visible_collections(request.user)
    body = {"collections": [collection_resource(request, c) for c in found]} if found else {}
    return taxii_response(body)


def _collection(request: HttpRequest, collection_id: str) -> Collection:
    found = Collection.objects.select_related("participant", "group").filter(uuid=collection_id).first()
    if found is None or not policy.can(request.user, "taxii.read_collection", found):
        raise Http404
    return found


@taxii_view("GET")
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    return taxii_response(collection_resource(request, _collection(request, collection_id)))


# --- objects, manifests, versions ----------------------------------------------------------------


def _filters(request: HttpRequest, every_version: bool = False, **fixed: Any) -> store.Filters:
    """The request's filters (without ``match[version]``: the last version, or every one)."""
    query = request.GET
    filters = store.Filters(
        ids=tuple(_list(query.get("match[id]"))),
        types=tuple(_list(query.get("match[type]"))),
        versions=tuple(_list(query.get("match[version]"))) or (("all",) if every_version else ("last",)),
        spec_versions=tuple(_list(query.get("match[spec_version]"))),
    )
    if query.get("added_after"):
        filters.added_after = parse_datetime(query["added_after"])
        if filters.added_after is None:
            raise TaxiiError(400, _("Bad request"), _("added_after is not a timestamp."))
    for value in filters.versions:
        if value not in ("first", "last", "all") and parse_datetime(value) is None:
            raise TaxiiError(
                400, _("Bad request"), _("match[version] takes first, last, all or a timestamp.")
            )
    if not all(SPEC_VERSION_FORM.fullmatch(value) for value in filters.spec_versions):
        raise TaxiiError(400, _("Bad request"), _("match[spec_version] takes STIX versions such as 2.1."))
    for name, value in fixed.items():
        setattr(filters, name, value)
    return filters


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _limit(request: HttpRequest) -> int:
    raw = request.GET.get("limit", str(MAX_PAGE))
    if not raw.isdigit() or int(raw) < 1:
        raise TaxiiError(400, _("Bad request"), _("limit must be a positive whole number."))
    return min(int(raw), MAX_PAGE)


def _cursor(added: datetime, pk: int) -> str:
    text = f"{added.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _after_cursor(objects: QuerySet[StixObject], token: str | None) -> QuerySet[StixObject]:
    if not token:
        return objects
    try:
        moment, pk = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().split("|")
        added, key = parse_datetime(moment), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        added = None
    if added is None:
        raise TaxiiError(400, _("Bad request"), _("next is not a page of this server."))
    return objects.filter(Q(date_added__gt=added) | Q(date_added=added, pk__gt=key))


Row = tuple[Any, ...]  # (pk, date_added, *the fields asked for)


def _page(request: HttpRequest, objects: QuerySet[StixObject], *fields: str) -> tuple[list[Row], str | None]:
    """One page of rows in ``date_added``, ``pk`` order, and the cursor of the next."""
    limit = _limit(request)
    objects = _after_cursor(objects, request.GET.get("next"))
    rows = list(objects.order_by("date_added", "pk").values_list("pk", "date_added", *fields)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (_cursor(rows[-1][1], rows[-1][0]) if more else None)


def _taxii_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _paged(rows: list[Row], next_token: str | None, key: str, items: list[Any]) -> HttpResponse:
    body: dict[str, Any] = {"more": next_token is not None}
    if next_token:
        body["next"] = next_token
    if items:
        body[key] = items
    return taxii_response(body, **_added_headers(rows))


def _added_headers(rows: list[Row]) -> dict[str, str]:
    if not rows:
        return {}
    return {
        "X_TAXII_Date_Added_First": _taxii_time(rows[0][1]),
        "X_TAXII_Date_Added_Last": _taxii_time(rows[-1][1]),
    }


def _objects_page(rows: list[Row], next_token: str | None) -> HttpResponse:
    """An envelope of stored objects, their JSON text as the database holds it (not decoded
    to be encoded again)."""
    head = {"more": next_token is not None, **({"next": next_token} if next_token else {})}
    text = json.dumps(head, separators=(",", ":"))
    if rows:
        text = text[:-1] + ',"objects":[' + ",".join(row[2] for row in rows) + "]}"
    response = HttpResponse(text, content_type=TAXII_MEDIA_TYPE)
    for name, value in _added_headers(rows).items():
        response[name.replace("_", "-")] = value
    return response


def _readable(request: HttpRequest, collection_id: str, **fixed: Any) -> QuerySet[StixObject]:
    found = _collection(request, collection_id)
    objects = store.filtered(store.readable(request.user, found), _filters(request, **fixed))
    return objects.annotate(text=Cast("body", TextField()))


@taxii_view("GET", "POST")
def objects(request: HttpRequest, collection_id: str) -> HttpResponse:
    if request.method == "POST":
        return add_objects(request, collection_id)
    return _objects_page(*_page(request, _readable(request, collection_id), "text"))


@taxii_view("GET", "DELETE")
def stix_object(request: HttpRequest, collection_id: str, object_id: str) -> HttpResponse:
    if request.method == "DELETE":
        return delete_object(request, collection_id, object_id)
    rows, next_token = _page(request, _readable(request, collection_id, ids=(object_id,)), "text")
    if not rows and not request.GET.get("next"):
        raise Http404
    return _objects_page(rows, next_token)


@taxii_view("GET")
def versions(request: HttpRequest, collection_id: str, object_id: str) -> HttpResponse:
    found = _readable(request, collection_id, ids=(object_id,), versions=("all",))
    rows, next_token = _page(request, found, "version")
    if not rows and not request.GET.get("next"):
        raise Http404
    return _paged(rows, next_token, "versions", [row[2] for row in rows])


@taxii_view("GET")
def manifest(request: HttpRequest, collection_id: str) -> HttpResponse:
    rows, next_token = _page(request, _readable(request, collection_id), "stix_id", "version")
    items = [
        {"id": stix_id, "date_added": _taxii_time(added), "version": version, "media_type": STIX_MEDIA_TYPE}
        for _pk, added, stix_id, version in rows
    ]
    return _paged(rows, next_token, "objects", items)


# --- adding objects ------------------------------------------------------------------------------


def _posted_envelope(request: HttpRequest) -> list[Any]:
    kind = request.headers.get("Content-Type", "").replace(" ", "").lower()
    if kind.split(";")[0] != "application/taxii+json" or ("version=" in kind and "version=2.1" not in kind):
        raise TaxiiError(
            415, _("Unsupported media type"), _("Send the envelope as %(type)s.") % {"type": TAXII_MEDIA_TYPE}
        )
    length = request.headers.get("Content-Length", "0")
    if length.isdigit() and int(length) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise RequestDataTooBig
    try:
        envelope = json.loads(request.body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise TaxiiError(400, _("Bad request"), _("The request body is not valid JSON.")) from exc
    if not isinstance(envelope, dict) or not isinstance(envelope.get("objects"), list):
        raise TaxiiError(
            422, _("Not an envelope"), _("Send an envelope: a JSON object with a list of objects.")
        )
    return envelope["objects"]


def add_objects(request: HttpRequest, collection_id: str) -> HttpResponse:
    found = _collection(request, collection_id)
    if not policy.can(request.user, "taxii.write_collection", found, policy.request_token(request)):
        raise TaxiiError(
            403, _("Forbidden"), _("Adding objects needs a read-write token and a role that writes here.")
        )
    posted = _posted_envelope(request)
    return taxii_response(status_resource(store.add_objects(request.user, found, posted)), status=202)


# --- deleting an object --------------------------------------------------------------------------


def delete_object(request: HttpRequest, collection_id: str, object_id: str) -> HttpResponse:
    """The versions of a posted object that match (without ``match[version]``: every one the
    holder reads), all or none; 200 with no body."""
    found = _collection(request, collection_id)
    filters = _filters(request, every_version=True, ids=(object_id,))
    matched = list(store.filtered(store.readable(request.user, found), filters).select_related("collection"))
    if not matched:
        raise Http404
    if not all(version.is_posted for version in matched):
        raise TaxiiError(
            403,
            _("Forbidden"),
            _("This object was published with an incident: it changes only through the incident."),
        )
    try:
        store.delete_versions(request.user, found, matched, policy.request_token(request), request)
    except PermissionDenied as exc:
        raise TaxiiError(
            403,
            _("Forbidden"),
            _("Deleting needs a read-write token and to have posted the object or to write for its owner."),
        ) from exc
    return HttpResponse(status=200, content_type=TAXII_MEDIA_TYPE)
