"""API: frameworks and items of the catalogue."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from thiqa.accounts import policy
from thiqa.catalogue import export
from thiqa.catalogue.models import Framework, Item

router = Router(tags=["catalogue"])


class Bilingual(Schema):
    en: str
    ar: str


class FrameworkOut(Schema):
    code: str
    title: Bilingual
    description: Bilingual
    version: int
    items: int
    documents: list[str]


class CitationOut(Schema):
    document: str
    locator: str
    text: str


class RelationOut(Schema):
    type: str
    target: str


class ItemOut(Schema):
    code: str
    framework: str
    number: str
    kind: str
    modality: str
    pillars: list[str]
    themes: list[str]
    title: Bilingual
    summary: Bilingual
    citations: list[CitationOut]
    parameters: dict[str, Any]
    relations: list[RelationOut]


def _allow(request: HttpRequest) -> None:
    policy.require_request(request, "catalogue.view")


@router.get("/frameworks", response=list[FrameworkOut])
def frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    _allow(request)
    rows = Framework.objects.annotate(size=Count("items", filter=Q(items__is_active=True))).order_by("order")
    return [
        {
            "code": f.code,
            "title": {"en": f.title_en, "ar": f.title_ar},
            "description": {"en": f.description_en, "ar": f.description_ar},
            "version": f.version,
            "items": f.size,
            "documents": [d.symbol for d in f.documents.all()],
        }
        for f in rows.prefetch_related("documents")
    ]


class Records(Sequence[dict[str, Any]]):
    """Items as export records, built only for the page the paginator slices out."""

    def __init__(self, items: QuerySet[Item]) -> None:
        self.items = items

    def __len__(self) -> int:
        return self.items.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [export.item_record(i) for i in self.items[index]]
        return export.item_record(self.items[index])


@router.get("/items", response=list[ItemOut])
@paginate(PageNumberPagination)
def items(
    request: HttpRequest,
    framework: str | None = None,
    pillar: str | None = None,
    theme: str | None = None,
    kind: str | None = None,
) -> Sequence[dict[str, Any]]:
    _allow(request)
    rows = export.items()
    if framework:
        rows = rows.filter(framework__code=framework)
    if pillar:
        rows = rows.filter(pillars__code=pillar, pillars__axis="pillar")
    if theme:
        rows = rows.filter(themes__code=theme, themes__axis="theme")
    if kind:
        rows = rows.filter(kind__code=kind)
    return Records(rows.distinct().order_by("framework__order", "order"))


@router.get("/items/{code}", response=ItemOut)
def item(request: HttpRequest, code: str) -> dict[str, Any]:
    _allow(request)
    return export.item_record(get_object_or_404(export.items(), code=code))
