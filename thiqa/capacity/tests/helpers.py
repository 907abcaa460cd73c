"""Shared set-up of the capacity tests: drafts of needs and offers, States and the people who
write for them, clients signed in or holding a token."""

from typing import Any

from django.test import Client

from conftest import make_user
from thiqa.accounts.models import Participant, User
from thiqa.accounts.services import create_token
from thiqa.capacity.services import PostingDraft


def draft(**overrides: Any) -> PostingDraft:
    values: dict[str, Any] = {
        "title": "Help for our national CERT",
        "description": "Procedures and training for the analysts of the national CERT.",
        "pillars": ["organizational"],
        "regions": ["arab-states"],
        "languages": ["ar", "en"],
        "kinds": ["experts"],
        "items": ["un-gge-2013-32b"],
    }
    values.update(overrides)
    return PostingDraft(**values)


def state(code: str, name_en: str, name_ar: str) -> Participant:
    return Participant.objects.create(code=code, kind="state", name_en=name_en, name_ar=name_ar)


def writer(participant: Participant, role: str = "member", language: str = "en") -> User:
    """A person of ``participant`` (the first of the role, or the one already made)."""
    email = f"{role}.{participant.code.lower()}@example.org"
    found = User.objects.filter(email=email).first()
    return found or make_user(email, participant, role, language=language)


def signed_in(user: User, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["thiqa-language"] = language
    return client


def bearer(user: User, scope: str = "write") -> Client:
    _token, secret = create_token(user, name="tooling", scope=scope, days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
