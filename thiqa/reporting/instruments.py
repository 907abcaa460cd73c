"""Reporting instruments (questionnaires) as data: read from ``data/<code>/v<n>.yaml``,
validated, and the one validation of a response's answers for the pages, the API and JSON
import.

Every version of an instrument is kept: a cycle opens with the latest and keeps the one it
opened with (``Cycle.instrument_version``), so its answers are always read, scored and
exported against the questions they answered. A published version file is never edited
(``data/versions.sha256`` records each one's SHA-256 and a test compares them); a change is
a new version file (``data/SCHEMA.md``).

An answer is stored per question code as ``{"value": …, "comment": "…", "english": "…",
"evidence": [ids]}``: ``value`` is ``yes``/``partly``/``no`` for a status question, text,
a choice or a list of choices, a number or an ISO date; ``comment`` (status questions)
and text values are written in the response's language, ``english`` is their English
translation when that language is another one.
"""

import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.utils.translation import gettext as _

from thiqa.lib.bilingual import (
    BILINGUAL_SCHEMA,
    Choice,
    clean_choice,
    clean_choices,
    clean_number,
    in_language,
)

DATA = Path(__file__).parent / "data"
QUESTION_TYPES = ("status", "text", "choice", "multichoice", "number", "date")
STATUSES = ("yes", "partly", "no")
PILLARS = ("legal", "technical", "organizational", "capacity-building", "cooperation")
MAX_TEXT = 20_000

_CODE = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
_QUESTION = {
    "type": "object",
    "required": ["code", "type", "required", "text"],
    "additionalProperties": False,
    "properties": {
        "code": _CODE,
        "type": {"enum": list(QUESTION_TYPES)},
        "required": {"type": "boolean"},
        "text": BILINGUAL_SCHEMA,
        "help": BILINGUAL_SCHEMA,
        "items": {"type": "array", "items": {"type": "string"}},
        "evidence": {"type": "boolean"},
        "weight": {"type": "number", "exclusiveMinimum": 0},
        "guidance": {"type": "array", "items": {"type": "string"}},
        "choices": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "required": ["value", "en", "ar"],
                "properties": {"value": _CODE, "en": {"type": "string"}, "ar": {"type": "string"}},
                "additionalProperties": False,
            },
        },
        "min": {"type": "number"},
        "max": {"type": "number"},
    },
}
SCHEMA = {
    "type": "object",
    "required": ["instrument", "sections"],
    "additionalProperties": False,
    "properties": {
        "instrument": {
            "type": "object",
            "required": [
                "code",
                "version",
                "title",
                "description",
                "framework",
                "requires_english",
                "scoring",
            ],
            "additionalProperties": False,
            "properties": {
                "code": _CODE,
                "version": {"type": "integer", "minimum": 1},
                "title": BILINGUAL_SCHEMA,
                "description": BILINGUAL_SCHEMA,
                "framework": {"type": "string"},
                "due_date_from": {"type": "string"},
                "requires_english": {"type": "boolean"},
                "scoring": {
                    "oneOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "required": ["answer_values", "pillar_max", "tiers"],
                            "additionalProperties": False,
                            "properties": {
                                "answer_values": {
                                    "type": "object",
                                    "required": list(STATUSES),
                                    "additionalProperties": False,
                                    "properties": {
                                        s: {"type": "number", "minimum": 0, "maximum": 1} for s in STATUSES
                                    },
                                },
                                "pillar_max": {"type": "number", "exclusiveMinimum": 0},
                                "tiers": {
                                    "type": "array",
                                    "minItems": 2,
                                    "items": {
                                        "type": "object",
                                        "required": ["code", "min", "en", "ar"],
                                        "additionalProperties": False,
                                        "properties": {
                                            "code": _CODE,
                                            "min": {"type": "number", "minimum": 0},
                                            "en": {"type": "string"},
                                            "ar": {"type": "string"},
                                        },
                                    },
                                },
                            },
                        },
                    ]
                },
            },
        },
        "sections": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "title", "questions"],
                "additionalProperties": False,
                "properties": {
                    "code": _CODE,
                    "title": BILINGUAL_SCHEMA,
                    "pillar": {"enum": list(PILLARS)},
                    "questions": {"type": "array", "minItems": 1, "items": _QUESTION},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    required: bool
    texts: dict[str, str]
    helps: dict[str, str] | None = None
    items: tuple[str, ...] = ()
    evidence: bool = False
    weight: float = 1.0
    guidance: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    @property
    def text(self) -> str:
        return in_language(self.texts)

    @property
    def help(self) -> str:
        return in_language(self.helps) if self.helps else ""

    def choice_label(self, value: str) -> str:
        return next((c.label for c in self.choices if c.value == value), value)


@dataclass(frozen=True)
class Section:
    code: str
    titles: dict[str, str]
    questions: tuple[Question, ...]
    pillar: str | None = None

    @property
    def title(self) -> str:
        return in_language(self.titles)


@dataclass(frozen=True)
class Tier:
    code: str
    minimum: float
    labels: dict[str, str]

    @property
    def label(self) -> str:
        return in_language(self.labels)


@dataclass(frozen=True)
class Scoring:
    answer_values: dict[str, float]
    pillar_max: float
    tiers: tuple[Tier, ...]  # from the highest minimum down


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per instrument
class Instrument:
    code: str
    version: int
    titles: dict[str, str]
    descriptions: dict[str, str]
    framework: str
    requires_english: bool
    sections: tuple[Section, ...]
    scoring: Scoring | None = None
    due_date_from: str | None = None
    questions_by_code: dict[str, Question] = field(default_factory=dict, compare=False)

    @property
    def title(self) -> str:
        return in_language(self.titles)

    @property
    def description(self) -> str:
        return in_language(self.descriptions)

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def item_codes(self) -> list[str]:
        """The catalogue items the instrument's status questions report on, in order."""
        codes = [code for q in self.questions() if q.type == "status" for code in q.items]
        return list(dict.fromkeys(codes))

    def all_catalogue_codes(self) -> set[str]:
        codes = {code for q in self.questions() for code in (*q.items, *q.guidance)}
        return codes | ({self.due_date_from} if self.due_date_from else set())


class InstrumentError(ValueError):
    """An instrument file is not valid (found by a test and at start-up)."""


def parse(data: Any, name: str = "<data>") -> Instrument:
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError as exc:
        raise InstrumentError(f"{name}: {'/'.join(map(str, exc.absolute_path))}: {exc.message}") from None
    head = data["instrument"]
    scoring = _scoring(head["scoring"], name)
    sections = tuple(_section(s, name) for s in data["sections"])
    instrument = Instrument(
        code=head["code"],
        version=head["version"],
        titles=head["title"],
        descriptions=head["description"],
        framework=head["framework"],
        requires_english=head["requires_english"],
        sections=sections,
        scoring=scoring,
        due_date_from=head.get("due_date_from"),
    )
    _check(instrument, name)
    instrument.questions_by_code.update((q.code, q) for q in instrument.questions())
    return instrument


def _scoring(data: dict[str, Any] | None, name: str) -> Scoring | None:
    if data is None:
        return None
    tiers = tuple(Tier(t["code"], t["min"], {"en": t["en"], "ar": t["ar"]}) for t in data["tiers"])
    if [t.minimum for t in tiers] != sorted((t.minimum for t in tiers), reverse=True) or tiers[
        -1
    ].minimum != 0:
        raise InstrumentError(f"{name}: scoring/tiers: list them from the highest minimum down to 0")
    return Scoring(dict(data["answer_values"]), data["pillar_max"], tiers)


def _section(data: dict[str, Any], name: str) -> Section:
    questions = tuple(
        Question(
            code=q["code"],
            type=q["type"],
            required=q["required"],
            texts=q["text"],
            helps=q.get("help"),
            items=tuple(q.get("items", ())),
            evidence=q.get("evidence", False),
            weight=q.get("weight", 1.0),
            guidance=tuple(q.get("guidance", ())),
            choices=tuple(Choice.from_data(c) for c in q.get("choices", ())),
            minimum=q.get("min"),
            maximum=q.get("max"),
        )
        for q in data["questions"]
    )
    return Section(data["code"], data["title"], questions, data.get("pillar"))


def _check(instrument: Instrument, name: str) -> None:
    codes = [q.code for q in instrument.questions()]
    if len(set(codes)) != len(codes):
        raise InstrumentError(f"{name}: question codes repeat")
    if len({s.code for s in instrument.sections}) != len(instrument.sections):
        raise InstrumentError(f"{name}: section codes repeat")
    for q in instrument.questions():
        if (q.type in ("choice", "multichoice")) != bool(q.choices):
            raise InstrumentError(
                f"{name}: {q.code}: choices belong to choice and multichoice questions only"
            )
    if instrument.scoring:
        pillars = {s.pillar for s in instrument.sections}
        if pillars != set(PILLARS):
            raise InstrumentError(
                f"{name}: a scored instrument has one or more sections for each of the five pillars"
            )
        if any(q.type != "status" for q in instrument.questions()):
            raise InstrumentError(f"{name}: a scored instrument asks status questions only")


VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.yaml$")


MANIFEST = "versions.sha256"


def recorded_digests(data: Path) -> dict[str, str]:
    """The SHA-256 recorded for each published version file (``sha256sum`` format)."""
    lines = (data / MANIFEST).read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split(maxsplit=1) for line in lines if line.strip())}


@functools.cache
def all_versions() -> dict[str, dict[int, Instrument]]:
    """Every version of every instrument: by code (in folder-name order), then by version.
    A version file not recorded in the manifest, or edited since, is refused."""
    recorded = recorded_digests(DATA)
    found: dict[str, dict[int, Instrument]] = {}
    for folder in sorted(p for p in DATA.iterdir() if p.is_dir()):
        versions = {}
        for path in folder.iterdir():
            name = f"{folder.name}/{path.name}"
            number = VERSION_FILE.match(path.name)
            if number is None:
                raise InstrumentError(f"{name}: name version files v1.yaml, v2.yaml, ...")
            content = path.read_bytes()
            if recorded.get(name) != hashlib.sha256(content).hexdigest():
                raise InstrumentError(
                    f"{name}: not the file recorded in {MANIFEST}: a published version is never "
                    "edited; publish a new version (data/SCHEMA.md)"
                )
            definition = parse(yaml.safe_load(content.decode("utf-8")), name)
            if (definition.code, definition.version) != (folder.name, int(number[1])):
                raise InstrumentError(f"{name}: the file says {definition.code} version {definition.version}")
            versions[definition.version] = definition
        if versions:
            found[folder.name] = dict(sorted(versions.items()))
    return found


def all_instruments() -> dict[str, Instrument]:
    """The latest version of every instrument, by code: the one a new cycle opens with."""
    return {code: versions[max(versions)] for code, versions in all_versions().items()}


def instrument(code: str, version: int | None = None) -> Instrument:
    """The instrument ``code`` as it was in ``version`` (the latest if not given)."""
    versions = all_versions()[code]
    return versions[max(versions) if version is None else version]


# --- validating answers ------------------------------------------------------------------------


class AnswerErrors(ValueError):
    """Answers that do not fit the instrument: ``errors`` maps a question code to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{code}: {' '.join(msgs)}" for code, msgs in errors.items()))
        self.errors = errors


def clean_answers(
    definition: Instrument, answers: dict[str, Any], *, language: str, complete: bool
) -> dict[str, dict[str, Any]]:
    """Validate and normalize ``answers``; with ``complete`` (submission), every required
    question must be answered and, where the instrument asks for it, every text written in
    another language must have its English translation. Raises AnswerErrors naming every
    problem at once."""
    errors: dict[str, list[str]] = {}
    if not isinstance(answers, dict):
        raise AnswerErrors({"answers": [_("The answers must be an object keyed by question code.")]})
    for code in sorted(set(answers) - set(definition.questions_by_code)):
        errors[code] = [_("This instrument has no question “%(code)s”.") % {"code": code[:60]}]
    cleaned = {}
    for question in definition.questions():
        raw = answers.get(question.code)
        try:
            answer = _clean_answer(question, raw)
        except ValueError as exc:
            errors[question.code] = [str(exc)]
            continue
        if answer is None or "value" not in answer:
            if complete and question.required:
                errors[question.code] = [_("This question must be answered before submitting.")]
                continue
            if answer is None:
                continue
        if complete and definition.requires_english and language != "en" and _needs_english(question, answer):
            errors[question.code] = [_("Add the English translation of this answer.")]
            continue
        cleaned[question.code] = answer
    if errors:
        raise AnswerErrors(errors)
    return cleaned


def _needs_english(question: Question, answer: dict[str, Any]) -> bool:
    has_text = question.type == "text" or bool(answer.get("comment"))
    return has_text and not answer.get("english")


def _clean_answer(question: Question, raw: Any) -> dict[str, Any] | None:
    if raw is None or raw == {} or raw == "":
        return None
    if not isinstance(raw, dict):
        raw = {"value": raw}
    unknown = set(raw) - {"value", "comment", "english", "evidence"}
    if unknown:
        raise ValueError(_("Unknown parts of an answer: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    value = raw.get("value")
    answer: dict[str, Any] = {}
    if value not in (None, "", []):
        answer["value"] = VALUE_CLEANERS[question.type](question, value)
    for part in ("comment", "english"):
        text = raw.get(part) or ""
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise ValueError(_("Write at most %(limit)d characters.") % {"limit": MAX_TEXT})
        if text.strip():
            answer[part] = text.strip()
    evidence = raw.get("evidence") or []
    if not isinstance(evidence, list) or not all(
        isinstance(e, int) and not isinstance(e, bool) for e in evidence
    ):
        raise ValueError(_("Evidence is a list of document numbers."))
    if evidence:
        if not question.evidence:
            raise ValueError(_("This question takes no documents."))
        answer["evidence"] = sorted(set(evidence))
    return answer or None  # a draft may hold a comment or documents before the answer itself


def _status(question: Question, value: Any) -> str:
    if value not in STATUSES:
        raise ValueError(_("Answer yes, partly or no."))
    return value


def _text_value(question: Question, value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValueError(_("Write at most %(limit)d characters.") % {"limit": MAX_TEXT})
    return value.strip()


def _choice(question: Question, value: Any) -> str:
    return clean_choice(question.choices, value)


def _choices(question: Question, value: Any) -> list[str]:
    return clean_choices(question.choices, value)


def _number(question: Question, value: Any) -> float:
    return clean_number(value, question.minimum, question.maximum)


def _date(question: Question, value: Any) -> str:
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(_("Enter a date such as 2026-10-31.")) from None


VALUE_CLEANERS = {
    "status": _status,
    "text": _text_value,
    "choice": _choice,
    "multichoice": _choices,
    "number": _number,
    "date": _date,
}
