"""The platform's one list of sectors: those of the EU NIS2 Directive (Annexes I and II),
in English and Arabic (``data/sectors.yaml``). Incident notifications, partnerships and
capacity building all tag with it."""

import functools
from pathlib import Path
from typing import Any

import yaml

from thiqa.lib.bilingual import Choice, clean_choices

DATA = Path(__file__).parent / "data" / "sectors.yaml"


@functools.cache
def sectors() -> tuple[Choice, ...]:
    return tuple(Choice.from_data(entry) for entry in yaml.safe_load(DATA.read_text(encoding="utf-8")))


def sector_choices() -> list[tuple[str, str]]:
    """(value, label) pairs in the active language, for forms."""
    return [(s.value, s.label) for s in sectors()]


def clean_sectors(value: Any) -> list[str]:
    """Sector codes, validated, without repeats, in the list's order."""
    return clean_choices(sectors(), value)


def sector_label(value: str) -> str:
    return next((s.label for s in sectors() if s.value == value), value)
