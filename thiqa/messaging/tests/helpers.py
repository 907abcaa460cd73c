"""Shared set-up of the messaging tests: participants with contacts and people, drafts."""

from typing import Any

import pysequoia

from conftest import make_contact, make_user
from thiqa.accounts.models import Participant
from thiqa.lib.tlp import TLP
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.services import Draft


def consultation(to: Addressees | None = None, **overrides: Any) -> Draft:
    values: dict[str, Any] = {
        "kind": "consultation_request",
        "tlp": TLP.AMBER,
        "subject": "Scanning of ministry networks",
        "body": "We would like to consult on the scanning we observed.",
        "to": to,
        "fields": {"concern": "Scanning", "level": "policy", "format": "video"},
    }
    values.update(overrides)
    return Draft(**values)


def incident(to: Addressees | None = None, **overrides: Any) -> Draft:
    values: dict[str, Any] = {
        "kind": "incident_notification",
        "tlp": TLP.AMBER,
        "subject": "Ransomware at the national grid operator",
        "body": "The grid operator's billing systems are encrypted.",
        "to": to,
        "fields": {
            "detected_at": "2026-11-30T08:15",
            "sectors": ["energy"],
            "severity": "4",
            "incident_status": "ongoing",
            "impact": "Billing is down.",
            "indicators": "203.0.113.7\nevil[.]example\n" + "a" * 64,
        },
        "acknowledge_within_hours": 24,
    }
    values.update(overrides)
    return Draft(**values)


def state(code: str, name_en: str, name_ar: str) -> Participant:
    return Participant.objects.create(code=code, kind="state", name_en=name_en, name_ar=name_ar)


def secret_key(user_id: str) -> pysequoia.Tsk:
    return pysequoia.Tsk.generate(user_id)


def public(secret: pysequoia.Tsk) -> str:
    return str(secret.extract_certificate())


__all__ = ["make_contact", "make_user"]
