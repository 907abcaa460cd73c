"""How complete an arrangement's record is against the good-practice checklist of the OSCE
CBM 14 report: each catalogue checklist item is met when the fields that answer it
(``data/checklist.yaml``) are filled. What is missing is shown to the owner, by heading."""

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from thiqa.catalogue.models import Item
from thiqa.lib.bilingual import join_list
from thiqa.partnerships.models import Arrangement, Member

DATA = Path(__file__).parent / "data" / "checklist.yaml"
HEADINGS = ("purpose", "policies", "process", "people")


class ChecklistError(ValueError):
    """The checklist file names a field the record does not have (found by a test)."""


@functools.cache
def checklist() -> dict[str, tuple[str, ...]]:
    """Catalogue code → the record's fields that answer it, in the file's order."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    fields = {f.name for f in Arrangement._meta.get_fields()} | {"members"}
    for code, names in data.items():
        unknown = set(names) - fields
        if unknown or not code.startswith("osce-ppp-"):
            raise ChecklistError(f"{DATA.name}: {code}: unknown fields {sorted(unknown)}")
    return {code: tuple(names) for code, names in data.items()}


def _filled(arrangement: Arrangement, name: str) -> bool:
    if name == "members":
        return (
            arrangement.members.filter(status=Member.Status.ACTIVE)
            .exclude(participant=arrangement.owner_id)
            .exists()
        )
    value: Any = getattr(arrangement, name)
    return bool(value.strip() if isinstance(value, str) else value)


@dataclass(frozen=True)
class Check:
    item: Item
    heading: str
    met: bool
    missing: tuple[str, ...]  # verbose names of the fields still empty

    @property
    def missing_text(self) -> str:
        return join_list(self.missing)


@dataclass(frozen=True)
class Completeness:
    checks: tuple[Check, ...]

    @property
    def met(self) -> int:
        return sum(1 for c in self.checks if c.met)

    @property
    def percent(self) -> int:
        return round(100 * self.met / len(self.checks)) if self.checks else 0

    def by_heading(self) -> list[tuple[str, list[Check]]]:
        return [(h, [c for c in self.checks if c.heading == h]) for h in HEADINGS]


def completeness(arrangement: Arrangement) -> Completeness:
    rules = checklist()
    items = Item.objects.filter(code__in=rules).in_bulk(field_name="code")
    checks = []
    for code, names in rules.items():
        if code not in items:
            continue  # the catalogue is not loaded: nothing to check against
        missing = tuple(_label(name) for name in names if not _filled(arrangement, name))
        checks.append(Check(items[code], code.split("-")[2], not missing, missing))
    return Completeness(tuple(checks))


def _label(name: str) -> str:
    if name == "members":
        return _("at least one member besides the owner")
    return str(Arrangement._meta.get_field(name).verbose_name)
