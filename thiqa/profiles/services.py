"""Every write of the profiles room: a participant's national documents (entered into the
library) and its national positions, recorded, changed and withdrawn, each checked,
authorized and audited in one transaction.

A change is an audited change, not a new version: the record keeps one current state, and
the audit event (``profiles.document_changed``, ``profiles.position_changed``) holds every
changed field's previous and new value, so the chain of events is the record's history. A
document's file is never replaced (a new text is a new document: withdraw the old one).
Withdrawing keeps the record for the audit log, with its reason, and hides it from everyone
(the library's reading rule and its search index leave it out)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
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
MAX_REASON = 2000

R = TypeVar("R", NationalDocument, Position)


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


def _document_errors(draft: DocumentDraft) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if draft.kind not in DOCUMENT_KINDS:
        errors["kind"] = [_("Choose a strategy, legislation or a policy.")]
    if not (draft.title_en.strip() or draft.title_ar.strip()):
        errors["title_en"] = [_("Give the title in English, in Arabic or in both.")]
    _check_length(errors, "title_en", draft.title_en, MAX_DOCUMENT_TITLE)
    _check_length(errors, "title_ar", draft.title_ar, MAX_DOCUMENT_TITLE)
    return errors


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
    errors = _document_errors(draft)
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


def _position_errors(
    participant: Participant, draft: PositionDraft, has_document: bool, others: QuerySet[Position]
) -> tuple[dict[str, list[str]], _Checked]:
    """Every problem of a position's draft, by field; ``others`` the positions it may not
    repeat (the same title on the same date and subject, unless withdrawn)."""
    errors: dict[str, list[str]] = {}
    title, text = draft.title.strip(), draft.text.strip()
    if draft.subject not in Position.Subject.values:
        errors["subject"] = [_("Choose what the position is about.")]
    if not title:
        errors["title"] = [_("Give the title.")]
    _check_length(errors, "title", title, MAX_TITLE)
    _check_length(errors, "text", text, MAX_TEXT)
    if not text and not has_document:
        errors["text"] = [_("Write the text of the position or attach its document.")]
    checked = _check_sharing(draft.sharing, errors)
    duplicate = others.filter(
        owner=participant,
        subject=draft.subject,
        stated_on=draft.sharing.issued_on,
        title=title,
        withdrawn_at__isnull=True,
    )
    if title and draft.sharing.issued_on and duplicate.exists():
        errors.setdefault("title", []).append(
            _("%(participant)s already recorded a position with this title on this date.")
            % {"participant": participant.name}
        )
    return errors, checked


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
    title, text = draft.title.strip(), draft.text.strip()
    errors, checked = _position_errors(participant, draft, upload is not None, Position.objects.all())
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


# --- changing and withdrawing ------------------------------------------------------------------


def _sharing_facts(
    issued_on: date | None, language: str, audience: str, shared_with: Any, items: Any
) -> dict:
    return {
        "date": issued_on.isoformat() if issued_on else None,
        "language": language,
        "audience": audience,
        "shared_with": sorted(p.code for p in shared_with),
        "items": sorted(i.code for i in items),
    }


def document_facts(national: NationalDocument) -> dict[str, Any]:
    """What a change of a national document may change, as the audit log keeps it (and as
    the change form starts from)."""
    d = national.document
    return {
        "kind": d.kind,
        "title_en": d.title_en,
        "title_ar": d.title_ar,
        **_sharing_facts(
            d.issued_on, d.language, d.audience, d.audience_participants.all(), national.items.all()
        ),
    }


def position_facts(position: Position) -> dict[str, Any]:
    """What a change of a national position may change, as the audit log keeps it."""
    return {
        "subject": position.subject,
        "title": position.title,
        "text": position.text,
        **_sharing_facts(
            position.stated_on,
            position.language,
            position.audience,
            position.audience_participants.all(),
            position.items.all(),
        ),
    }


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Each changed field's previous and new value (what the audit log keeps)."""
    return {name: [before[name], after[name]] for name in after if before[name] != after[name]}


def _reason(reason: str) -> str:
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Give the reason for withdrawing it.")]
    _check_length(errors, "reason", reason, MAX_REASON)
    if errors:
        raise InvalidProfileInput(errors)
    return reason


@dataclass(frozen=True)
class _Records(Generic[R]):
    """One kind of record of a participant's profile as its audited changes handle it: how a
    row is read again locked, and what the policy's rules decide on (a national document's
    library document; a position itself)."""

    lock: Callable[[R], R]
    subject: Callable[[R], Any]

    def require(self, user: User, action: str, row: R) -> None:
        policy.require(user, action, self.subject(row))


def _locked_document(national: NationalDocument) -> NationalDocument:
    """Locks the library document (what the rules decide on, and what a change writes)."""
    Document.objects.select_for_update().get(pk=national.document_id)
    return NationalDocument.objects.select_related("document__owner").get(pk=national.pk)


def _locked_position(position: Position) -> Position:
    return (
        Position.objects.select_for_update(of=("self",))
        .select_related("owner", "document")
        .get(pk=position.pk)
    )


_DOCUMENTS = _Records[NationalDocument](lock=_locked_document, subject=lambda national: national.document)
_POSITIONS = _Records[Position](lock=_locked_position, subject=lambda position: position)


def _audited_change(
    records: _Records[R],
    user: User,
    action: str,
    row: R,
    change: Callable[[R], dict[str, Any]],
    *,
    event: str,
    request: HttpRequest | None,
    facts: Callable[[R], dict[str, Any]] | None = None,
) -> R:
    """The one shape of every change and withdrawal, in one transaction: read the row again
    locked (two changes at the same moment are made one after the other), ask the policy
    again on the locked row (it may have been withdrawn meanwhile), make the ``change`` (which
    answers the event's own facts) and record ``event``. An edit gives the record's
    ``facts``: its event holds each changed field's previous and new value, and is recorded
    only if something changed."""
    with transaction.atomic():
        row = records.lock(row)
        records.require(user, action, row)
        before = facts(row) if facts is not None else {}
        data = change(row)
        if facts is not None:
            data["changes"] = _changes(before, facts(row))
            if not data["changes"]:
                return row
        record(event, actor=user, target=row, data=data, request=request)
    return row


def _document_named(national: NationalDocument) -> dict[str, Any]:
    return {"participant": national.document.owner.code, "document": national.document.slug}


def edit_document(
    user: User, national: NationalDocument, draft: DocumentDraft, request: HttpRequest | None = None
) -> NationalDocument:
    """Change a national document's kind, titles, date, language, audience and catalogue
    items (not its file); an audited change (see the module's docstring)."""
    _DOCUMENTS.require(user, "profiles.edit_document", national)
    errors = _document_errors(draft)
    checked = _check_sharing(draft.sharing, errors)
    if errors:
        raise InvalidProfileInput(errors)

    def change(national: NationalDocument) -> dict[str, Any]:
        ownership = _ownership(national.document.owner, draft.kind, draft.sharing, checked)
        library.update_national(
            national.document, ownership, (draft.title_en.strip(), draft.title_ar.strip())
        )
        national.items.set(checked.items)
        return _document_named(national)

    return _audited_change(
        _DOCUMENTS,
        user,
        "profiles.edit_document",
        national,
        change,
        event="profiles.document_changed",
        request=request,
        facts=document_facts,
    )


def withdraw_document(
    user: User, national: NationalDocument, reason: str, request: HttpRequest | None = None
) -> NationalDocument:
    """Withdraw a national document, with its reason: read by nobody from now on."""
    _DOCUMENTS.require(user, "profiles.withdraw_document", national)
    reason = _reason(reason)

    def change(national: NationalDocument) -> dict[str, Any]:
        library.withdraw_national(national.document, reason)
        return {**_document_named(national), "reason": reason}

    return _audited_change(
        _DOCUMENTS,
        user,
        "profiles.withdraw_document",
        national,
        change,
        event="profiles.document_withdrawn",
        request=request,
    )


def edit_position(
    user: User, position: Position, draft: PositionDraft, request: HttpRequest | None = None
) -> Position:
    """Change a national position's subject, title, text, date, language, audience and
    catalogue items (its document follows, keeping its file); an audited change."""
    _POSITIONS.require(user, "profiles.edit_position", position)
    others = Position.objects.exclude(pk=position.pk)
    errors, checked = _position_errors(position.owner, draft, position.document_id is not None, others)
    if errors:
        raise InvalidProfileInput(errors)

    def change(position: Position) -> dict[str, Any]:
        position.subject, position.title, position.text = (
            draft.subject,
            draft.title.strip(),
            draft.text.strip(),
        )
        position.stated_on, position.language = draft.sharing.issued_on, draft.sharing.language
        position.audience = draft.sharing.audience
        position.save()
        position.audience_participants.set(checked.shared_with)
        position.items.set(checked.items)
        if position.document is not None:
            kind = POSITION_DOCUMENT_KIND[Position.Subject(position.subject)]
            titles = (position.title, "") if position.language != "ar" else ("", position.title)
            library.update_national(
                position.document, _ownership(position.owner, kind, draft.sharing, checked), titles
            )
        return {"participant": position.owner.code}

    try:
        return _audited_change(
            _POSITIONS,
            user,
            "profiles.edit_position",
            position,
            change,
            event="profiles.position_changed",
            request=request,
            facts=position_facts,
        )
    except IntegrityError as exc:  # the same position recorded at the same moment
        raise InvalidProfileInput({"title": [_("This position was just recorded.")]}) from exc


def withdraw_position(
    user: User, position: Position, reason: str, request: HttpRequest | None = None
) -> Position:
    """Withdraw a national position, with its reason, and its document if it has one."""
    _POSITIONS.require(user, "profiles.withdraw_position", position)
    reason = _reason(reason)

    def change(position: Position) -> dict[str, Any]:
        position.withdrawn_at, position.withdrawal_reason = timezone.now(), reason
        position.save(update_fields=["withdrawn_at", "withdrawal_reason"])
        if position.document is not None:
            library.withdraw_national(position.document, reason)
        return {
            "participant": position.owner.code,
            "document": position.document.slug if position.document else None,
            "reason": reason,
        }

    return _audited_change(
        _POSITIONS,
        user,
        "profiles.withdraw_position",
        position,
        change,
        event="profiles.position_withdrawn",
        request=request,
    )
