"""A year of sample activities of a few groups (OSCE, League of Arab States, African Union...),
recorded through the real services by the demo's people, and marked as sample data.

Expert meetings of the OSCE (one of them TLP:AMBER, seen by the organizer's and the group's
people only) and of the League of Arab States give the CBM 11 check figures to show; a
regional forum, exercises, a training, a project and activities of outside bodies fill the
months around today.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.activities import services
from thiqa.activities.models import Activity
from thiqa.lib.demo import demo_loader
from thiqa.lib.tlp import TLP

# (days from today, length in days or hours "h", kind, title, organizer code or outside body,
#  groups, label, place or "" for online, time zone, pillars, catalogue items, languages)
# fmt: off
SAMPLES: list[tuple[Any, ...]] = [
    (-300, 2, "expert_meeting", "OSCE informal working group: CBM implementation review", "secretariat",
     ["OSCE"], TLP.GREEN, "Vienna", "Europe/Vienna", ["cooperation"], ["osce-cbm-11"], ["en", "ru"]),
    (-240, "3h", "expert_meeting", "Points of contact: lessons from the last communication check", "FR",
     ["OSCE"], TLP.AMBER, "", "Europe/Paris", ["organizational"], ["osce-cbm-8", "osce-cbm-11"],
     ["en", "fr"]),
    (-200, 3, "exercise", "تمرين الاستجابة للحوادث السيبرانية العربي", "EG", ["LAS"], TLP.GREEN, "القاهرة",
     "Africa/Cairo", ["technical"], [], ["ar", "en"]),
    (-150, 1, "expert_meeting", "اجتماع خبراء الجامعة العربية حول تدابير بناء الثقة", "secretariat", ["LAS"],
     TLP.GREEN, "القاهرة", "Africa/Cairo", ["cooperation"], ["osce-cbm-11"], ["ar"]),
    (-120, 5, "training", "Incident handling training for national CERTs", "KE", ["AU"], TLP.CLEAR, "Nairobi",
     "Africa/Nairobi", ["capacity-building", "technical"], [], ["en", "fr"]),
    (-90, "4h", "seminar", "Seminar: applying the UN GGE norms, a regional view", "ITU Arab Regional Office",
     ["LAS"], TLP.CLEAR, "", "Africa/Cairo", ["legal", "cooperation"], [], ["ar", "en"]),
    (-60, 2, "regional_forum", "African Union Cyber Security Expert Group forum", "secretariat", ["AU"],
     TLP.GREEN, "Addis Ababa", "Africa/Addis_Ababa", ["cooperation"], [], ["en", "fr", "ar"]),
    (-30, 1, "expert_meeting", "OSCE expert meeting on critical infrastructure protection", "secretariat",
     ["OSCE"], TLP.GREEN, "Vienna", "Europe/Vienna", ["organizational"], ["osce-cbm-11", "osce-cbm-15"],
     ["en"]),
    (-10, 365, "project", "Regional CERT maturity project", "EG", ["LAS", "AU"], TLP.GREEN, "Cairo",
     "Africa/Cairo", ["capacity-building", "organizational"], [], ["ar", "en"]),
    (14, 2, "workshop", "ورشة عمل حول الإبلاغ عن الثغرات الأمنية", "EG", ["LAS"], TLP.GREEN, "القاهرة",
     "Africa/Cairo", ["technical", "legal"], ["osce-cbm-16"], ["ar"]),
    (45, 1, "expert_meeting", "OSCE expert meeting on crisis communication", "secretariat", ["OSCE"],
     TLP.AMBER, "Vienna", "Europe/Vienna", ["cooperation"], ["osce-cbm-11"], ["en", "ru"]),
    (75, 3, "exercise", "Cyber drill: cross-border incident, African Union", "KE", ["AU"], TLP.AMBER,
     "Kigali", "Africa/Kigali", ["technical"], [], ["en", "fr"]),
    (120, "3h", "other", "Global Forum on Cyber Expertise: annual meeting (webcast)", "GFCE", [], TLP.CLEAR,
     "", "UTC", ["capacity-building"], [], ["en"]),
]
# fmt: on


def _user(email: str) -> User | None:
    return User.objects.filter(email=email, is_active=True).first()


def _draft(spec: tuple[Any, ...], today: date) -> services.Draft:
    offset, length, kind, title, organizer, groups, label, place, zone, pillars, items, languages = spec
    first = today + timedelta(days=offset)
    participant = Participant.objects.filter(code=organizer).first()
    if isinstance(length, str):  # a few hours, from 10:00 local time
        start = datetime.combine(first, time(10, 0))
        end, all_day = start + timedelta(hours=int(length[:-1])), False
    else:
        start, end, all_day = first, first + timedelta(days=length - 1), True  # type: ignore[assignment]
    return services.Draft(
        kind=kind,
        title=title,
        description=f"{title}. Sample activity of the Thiqa demo.",
        all_day=all_day,
        start=start,
        end=end,
        time_zone=zone,
        place=place,
        online=not place or kind == "seminar",
        organizer=participant,
        organizer_name="" if participant else organizer,
        groups=list(ParticipantGroup.objects.filter(code__in=groups)),
        audience=["policy", "technical"],
        pillars=pillars,
        items=items,
        languages=languages,
        links=["https://example.org/thiqa-demo"],
        tlp=label,
    )


@demo_loader("activities")
def load() -> list[str]:
    if Activity.objects.filter(is_sample=True).exists():
        return ["Activities: sample activities already loaded."]
    authors = {
        "secretariat": _user("secretariat@thiqa.example"),
        "EG": _user("focal.eg@thiqa.example"),
        "FR": _user("focal.fr@thiqa.example"),
        "KE": _user("focal.ke@thiqa.example"),
    }
    if (
        not all(authors.values())
        or not ParticipantGroup.objects.filter(code__in=["OSCE", "LAS", "AU"]).exists()
    ):
        return ["Activities: the sample people or groups are missing; no sample activities."]
    today = timezone.localdate()
    with transaction.atomic():
        created = []
        for spec in SAMPLES:
            author = authors.get(spec[4]) or authors["secretariat"]
            created.append(services.create(author, _draft(spec, today)))  # type: ignore[arg-type]
        Activity.objects.filter(pk__in=[a.pk for a in created]).update(is_sample=True)
    groups = "OSCE, League of Arab States, African Union"
    return [f"Activities: {len(created)} sample activities around today ({groups})."]
