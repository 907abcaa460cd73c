"""Every write of the library: ingesting documents, changing or withdrawing a national
document (for the profiles room, which checks, authorizes and audits), and linking catalogue
citations to passages."""

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from thiqa.accounts.models import Participant
from thiqa.audit.services import record
from thiqa.catalogue.models import Citation, SourceDocument
from thiqa.library import passages as splitting
from thiqa.library import search
from thiqa.library.models import CitedPassage, Document, Passage
from thiqa.library.reading import MAX_BYTES, LibraryError, ReadResult, read_bytes, read_path

__all__ = [
    "DuplicateDocument",
    "LibraryError",
    "Ownership",
    "Unresolved",
    "ingest",
    "resolve_citations",
    "update_national",
    "withdraw_national",
]


class DuplicateDocument(LibraryError):
    """The same file (same SHA-256) is already in the library; ``document`` is that record."""

    def __init__(self, message: str, document: Document) -> None:
        super().__init__(message)
        self.document = document


@dataclass(frozen=True)
class Ownership:
    """What makes a document a participant's national document: its owner, kind, date,
    language and audience (checked by the caller, the profiles room)."""

    owner: Participant
    kind: str
    issued_on: date
    language: str
    audience: str
    shared_with: tuple[Participant, ...] = ()


@dataclass(frozen=True)
class Unresolved:
    citation: Citation
    reason: str

    def __str__(self) -> str:
        c = self.citation
        where = f"{c.source_file}:{c.first_line}-{c.last_line}"
        return f"{c.item.code}: {c.document_symbol} {c.locator} ({where}): {self.reason}"


def _read(source: Any) -> ReadResult:
    if isinstance(source, str | Path):
        return read_path(source)
    name = getattr(source, "name", "") or "upload"
    return read_bytes(source.read(MAX_BYTES + 1), name)


def _catalogue_source(file_name: str) -> SourceDocument | None:
    """The catalogue's document for a file: the one the catalogue's citations of it name most."""
    counts = Counter(Citation.objects.filter(source_file=file_name).values_list("document_symbol", flat=True))
    documents = SourceDocument.objects.filter(source_file=file_name)
    return min(documents, key=lambda d: (-counts[d.symbol], d.symbol), default=None)


def _slug(base: str) -> str:
    base = slugify(base)[:100] or "document"
    slug, n = base, 2
    while Document.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def ingest(
    source: Any,
    *,
    actor: Any = None,
    symbol: str = "",
    title_en: str = "",
    title_ar: str = "",
    national: Ownership | None = None,
    request=None,
) -> Document:
    """Read, split and store one document in one transaction; a failure leaves nothing.

    The same file twice (same SHA-256) is refused with :class:`DuplicateDocument`. With
    ``national`` the document is that participant's, read by its audience; it enters the
    shared search index only if public."""
    read = _read(source)
    existing = Document.objects.filter(sha256=read.sha256).first()
    if existing is not None:
        raise DuplicateDocument(
            _("%(name)s is already in the library as “%(document)s”.")
            % {"name": read.file_name, "document": existing},
            existing,
        )
    result = splitting.split(read.text)
    if not result.passages:
        raise LibraryError(_("%(name)s yielded no usable passages.") % {"name": read.file_name})
    known = None if national else _catalogue_source(read.file_name)
    if known is not None:
        symbol = symbol or known.symbol
        title_en = title_en or known.title_en
        title_ar = title_ar or known.title_ar
    prefix = f"{national.owner.code}-" if national else ""
    with transaction.atomic():
        document = Document.objects.create(
            slug=_slug(f"{prefix}{symbol or Path(read.file_name).stem}"),
            symbol=symbol[:120],
            title_en=title_en[:400],
            title_ar=title_ar[:400],
            language=national.language if national else read.language,
            format=read.format,
            file_name=read.file_name,
            sha256=read.sha256,
            original=read.text,
            notes="\n".join(result.notes),
            owner=national and national.owner,
            kind=national.kind if national else Document.Kind.SOURCE,
            issued_on=national and national.issued_on,
            audience=national.audience if national else "",
        )
        if national:
            document.audience_participants.set(national.shared_with)
        Passage.objects.bulk_create(
            Passage(
                document=document,
                order=p.order,
                locator=p.locator,
                heading=p.heading,
                language=p.language,
                text=p.text,
                first_line=p.first_line,
                last_line=p.last_line,
            )
            for p in result.passages
        )
        record(
            "library.ingested",
            actor=actor,
            target=document,
            data={
                "file": read.file_name,
                "sha256": read.sha256,
                "passages": len(result.passages),
                "excluded_lines": [list(r) for r in result.excluded],
                "owner": national.owner.code if national else None,
                "audience": document.audience,
            },
            request=request,
        )
        resolve_citations(document)
        search.reindex_document(document)
    return document


def update_national(document: Document, ownership: Ownership, titles: tuple[str, str]) -> Document:
    """Change a national document's facts (kind, date, language, audience, titles), keeping
    its text; the shared search index follows its audience. The caller checked the values,
    holds the transaction and records the change in the audit log."""
    document.kind, document.issued_on = ownership.kind, ownership.issued_on
    document.language, document.audience = ownership.language, ownership.audience
    document.title_en, document.title_ar = titles[0][:400], titles[1][:400]
    document.save(update_fields=["kind", "issued_on", "language", "audience", "title_en", "title_ar"])
    document.audience_participants.set(ownership.shared_with)
    search.reindex_document(document)
    return document


def withdraw_national(document: Document, reason: str) -> Document:
    """Withdraw a national document: kept, read by nobody, out of the search index. The
    caller authorizes, holds the transaction and audits."""
    document.withdrawn_at, document.withdrawal_reason = timezone.now(), reason
    document.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    search.reindex_document(document)
    return document


_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def resolve_citations(document: Document | None = None) -> tuple[int, list[Unresolved]]:
    """Link catalogue citations to the passages that contain them (replacing earlier links).

    A citation resolves to the passages of the document with its ``source_file`` whose lines
    overlap the cited lines and that contain the anchor (whitespace collapsed); an anchor
    that runs over two neighbouring passages links both. Citations without an anchor link
    every overlapping passage. Citations of files not in the library are left aside.
    Returns the number resolved and the unresolved ones with a reason."""
    documents = [document] if document is not None else list(Document.objects.all())
    by_file: dict[str, list[Document]] = {}
    for d in documents:
        by_file.setdefault(d.file_name, []).append(d)
    citations = Citation.objects.filter(source_file__in=list(by_file)).select_related("item")
    resolved, unresolved, links = 0, [], []
    with transaction.atomic():
        CitedPassage.objects.filter(citation__in=citations).delete()
        cache: dict[int, list[Passage]] = {}
        for citation in citations:
            found: list[Passage] = []
            for d in by_file[citation.source_file]:
                if d.pk not in cache:
                    cache[d.pk] = list(d.passages.order_by("order"))
                found = _match(citation, cache[d.pk])
                if found:
                    break
            if found:
                resolved += 1
                links.extend(CitedPassage(citation=citation, passage=p) for p in found)
            else:
                reason = (
                    "no passage in the cited lines contains the anchor"
                    if citation.anchor
                    else "no passage in the cited lines"
                )
                unresolved.append(Unresolved(citation, reason))
        CitedPassage.objects.bulk_create(links, ignore_conflicts=True)
    return resolved, unresolved


def _match(citation: Citation, rows: list[Passage]) -> list[Passage]:
    if citation.first_line and citation.last_line:
        rows = [
            p
            for p in rows
            if p.first_line and p.first_line <= citation.last_line and p.last_line >= citation.first_line
        ]
    if not citation.anchor:
        return rows
    anchor = _squash(citation.anchor)
    hits = [p for p in rows if anchor in _squash(p.text)]
    if hits:
        return hits
    for a, b in itertools.pairwise(rows):
        if b.order == a.order + 1 and anchor in _squash(a.text + " " + b.text):
            return [a, b]
    return []
