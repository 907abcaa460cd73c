"""Calendar feeds as iCalendar (RFC 5545), written through ``lib/contentlines`` (escaping,
folding at 75 octets without cutting a UTF-8 character).

One VEVENT per activity: its UID is the activity's own UUID, so it never changes; SEQUENCE
counts its revisions; timed activities are written in UTC, all-day ones as DATE values
(DTEND is the day after the last, as the standard wants). A cancelled activity stays in the
feed with STATUS:CANCELLED, so that calendars strike it out instead of keeping a stale copy.
CLASS is PUBLIC for TLP:CLEAR and PRIVATE for TLP:GREEN (feeds carry nothing stricter).
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thiqa.activities.models import Activity
from thiqa.lib.contentlines import escape_list, escape_text, serialize
from thiqa.lib.tlp import TLP, marking

PRODUCT = "-//Thiqa//Activities and calendar//EN"
CLASSES = {TLP.CLEAR: "PUBLIC", TLP.GREEN: "PRIVATE"}
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def page_url(activity: Activity) -> str:
    return settings.SITE_URL + reverse("activities:detail", args=[activity.pk])


def _when(activity: Activity) -> list[str]:
    if activity.all_day:
        return [
            f"DTSTART;VALUE=DATE:{activity.starts_at.astimezone(UTC):%Y%m%d}",
            f"DTEND;VALUE=DATE:{activity.ends_at.astimezone(UTC):%Y%m%d}",
        ]
    return [f"DTSTART:{_utc(activity.starts_at)}", f"DTEND:{_utc(activity.ends_at)}"]


def _description(activity: Activity) -> str:
    lines = [marking(activity.tlp)]
    if activity.description:
        lines += ["", activity.description]
    lines += ["", _("Organizer: %(name)s") % {"name": activity.organizer_label}]
    if activity.languages:
        lines.append(_("Languages: %(names)s") % {"names": ", ".join(activity.language_names)})
    lines += activity.links
    return "\n".join(lines)


def _location(activity: Activity) -> str:
    if activity.place and activity.online:
        return _("%(place)s and online") % {"place": activity.place}
    return activity.place or _("Online")


def vevent(activity: Activity, stamp: datetime) -> list[str]:
    categories = [activity.kind_label, *(g.code for g in activity.groups.all())]
    return [
        "BEGIN:VEVENT",
        f"UID:{activity.uid}",
        f"DTSTAMP:{_utc(stamp)}",
        *_when(activity),
        f"SEQUENCE:{activity.sequence}",
        f"CREATED:{_utc(activity.created_at)}",
        f"LAST-MODIFIED:{_utc(activity.updated_at)}",
        f"SUMMARY:{escape_text(activity.title)}",
        f"DESCRIPTION:{escape_text(_description(activity))}",
        f"LOCATION:{escape_text(_location(activity))}",
        f"URL:{page_url(activity)}",
        f"CATEGORIES:{escape_list(categories)}",
        f"STATUS:{'CANCELLED' if activity.is_cancelled else 'CONFIRMED'}",
        f"CLASS:{CLASSES[activity.tlp]}",
        "END:VEVENT",
    ]


def calendar(activities: Iterable[Activity], *, name: str, language: str) -> str:
    """A VCALENDAR of ``activities`` (only CLEAR and GREEN ones: anything else is an error),
    its texts in ``language``."""
    stamp = timezone.now()
    with translation.override(language):
        events = []
        for activity in activities:
            if activity.tlp not in CLASSES:
                raise ValueError(
                    f"activity {activity.pk} is {activity.tlp}: feeds carry CLEAR and GREEN only"
                )
            events += vevent(activity, stamp)
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:{PRODUCT}",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"NAME:{escape_text(name)}",
            f"X-WR-CALNAME:{escape_text(name)}",
            "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
            *events,
            "END:VCALENDAR",
        ]
    return serialize(lines)
