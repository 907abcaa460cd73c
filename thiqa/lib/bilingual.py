"""Forms defined as data (message templates, reporting questionnaires): English and Arabic
text pairs, choices, and the checks their values share. Every message is translated."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

# A {"en": "...", "ar": "..."} pair in a data file's JSON Schema.
BILINGUAL_SCHEMA = {
    "type": "object",
    "required": ["en", "ar"],
    "properties": {"en": {"type": "string", "minLength": 1}, "ar": {"type": "string", "minLength": 1}},
    "additionalProperties": False,
}


def in_language(pair: dict[str, str]) -> str:
    """The Arabic or English text of a pair, for the active language."""
    return pair["ar"] if get_language() == "ar" else pair["en"]


@dataclass(frozen=True)
class Choice:
    value: str
    labels: dict[str, str]

    @property
    def label(self) -> str:
        return in_language(self.labels)

    @classmethod
    def from_data(cls, entry: dict[str, str]) -> "Choice":
        return cls(entry["value"], {"en": entry["en"], "ar": entry["ar"]})


def clean_choice(choices: Sequence[Choice], value: Any) -> str:
    if not isinstance(value, str) or value not in {c.value for c in choices}:
        raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": str(value)[:50]})
    return value


def clean_choices(choices: Sequence[Choice], value: Any) -> list[str]:
    """Several choices (one given as a string counts), without repeats, in the list's order."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        raise ValueError(_("Choose from the list."))
    chosen = {clean_choice(choices, v) for v in values}
    return [c.value for c in choices if c.value in chosen]


def clean_number(value: Any, low: float | None, high: float | None) -> float:
    """A number (a string with a decimal comma counts) within ``low``..``high``."""
    if isinstance(value, bool):
        raise ValueError(_("Enter a number."))
    try:
        number = float(value.strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(_("Enter a number.")) from None
    if number != number or (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high})
    return number


def join_list(texts: Sequence[str]) -> str:
    """Items of a list in running text, with the Arabic comma in Arabic."""
    return ("، " if get_language() == "ar" else ", ").join(texts)
