"""Reading the room: filtered lists of needs and offers, and the national CIRT overview
(States by region, counts per status, priorities). Pages and the API both start here."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts.models import Participant
from thiqa.capacity.models import CirtStatus, Posting
from thiqa.capacity.vocabulary import WORLDWIDE, Region, regions
from thiqa.lib import wordsearch
from thiqa.lib.text import analyze

UNKNOWN = "unknown"  # a State that recorded nothing
UNKNOWN_LABEL = gettext_lazy("Not reported")


@dataclass(frozen=True)
class PostingFilters:
    status: str = Posting.Status.OPEN  # "" for every status
    pillar: str = ""
    region: str = ""
    language: str = ""
    kind: str = ""
    participant: str = ""  # a participant's code
    q: str = ""


def filtered(postings: QuerySet[Any], filters: PostingFilters) -> QuerySet[Any]:
    """Needs or offers matching ``filters``. A region filter keeps postings that name the
    region or "worldwide". List fields hold codes, so a code in quotes is found in their JSON
    text the same way on SQLite and PostgreSQL."""
    if filters.status:
        postings = postings.filter(status=filters.status)
    for name in ("pillars", "languages", "kinds"):
        code = getattr(filters, name[:-1])
        if code:
            postings = postings.filter(**{f"{name}__icontains": f'"{code}"'})
    if filters.region:
        postings = postings.filter(
            Q(regions__icontains=f'"{filters.region}"') | Q(regions__icontains=f'"{WORLDWIDE}"')
        )
    if filters.participant:
        postings = postings.filter(participant__code=filters.participant)
    postings = wordsearch.holding(postings, analyze(filters.q))
    return postings.select_related("participant").order_by("-created_at", "-pk")


# --- national CIRT overview ------------------------------------------------------------------


@dataclass
class StateRow:
    participant: Participant
    status: CirtStatus | None

    @property
    def level(self) -> str:
        return self.status.status if self.status else UNKNOWN

    @property
    def is_priority(self) -> bool:
        return self.status is not None and self.status.is_priority

    @property
    def label(self) -> str:
        return self.status.get_status_display() if self.status else str(UNKNOWN_LABEL)


@dataclass
class RegionGroup:
    region: Region
    rows: list[StateRow] = field(default_factory=list)

    @property
    def priorities(self) -> int:
        return sum(1 for r in self.rows if r.is_priority)


@dataclass
class CirtOverview:
    groups: list[RegionGroup]
    counts: dict[str, int]  # level (and "unknown") -> number of States shown
    has_sample: bool

    @property
    def rows(self) -> list[StateRow]:
        return [row for group in self.groups for row in group.rows]


def levels() -> list[tuple[str, str]]:
    """Every status a State can show, "not reported" included, in order."""
    return [*CirtStatus.Level.choices, (UNKNOWN, str(UNKNOWN_LABEL))]


def cirt_overview(*, region: str = "", level: str = "", priority: bool = False) -> CirtOverview:
    """Active States grouped by region, each with its recorded status; filtered by region,
    status (``"unknown"`` for none recorded) or priority (GCA guideline 4.8(b))."""
    states = Participant.objects.filter(kind=Participant.Kind.STATE, is_active=True).order_by("name_en")
    recorded = {s.participant_id: s for s in CirtStatus.objects.filter(participant__in=states)}
    groups = []
    for code, found in regions().items():
        if code == WORLDWIDE or (region and code != region):
            continue
        group = RegionGroup(found)
        for state in states:
            row = StateRow(state, recorded.get(state.pk))
            if state.code in found.members and _keep(row, level, priority):
                group.rows.append(row)
        groups.append(group)
    shown = [row for group in groups for row in group.rows]
    counts = Counter(row.level for row in shown)
    return CirtOverview(
        groups=groups,
        counts={code: counts.get(code, 0) for code, _label in levels()},
        has_sample=any(row.status and row.status.is_sample for row in shown),
    )


def _keep(row: StateRow, level: str, priority: bool) -> bool:
    return (not level or row.level == level) and (not priority or row.is_priority)


def chart_rows(overview: CirtOverview) -> list[tuple[str, float]]:
    """(label, count) per status, for the bar chart."""
    return [(str(label), overview.counts[code]) for code, label in levels()]


def chart_title() -> str:
    return _("States per national CIRT status")
