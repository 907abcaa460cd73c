"""Message types and their templates, read from ``data/kinds.yaml``, and the validation of
each type's fields (one validation for the web form and the API).

Values are stored in JSON as: text and choice → string; multichoice → list of strings;
datetime → ISO 8601 in UTC; number → number; indicators → list of ``{"type", "value"}``;
cves → list of strings; national_level → the id of a level of the sender's national scale,
as a string (the scales are the incidents room's: it provides them at start-up through
:func:`provide_national_scales`, so messaging never imports it).

A field marked ``retired`` is no longer asked (new messages may not fill it) but still
displays on the messages that have it; ``derives`` names the choice field a national level
fills from its mapping.
"""

import functools
import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import yaml
from django.utils import timezone
from django.utils.translation import gettext as _

from thiqa.lib.bilingual import (
    BILINGUAL_SCHEMA,
    Choice,
    clean_choice,
    clean_choices,
    clean_number,
    in_language,
    join_list,
)
from thiqa.lib.sectors import sectors

DATA = Path(__file__).parent / "data" / "kinds.yaml"
FIELD_TYPES = (
    "text",
    "textarea",
    "choice",
    "multichoice",
    "datetime",
    "number",
    "indicators",
    "cves",
    "national_level",
)
MAX_TEXT = 200
MAX_TEXTAREA = 20_000
MAX_LIST = 500

_CHOICE = {
    "type": "object",
    "required": ["value", "en", "ar"],
    "properties": {"value": {"type": "string", "pattern": "^[a-z0-9-]+$"}, "en": {}, "ar": {}},
    "additionalProperties": False,
}
SCHEMA = {
    "type": "object",
    "required": ["lists", "kinds"],
    "additionalProperties": False,
    "properties": {
        "lists": {"type": "object", "additionalProperties": {"type": "array", "items": _CHOICE}},
        "kinds": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "title", "description", "items", "roles", "acknowledge_within_hours"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z_]+$"},
                    "title": BILINGUAL_SCHEMA,
                    "description": BILINGUAL_SCHEMA,
                    "items": {"type": "array", "items": {"type": "string"}},
                    "roles": {"type": "array", "items": {"enum": ["policy", "technical", "law_enforcement"]}},
                    "acknowledge_within_hours": {"type": ["integer", "null"], "minimum": 1},
                    "reply_only": {"type": "boolean"},
                    "fields": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "type", "required", "label"],
                            "additionalProperties": False,
                            "properties": {
                                "name": {"type": "string", "pattern": "^[a-z_]+$"},
                                "type": {"enum": list(FIELD_TYPES)},
                                "required": {"type": "boolean"},
                                "label": BILINGUAL_SCHEMA,
                                "choices": {
                                    "oneOf": [{"type": "string"}, {"type": "array", "items": _CHOICE}]
                                },
                                "min": {"type": "number"},
                                "max": {"type": "number"},
                                "after": {"type": "string"},
                                "derives": {"type": "string"},
                                "retired": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    labels: dict[str, str]
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    after: str | None = None
    derives: str | None = None
    retired: bool = False

    @property
    def label(self) -> str:
        return in_language(self.labels)

    def choice_label(self, value: str) -> str:
        return next((c.label for c in self.choices if c.value == value), value)


@dataclass(frozen=True)
class Kind:
    code: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    item_codes: tuple[str, ...]
    roles: tuple[str, ...]
    acknowledge_within_hours: int | None
    reply_only: bool = False
    fields: tuple[Field, ...] = field(default=())

    @property
    def title(self) -> str:
        return in_language(self.titles)

    @property
    def description(self) -> str:
        return in_language(self.descriptions)

    def title_in(self, language: str) -> str:
        return self.titles["ar" if language == "ar" else "en"]


class KindsError(ValueError):
    """The kinds file is not valid (a programming error, found by a test and at start-up)."""


@functools.cache
def all_kinds() -> dict[str, Kind]:
    """Every message type by code, in the file's order."""
    return parse(yaml.safe_load(DATA.read_text(encoding="utf-8")))


def parse(data: Any) -> dict[str, Kind]:
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError as exc:
        raise KindsError(f"{DATA.name}: {'/'.join(map(str, exc.absolute_path))}: {exc.message}") from None
    lists = {name: tuple(Choice.from_data(c) for c in values) for name, values in data["lists"].items()}
    lists.setdefault("sectors", sectors())  # the platform's one list of sectors
    kinds = {}
    for entry in data["kinds"]:
        fields = tuple(_field(f, lists, entry["code"]) for f in entry.get("fields", []))
        names = [f.name for f in fields]
        if len(set(names)) != len(names) or any(
            (f.after and f.after not in names) or (f.derives and f.derives not in names) for f in fields
        ):
            raise KindsError(
                f"{DATA.name}: {entry['code']}: field names repeat or 'after' or 'derives' names no field"
            )
        kinds[entry["code"]] = Kind(
            code=entry["code"],
            titles=entry["title"],
            descriptions=entry["description"],
            item_codes=tuple(entry["items"]),
            roles=tuple(entry["roles"]),
            acknowledge_within_hours=entry["acknowledge_within_hours"],
            reply_only=entry.get("reply_only", False),
            fields=fields,
        )
    if "reply" not in kinds:
        raise KindsError(f"{DATA.name}: the 'reply' type is missing")
    return kinds


def _field(entry: dict[str, Any], lists: dict[str, tuple[Choice, ...]], kind: str) -> Field:
    choices = entry.get("choices", ())
    if isinstance(choices, str):
        if choices not in lists:
            raise KindsError(f"{DATA.name}: {kind}.{entry['name']}: no list named {choices!r}")
        choices = lists[choices]
    else:
        choices = tuple(Choice.from_data(c) for c in choices)
    if entry["type"] in ("choice", "multichoice") and not choices:
        raise KindsError(f"{DATA.name}: {kind}.{entry['name']}: a choice field needs choices")
    return Field(
        name=entry["name"],
        type=entry["type"],
        required=entry["required"],
        labels=entry["label"],
        choices=choices,
        minimum=entry.get("min"),
        maximum=entry.get("max"),
        after=entry.get("after"),
        derives=entry.get("derives"),
        retired=entry.get("retired", False),
    )


def kind(code: str) -> Kind:
    """The type ``code``; an unknown code raises KeyError."""
    return all_kinds()[code]


def sendable() -> list[Kind]:
    """The types a new message may have (a reply only answers)."""
    return [k for k in all_kinds().values() if not k.reply_only]


# --- national severity scales, provided by the room above -----------------------------------


@dataclass(frozen=True)
class NationalLevel:
    """A level of a participant's national scale as a message field offers it."""

    value: str  # the level's id
    label: str
    common_level: int


@dataclass(frozen=True)
class NationalScales:
    """What the incidents room provides: the levels of a participant's current scale (by
    participant id), and how a stored level reads (None: no such level)."""

    levels: Callable[[int], list[NationalLevel]]
    describe: Callable[[str], str | None]


_SCALES: list[NationalScales] = []


def provide_national_scales(provider: NationalScales) -> None:
    """Called once by the incidents room when the app is ready."""
    _SCALES[:] = [provider]


def national_levels(participant_id: int | None) -> list[NationalLevel]:
    """The levels the participant's people classify with (none without a scale)."""
    if participant_id is None or not _SCALES:
        return []
    return _SCALES[0].levels(participant_id)


def describe_national_level(value: str) -> str:
    found = _SCALES[0].describe(value) if _SCALES else None
    return found or value


# --- validating a message's fields ------------------------------------------------------------


class FieldErrors(ValueError):
    """Field values that do not fit the template: ``errors`` maps a field name to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items()))
        self.errors = errors


def clean_fields(
    definition: Kind, values: dict[str, Any], participant_id: int | None = None
) -> dict[str, Any]:
    """The template's fields of ``values``, validated and normalized; raises FieldErrors
    naming every problem at once (unknown and retired fields included). A national level is
    one of the sending participant's (``participant_id``) and fills the field it derives."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    known = {f.name for f in definition.fields if not f.retired}
    for name in sorted(set(values) - known):
        errors[name] = [_("This type of message has no field “%(name)s”.") % {"name": name}]
    derived = {
        f.derives
        for f in definition.fields
        if f.type == "national_level" and not _is_empty(values.get(f.name))
    }
    for spec in definition.fields:
        raw = values.get(spec.name)
        if spec.retired:
            continue
        if _is_empty(raw):
            if spec.required and spec.name not in derived:
                errors[spec.name] = [_("This field is required.")]
            continue
        try:
            if spec.type == "national_level":
                _derive(spec, raw, participant_id, cleaned, values)
            else:
                cleaned.setdefault(spec.name, CLEANERS[spec.type](spec, raw))
        except _Contradicted:
            errors[spec.derives or spec.name] = [
                _("The common level follows from the national level's mapping.")
            ]
        except ValueError as exc:
            errors[spec.name] = [str(exc)]
    for spec in definition.fields:
        if spec.after in cleaned and spec.name in cleaned and cleaned[spec.name] <= cleaned[spec.after]:
            errors.setdefault(spec.name, []).append(
                _("This must be later than “%(other)s”.")
                % {"other": next(f.label for f in definition.fields if f.name == spec.after)}
            )
    if errors:
        raise FieldErrors(errors)
    return cleaned


class _Contradicted(ValueError):
    """A common level given that the national level's mapping contradicts."""


def _derive(
    spec: Field, raw: Any, participant_id: int | None, cleaned: dict[str, Any], values: dict[str, Any]
) -> None:
    """A national level of the sender's scale, and the common level its mapping gives."""
    value = str(raw).strip()
    level = next((lvl for lvl in national_levels(participant_id) if lvl.value == value), None)
    if level is None:
        raise ValueError(_("Choose a level of your participant's national scale."))
    cleaned[spec.name] = level.value
    if spec.derives:
        given = values.get(spec.derives)
        if not _is_empty(given) and str(given).strip() != str(level.common_level):
            raise _Contradicted
        cleaned[spec.derives] = str(level.common_level)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(_("Enter text."))
    return value.strip()


def _clean_text(spec: Field, value: Any) -> str:
    text = _string(value)
    limit = MAX_TEXT if spec.type == "text" else MAX_TEXTAREA
    if len(text) > limit:
        raise ValueError(_("Use at most %(limit)d characters.") % {"limit": limit})
    return text


def _clean_choice(spec: Field, value: Any) -> str:
    return clean_choice(spec.choices, value.strip() if isinstance(value, str) else value)


def _clean_multichoice(spec: Field, value: Any) -> list[str]:
    return clean_choices(spec.choices, value)


def parse_moment(value: Any) -> datetime:
    """An aware datetime in UTC from a datetime or an ISO 8601 text (naive means UTC);
    raises ValueError with a translated message."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = _string(value)
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                _("Enter a date and time such as 2026-12-01T14:30 (UTC, or with an offset such as +03:00).")
            ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _clean_datetime(spec: Field, value: Any) -> str:
    return parse_moment(value).isoformat(timespec="minutes")


def _clean_number(spec: Field, value: Any) -> float:
    return clean_number(value, spec.minimum, spec.maximum)


def _lines(value: Any, limit: int = MAX_LIST) -> list[str]:
    items = value.splitlines() if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ValueError(_("Enter one value per line."))
    lines = [line.strip() for line in items if line.strip()]
    if len(lines) > limit:
        raise ValueError(_("Enter at most %(limit)d values.") % {"limit": limit})
    return lines


CVE = re.compile(r"CVE-\d{4}-\d{4,7}")


def clean_cves(value: Any) -> list[str]:
    """CVE identifiers (a text of lines or a list), upper-cased, without repeats; raises
    ValueError naming the first malformed line."""
    cves = []
    for number, line in enumerate(_lines(value), 1):
        cve = line.upper()
        if not CVE.fullmatch(cve):
            raise ValueError(
                _("Line %(line)d: “%(value)s” is not a CVE identifier such as CVE-2026-12345.")
                % {"line": number, "value": line[:80]}
            )
        cves.append(cve)
    return list(dict.fromkeys(cves))


def clean_indicators(value: Any, limit: int = MAX_LIST) -> list[dict[str, str]]:
    """Indicators of compromise (a text of lines, a list of values or of ``{"type",
    "value"}``), classified and without repeats; raises ValueError naming the first bad line."""
    if isinstance(value, list):
        value = [v.get("value") if isinstance(v, dict) else v for v in value]
    found = []
    for number, line in enumerate(_lines(value, limit), 1):
        indicator = classify_indicator(line)
        if indicator is None:
            raise ValueError(
                _(
                    "Line %(line)d: “%(value)s” is not an IP address or network, domain, URL, "
                    "e-mail address or file hash (MD5, SHA-1, SHA-256)."
                )
                % {"line": number, "value": line[:80]}
            )
        found.append(indicator)
    unique = {(i["type"], i["value"]): i for i in found}
    return list(unique.values())


def _clean_cves(spec: Field, value: Any) -> list[str]:
    return clean_cves(value)


def _clean_indicators(spec: Field, value: Any) -> list[dict[str, str]]:
    return clean_indicators(value)


CLEANERS = {
    "text": _clean_text,
    "textarea": _clean_text,
    "choice": _clean_choice,
    "multichoice": _clean_multichoice,
    "datetime": _clean_datetime,
    "number": _clean_number,
    "indicators": _clean_indicators,
    "cves": _clean_cves,
}

# --- indicators of compromise ---------------------------------------------------------------

_HASHES = {32: "md5", 40: "sha1", 64: "sha256"}
_HEX = re.compile(r"[0-9a-fA-F]+")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}")
# Defanged forms, as CERTs write indicators in e-mail so that nobody clicks them.
_REFANG = (("[.]", "."), ("(.)", "."), ("[dot]", "."), ("[@]", "@"), ("[at]", "@"), ("[:]", ":"))


def refang(value: str) -> str:
    text = value.strip()
    for defanged, plain in _REFANG:
        text = text.replace(defanged, plain)
    return re.sub(r"^hxxp(s?)://", r"http\1://", text, flags=re.IGNORECASE)


def defang(indicator: dict[str, str]) -> str:
    """How an indicator is written in an e-mail: not a link a mail program would follow."""
    value = indicator["value"]
    if indicator["type"] in ("domain", "url", "email"):
        value = value.replace(".", "[.]").replace("http", "hxxp", 1)
    return value


def classify_indicator(value: Any) -> dict[str, str] | None:
    """``{"type", "value"}`` for an IP address or network, domain, URL, e-mail address or
    hash (defanged input accepted), or None."""
    if not isinstance(value, str) or not value.strip() or len(value) > 2000:
        return None
    text = refang(value)
    for check in (_ip, _hash, _url, _email, _domain):
        if found := check(text):
            return found
    return None


def _ip(text: str) -> dict[str, str] | None:
    try:
        if "/" in text:
            network = ipaddress.ip_network(text, strict=False)
            return {"type": f"ipv{network.version}-net", "value": str(network)}
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return {"type": f"ipv{address.version}", "value": str(address)}


def _hash(text: str) -> dict[str, str] | None:
    if len(text) in _HASHES and _HEX.fullmatch(text):
        return {"type": _HASHES[len(text)], "value": text.lower()}
    return None


def _is_domain(text: str) -> bool:
    try:
        ascii_name = text.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    labels = ascii_name.split(".")
    return (
        len(labels) >= 2
        and len(ascii_name) <= 253
        and all(_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()
    )


def _domain(text: str) -> dict[str, str] | None:
    return {"type": "domain", "value": text.rstrip(".").lower()} if _is_domain(text) else None


def _url(text: str) -> dict[str, str] | None:
    if "://" not in text:
        return None
    parts = urlsplit(text)
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https", "ftp") or not (_is_domain(host) or _ip(host)):
        return None
    return {"type": "url", "value": text}


def _email(text: str) -> dict[str, str] | None:
    local, at, domain = text.rpartition("@")
    if at and _LOCAL.fullmatch(local) and _is_domain(domain):
        return {"type": "email", "value": f"{local}@{domain.lower()}"}
    return None


def display_values(definition: Kind, values: dict[str, Any]) -> Iterable[tuple[Field, str]]:
    """Each filled field with its value as people read it, in the active language."""
    for spec in definition.fields:
        if spec.name not in values:
            continue
        value = values[spec.name]
        if spec.type == "choice":
            text = spec.choice_label(value)
        elif spec.type == "multichoice":
            text = join_list([spec.choice_label(v) for v in value])
        elif spec.type == "datetime":
            text = value.replace("T", " ").replace("+00:00", " UTC")
        elif spec.type == "number":
            text = f"{value:g}"
        elif spec.type == "indicators":
            text = "\n".join(f"{i['type']}: {i['value']}" for i in value)
        elif spec.type == "cves":
            text = "\n".join(value)
        elif spec.type == "national_level":
            text = describe_national_level(value)
        else:
            text = value
        yield spec, text
