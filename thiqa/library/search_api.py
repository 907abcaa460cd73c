"""API: GET /api/v1/search, ranked hits over catalogue items, passages and the registered sources
(such as activities)."""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from thiqa.accounts import policy
from thiqa.lib.problems import problem
from thiqa.library import search

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = Field("", max_length=10_000)
    lang: Literal["ar", "en"] | None = None
    framework: str | None = Field(None, max_length=60)
    pillar: str | None = Field(None, max_length=60)
    kind: str | None = Field(None, max_length=60)
    document: str | None = Field(None, max_length=120)
    type: str | None = Field(
        None, max_length=32, description="item, passage, or a registered source such as activity"
    )
    limit: int = Field(10, ge=1, le=search.MAX_LIMIT)


class HitOut(Schema):
    type: str
    code: str | None
    document: str | None
    locator: str
    title: str
    snippet: str = Field(description="HTML: escaped text, matched words in <mark>")
    score: float
    url: str
    language: str


class SearchOut(Schema):
    query: str
    terms: list[str]
    hits: list[HitOut]


@router.get("/search", response=SearchOut)
def search_endpoint(request: HttpRequest, params: Query[SearchParams]) -> dict | HttpResponse:
    """Ranked hits for ``q``; an empty or meaningless query gives no hits, a query over 500
    characters a 422 problem. Visitors who are not signed in search the public entries only."""
    policy.require_request(request, "search.query")
    if params.type and params.type not in ("item", "passage", *search.SOURCES):
        return problem(
            422,
            _("The query cannot be run."),
            _("Unknown type of result: %(type)s.") % {"type": params.type[:32]},
        )
    try:
        hits = search.search(
            params.q,
            language=params.lang,
            framework=params.framework,
            pillar=params.pillar,
            kind=params.kind,
            document=params.document,
            entry_type=params.type,
            limit=params.limit,
            public_only=search.public_only_for(request.user, policy.request_token(request)),
        )
    except search.SearchError as exc:
        return problem(422, _("The query cannot be run."), str(exc))
    return {
        "query": params.q.strip(),
        "terms": search.query_terms(params.q),
        "hits": [
            {
                "type": h.type,
                "code": h.code,
                "document": h.document,
                "locator": h.locator,
                "title": h.title,
                "snippet": h.snippet_html,
                "score": h.score,
                "url": h.url,
                "language": h.language,
            }
            for h in hits
        ],
    }
