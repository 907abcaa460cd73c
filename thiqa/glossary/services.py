"""The glossary: national terms (draft, submit, withdraw) and concept entries (create, change,
group terms, set the status, comment).

Every write asks the authorization policy, runs in one transaction with the audit record and
the search index kept in step, and refuses bad input with every problem named, each message
translated (:class:`InvalidTerm`, :class:`InvalidConcept`). The audit says who did what to
which term or concept (participant, language, status, audience), never the definitions.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.accounts.services import InvalidInput, ServiceError
from thiqa.audit.services import record
from thiqa.catalogue.citing import cited_items
from thiqa.catalogue.models import Item
from thiqa.glossary import indexing
from thiqa.glossary.models import (
    MAX_COMMENT,
    MAX_DEFINITION,
    MAX_LOCATOR,
    MAX_SOURCE_TITLE,
    MAX_TERM,
    Audience,
    Concept,
    ConceptComment,
    GlossaryTerm,
    SourceKind,
    TermVersion,
)
from thiqa.lib.languages import is_language
from thiqa.library.models import Document
from thiqa.library.services import DuplicateDocument, LibraryError, ingest

Errors = dict[str, list[str]]
Status = GlossaryTerm.Status
MAX_URL = 500
FIRST_YEAR = 1900
SLUG = re.compile(r"^[a-z][a-z0-9-]{0,79}$")
_SPACES = re.compile(r"\s+")
# A document uploaded as a term's source joins the library, which the whole community reads.
DOCUMENT_AUDIENCES = (Audience.COMMUNITY, Audience.PUBLIC)


class InvalidTerm(InvalidInput):
    """A national term that cannot be saved as it is; ``errors`` maps fields to problems."""

    title = gettext_lazy("The term cannot be saved.")


class InvalidConcept(InvalidInput):
    title = gettext_lazy("The concept cannot be saved.")


@dataclass
class TermDraft:
    """A national term as its author wrote it, before validation. ``source_document`` is the
    slug of a library document; ``upload`` a file (name and ``read()``) to add to the library
    as the source; ``items`` catalogue codes; ``dated`` a date or an ISO 8601 string."""

    term: str
    language: str
    definition: str
    source_kind: str
    source_title: str
    dated: date | str | None
    source_url: str = ""
    source_document: str = ""
    source_locator: str = ""
    items: list[str] = field(default_factory=list)
    audience: str = Audience.SECRETARIAT
    audience_participants: list[Participant] = field(default_factory=list)
    upload: Any = None


@dataclass
class ConceptDraft:
    slug: str
    name_en: str
    name_ar: str
    definition_en: str = ""
    definition_ar: str = ""
    status: str = Concept.Status.PROPOSED
    items: list[str] = field(default_factory=list)


def squash(text: str) -> str:
    """A term as compared for duplicates: spaces collapsed, ends trimmed."""
    return _SPACES.sub(" ", text or "").strip()


# --- national terms ---------------------------------------------------------------------------


def create(
    user: User,
    participant: Participant,
    draft: TermDraft,
    *,
    kind: str = TermVersion.Kind.SAVED,
    request: HttpRequest | None = None,
) -> GlossaryTerm:
    """Record a draft national term for ``participant`` (``kind``: saved, or imported)."""
    policy.require(user, "glossary.submit", participant)
    fields, items = check_term(participant, draft)
    with transaction.atomic():
        fields["source_document"] = _source_document(user, draft, fields, request)
        term = GlossaryTerm.objects.create(participant=participant, created_by=user, **fields)
        _relate(term, draft, items)
        _version(term, kind, user)
        record("glossary.term_created", actor=user, target=term, data=_facts(term), request=request)
    return term


def update(
    user: User, term: GlossaryTerm, draft: TermDraft, *, request: HttpRequest | None = None
) -> GlossaryTerm:
    """Change a draft (or a withdrawn term, which becomes a draft again); a submitted term is
    withdrawn first, so that its readers' copy never changes under them."""
    policy.require(user, "glossary.edit_term", term)
    if term.status == Status.SUBMITTED:
        raise ServiceError(_("This term is submitted: withdraw it before changing it."))
    fields, items = check_term(term.participant, draft, exclude=term.pk)
    with transaction.atomic():
        fields["source_document"] = _source_document(user, draft, fields, request)
        for name, value in fields.items():
            setattr(term, name, value)
        term.status = Status.DRAFT
        term.updated_at = timezone.now()
        term.save()
        _relate(term, draft, items)
        _version(term, TermVersion.Kind.SAVED, user)
        record("glossary.term_updated", actor=user, target=term, data=_facts(term), request=request)
    return term


def submit(user: User, term: GlossaryTerm, *, request: HttpRequest | None = None) -> GlossaryTerm:
    """Submit a draft to the audience its author chose."""
    policy.require(user, "glossary.edit_term", term)
    with transaction.atomic():
        locked = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
        if locked.status != Status.DRAFT:
            raise ServiceError(_("Only a draft can be submitted."))
        locked.status, locked.submitted_at = Status.SUBMITTED, timezone.now()
        locked.updated_at = locked.submitted_at
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        _version(locked, TermVersion.Kind.SUBMITTED, user)
        indexing.refresh_term(locked)
        record("glossary.term_submitted", actor=user, target=locked, data=_facts(locked), request=request)
    term.refresh_from_db()
    return term


def withdraw(user: User, term: GlossaryTerm, *, request: HttpRequest | None = None) -> GlossaryTerm:
    """Take a submission back: only its participant's people and the secretariat see it now;
    its history stays. It leaves any concept it was grouped into."""
    policy.require(user, "glossary.edit_term", term)
    with transaction.atomic():
        locked = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
        if locked.status != Status.SUBMITTED:
            raise ServiceError(_("Only a submitted term can be withdrawn."))
        locked.status, locked.concept = Status.WITHDRAWN, None
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "concept", "updated_at"])
        _version(locked, TermVersion.Kind.WITHDRAWN, user)
        indexing.refresh_term(locked)
        record("glossary.term_withdrawn", actor=user, target=locked, data=_facts(locked), request=request)
    term.refresh_from_db()
    return term


def check_term(
    participant: Participant, draft: TermDraft, *, exclude: int | None = None
) -> tuple[dict[str, Any], list[Item]]:
    """Every check of a draft at once; raises :class:`InvalidTerm` naming each problem."""
    errors: Errors = {}
    fields: dict[str, Any] = {}
    fields.update(_wording(participant, draft, exclude, errors))
    fields.update(_source(draft, errors))
    fields["audience"] = _audience(participant, draft, errors)
    items = cited_items(draft.items, errors)
    if errors:
        raise InvalidTerm(errors)
    return fields, items


def duplicate_of(
    participant: Participant, language: str, term: str, exclude: int | None = None
) -> GlossaryTerm | None:
    """The participant's live (not withdrawn) term with these words in this language."""
    same = GlossaryTerm.objects.exclude(status=Status.WITHDRAWN).annotate(lowered=Lower("term"))
    same = same.filter(participant=participant, language=language, lowered=squash(term).lower())
    return same.exclude(pk=exclude).first() if exclude else same.first()


def _wording(
    participant: Participant, draft: TermDraft, exclude: int | None, errors: Errors
) -> dict[str, Any]:
    words, definition, language = (
        squash(draft.term),
        (draft.definition or "").strip(),
        (draft.language or "").strip(),
    )
    if not words or len(words) > MAX_TERM:
        errors["term"] = [_("Write the term in at most %(limit)d characters.") % {"limit": MAX_TERM}]
    if not is_language(language):
        errors["language"] = [
            _("Unknown language “%(code)s”: use an ISO 639-1 code such as ar, en, fr, ru, es or zh.")
            % {"code": language[:20]}
        ]
    if not definition:
        errors["definition"] = [_("Write the definition the national source gives.")]
    elif len(definition) > MAX_DEFINITION:
        errors["definition"] = [
            _("The definition is too long: at most %(limit)d characters (this one has %(count)d).")
            % {"limit": MAX_DEFINITION, "count": len(definition)}
        ]
    if "term" not in errors and "language" not in errors:
        twin = duplicate_of(participant, language, words, exclude)
        if twin is not None:
            errors["term"] = [
                _("%(participant)s already has the term “%(term)s” in this language.")
                % {"participant": participant.name, "term": twin.term}
            ]
    return {"term": words, "definition": definition, "language": language}


_URL = URLValidator(schemes=["http", "https"])


def _source(draft: TermDraft, errors: Errors) -> dict[str, Any]:
    kind, title = draft.source_kind, squash(draft.source_title)
    url, locator = (draft.source_url or "").strip(), squash(draft.source_locator)
    if kind not in SourceKind.values:
        errors["source_kind"] = [_("Choose the kind of national source.")]
    if not title or len(title) > MAX_SOURCE_TITLE:
        errors["source_title"] = [
            _("Name the national source (law, strategy, vocabulary) in at most %(limit)d characters.")
            % {"limit": MAX_SOURCE_TITLE}
        ]
    if url:
        try:
            if len(url) > MAX_URL:
                raise ValidationError("long")
            _URL(url)
        except ValidationError:
            errors["source_url"] = [
                _("“%(link)s” is not a web address (http or https).") % {"link": url[:100]}
            ]
    if len(locator) > MAX_LOCATOR:
        errors["source_locator"] = [
            _("Write the locator (article, section) in at most %(limit)d characters.")
            % {"limit": MAX_LOCATOR}
        ]
    document = None
    slug = (draft.source_document or "").strip()
    if slug:
        document = Document.objects.filter(slug=slug).first()
        if document is None:
            errors["source_document"] = [_("There is no library document “%(slug)s”.") % {"slug": slug[:100]}]
    if draft.upload is not None and draft.audience not in DOCUMENT_AUDIENCES:
        errors["upload"] = [
            _(
                "A document added as the source joins the library, which the whole community reads: "
                "choose every participant or the public as the audience, or give a link instead."
            )
        ]
    return {
        "source_kind": kind,
        "source_title": title,
        "source_url": url,
        "source_locator": locator,
        "source_document": document,
        "dated": _date(draft.dated, errors),
    }


def _date(value: date | str | None, errors: Errors) -> date | None:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date):
        errors["dated"] = [_("Give the date of the source (YYYY-MM-DD).")]
        return None
    if not FIRST_YEAR <= value.year <= timezone.localdate().year:
        errors["dated"] = [_("Give a date between %(first)d and today.") % {"first": FIRST_YEAR}]
        return None
    return value


def _audience(participant: Participant, draft: TermDraft, errors: Errors) -> str:
    if draft.audience not in Audience.values:
        errors["audience"] = [_("Choose who may read the term.")]
    elif draft.audience == Audience.CHOSEN and not [
        p for p in draft.audience_participants if p.pk != participant.pk
    ]:
        errors["audience"] = [_("Choose the participants who may read the term.")]
    return draft.audience


def _source_document(
    user: User, draft: TermDraft, fields: dict[str, Any], request: HttpRequest | None
) -> Any:
    """The library document of the source: the one named, or the uploaded file, added to the
    library (the same file twice is the same document). A format the library refuses is an
    error of the form, and rolls back the whole change."""
    if draft.upload is None:
        return fields["source_document"]
    try:
        return ingest(draft.upload, actor=user, title_en=fields["source_title"], request=request)
    except DuplicateDocument as exc:
        return exc.document
    except LibraryError as exc:
        raise InvalidTerm({"upload": [str(exc)]}) from None


def _relate(term: GlossaryTerm, draft: TermDraft, items: list[Item]) -> None:
    term.items.set(items)
    chosen = [p for p in draft.audience_participants if p.pk != term.participant_id]
    term.audience_participants.set(chosen if term.audience == Audience.CHOSEN else [])
    term.search_terms = indexing.term_terms(term)
    term.save(update_fields=["search_terms"])
    indexing.refresh_term(term)


def snapshot(term: GlossaryTerm) -> dict[str, Any]:
    """What a version keeps of a term."""
    return {
        "term": term.term,
        "language": term.language,
        "definition": term.definition,
        "source_kind": term.source_kind,
        "source_title": term.source_title,
        "source_url": term.source_url,
        "source_document": term.source_document.slug if term.source_document_id else "",
        "source_locator": term.source_locator,
        "dated": term.dated.isoformat() if term.dated else "",
        "items": sorted(term.items.values_list("code", flat=True)),
        "status": term.status,
        "audience": term.audience,
        "audience_participants": sorted(term.audience_participants.values_list("code", flat=True)),
        "concept": term.concept.slug if term.concept_id else "",
    }


def _version(term: GlossaryTerm, kind: str, user: User) -> TermVersion:
    number = (term.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return TermVersion.objects.create(
        term=term, number=number, kind=kind, snapshot=snapshot(term), created_by=user
    )


def _facts(term: GlossaryTerm) -> dict[str, Any]:
    return {
        "participant": term.participant.code,
        "language": term.language,
        "status": term.status,
        "audience": term.audience,
        "concept": term.concept.slug if term.concept_id else "",
    }


# --- concepts ---------------------------------------------------------------------------------


def create_concept(user: User, draft: ConceptDraft, *, request: HttpRequest | None = None) -> Concept:
    policy.require(user, "glossary.manage")
    fields, items = check_concept(draft)
    with transaction.atomic():
        concept = Concept.objects.create(created_by=user, **fields)
        _settle_concept(user, concept, items, "glossary.concept_created", request)
    return concept


def update_concept(
    user: User, concept: Concept, draft: ConceptDraft, *, request: HttpRequest | None = None
) -> Concept:
    """Change a concept's names, definitions, status or catalogue items."""
    policy.require(user, "glossary.manage")
    fields, items = check_concept(draft, exclude=concept.pk)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(concept, name, value)
        concept.updated_at = timezone.now()
        concept.save()
        _settle_concept(user, concept, items, "glossary.concept_updated", request)
    return concept


def _settle_concept(
    user: User, concept: Concept, items: list[Item], action: str, request: HttpRequest | None
) -> None:
    if concept.is_agreed and concept.agreed_at is None:
        concept.agreed_at = timezone.now()
    elif not concept.is_agreed:
        concept.agreed_at = None
    concept.search_terms = indexing.concept_terms(concept)
    concept.save(update_fields=["agreed_at", "search_terms"])
    concept.items.set(items)
    indexing.refresh_concept(concept)
    record(
        action,
        actor=user,
        target=concept,
        data={"slug": concept.slug, "status": concept.status},
        request=request,
    )


def check_concept(draft: ConceptDraft, *, exclude: int | None = None) -> tuple[dict[str, Any], list[Item]]:
    errors: Errors = {}
    slug = (draft.slug or "").strip().lower()
    if not SLUG.match(slug):
        errors["slug"] = [
            _(
                "Give a code of lower-case letters, digits and hyphens, starting with a letter "
                "(e.g. incident)."
            )
        ]
    elif Concept.objects.filter(slug=slug).exclude(pk=exclude).exists():
        errors["slug"] = [_("There is already a concept with the code “%(slug)s”.") % {"slug": slug}]
    names = {"name_en": squash(draft.name_en), "name_ar": squash(draft.name_ar)}
    for name, value in names.items():
        if not value or len(value) > MAX_TERM:
            errors[name] = [_("Write the name in at most %(limit)d characters.") % {"limit": MAX_TERM}]
    definitions = {
        "definition_en": (draft.definition_en or "").strip(),
        "definition_ar": (draft.definition_ar or "").strip(),
    }
    for name, value in definitions.items():
        if len(value) > MAX_DEFINITION:
            errors[name] = [
                _("The definition is too long: at most %(limit)d characters (this one has %(count)d).")
                % {"limit": MAX_DEFINITION, "count": len(value)}
            ]
    if draft.status not in Concept.Status.values:
        errors["status"] = [_("Choose the status of the definition.")]
    elif draft.status == Concept.Status.AGREED and not all(definitions.values()):
        errors["status"] = [_("An agreed definition is written in both Arabic and English.")]
    items = cited_items(draft.items, errors)
    if errors:
        raise InvalidConcept(errors)
    return {"slug": slug, **names, **definitions, "status": draft.status}, items


def group(
    user: User, concept: Concept, terms: list[GlossaryTerm], *, request: HttpRequest | None = None
) -> int:
    """Group submitted national terms into ``concept``; returns how many moved."""
    policy.require(user, "glossary.manage")
    moved = 0
    with transaction.atomic():
        for term in terms:
            locked = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
            if locked.status != Status.SUBMITTED:
                raise ServiceError(
                    _("“%(term)s” is not submitted: only submitted terms are grouped.")
                    % {"term": locked.term}
                )
            if locked.concept_id == concept.pk:
                continue
            _move(user, locked, concept, request)
            moved += 1
    return moved


def ungroup(user: User, term: GlossaryTerm, *, request: HttpRequest | None = None) -> None:
    """Take a term out of its concept."""
    policy.require(user, "glossary.manage")
    with transaction.atomic():
        locked = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
        if locked.concept_id is None:
            raise ServiceError(_("This term is not grouped into a concept."))
        _move(user, locked, None, request)


def _move(user: User, term: GlossaryTerm, concept: Concept | None, request: HttpRequest | None) -> None:
    term.concept = concept
    term.search_terms = indexing.term_terms(term)
    term.save(update_fields=["concept", "search_terms"])
    _version(term, TermVersion.Kind.GROUPED, user)
    indexing.refresh_term(term)
    record("glossary.term_grouped", actor=user, target=term, data=_facts(term), request=request)


def comment(
    user: User, concept: Concept, participant: Participant, text: str, *, request: HttpRequest | None = None
) -> ConceptComment:
    """A participant's comment on a concept's proposed definition."""
    policy.require(user, "glossary.comment", concept)
    if not policy.writes_for(user, participant.pk):
        raise ServiceError(_("You do not write for %(name)s.") % {"name": participant.name})
    text = (text or "").strip()
    if not text or len(text) > MAX_COMMENT:
        raise InvalidInput(
            {"text": [_("Write a comment of at most %(limit)d characters.") % {"limit": MAX_COMMENT}]}
        )
    with transaction.atomic():
        made = ConceptComment.objects.create(concept=concept, participant=participant, author=user, text=text)
        record(
            "glossary.commented",
            actor=user,
            target=concept,
            data={"participant": participant.code, "comment": made.pk},
            request=request,
        )
    return made
