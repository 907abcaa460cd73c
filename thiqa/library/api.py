"""API: the library's documents and their passages."""

from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from thiqa.accounts import policy
from thiqa.library.models import Document, Passage

router = Router(tags=["library"])


class DocumentOut(Schema):
    slug: str
    symbol: str
    title_en: str
    title_ar: str
    language: str
    format: str
    file_name: str
    sha256: str
    notes: str
    passages: int

    @staticmethod
    def resolve_passages(obj: Document) -> int:
        count = getattr(obj, "passage_count", None)
        return obj.passages.count() if count is None else count


class PassageOut(Schema):
    order: int
    locator: str
    heading: str
    language: str
    text: str
    first_line: int | None
    last_line: int | None
    cited_by: list[str]

    @staticmethod
    def resolve_cited_by(obj: Passage) -> list[str]:
        return sorted({link.citation.item.code for link in obj.citations.all()})


class DocumentDetailOut(DocumentOut):
    passage_list: list[PassageOut]

    @staticmethod
    def resolve_passage_list(obj: Document) -> list[Passage]:
        return list(obj.passages.order_by("order").prefetch_related("citations__citation__item"))


@router.get("/documents", response=list[DocumentOut])
@paginate(PageNumberPagination)
def list_documents(request: HttpRequest):
    policy.require_request(request, "library.view")
    visible = Document.objects.visible_to(request.user)
    return visible.annotate(passage_count=Count("passages")).order_by("symbol", "file_name")


@router.get("/documents/{slug}", response=DocumentDetailOut)
def get_document(request: HttpRequest, slug: str) -> Document:
    document = get_object_or_404(Document, slug=slug)
    policy.require_request(request, "library.view_document", document)
    return document
