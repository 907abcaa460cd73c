"""OSCE CBM 11: at least so many expert meetings a year (the number is the catalogue's
``min_meetings_per_year`` of ``osce-cbm-11``, never written here).

A group's count is the expert meetings of that group that start in the year and were not
cancelled, among the activities the viewer may see: a meeting someone may not see never
counts in a figure shown to them (a group's members see their group's AMBER meetings).
A past year is met or not met; the current year is met once enough meetings were held, "on
course" when enough are held or planned, and not met otherwise.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import QuerySet
from django.utils import timezone

from thiqa.accounts.models import ParticipantGroup, User
from thiqa.activities.models import Activity
from thiqa.activities.vocabulary import EXPERT_MEETING
from thiqa.catalogue.parameters import parameter

CATALOGUE_ITEM = "osce-cbm-11"
PARAMETER = "min_meetings_per_year"

MET, ON_COURSE, NOT_MET = "met", "on_course", "not_met"


def minimum() -> int:
    """Raises ``MissingParameter`` when the catalogue is not loaded."""
    return int(parameter(CATALOGUE_ITEM, PARAMETER))


@dataclass(frozen=True)
class Year:
    year: int
    held: int
    planned: int  # not yet started
    minimum: int
    current: bool

    @property
    def meetings(self) -> int:
        return self.held + self.planned

    @property
    def status(self) -> str:
        if self.held >= self.minimum:
            return MET
        if self.current and self.meetings >= self.minimum:
            return ON_COURSE
        return NOT_MET


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def _meetings(user: User, group: ParticipantGroup) -> QuerySet[Activity]:
    return Activity.objects.visible_to(user).current().filter(kind=EXPERT_MEETING, groups=group)


def years(user: User, group: ParticipantGroup, now: datetime | None = None) -> list[Year]:
    """The last year and the current one, for one group."""
    now = now or timezone.now()
    least = minimum()
    found = []
    for year in (now.year - 1, now.year):
        begin, end = _year_bounds(year)
        meetings = _meetings(user, group).filter(starts_at__gte=begin, starts_at__lt=end)
        held = meetings.filter(starts_at__lte=now).count()
        found.append(Year(year, held, meetings.count() - held, least, year == now.year))
    return found


def across_groups(user: User, now: datetime | None = None) -> list[tuple[ParticipantGroup, list[Year]]]:
    """Every group's last and current year, for the secretariat's table."""
    return [(group, years(user, group, now)) for group in ParticipantGroup.objects.order_by("code")]
