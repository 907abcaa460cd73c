"""The platform's regions (``data/regions.yaml``): where a capacity-building need is felt or
an offer delivered, how the national CIRT table and the incidents situation are grouped."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from thiqa.lib.bilingual import in_language

DATA = Path(__file__).parent / "data" / "regions.yaml"
WORLDWIDE = "worldwide"


@dataclass(frozen=True)
class Region:
    code: str
    labels: dict[str, str]
    members: frozenset[str]  # ISO 3166-1 alpha-2 codes; empty for "worldwide"

    @property
    def label(self) -> str:
        return in_language(self.labels)


@cache
def regions() -> dict[str, Region]:
    """Every region by code, in the data file's order."""
    entries = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return {
        e["code"]: Region(e["code"], {"en": e["en"], "ar": e["ar"]}, frozenset(e["members"])) for e in entries
    }


def region_of(code: str) -> Region | None:
    """The region a State (by ISO alpha-2 code) belongs to; None for organizations."""
    return next((r for r in regions().values() if code in r.members), None)


def region_choices() -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in regions().values()]
