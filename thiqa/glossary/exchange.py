"""The glossary in and out: TBX (ISO 30042 TermBase eXchange) and CSV.

Export writes what the person may read (withdrawn terms stay home): concepts as TBX concept
entries with their names and consensus definitions per language, the national terms grouped
into them as term sections, and every other term in an entry of its own. The structure is
TBX-Basic's (``conceptEntry``/``langSec``/``termSec``, definitions as ``descrip``, sources as
``admin``, links as ``xref``) in the core dialect's namespace; what TBX-Basic has no data
category for carries a ``thiqa…`` type (participant, status, audience, catalogue items...),
so that a file exported and imported again loses nothing.

Import checks the whole file without writing anything (:func:`preview`): each concept and each
term is a row, reported with its position and its problems; only a file without a single
error is applied (:func:`apply`), in one transaction, through the glossary's services (so the
policy, the audit log and the search index see every row). The checked file travels to the
confirmation signed by the server (``lib/imports``). XML is parsed with defusedxml: no DTD,
no entities, nothing fetched.
"""

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.accounts.services import InvalidInput, ServiceError
from thiqa.audit.services import record
from thiqa.glossary import services
from thiqa.glossary.models import Audience, Concept, GlossaryTerm, TermVersion
from thiqa.lib import imports

NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
SIGNING_SALT = "thiqa.glossary.import"
COLUMNS = [
    "participant",
    "language",
    "term",
    "definition",
    "source_kind",
    "source_title",
    "source_url",
    "source_document",
    "source_locator",
    "dated",
    "items",
    "status",
    "audience",
    "audience_participants",
    "concept",
]
REQUIRED_COLUMNS = ["participant", "language", "term", "definition", "source_kind", "source_title", "dated"]
EXCHANGED = (GlossaryTerm.Status.DRAFT, GlossaryTerm.Status.SUBMITTED)
_LIST = re.compile(r"[\s,;،]+")


class Action:
    ADD = "add"
    UNCHANGED = "unchanged"


@dataclass
class ConceptRow:
    position: str
    values: dict[str, Any]
    action: str | None = None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class TermRow:
    position: str
    values: dict[str, Any]
    participant: Participant | None = None
    draft: services.TermDraft | None = None
    action: str | None = None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def status(self) -> str:
        return self.values.get("status") or GlossaryTerm.Status.DRAFT


@dataclass
class ImportPreview:
    content: bytes
    format: str = "csv"
    errors: list[str] = field(default_factory=list)
    concepts: list[ConceptRow] = field(default_factory=list)
    terms: list[TermRow] = field(default_factory=list)

    @property
    def rows(self) -> list[ConceptRow | TermRow]:
        return [*self.concepts, *self.terms]

    @property
    def error_rows(self) -> list[ConceptRow | TermRow]:
        return [row for row in self.rows if row.errors]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.error_rows)

    @property
    def to_apply(self) -> list[ConceptRow | TermRow]:
        return [row for row in self.rows if row.ok and row.action == Action.ADD]


# --- export -------------------------------------------------------------------------------------


def exported(user: User) -> tuple[list[Concept], list[GlossaryTerm]]:
    """The concepts and the (draft or submitted) national terms ``user`` may read, in the
    order the files list them."""
    concepts = list(Concept.objects.visible_to(user).prefetch_related("items").order_by("slug"))
    terms = GlossaryTerm.objects.visible_to(user).filter(status__in=EXCHANGED)
    terms = terms.select_related("participant", "concept", "source_document").prefetch_related(
        "items", "audience_participants"
    )
    ordered = sorted(terms, key=lambda t: (t.participant.code, t.language, t.term.lower(), t.term))
    return concepts, ordered


def _sub(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text:
        element.text = text
    return element


def _term_values(term: GlossaryTerm) -> dict[str, Any]:
    """A term as the files hold it: its snapshot, with the concept only if readable."""
    values = services.snapshot(term)
    values["participant"] = term.participant.code
    return values


def export_tbx(user: User) -> bytes:
    concepts, terms = exported(user)
    root = ET.Element("tbx", {"type": "TBX-Core", "style": "dca", XML_LANG: "en", "xmlns": NS})
    header = _sub(_sub(_sub(root, "tbxHeader"), "fileDesc"), "sourceDesc")
    _sub(header, "p", "Thiqa glossary (OSCE CBM 9): national terms and concept entries")
    body = _sub(_sub(root, "text"), "body")
    readable = {c.pk for c in concepts}
    by_concept: dict[int, list[GlossaryTerm]] = {}
    loose = []
    for term in terms:
        if term.concept_id in readable:
            by_concept.setdefault(term.concept_id, []).append(term)
        else:
            loose.append(term)
    for concept in concepts:
        _concept_entry(body, concept, by_concept.get(concept.pk, []))
    for number, term in enumerate(loose, start=1):
        entry = _sub(body, "conceptEntry", id=f"term-{number}")
        _term_section(_sub(entry, "langSec", **{XML_LANG: term.language}), term)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _concept_entry(body: ET.Element, concept: Concept, terms: list[GlossaryTerm]) -> None:
    entry = _sub(body, "conceptEntry", id=concept.slug)
    _sub(entry, "admin", concept.status, type="thiqaConceptStatus")
    for item in sorted(concept.items.all(), key=lambda i: i.code):
        _sub(entry, "ref", item.code, type="thiqaCatalogueItem")
    names = {"en": (concept.name_en, concept.definition_en), "ar": (concept.name_ar, concept.definition_ar)}
    languages = sorted({"en", "ar", *(t.language for t in terms)})
    for language in languages:
        section = _sub(entry, "langSec", **{XML_LANG: language})
        name, definition = names.get(language, ("", ""))
        if definition:
            _sub(section, "descrip", definition, type="definition")
        if name:
            consensus = _sub(section, "termSec")
            _sub(consensus, "term", name)
            _sub(consensus, "termNote", "preferredTerm-admn-sts", type="administrativeStatus")
        for term in (t for t in terms if t.language == language):
            _term_section(section, term)


def _term_section(section: ET.Element, term: GlossaryTerm) -> None:
    values = _term_values(term)
    sec = _sub(section, "termSec")
    _sub(sec, "term", values["term"])
    _sub(sec, "descrip", values["definition"], type="definition")
    _sub(sec, "admin", values["participant"], type="thiqaParticipant")
    _sub(sec, "admin", values["source_title"], type="source")
    _sub(sec, "admin", values["source_kind"], type="thiqaSourceKind")
    if values["source_url"]:
        _sub(sec, "xref", values["source_url"], type="externalCrossReference", target=values["source_url"])
    if values["source_document"]:
        _sub(sec, "ref", values["source_document"], type="thiqaLibraryDocument")
    if values["source_locator"]:
        _sub(sec, "admin", values["source_locator"], type="thiqaLocator")
    _sub(sec, "admin", values["dated"], type="thiqaSourceDate")
    for code in values["items"]:
        _sub(sec, "ref", code, type="thiqaCatalogueItem")
    _sub(sec, "admin", values["status"], type="thiqaStatus")
    _sub(sec, "admin", values["audience"], type="thiqaAudience")
    for code in values["audience_participants"]:
        _sub(sec, "admin", code, type="thiqaAudienceParticipant")


def export_csv(user: User) -> str:
    """One row per national term, in the import's columns."""
    _concepts, terms = exported(user)
    readable = set(Concept.objects.visible_to(user).values_list("pk", flat=True))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for term in terms:
        values = _term_values(term)
        if term.concept_id not in readable:
            values["concept"] = ""
        values["items"] = " ".join(values["items"])
        values["audience_participants"] = " ".join(values["audience_participants"])
        writer.writerow([imports.escape_cell(str(values[name])) for name in COLUMNS])
    return out.getvalue()


# --- reading a file into rows -------------------------------------------------------------------


def _is_tbx(content: bytes) -> bool:
    return content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _text(element: ET.Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _typed(element: ET.Element, name: str, kind: str) -> list[str]:
    return [_text(child) for child in _children(element, name) if child.get("type") == kind]


def _first(element: ET.Element, name: str, kind: str) -> str:
    found = _typed(element, name, kind)
    return found[0] if found else ""


def _parse_tbx(content: bytes) -> ET.Element:
    if len(content) > MAX_BYTES:
        raise imports.FileError(imports.too_large(MAX_BYTES))
    try:
        root = SafeET.fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        raise imports.FileError(
            _("The file declares a DTD or entities, which are refused: export it again without them.")
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise imports.FileError(
            _("The file is not well-formed XML (line %(line)d, column %(column)d).")
            % {"line": line, "column": column}
        ) from None
    if _local(root.tag) != "tbx" or (root.tag.startswith("{") and not root.tag.startswith("{" + NS + "}")):
        raise imports.FileError(_("The file is not a TBX file: its root element must be <tbx> (ISO 30042)."))
    return root


def _tbx_rows(content: bytes) -> tuple[list[ConceptRow], list[TermRow]]:
    root = _parse_tbx(content)
    body = next((e for e in root.iter() if _local(e.tag) == "body"), None)
    if body is None:
        raise imports.FileError(_("The TBX file has no <text><body> holding concept entries."))
    concepts, terms = [], []
    entries = _children(body, "conceptEntry")
    if len(entries) > MAX_ROWS:
        raise imports.FileError(
            _("The file has more than %(count)d entries. Split it into smaller files.") % {"count": MAX_ROWS}
        )
    for number, entry in enumerate(entries, start=1):
        entry_id = entry.get("id", "")
        status = _first(entry, "admin", "thiqaConceptStatus")
        position = _("entry %(number)d (%(id)s)") % {"number": number, "id": entry_id}
        concept = (
            ConceptRow(
                position,
                {"slug": entry_id, "status": status, "items": _typed(entry, "ref", "thiqaCatalogueItem")},
            )
            if status
            else None
        )
        for section in _children(entry, "langSec"):
            language = section.get(XML_LANG, "")
            if concept is not None and language in ("en", "ar"):
                concept.values[f"definition_{language}"] = _first(section, "descrip", "definition")
            for index, sec in enumerate(_children(section, "termSec"), start=1):
                participant = _first(sec, "admin", "thiqaParticipant")
                if not participant and concept is not None and language in ("en", "ar"):
                    concept.values[f"name_{language}"] = _text(next(iter(_children(sec, "term")), None))
                    continue
                where = _("%(entry)s, %(language)s term %(number)d") % {
                    "entry": position,
                    "language": language,
                    "number": index,
                }
                terms.append(
                    TermRow(where, _tbx_term(sec, language, participant, entry_id if concept else ""))
                )
        if concept is not None:
            concepts.append(concept)
    return concepts, terms


def _tbx_term(sec: ET.Element, language: str, participant: str, concept: str) -> dict[str, Any]:
    return {
        "participant": participant,
        "language": language,
        "term": _text(next(iter(_children(sec, "term")), None)),
        "definition": _first(sec, "descrip", "definition"),
        "source_kind": _first(sec, "admin", "thiqaSourceKind"),
        "source_title": _first(sec, "admin", "source"),
        "source_url": _first(sec, "xref", "externalCrossReference"),
        "source_document": _first(sec, "ref", "thiqaLibraryDocument"),
        "source_locator": _first(sec, "admin", "thiqaLocator"),
        "dated": _first(sec, "admin", "thiqaSourceDate"),
        "items": _typed(sec, "ref", "thiqaCatalogueItem"),
        "status": _first(sec, "admin", "thiqaStatus"),
        "audience": _first(sec, "admin", "thiqaAudience"),
        "audience_participants": _typed(sec, "admin", "thiqaAudienceParticipant"),
        "concept": concept,
    }


def _csv_rows(content: bytes) -> list[TermRow]:
    header, rows = imports.read_csv(content, MAX_BYTES, MAX_ROWS)
    errors = []
    unknown = [name or _("(empty)") for name in header if name not in COLUMNS]
    if unknown:
        errors.append(
            _("Unknown columns: %(columns)s. The columns are: %(known)s.")
            % {"columns": ", ".join(unknown), "known": ", ".join(COLUMNS)}
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        errors.append(_("Missing required columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if errors:
        raise imports.FileError(" ".join(errors))
    found = []
    for line, cells in rows:
        values = {name: "" for name in COLUMNS}
        for name, cell in zip(header, cells, strict=False):
            values[name] = imports.unescape_cell(cell.strip())
        for name in ("items", "audience_participants"):
            values[name] = [c for c in _LIST.split(values[name]) if c]
        row = TermRow(_("line %(line)d") % {"line": line}, values)
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            row.errors.append(
                _("This line has %(cells)d cells but the header names %(columns)d columns.")
                % {"cells": len(cells), "columns": len(header)}
            )
        found.append(row)
    return found


# --- checking the rows --------------------------------------------------------------------------


class _Context:
    def __init__(self, user: User) -> None:
        self.user = user
        self.manages = policy.can(user, "glossary.manage")
        self.participants = {p.code.casefold(): p for p in Participant.objects.filter(is_active=True)}
        self.concepts = {c.slug: c for c in Concept.objects.prefetch_related("items")}
        self.new_concepts: set[str] = set()

    def participant(self, code: str) -> Participant | None:
        return self.participants.get(code.strip().casefold())


def _check_concept(context: _Context, row: ConceptRow, seen: dict[str, str]) -> None:
    values = row.values
    slug = values["slug"]
    if slug in seen:
        row.errors.append(_("The same concept as %(position)s.") % {"position": seen[slug]})
        return
    seen[slug] = row.position
    draft = services.ConceptDraft(
        slug=slug,
        name_en=values.get("name_en", ""),
        name_ar=values.get("name_ar", ""),
        definition_en=values.get("definition_en", ""),
        definition_ar=values.get("definition_ar", ""),
        status=values.get("status", ""),
        items=values.get("items", []),
    )
    existing = context.concepts.get(slug)
    if existing is not None:
        if _concept_values(existing) == _concept_values(draft):
            row.action = Action.UNCHANGED
        elif context.manages:
            row.errors.append(
                _(
                    "The concept “%(slug)s” exists with other names, definitions or status: "
                    "change it on its page."
                )
                % {"slug": slug}
            )
        else:
            row.notes.append(_("Left as it is: the secretariat keeps the concepts."))
        return
    if not context.manages:
        row.notes.append(_("Not imported: only the secretariat creates concepts."))
        return
    try:
        services.check_concept(draft)
    except InvalidInput as exc:
        row.errors.extend(_messages(exc))
        return
    row.action = Action.ADD
    context.new_concepts.add(slug)


def _concept_values(concept: Concept | services.ConceptDraft) -> tuple:
    items = (
        concept.items if isinstance(concept, services.ConceptDraft) else [i.code for i in concept.items.all()]
    )
    names = ("slug", "name_en", "name_ar", "definition_en", "definition_ar", "status")
    return (*(services.squash(getattr(concept, n)) for n in names), tuple(sorted(items)))


def _messages(exc: InvalidInput) -> list[str]:
    return [
        _("%(column)s: %(message)s") % {"column": name, "message": message}
        for name, messages in exc.errors.items()
        for message in messages
    ]


def _check_term(context: _Context, row: TermRow, seen: dict[tuple, str]) -> None:
    if row.errors:
        return
    values = row.values
    code = values["participant"]
    participant = context.participant(code) if code else None
    if participant is None:
        row.errors.append(_("participant: Unknown participant code “%(code)s”.") % {"code": code})
        return
    row.participant = participant
    language, words = values["language"].strip(), services.squash(values["term"])
    key = (participant.pk, language, words.lower())
    if key in seen:
        row.errors.append(
            _("The same participant, language and term as %(position)s.") % {"position": seen[key]}
        )
        return
    seen[key] = row.position
    status = row.status
    if status not in EXCHANGED:
        row.errors.append(_("status: Write draft or submitted."))
        return
    chosen = [context.participant(c) for c in values["audience_participants"]]
    if None in chosen:
        row.errors.append(_("audience_participants: Unknown participant codes."))
        return
    row.draft = services.TermDraft(
        term=words,
        language=language,
        definition=values["definition"],
        source_kind=values["source_kind"],
        source_title=values["source_title"],
        dated=values["dated"],
        source_url=values["source_url"],
        source_document=values["source_document"],
        source_locator=values["source_locator"],
        items=values["items"],
        audience=values["audience"] or Audience.SECRETARIAT,
        audience_participants=[p for p in chosen if p is not None],
    )
    twin = services.duplicate_of(participant, language, words)
    if twin is not None:
        _compare(row, twin)
        return
    if not policy.can(context.user, "glossary.submit", participant):
        row.errors.append(
            _("participant: You may not submit terms for %(name)s.") % {"name": participant.name}
        )
        return
    try:
        services.check_term(participant, row.draft)
    except InvalidInput as exc:
        row.errors.extend(_messages(exc))
        return
    _check_grouping(context, row)
    if row.ok:
        row.action = Action.ADD


def _compare(row: TermRow, twin: GlossaryTerm) -> None:
    """A term the participant already has: unchanged, or an error."""
    mine = {k: v for k, v in _term_values(twin).items() if k != "concept"}
    theirs = {
        k: (sorted(v) if isinstance(v, list) else services.squash(str(v))) for k, v in row.values.items()
    }
    theirs["status"] = row.status
    theirs["audience"] = theirs["audience"] or Audience.SECRETARIAT
    theirs.pop("concept", None)
    mine = {k: (sorted(v) if isinstance(v, list) else services.squash(str(v))) for k, v in mine.items()}
    if mine == theirs:
        row.action = Action.UNCHANGED
    else:
        row.errors.append(
            _("term: %(participant)s already has the term “%(term)s” in this language, with other content.")
            % {"participant": twin.participant.name, "term": twin.term}
        )


def _check_grouping(context: _Context, row: TermRow) -> None:
    slug = row.values.get("concept", "")
    if not slug:
        return
    if not context.manages:
        row.notes.append(_("Not grouped into “%(slug)s”: the secretariat groups terms.") % {"slug": slug})
        row.values["concept"] = ""
    elif slug not in context.concepts and slug not in context.new_concepts:
        row.errors.append(_("concept: There is no concept “%(slug)s”.") % {"slug": slug})
    elif row.status != GlossaryTerm.Status.SUBMITTED:
        row.errors.append(_("concept: Only submitted terms are grouped into a concept."))


def preview(user: User, content: bytes) -> ImportPreview:
    """Check a TBX or CSV file row by row without writing anything."""
    result = ImportPreview(content=bytes(content), format="tbx" if _is_tbx(content) else "csv")
    try:
        if result.format == "tbx":
            result.concepts, result.terms = _tbx_rows(result.content)
        else:
            result.terms = _csv_rows(result.content)
    except imports.FileError as exc:
        result.errors.append(str(exc))
        return result
    if not result.rows:
        result.errors.append(_("The file holds no concepts and no terms."))
        return result
    context = _Context(user)
    concept_seen: dict[str, str] = {}
    for row in result.concepts:
        _check_concept(context, row, concept_seen)
    term_seen: dict[tuple, str] = {}
    for row in result.terms:
        _check_term(context, row, term_seen)
    return result


# --- carrying and applying ----------------------------------------------------------------------


def sign_content(user: User, content: bytes) -> str:
    return imports.sign_content(user.pk, content, SIGNING_SALT)


def unsign_content(user: User, token: str) -> bytes:
    try:
        return imports.unsign_content(user.pk, token, SIGNING_SALT)
    except imports.FileError as exc:
        raise ServiceError(str(exc)) from None


@dataclass
class ImportResult:
    concepts: int
    terms: int
    submitted: int
    grouped: int
    unchanged: int


def apply(user: User, checked: ImportPreview, *, request: HttpRequest | None = None) -> ImportResult:
    """Create every new concept and term of a file without errors, all or nothing."""
    policy.require(user, "glossary.import")
    if checked.has_errors:
        raise ServiceError(
            _("The file has errors, so nothing was imported. Correct them and check it again.")
        )
    if not checked.to_apply:
        raise ServiceError(_("There is nothing to import: every concept and term is already here."))
    result = ImportResult(0, 0, 0, 0, sum(1 for row in checked.rows if row.action == Action.UNCHANGED))
    with transaction.atomic():
        concepts = {c.slug: c for c in Concept.objects.all()}
        for row in checked.concepts:
            if row.action == Action.ADD:
                concepts[row.values["slug"]] = services.create_concept(
                    user, _concept_draft(row), request=request
                )
                result.concepts += 1
        for row in checked.terms:
            if row.action != Action.ADD:
                continue
            assert row.participant is not None and row.draft is not None
            term = services.create(
                user, row.participant, row.draft, kind=TermVersion.Kind.IMPORTED, request=request
            )
            result.terms += 1
            if row.status == GlossaryTerm.Status.SUBMITTED:
                services.submit(user, term, request=request)
                result.submitted += 1
            if row.values.get("concept"):
                services.group(user, concepts[row.values["concept"]], [term], request=request)
                result.grouped += 1
        record(
            "glossary.imported",
            actor=user,
            data={"format": checked.format, "concepts": result.concepts, "terms": result.terms},
            request=request,
        )
    return result


def _concept_draft(row: ConceptRow) -> services.ConceptDraft:
    v = row.values
    return services.ConceptDraft(
        slug=v["slug"],
        name_en=v.get("name_en", ""),
        name_ar=v.get("name_ar", ""),
        definition_en=v.get("definition_en", ""),
        definition_ar=v.get("definition_ar", ""),
        status=v["status"],
        items=v.get("items", []),
    )


def summary(result: ImportResult) -> str:
    concepts = ngettext("%(count)d concept", "%(count)d concepts", result.concepts) % {
        "count": result.concepts
    }
    terms = ngettext("%(count)d term", "%(count)d terms", result.terms) % {"count": result.terms}
    return _(
        "Imported %(concepts)s and %(terms)s (%(submitted)d submitted, %(grouped)d grouped); "
        "%(unchanged)d unchanged."
    ) % {
        "concepts": concepts,
        "terms": terms,
        "submitted": result.submitted,
        "grouped": result.grouped,
        "unchanged": result.unchanged,
    }


def rows_for_table(checked: ImportPreview) -> Iterable[dict[str, Any]]:
    """The preview's rows as the page's table shows them."""
    for row in checked.concepts:
        yield {
            "row": row,
            "kind": "concept",
            "label": row.values.get("name_en") or row.values.get("slug", ""),
        }
    for row in checked.terms:
        yield {
            "row": row,
            "kind": "term",
            "label": row.values.get("term", ""),
            "participant": row.values.get("participant", ""),
            "language": row.values.get("language", ""),
        }
