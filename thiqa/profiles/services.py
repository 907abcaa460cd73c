"""Every write of the profiles room: a participant's national documents (entered into the
library) and its national positions, checked, authorized and audited in one transaction."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.accounts.services import InvalidInput
from thiqa.audit.services import record
from thiqa.catalogue.models import Item
from thiqa.lib.languages import LANGUAGES
from thiqa.library import services as library
from thiqa.library.models import Audience, Document
from thiqa.profiles.models import MAX_TEXT, MAX_TITLE, NationalDocument, Position

# Kinds a focal point uploads as national documents; statements and threat assessments are
# recorded as positions (with or without a document).
DOCUMENT_KINDS = (Document.Kind.STRATEGY, Document.Kind.LEGISLATION, Document.Kind.POLICY)
POSITION_DOCUMENT_KIND = {
    Position.Subject.NORMS: Document.Kind.POSITION,
    Position.Subject.LAW: Document.Kind.POSITION,
    Position.Subject.THREATS: Document.Kind.THREAT_ASSESSMENT,
}
MAX_DOCUMENT_TITLE = 400
MAX_ITEMS = 30


class InvalidProfileInput(InvalidInput):
    """A national document or position that cannot be saved as it is; ``errors`` maps each
    field to its problems (the API answers 422 with them)."""

    title = gettext_lazy("The national document or position cannot be saved.")


@dataclass
class Sharing:
    """What documents and positions have in common: when, in which language, for whom and
    on which catalogue items. Codes as written, before validation."""

    issued_on: date | None
    language: str
    audience: str
    shared_with: list[str] = field(default_factory=list)  # participant codes (audience "chosen")
    items: list[str] = field(default_factory=list)  # catalogue item codes


@dataclass
class DocumentDraft:
    kind: str
    title_en: str
    title_ar: str
    sharing: Sharing


@dataclass
class PositionDraft:
    subject: str
    title: str
    text: str
    sharing: Sharing


@dataclass
class _Checked:
    items: list[Item]
    shared_with: list[Participant]


def _check_sharing(sharing: Sharing, errors: dict[str, list[str]]) -> _Checked:
    if sharing.issued_on is None:
        errors.setdefault("issued_on", []).append(_("Give the date."))
    elif sharing.issued_on > timezone.localdate():
        errors.setdefault("issued_on", []).append(_("The date cannot be in the future."))
    if sharing.language not in dict(LANGUAGES):
        errors.setdefault("language", []).append(
            _("“%(value)s” is not a language Thiqa knows.") % {"value": sharing.language}
        )
    if sharing.audience not in Audience.values:
        errors.setdefault("audience", []).append(_("Choose who may read it."))
    codes = list(dict.fromkeys(c.strip() for c in sharing.items if c.strip()))
    if len(codes) > MAX_ITEMS:
        errors.setdefault("items", []).append(_("Name at most %(max)d catalogue items.") % {"max": MAX_ITEMS})
    items = list(Item.objects.filter(code__in=codes, is_active=True).order_by("order"))
    unknown = sorted(set(codes) - {i.code for i in items})
    if unknown:
        errors.setdefault("items", []).append(
            _("Not in the catalogue: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    shared_with: list[Participant] = []
    if sharing.audience == Audience.CHOSEN:
        wanted = list(dict.fromkeys(c.strip() for c in sharing.shared_with if c.strip()))
        shared_with = list(Participant.objects.filter(code__in=wanted, is_active=True).order_by("name_en"))
        missing = sorted(set(wanted) - {p.code for p in shared_with})
        if missing:
            errors.setdefault("shared_with", []).append(
                _("Not a participant: %(codes)s.") % {"codes": ", ".join(missing)}
            )
        elif not shared_with:
            errors.setdefault("shared_with", []).append(_("Choose the participants that may read it."))
    return _Checked(items, shared_with)


def _check_length(errors: dict[str, list[str]], name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(name, []).append(
            _("At most %(max)d characters (this has %(count)d).") % {"max": limit, "count": len(value)}
        )


def _ownership(participant: Participant, kind: str, sharing: Sharing, checked: _Checked) -> library.Ownership:
    assert sharing.issued_on is not None  # checked
    return library.Ownership(
        owner=participant,
        kind=kind,
        issued_on=sharing.issued_on,
        language=sharing.language,
        audience=sharing.audience,
        shared_with=tuple(checked.shared_with),
    )


def _ingest(
    user: User, upload: Any, ownership: library.Ownership, titles: tuple[str, str], request
) -> Document:
    try:
        return library.ingest(
            upload, actor=user, title_en=titles[0], title_ar=titles[1], national=ownership, request=request
        )
    except library.LibraryError as exc:
        raise InvalidProfileInput({"file": [str(exc)]}) from exc


def add_document(
    user: User,
    participant: Participant,
    upload: Any,
    draft: DocumentDraft,
    request: HttpRequest | None = None,
) -> NationalDocument:
    """Enter one of ``participant``'s national documents (strategy, legislation, policy)
    into the library, read by its audience, with the catalogue items it implements."""
    policy.require(user, "profiles.add_document", participant)
    errors: dict[str, list[str]] = {}
    if draft.kind not in DOCUMENT_KINDS:
        errors["kind"] = [_("Choose a strategy, legislation or a policy.")]
    if not (draft.title_en.strip() or draft.title_ar.strip()):
        errors["title_en"] = [_("Give the title in English, in Arabic or in both.")]
    _check_length(errors, "title_en", draft.title_en, MAX_DOCUMENT_TITLE)
    _check_length(errors, "title_ar", draft.title_ar, MAX_DOCUMENT_TITLE)
    if upload is None:
        errors["file"] = [_("Choose the file.")]
    checked = _check_sharing(draft.sharing, errors)
    if errors:
        raise InvalidProfileInput(errors)
    with transaction.atomic():
        document = _ingest(
            user,
            upload,
            _ownership(participant, draft.kind, draft.sharing, checked),
            (draft.title_en.strip(), draft.title_ar.strip()),
            request,
        )
        national = NationalDocument.objects.create(document=document, created_by=user)
        national.items.set(checked.items)
        record(
            "profiles.document_added",
            actor=user,
            target=national,
            data={
                "participant": participant.code,
                "document": document.slug,
                "kind": document.kind,
                "audience": document.audience,
                "items": [i.code for i in checked.items],
            },
            request=request,
        )
    return national


def record_position(
    user: User,
    participant: Participant,
    draft: PositionDraft,
    upload: Any = None,
    request: HttpRequest | None = None,
) -> Position:
    """Record ``participant``'s statement on the norms or on international law, or its
    national threat assessment, as a text, a document entered into the library, or both."""
    policy.require(user, "profiles.record_position", participant)
    errors: dict[str, list[str]] = {}
    title, text = draft.title.strip(), draft.text.strip()
    if draft.subject not in Position.Subject.values:
        errors["subject"] = [_("Choose what the position is about.")]
    if not title:
        errors["title"] = [_("Give the title.")]
    _check_length(errors, "title", title, MAX_TITLE)
    _check_length(errors, "text", text, MAX_TEXT)
    if not text and upload is None:
        errors["text"] = [_("Write the text of the position or attach its document.")]
    checked = _check_sharing(draft.sharing, errors)
    duplicate = Position.objects.filter(
        owner=participant, subject=draft.subject, stated_on=draft.sharing.issued_on, title=title
    )
    if title and duplicate.exists():
        errors.setdefault("title", []).append(
            _("%(participant)s already recorded a position with this title on this date.")
            % {"participant": participant.name}
        )
    if errors:
        raise InvalidProfileInput(errors)
    try:
        with transaction.atomic():
            document = None
            if upload is not None:
                kind = POSITION_DOCUMENT_KIND[Position.Subject(draft.subject)]
                titles = (title, "") if draft.sharing.language != "ar" else ("", title)
                document = _ingest(
                    user, upload, _ownership(participant, kind, draft.sharing, checked), titles, request
                )
            position = Position.objects.create(
                owner=participant,
                subject=draft.subject,
                title=title,
                text=text,
                document=document,
                stated_on=draft.sharing.issued_on,
                language=draft.sharing.language,
                audience=draft.sharing.audience,
                created_by=user,
            )
            position.audience_participants.set(checked.shared_with)
            position.items.set(checked.items)
            record(
                "profiles.position_recorded",
                actor=user,
                target=position,
                data={
                    "participant": participant.code,
                    "subject": position.subject,
                    "audience": position.audience,
                    "document": document.slug if document else None,
                    "items": [i.code for i in checked.items],
                },
                request=request,
            )
    except IntegrityError as exc:  # the same position recorded at the same moment
        raise InvalidProfileInput({"title": [_("This position was just recorded.")]}) from exc
    return position
