"""Shared set-up of the profiles tests: the six kinds of people the rules tell apart, drafts
of documents and positions, text files to upload, clients signed in or holding a token."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile

from conftest import make_user
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.capacity.tests.helpers import bearer, signed_in, state
from thiqa.profiles import services

__all__ = ["bearer", "signed_in"]

DOCUMENT_TEXT = (
    "1. The State protects its critical infrastructure with sector response teams.\n\n"
    "2. The State reviews its points of contact every year with its partners.\n"
)


# Who reads a record of Egypt's, per audience (Kenya is the chosen participant).
READERS = {
    "public": {"secretariat", "focal_point", "member", "observer", "other", "chosen", "anonymous"},
    "community": {"secretariat", "focal_point", "member", "observer", "other", "chosen"},
    "chosen": {"secretariat", "focal_point", "member", "observer", "chosen"},
    "secretariat": {"secretariat", "focal_point", "member", "observer"},
}


@dataclass
class People:
    """Egypt owns what is recorded; France is another participant; Kenya is chosen."""

    secretariat: User
    focal_point: User
    member: User
    observer: User  # an observer of Egypt: reads, never writes
    other: User  # a member of France
    chosen: User  # a member of Kenya
    anonymous: Any

    def all(self) -> dict[str, Any]:
        return dict(vars(self))


def people(participant: Participant, other_participant: Participant, secretariat: User) -> People:
    kenya = state("KE", "Kenya", "كينيا")
    group = ParticipantGroup.objects.create(
        code="AU", kind="regional", name_en="AU", name_ar="الاتحاد الأفريقي"
    )
    group.members.add(participant, kenya)
    return People(
        secretariat=secretariat,
        focal_point=make_user("focal.eg@example.org", participant, "focal_point", totp=True),
        member=make_user("member.eg@example.org", participant, "member"),
        observer=make_user("observer.eg@example.org", participant, "observer"),
        other=make_user("member.fr@example.org", other_participant, "member"),
        chosen=make_user("member.ke@example.org", kenya, "member"),
        anonymous=AnonymousUser(),
    )


def sharing(**overrides: Any) -> services.Sharing:
    values: dict[str, Any] = {
        "issued_on": date(2025, 6, 1),
        "language": "en",
        "audience": "community",
        "items": ["un-gge-2013-19"],
    }
    values.update(overrides)
    return services.Sharing(**values)


def position_draft(
    title: str = "On sovereignty in cyberspace",
    text: str = "We hold that the UN Charter applies.",
    **sharing_overrides: Any,
) -> services.PositionDraft:
    return services.PositionDraft("law", title, text, sharing(**sharing_overrides))


def document_draft(kind: str = "strategy", **sharing_overrides: Any) -> services.DocumentDraft:
    return services.DocumentDraft(kind, "National cybersecurity strategy", "", sharing(**sharing_overrides))


def text_file(name: str = "strategy.txt", text: str = DOCUMENT_TEXT) -> ContentFile:
    return ContentFile(text.encode(), name=name)
