"""Shared set-up of the partnerships tests."""

from typing import Any

from thiqa.accounts.models import Participant


def state(code: str, name: str) -> Participant:
    return Participant.objects.create(code=code, kind="state", name_en=name, name_ar=name)


def record(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "National Partnership Forum",
        "model": "ppp",
        "sectors": ["energy"],
        "purposes": ["information-sharing"],
        "problem": "Incidents are shared too late.",
        "membership": "closed",
        "vetting": "nda",
        "nda_text": "Members keep what is shared confidential.",
    }
    data.update(overrides)
    return data
