"""Reading the room: filtered lists of needs, offers and projects, the figures of completed
engagements (per GCA pillar and region), and the national CIRT overview (States by region,
counts per status, priorities). Pages and the API both start here."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts.models import Participant
from thiqa.capacity.models import PARTY_FIELDS, CirtStatus, Engagement, Posting, Project, ProjectParty
from thiqa.capacity.vocabulary import WORLDWIDE, Region, pillars, region_of, regions
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


# --- projects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFilters:
    q: str = ""
    status: str = ""
    pillar: str = ""
    region: str = ""  # of the beneficiaries in the community
    funder: str = ""  # a participant's code, or the name of a funder outside the community


def filtered_projects(projects: QuerySet[Project], filters: ProjectFilters) -> QuerySet[Project]:
    """Projects matching ``filters``, latest start first."""
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.pillar:
        projects = projects.filter(pillars__icontains=f'"{filters.pillar}"')
    if filters.region:
        members = regions()[filters.region].members if filters.region in regions() else frozenset()
        projects = projects.filter(
            pk__in=ProjectParty.objects.filter(
                role=ProjectParty.Role.BENEFICIARY, participant__code__in=members
            ).values("project_id")
        )
    if filters.funder:
        projects = projects.filter(
            pk__in=ProjectParty.objects.filter(role=ProjectParty.Role.FUNDER)
            .filter(Q(participant__code=filters.funder) | Q(participant__isnull=True, name=filters.funder))
            .values("project_id")
        )
    projects = wordsearch.holding(projects, analyze(filters.q))
    return projects.prefetch_related("parties__participant", "items").order_by("-start_date", "-pk")


def funder_choices() -> list[tuple[str, str]]:
    """Every funder named by a project: participants by code, outside bodies by name."""
    funders = ProjectParty.objects.filter(role=ProjectParty.Role.FUNDER).select_related("participant")
    found = {(f.participant.code if f.participant else f.name): f.label for f in funders}
    return sorted(found.items(), key=lambda choice: choice[1])


PROJECT_COLUMNS = [
    "id",
    "title_en",
    "title_ar",
    "status",
    "start_date",
    "end_date",
    "pillars",
    "funders",
    "implementers",
    "beneficiaries",
    "catalogue_items",
    "engagements",
    "outcome",
    "description",
    "sample",
]


def project_row(project: Project) -> dict[str, Any]:
    """A project's fields as plain values (participants by code, outside bodies by name), for
    the CSV export and the API."""
    parties = {
        name: [p.participant.code if p.participant else p.name for p in project.parties_as(role)]
        for role, name in PARTY_FIELDS.items()
    }
    return {
        "id": project.pk,
        "title_en": project.title_en,
        "title_ar": project.title_ar,
        "status": project.status,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "pillars": project.pillars,
        **parties,
        "catalogue_items": [i.code for i in project.items.all()],
        "engagements": [e.pk for e in project.engagements.all()],
        "outcome": project.outcome,
        "description": project.description,
        "sample": project.is_sample,
    }


# --- completed engagements: the GCA capacity-building figures -----------------------------------

NO_REGION = "none"
NO_REGION_LABEL = gettext_lazy("Organizations and other participants")


@dataclass
class CompletedFigures:
    """Completed engagements counted once under each GCA pillar their need names, and under
    the region of the participant in need (organizations have none)."""

    pillars: list[tuple[str, str]]  # (code, label)
    regions: list[tuple[str, str]]
    cells: dict[tuple[str, str], int]  # (pillar, region) -> count
    total: int
    has_sample: bool
    per_region: dict[str, int] = field(default_factory=dict)  # each engagement once

    def by_pillar(self) -> list[tuple[str, int]]:
        return [
            (label, sum(self.cells.get((code, r), 0) for r, _l in self.regions))
            for code, label in self.pillars
        ]

    def by_region(self) -> list[tuple[str, int]]:
        return [(label, self.region_total(code)) for code, label in self.regions]

    def region_total(self, region: str) -> int:
        """Engagements of the region (each once, whatever its pillars)."""
        return self.per_region.get(region, 0)

    def rows(self) -> list[dict[str, Any]]:
        """The pillar × region table: a row per pillar with its count per region and total."""
        return [
            {
                "label": label,
                "counts": [self.cells.get((code, region), 0) for region, _l in self.regions],
                "total": total,
            }
            for (code, label), (_label, total) in zip(self.pillars, self.by_pillar(), strict=True)
        ]


def completed_figures() -> CompletedFigures:
    names = pillars()
    region_names = [(code, r.label) for code, r in regions().items() if code != WORLDWIDE]
    region_names.append((NO_REGION, str(NO_REGION_LABEL)))
    cells: Counter[tuple[str, str]] = Counter()
    per_region: Counter[str] = Counter()
    done = Engagement.objects.filter(status=Engagement.Status.COMPLETED).select_related("need__participant")
    total, has_sample = 0, False
    for engagement in done:
        found = region_of(engagement.need.participant.code)
        region = (
            found.code if found and engagement.need.participant.kind == Participant.Kind.STATE else NO_REGION
        )
        total += 1
        per_region[region] += 1
        has_sample = has_sample or engagement.is_sample
        for pillar in engagement.need.pillars:
            if pillar in names:
                cells[(pillar, region)] += 1
    return CompletedFigures(
        pillars=list(names.items()),
        regions=region_names,
        cells=dict(cells),
        total=total,
        has_sample=has_sample,
        per_region=dict(per_region),
    )


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
