"""API: frameworks and items of the catalogue."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from thiqa.accounts import policy
from thiqa.catalogue import export
from thiqa.catalogue.models import Framework

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
    policy.require(request.user, "catalogue.view", token=getattr(request, "api_token", None))


@router.get("/frameworks", response=list[FrameworkOut])
def frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    _allow(request)
    return [
        {
            "code": f.code,
            "title": {"en": f.title_en, "ar": f.title_ar},
            "description": {"en": f.description_en, "ar": f.description_ar},
            "version": f.version,
            "items": f.items.filter(is_active=True).count(),
            "documents": [d.symbol for d in f.documents.all()],
        }
        for f in Framework.objects.prefetch_related("documents")
    ]


@router.get("/items", response=list[ItemOut])
@paginate(PageNumberPagination)
def items(
    request: HttpRequest,
    framework: str | None = None,
    pillar: str | None = None,
    theme: str | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
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
    return [export.item_record(i) for i in rows.distinct()]


@router.get("/items/{code}", response=ItemOut)
def item(request: HttpRequest, code: str) -> dict[str, Any]:
    _allow(request)
    return export.item_record(get_object_or_404(export.items(), code=code))
