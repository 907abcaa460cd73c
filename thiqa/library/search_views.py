"""The search page: one query box over catalogue items, passages and the entries other rooms
register (activities...), with filters."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thiqa.catalogue.access import readable
from thiqa.catalogue.models import Framework, Term
from thiqa.library import search
from thiqa.library.models import Document

FILTERS = ("language", "framework", "pillar", "kind", "document", "type")


@readable("search.query")
def search_page(request: HttpRequest) -> HttpResponse:
    public_only = search.public_only_for(request.user)
    q = request.GET.get("q", "").strip()
    chosen = {name: request.GET.get(name, "").strip()[:120] for name in FILTERS}
    type_choices = [(name, search.type_label(name)) for name in search.entry_types(public_only)]
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
                public_only=public_only,
            )
        except search.SearchError as exc:
            error = str(exc)
    terms = Term.objects.filter(axis__in=[Term.Axis.PILLAR, Term.Axis.KIND])
    return render(
        request,
        "library/search.html",
        {
            "q": q,
            "public_only": public_only,
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
