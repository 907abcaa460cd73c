"""Shared set-up of the activities tests: a small community with one person per standing, and
drafts of activities."""

from datetime import date, datetime, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from conftest import make_user
from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.activities import services
from thiqa.lib.tlp import TLP


def state(code: str, name_en: str, name_ar: str) -> Participant:
    return Participant.objects.create(code=code, kind="state", name_en=name_en, name_ar=name_ar)


def draft(**overrides: Any) -> services.Draft:
    """A timed expert meeting next month in Vienna, GREEN, unless told otherwise."""
    start = datetime.combine(timezone.localdate() + timedelta(days=30), datetime.min.time()).replace(hour=10)
    values: dict[str, Any] = {
        "kind": "expert_meeting",
        "title": "Expert meeting on points of contact",
        "description": "Review of the points-of-contact network.",
        "start": start,
        "end": start + timedelta(hours=6),
        "time_zone": "Europe/Vienna",
        "place": "Vienna",
        "tlp": TLP.GREEN,
    }
    values.update(overrides)
    return services.Draft(**values)


def all_day(first: date, last: date, **overrides: Any) -> services.Draft:
    return draft(all_day=True, start=first, end=last, **overrides)


def signed_in(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["thiqa-language"] = language
    return client


def community() -> dict[str, Any]:
    """Avalon organizes; Borduria belongs to the group G with Avalon; Carpania does not; the
    secretariat runs the platform and belongs to no group."""
    a, b, c = (
        state("AA", "Avalon", "أفالون"),
        state("BB", "Borduria", "بوردوريا"),
        state("CC", "Carpania", "كاربانيا"),
    )
    office = Participant.objects.create(
        code="sec",
        kind="international_organization",
        name_en="Secretariat",
        name_ar="الأمانة",
        is_secretariat=True,
    )
    group = ParticipantGroup.objects.create(
        code="G", kind="regional", name_en="Group G", name_ar="المجموعة ج"
    )
    group.members.add(a, b)
    people = {
        "organizer_focal": make_user("focal@aa.example", a, "focal_point", totp=True),
        "organizer_member": make_user("member@aa.example", a, "member"),
        "organizer_observer": make_user("observer@aa.example", a, "observer"),
        "group_member": make_user("member@bb.example", b, "member"),
        "group_observer": make_user("observer@bb.example", b, "observer"),
        "other_member": make_user("member@cc.example", c, "member"),
        "secretariat": make_user("staff@sec.example", office, "secretariat", totp=True),
        "outsider": make_user("nobody@example.org", None, None),
    }
    return {"people": people, "a": a, "b": b, "c": c, "office": office, "group": group}
