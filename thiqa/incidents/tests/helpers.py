"""Shared set-up of the incidents tests: participants with people, a national scale."""

from typing import Any

from conftest import make_user
from thiqa.accounts.models import Participant, User
from thiqa.incidents import services
from thiqa.incidents.models import Incident, Scale, ScaleLevel
from thiqa.lib.tlp import TLP
from thiqa.messaging.tests.helpers import state

LEVELS = [
    {"rank": 1, "names": {"en": "Minor", "ar": "طفيف"}, "description": "Routine.", "common_level": 1},
    {"rank": 2, "names": {"en": "Serious", "ar": "جسيم"}, "description": "", "common_level": 3},
    {"rank": 3, "names": {"en": "Grave", "ar": "خطير"}, "description": "", "common_level": 5},
]


def scale(participant: Participant, author: User, levels: list[dict[str, Any]] = LEVELS) -> Scale:
    """A scale stored directly (the registration service has its own tests)."""
    version = Scale.objects.filter(participant=participant).count() + 1
    found = Scale.objects.create(
        participant=participant, version=version, name="National scale", created_by=author
    )
    for level in levels:
        ScaleLevel.objects.create(scale=found, **level)
    return found


def recorded(user: User, participant: Participant, **overrides: Any) -> Incident:
    values: dict[str, Any] = {
        "title": "Ransomware at the grid operator",
        "tlp": TLP.AMBER,
        "detected_at": "2026-11-30T08:15",
        "sectors": ["energy"],
        "common_level": 4,
        "indicators": ["203.0.113.7", "evil[.]example"],
        "cves": ["cve-2026-12345"],
    }
    values.update(overrides)
    return services.record(user, participant, **values)


__all__ = ["make_user", "state"]
