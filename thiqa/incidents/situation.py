"""The situation: the open incidents a person may read, counted by common severity, sector
and region, and the incidents detected per month. Counts only, of what ``readable_by``
lets the viewer read."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _

from thiqa.accounts.models import User
from thiqa.incidents.models import COMMON_LEVELS, Incident
from thiqa.lib.regions import region_of, regions
from thiqa.lib.sectors import sector_label, sectors

MONTHS = 12


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Situation:
    open_incidents: int
    by_severity: list[Row]
    by_sector: list[Row]
    by_region: list[Row]
    by_month: list[Row]


def situation(user: User) -> Situation:
    readable = Incident.objects.readable_by(user).filter(is_draft=False)
    open_ones = list(readable.open().select_related("participant").prefetch_related("affected"))
    return Situation(
        open_incidents=len(open_ones),
        by_severity=_by_severity(open_ones),
        by_sector=_by_sector(open_ones),
        by_region=_by_region(open_ones),
        by_month=_by_month(readable),
    )


def _by_severity(incidents: list[Incident]) -> list[Row]:
    counts = Counter(i.common_level for i in incidents)
    rows = [Row(str(level), str(level), counts[level]) for level in reversed(COMMON_LEVELS)]
    if counts[None]:
        rows.append(Row("none", _("Not rated"), counts[None]))
    return rows


def _by_sector(incidents: list[Incident]) -> list[Row]:
    counts = Counter(code for i in incidents for code in i.sectors)
    return [Row(s.value, sector_label(s.value), counts[s.value]) for s in sectors() if counts[s.value]]


def _by_region(incidents: list[Incident]) -> list[Row]:
    """Each incident counts once in every region of its owner and affected participants."""
    counts: Counter[str] = Counter()
    for incident in incidents:
        found = (region_of(p.code) for p in [incident.participant, *incident.affected.all()])
        counts.update({r.code for r in found if r is not None})
    return [Row(r.code, r.label, counts[r.code]) for r in regions().values() if counts[r.code]]


def _by_month(incidents: object) -> list[Row]:
    counts = (
        incidents.annotate(month=TruncMonth("detected_at"))  # type: ignore[attr-defined]
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by("-month")[:MONTHS]
    )
    return [
        Row(f"{month:%Y-%m}", formats.date_format(month, "YEAR_MONTH_FORMAT"), n)
        for month, n in reversed(counts)
    ]
