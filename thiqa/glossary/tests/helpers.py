"""Shared set-up of the glossary tests: a community with one person per standing, and drafts of
national terms and concepts."""

from typing import Any

from django.test import Client

from conftest import make_user
from thiqa.accounts.models import Participant
from thiqa.glossary import services


def state(code: str, name_en: str, name_ar: str) -> Participant:
    return Participant.objects.create(code=code, kind="state", name_en=name_en, name_ar=name_ar)


def community() -> dict[str, Any]:
    """Avalon submits; Borduria is chosen by Avalon's restricted terms; Carpania is not; the
    secretariat runs the platform."""
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
    people = {
        "focal_point": make_user("focal@aa.example", a, "focal_point", totp=True),
        "member": make_user("member@aa.example", a, "member"),
        "observer": make_user("observer@aa.example", a, "observer"),
        "secretariat": make_user("staff@sec.example", office, "secretariat", totp=True),
        "chosen": make_user("member@bb.example", b, "member"),
        "other": make_user("member@cc.example", c, "member"),
    }
    return {"a": a, "b": b, "c": c, "office": office, "people": people}


def term_draft(**overrides: Any) -> services.TermDraft:
    values: dict[str, Any] = {
        "term": "cyber incident",
        "language": "en",
        "definition": "An event on a network or information system that harms or threatens its security.",
        "source_kind": "law",
        "source_title": "Cybersecurity Act 2021",
        "source_locator": "Art. 2(4)",
        "source_url": "https://laws.example/cyber-act",
        "dated": "2021-05-01",
        "audience": "community",
    }
    values.update(overrides)
    return services.TermDraft(**values)


def concept_draft(**overrides: Any) -> services.ConceptDraft:
    values: dict[str, Any] = {
        "slug": "incident",
        "name_en": "Incident",
        "name_ar": "حادث",
        "definition_en": "An event that harms or threatens the security of a network or information system.",
        "definition_ar": "حدث يضر بأمن شبكة أو نظام معلومات أو يهدده.",
        "status": "proposed",
    }
    values.update(overrides)
    return services.ConceptDraft(**values)


def submitted(user: Any, participant: Participant, **overrides: Any):
    term = services.create(user, participant, term_draft(**overrides))
    return services.submit(user, term)


def signed_in(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["thiqa-language"] = language
    return client
