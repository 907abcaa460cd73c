"""The search page: one query box over catalogue items, passages and the entries other rooms
register (activities...), with filters."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.catalogue.models import Framework, Term
from thiqa.library import search
from thiqa.library.models import Document

FILTERS = ("language", "framework", "pillar", "kind", "document", "type")


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "search.query")
    q = request.GET.get("q", "").strip()
    chosen = {name: request.GET.get(name, "").strip()[:120] for name in FILTERS}
    type_choices = [
        ("item", _("Catalogue item")),
        ("passage", _("Passage")),
        *((name, source.label) for name, source in sorted(search.SOURCES.items())),
    ]
    hits: list[search.Hit] = []
    error = ""
    if q:
        try:
            hits = search.search(
                q,
                language=chosen["language"] or None,
                framework=chosen["framework"] or None,
                pillar=chosen["pillar"] or None,
                kind=chosen["kind"] or None,
                document=chosen["document"] or None,
                entry_type=chosen["type"] if chosen["type"] in dict(type_choices) else None,
                limit=20,
            )
        except search.SearchError as exc:
            error = str(exc)
    terms = Term.objects.filter(axis__in=[Term.Axis.PILLAR, Term.Axis.KIND])
    return render(
        request,
        "library/search.html",
        {
            "q": q,
            "chosen": chosen,
            "hits": hits,
            "error": error,
            "searched": bool(q) and not error,
            "frameworks": Framework.objects.all(),
            "pillars": [t for t in terms if t.axis == Term.Axis.PILLAR],
            "kinds": [t for t in terms if t.axis == Term.Axis.KIND],
            "documents": Document.objects.only("slug", "symbol", "file_name"),
            "language_choices": settings.LANGUAGES,
            "type_choices": type_choices,
            "max_length": search.MAX_QUERY_LENGTH,
        },
    )
