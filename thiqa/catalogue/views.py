"""Browse the catalogue: frameworks, items by pillar, theme and kind, one item, exports."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from thiqa.audit.services import record
from thiqa.catalogue import export
from thiqa.catalogue.access import readable
from thiqa.catalogue.models import Citation, Framework, Item, Relation, Term
from thiqa.lib.links import extras_for


def _filters(request: HttpRequest) -> dict[str, str]:
    return {axis: request.GET.get(axis, "").strip() for axis in ("framework", "pillar", "theme", "kind")}


@readable("catalogue.view")
def index(request: HttpRequest) -> HttpResponse:
    chosen = _filters(request)
    rows = Item.objects.filter(is_active=True).select_related("framework", "kind", "modality")
    if chosen["framework"]:
        rows = rows.filter(framework__code=chosen["framework"])
    if chosen["pillar"]:
        rows = rows.filter(pillars__code=chosen["pillar"], pillars__axis=Term.Axis.PILLAR)
    if chosen["theme"]:
        rows = rows.filter(themes__code=chosen["theme"], themes__axis=Term.Axis.THEME)
    if chosen["kind"]:
        rows = rows.filter(kind__code=chosen["kind"])
    frameworks = Framework.objects.annotate(size=Count("items", filter=Q(items__is_active=True))).order_by(
        "order"
    )
    terms = Term.objects.all()
    return render(
        request,
        "catalogue/index.html",
        {
            "items": rows.prefetch_related("pillars").distinct(),
            "frameworks": frameworks,
            "pillars": [t for t in terms if t.axis == Term.Axis.PILLAR],
            "themes": [t for t in terms if t.axis == Term.Axis.THEME],
            "kinds": [t for t in terms if t.axis == Term.Axis.KIND],
            "chosen": chosen,
            "selected_framework": next((f for f in frameworks if f.code == chosen["framework"]), None),
        },
    )


@readable("catalogue.view")
def item(request: HttpRequest, code: str) -> HttpResponse:
    obj = get_object_or_404(
        Item.objects.select_related("framework", "kind", "modality").prefetch_related(
            "pillars",
            "themes",
            Prefetch("citations", Citation.objects.prefetch_related("passages__passage__document")),
        ),
        code=code,
        is_active=True,
    )
    related = Relation.objects.filter(Q(source=obj) | Q(target=obj)).select_related(
        "source__framework", "target__framework"
    )
    links = [
        {"type": r.get_type_display(), "item": r.target if r.source_id == obj.pk else r.source}
        for r in related
    ]
    elsewhere = extras_for("catalogue.item", request.user, obj).links
    return render(request, "catalogue/item.html", {"item": obj, "links": links, "elsewhere": elsewhere})


@readable("catalogue.export")
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in {"json", "csv"}:
        raise Http404
    body = export.as_json() if fmt == "json" else export.as_csv()
    content_type = "application/json" if fmt == "json" else "text/csv"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="thiqa-catalogue.{fmt}"'
    if request.user.is_authenticated:
        # A visitor's download of a public text is not an event of anyone's; recording it
        # would let anybody grow the append-only log at will.
        record("catalogue.exported", actor=request.user, data={"format": fmt}, request=request)
    return response
