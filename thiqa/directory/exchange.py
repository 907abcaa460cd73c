"""Contacts in and out of the directory: CSV import (checked, then applied) and CSV and
vCard 4.0 export.

An import is checked first without writing anything (:func:`preview`); only a file
without a single error is applied (:func:`apply`), in one transaction, through the
directory services: each row becomes a nomination, which the secretariat's own imports
publish at once. The checked file travels from the check page to the confirm step
signed by the server (:func:`sign_content`/:func:`unsign_content`), never trusted as
sent by the browser.
"""

import base64
import csv
import hashlib
import io
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.accounts.services import ServiceError
from thiqa.audit.services import record
from thiqa.directory import services
from thiqa.directory.forms import ContactForm, NominationForm, split_list
from thiqa.directory.models import Availability, Contact, ContactRole, Nomination, Structure
from thiqa.lib import imports
from thiqa.lib.contentlines import escape_text, fold

# The contact form's fields, with whose participant they are and the nomination's own fields.
COLUMNS = ["participant", *ContactForm.base_fields, *NominationForm.base_fields]
REQUIRED_COLUMNS = ["participant", "role", "name", "emails"]
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
SIGNING_SALT = "thiqa.directory.import"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BOOLEANS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False, "": False}
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://thiqa.invalid/directory/contacts")


class Action:
    ADD = "add"
    CHANGE = "change"
    UNCHANGED = "unchanged"


@dataclass
class RowResult:
    """One data row of the file, as checked."""

    line: int
    participant_code: str
    participant: Participant | None = None
    action: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    effective_on: date | None = None
    note: str = ""
    contact: Contact | None = None
    changed_fields: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    name: str = ""
    email: str = ""
    role: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def role_label(self) -> str:
        return ContactRole(self.role).label if self.role in ContactRole.values else self.role


@dataclass
class ImportPreview:
    """The result of checking a file: file-level errors, or one result per data row."""

    content: bytes
    errors: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def error_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.error_rows)

    def _count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.ok and row.action == action)

    @property
    def adds(self) -> int:
        return self._count(Action.ADD)

    @property
    def changes(self) -> int:
        return self._count(Action.CHANGE)

    @property
    def unchanged(self) -> int:
        return self._count(Action.UNCHANGED)

    @property
    def to_apply(self) -> list[RowResult]:
        return [row for row in self.rows if row.ok and row.action in (Action.ADD, Action.CHANGE)]


@dataclass
class ImportResult:
    added: int
    changed: int
    unchanged: int
    published: int
    pending: int
    nominations: list[Nomination]


# --- checking a file --------------------------------------------------------------------


_FileError = imports.FileError
_unescape = imports.unescape_cell
_escape = imports.escape_cell


def _read(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank data rows with the file line each starts on."""
    return imports.read_csv(content, MAX_BYTES, MAX_ROWS)


def _check_header(header: list[str]) -> list[str]:
    errors = []
    unknown = [name or _("(empty)") for name in header if name not in COLUMNS]
    if unknown:
        errors.append(
            _("Unknown columns: %(columns)s. The columns are: %(known)s.")
            % {"columns": ", ".join(unknown), "known": ", ".join(COLUMNS)}
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        errors.append(_("Columns named more than once: %(columns)s.") % {"columns": ", ".join(repeated)})
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        errors.append(_("Missing required columns: %(columns)s.") % {"columns": ", ".join(missing)})
    return errors


def _field_error(column: str, message: str) -> str:
    return _("%(column)s: %(message)s") % {"column": column, "message": message}


class _Context:
    """What checking every row needs, read from the database once."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.participants: dict[str, Participant] = {}
        for participant in Participant.objects.filter(is_active=True):
            self.participants.setdefault(participant.code.casefold(), participant)
        self.allowed: dict[int, bool] = {}
        self.structures: dict[tuple[int, str], int] = {}
        self.contacts: dict[tuple[int, str, str], Contact] = {}
        self.pending: set[int] = set()
        self.loaded: set[int] = set()

    def participant(self, code: str) -> Participant | None:
        return self.participants.get(code.strip().casefold())

    def may_nominate(self, participant: Participant) -> bool:
        if participant.pk not in self.allowed:
            self.allowed[participant.pk] = policy.can(self.user, "directory.nominate", participant)
        return self.allowed[participant.pk]

    def load(self, participant: Participant) -> None:
        """Structures and published contacts of a participant the user may nominate for."""
        if participant.pk in self.loaded:
            return
        self.loaded.add(participant.pk)
        for pk, name in Structure.objects.filter(participant=participant, is_active=True).values_list(
            "pk", "name_en"
        ):
            self.structures.setdefault((participant.pk, name.strip().casefold()), pk)
        for contact in Contact.objects.published().filter(participant=participant).order_by("pk"):
            key = (participant.pk, contact.role, contact.email.lower())
            self.contacts.setdefault(key, contact)
        self.pending.update(
            Nomination.objects.filter(
                participant=participant, status=Nomination.Status.PENDING, contact__isnull=False
            ).values_list("contact_id", flat=True)
        )


def _differences(contact: Contact, data: dict[str, Any]) -> list[str]:
    """The columns whose values would change the published contact."""
    changed = []
    for name in services.CONTACT_FIELDS:
        current, new = getattr(contact, name), data.get(name)
        if name == "pgp_expires_at":
            new = datetime.fromisoformat(new) if new else None
        if current != new:
            changed.append(name)
    if contact.structure_id != data.get("structure"):
        changed.append("structure")
    shown = {"pgp_fingerprint": "pgp_key", "pgp_expires_at": "pgp_key"}
    return list(dict.fromkeys(shown.get(name, name) for name in changed))


def _check_row(context: _Context, line: int, values: dict[str, str], seen: dict[tuple, int]) -> RowResult:
    row = RowResult(
        line=line,
        participant_code=values["participant"],
        name=values["name"],
        role=values["role"].lower(),
        email=next(iter(split_list(values["emails"])), "").lower(),
    )
    if not row.participant_code:
        row.errors.append(_field_error("participant", _("Give the participant code, e.g. EG.")))
        return row
    participant = context.participant(row.participant_code)
    if participant is None:
        row.errors.append(
            _field_error(
                "participant", _("Unknown participant code “%(code)s”.") % {"code": row.participant_code}
            )
        )
        return row
    row.participant = participant
    if not context.may_nominate(participant):
        row.errors.append(
            _field_error(
                "participant", _("You may not nominate contacts for %(name)s.") % {"name": participant.name}
            )
        )
        return row
    context.load(participant)

    data: dict[str, Any] = {
        name: values[name]
        for name in ("role", "name", "position", "emails", "phones", "languages", "office_hours", "pgp_key")
    }
    data["role"] = data["role"].lower()
    data["time_zone"] = values["time_zone"] or "UTC"
    data["availability"] = values["availability"].lower() or Availability.OFFICE_HOURS
    if values["structure"]:
        structure = context.structures.get((participant.pk, values["structure"].casefold()))
        if structure is None:
            row.errors.append(
                _field_error(
                    "structure",
                    _("%(participant)s has no active national structure named “%(name)s”.")
                    % {"participant": participant.name, "name": values["structure"]},
                )
            )
        else:
            data["structure"] = structure
    secret = values["secretariat_only"].lower()
    if secret not in BOOLEANS:
        row.errors.append(_field_error("secretariat_only", _("Write yes or no.")))
    elif BOOLEANS[secret]:
        data["secretariat_only"] = "on"

    form = ContactForm(data, participant=participant)
    if form.is_valid():
        row.data = form.cleaned_contact()
        row.email = row.data["emails"][0]
    else:
        for name, messages in form.errors.items():
            for message in messages:
                row.errors.append(message if name == "__all__" else _field_error(name, message))

    effective_on = values["effective_on"] or timezone.localdate().isoformat()
    if not ISO_DATE.match(effective_on):
        row.errors.append(_field_error("effective_on", _("Write the date as YYYY-MM-DD, e.g. 2025-03-31.")))
    else:
        dates = NominationForm({"effective_on": effective_on, "note": values["note"]})
        if dates.is_valid():
            row.effective_on, row.note = dates.cleaned_data["effective_on"], dates.cleaned_data["note"]
        else:
            for name, messages in dates.errors.items():
                row.errors.extend(_field_error(name, message) for message in messages)

    if not row.data:
        return row
    key = (participant.pk, row.data["role"], row.email)
    if key in seen:
        row.errors.append(
            _("The same participant, role and first e-mail address as line %(line)d.") % {"line": seen[key]}
        )
        return row
    seen[key] = line
    contact = context.contacts.get(key)
    if contact is None:
        row.action = Action.ADD
        return row
    row.contact = contact
    row.changed_fields = _differences(contact, row.data)
    if not row.changed_fields:
        row.action = Action.UNCHANGED
        return row
    row.action = Action.CHANGE
    if contact.pk in context.pending:
        row.errors.append(
            _("A proposal about this contact is already waiting for review. Withdraw it first.")
        )
    return row


def preview(user: User, content: bytes) -> ImportPreview:
    """Check a CSV file row by row without writing anything."""
    result = ImportPreview(content=bytes(content))
    try:
        header, rows = _read(result.content)
    except _FileError as exc:
        result.errors.append(str(exc))
        return result
    result.errors = _check_header(header)
    if result.errors:
        return result
    if not rows:
        result.errors.append(_("The file has no data rows below the header."))
        return result
    context = _Context(user)
    seen: dict[tuple, int] = {}
    for line, cells in rows:
        values = {name: "" for name in COLUMNS}
        extra = cells[len(header) :]
        for name, cell in zip(header, cells, strict=False):
            values[name] = _unescape(cell.strip())
        row = _check_row(context, line, values, seen)
        if any(cell.strip() for cell in extra):
            row.errors.insert(
                0,
                _("This line has %(cells)d cells but the header names %(columns)d columns.")
                % {"cells": len(cells), "columns": len(header)},
            )
        result.rows.append(row)
    return result


# --- carrying a checked file to the confirmation -------------------------------------------


def sign_content(user: User, content: bytes) -> str:
    """A tamper-proof copy of a checked file, bound to the user, for the confirm form."""
    return imports.sign_content(user.pk, content, SIGNING_SALT)


def unsign_content(user: User, token: str) -> bytes:
    try:
        return imports.unsign_content(user.pk, token, SIGNING_SALT)
    except imports.FileError as exc:
        raise ServiceError(str(exc)) from None


# --- applying a checked file --------------------------------------------------------------


def apply(
    user: User,
    preview: ImportPreview,
    request: HttpRequest | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Propose every added or changed row (and publish at once where the user may review),
    all or nothing. Refused unless the whole file checked without an error."""
    policy.require(user, "directory.import")
    if preview.has_errors:
        raise ServiceError(
            _("The file has errors, so nothing was imported. Correct them and check it again.")
        )
    rows = preview.to_apply
    if not rows:
        raise ServiceError(_("There is nothing to import: every row is the same as the published contact."))
    nominations, published = [], 0
    with transaction.atomic():
        for row in rows:
            assert row.participant is not None and row.effective_on is not None
            nomination = services.propose(
                user,
                row.participant,
                action=Nomination.Action.ADD if row.action == Action.ADD else Nomination.Action.CHANGE,
                effective_on=row.effective_on,
                data=row.data,
                contact=row.contact,
                note=row.note,
                request=request,
            )
            if policy.can(user, "directory.review", nomination):
                services.publish(user, nomination, request=request)
                nomination.refresh_from_db()
                published += 1
            nominations.append(nomination)
            if progress:
                progress(1)
        result = ImportResult(
            added=preview.adds,
            changed=preview.changes,
            unchanged=preview.unchanged,
            published=published,
            pending=len(nominations) - published,
            nominations=nominations,
        )
        record(
            "directory.imported",
            actor=user,
            data={
                "added": result.added,
                "changed": result.changed,
                "unchanged": result.unchanged,
                "published": result.published,
                "pending": result.pending,
                "participants": sorted({row.participant.code for row in rows if row.participant}),
                "sha256": preview.sha256,
            },
            request=request,
        )
    return result


def summary(result: ImportResult) -> str:
    """A translated sentence or two saying what an import did."""
    total = result.added + result.changed
    if result.pending:
        done = ngettext(
            "%(count)d proposal was created; it waits for the secretariat's review.",
            "%(count)d proposals were created; they wait for the secretariat's review.",
            total,
        )
    else:
        done = ngettext("%(count)d contact was published.", "%(count)d contacts were published.", total)
    counts = _("Added: %(added)d, changed: %(changed)d, unchanged: %(unchanged)d.") % {
        "added": result.added,
        "changed": result.changed,
        "unchanged": result.unchanged,
    }
    return f"{done % {'count': total}} {counts}"


# --- export -------------------------------------------------------------------------------


def _joined(values: Iterable[str]) -> str:
    return "; ".join(values)


def export_csv(contacts: Iterable[Contact]) -> str:
    """The contacts in the import format, so that an export can be corrected and re-imported."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for contact in contacts:
        row = {
            "participant": contact.participant.code,
            "role": contact.role,
            "name": contact.name,
            "position": contact.position,
            "structure": contact.structure.name_en if contact.structure else "",
            "emails": _joined(contact.emails),
            "phones": _joined(contact.phones),
            "languages": _joined(contact.languages),
            "time_zone": contact.time_zone,
            "availability": contact.availability,
            "office_hours": contact.office_hours,
            "pgp_key": contact.pgp_key,
            "secretariat_only": "yes" if contact.secretariat_only else "no",
            "effective_on": "",
            "note": "",
        }
        writer.writerow([_escape(row[name]) for name in COLUMNS])
    return out.getvalue()


def _tel_uri(phone: str) -> str:
    """A tel: URI (RFC 3966) with the number's visual separators kept."""
    number = re.sub(r"\s+", "-", phone.strip())
    return "tel:" + re.sub(r"[^0-9+().-]", "", number)


def contact_uid(contact: Contact) -> str:
    return f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, str(contact.pk))}"


def _vcard(contact: Contact) -> list[str]:
    with translation.override("en"):
        role = str(ContactRole(contact.role).label) if contact.role in ContactRole.values else contact.role
        availability = (
            str(Availability(contact.availability).label)
            if contact.availability in Availability.values
            else contact.availability
        )
    organization = [contact.participant.name_en]
    if contact.structure:
        organization.append(contact.structure.name_en)
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"UID:{contact_uid(contact)}",
        f"FN:{escape_text(contact.name)}",
        f"ORG:{';'.join(escape_text(part) for part in organization)}",
    ]
    if contact.position:
        lines.append(f"TITLE:{escape_text(contact.position)}")
    lines.append(f"ROLE:{escape_text(role)}")
    for index, email in enumerate(contact.emails):
        lines.append(f"EMAIL;TYPE=work{';PREF=1' if index == 0 else ''}:{escape_text(email)}")
    for index, phone in enumerate(contact.phones):
        lines.append(f"TEL;VALUE=uri;TYPE=work{';PREF=1' if index == 0 else ''}:{_tel_uri(phone)}")
    for index, language in enumerate(contact.languages, start=1):
        lines.append(f"LANG;PREF={index}:{escape_text(language)}")
    if contact.time_zone:
        lines.append(f"TZ;VALUE=text:{escape_text(contact.time_zone)}")
    note = f"Availability: {availability}."
    if contact.office_hours:
        note += f" Office hours: {contact.office_hours}."
    lines.append(f"NOTE:{escape_text(note)}")
    if contact.pgp_key:
        encoded = base64.b64encode(contact.pgp_key.encode()).decode("ascii")
        lines.append(f"KEY;MEDIATYPE=application/pgp-keys:data:application/pgp-keys;base64,{encoded}")
    revised = contact.published_at.astimezone(UTC) if contact.published_at else timezone.now()
    lines.append(f"REV:{revised:%Y%m%dT%H%M%SZ}")
    lines.append("END:VCARD")
    return lines


def export_vcard(contacts: Iterable[Contact]) -> str:
    """The contacts as vCard 4.0 (RFC 6350), with CRLF line endings and folded lines."""
    return "".join(fold(line) + "\r\n" for contact in contacts for line in _vcard(contact))
