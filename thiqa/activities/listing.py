"""What a person sees of the activities: lists with filters, the room's own search, and the
month calendar. Everything starts from ``Activity.objects.visible_to(user)``, so nothing the
policy hides is listed, counted or found."""

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy

from thiqa.accounts.models import User
from thiqa.activities.models import Activity
from thiqa.lib import wordsearch

LONG_DAYS = 7  # activities this long or longer (projects...) are listed beside the grid

WHEN = {
    "upcoming": gettext_lazy("Upcoming and under way"),
    "past": gettext_lazy("Past"),
    "all": gettext_lazy("All dates"),
}


@dataclass
class Filters:
    group: str = ""  # group code
    kind: str = ""
    pillar: str = ""
    when: str = "upcoming"
    q: str = ""


def visible(user: User) -> QuerySet[Activity]:
    return Activity.objects.visible_to(user).select_related("organizer").prefetch_related("groups")


def filtered(user: User, filters: Filters, now: datetime | None = None) -> QuerySet[Activity]:
    """The activities ``user`` may see that match ``filters``; past ones newest first."""
    found = visible(user)
    if filters.group:
        found = found.filter(groups__code=filters.group)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.pillar:
        found = found.filter(pillars__contains=f" {filters.pillar} ")
    now = now or timezone.now()
    if filters.when == "upcoming":
        found = found.filter(ends_at__gt=now).order_by("starts_at", "pk")
    elif filters.when == "past":
        found = found.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    if filters.q:
        found = search(found, filters.q)
    return found


def search(activities: QuerySet[Activity], query: str) -> QuerySet[Activity]:
    """Activities holding every analysed word of ``query`` (the library's Arabic and English
    analysis), among ``activities`` only: restricted activities are searched here, never in
    the shared index, so their words reach nobody who may not see them."""
    return wordsearch.search(activities, query)


# --- the month calendar ------------------------------------------------------------------------


@dataclass
class Day:
    day: date
    in_month: bool
    today: bool
    activities: list[Activity] = field(default_factory=list)


@dataclass
class Month:
    first: date
    weeks: list[list[Day]]
    weekdays: list[str]
    long: list[Activity]  # spanning LONG_DAYS or more: listed beside the grid, not in every cell

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)

    @property
    def count(self) -> int:
        return len(
            {a.pk for week in self.weeks for d in week for a in d.activities} | {a.pk for a in self.long}
        )


def first_weekday() -> int:
    """Python's weekday (Monday 0) the week starts on in the active language's format."""
    return (int(formats.get_format("FIRST_DAY_OF_WEEK")) - 1) % 7


def weekday_names(first: int) -> list[str]:
    from django.utils.dates import WEEKDAYS_ABBR

    return [str(WEEKDAYS_ABBR[(first + i) % 7]) for i in range(7)]


def month(activities: QuerySet[Activity], year: int, number: int, today: date | None = None) -> Month:
    """The weeks of a month, each day with the activities under way on it (local dates of the
    activity's own time zone; all-day activities on their days)."""
    start_weekday = first_weekday()
    grid = calendar.Calendar(start_weekday).monthdatescalendar(year, number)
    today = today or timezone.localdate()
    days = {d: Day(d, d.month == number, d == today) for week in grid for d in week}
    # A day of padding on each side covers every time zone's local dates.
    begin = datetime.combine(grid[0][0] - timedelta(days=1), time(0), tzinfo=UTC)
    end = datetime.combine(grid[-1][-1] + timedelta(days=2), time(0), tzinfo=UTC)
    long: list[Activity] = []
    for activity in activities.overlapping(begin, end).order_by("starts_at", "pk"):
        first, last = activity.first_day, activity.last_day
        if (last - first).days + 1 >= LONG_DAYS:
            if first <= grid[-1][-1] and last >= grid[0][0]:
                long.append(activity)
            continue
        for offset in range((last - first).days + 1):
            if (cell := days.get(first + timedelta(days=offset))) is not None:
                cell.activities.append(activity)
    weeks = [[days[d] for d in week] for week in grid]
    return Month(date(year, number, 1), weeks, weekday_names(start_weekday), long)
