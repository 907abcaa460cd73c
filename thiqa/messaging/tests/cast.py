"""The cast of the TLP tests: States AA to DD, perhaps a group, the secretariat's office and
one person per part, each named by what they are to the labelled record ("sender",
"colleague", "named"...).

Messaging, incidents and taxii test the same reading rule (``messaging.rules.may_read_labelled``:
the parties, the personal circle, the community) with the same kinds of people, so they build
them here, in the lowest of the three rooms; each test module adds only its own records."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from conftest import make_user
from thiqa.accounts import policy
from thiqa.accounts.models import Membership, Participant, ParticipantGroup, User
from thiqa.messaging.tests.helpers import state

STATES = {
    "AA": ("Avalon", "أفالون"),
    "BB": ("Borduria", "بوردوريا"),
    "CC": ("Carpania", "كاربانيا"),
    "DD": ("Dorne", "دورن"),
}
OFFICE = "sec"

Part = tuple[str, str]  # (participant code, membership role)


@dataclass(frozen=True)
class Cast:
    participants: dict[str, Participant]  # by code, the office included
    group: ParticipantGroup | None
    people: dict[str, User]  # by part, "secretariat" and "outsider" included


def cast(parts: Mapping[str, Part], *, states: int = 3, group: Sequence[str] = ()) -> Cast:
    """The first ``states`` States, the office, a regional group of the ``group`` codes
    (none if empty), a person for each part, then staff of the office ("secretariat") and a
    signed-in person holding no role ("outsider")."""
    participants = {code: state(code, *STATES[code]) for code in list(STATES)[:states]}
    participants[OFFICE] = Participant.objects.create(
        code=OFFICE,
        kind="international_organization",
        name_en="Secretariat",
        name_ar="الأمانة",
        is_secretariat=True,
    )
    people = {name: _person(name, participants[code], role) for name, (code, role) in parts.items()}
    people["secretariat"] = _person("staff", participants[OFFICE], Membership.Role.SECRETARIAT)
    people["outsider"] = make_user("outsider@example.org", None, None)
    return Cast(participants, _group(participants, group), people)


def _person(name: str, participant: Participant, role: str) -> User:
    email = f"{name.replace('_', '.')}@{participant.code.lower()}.example"
    # Those the policy asks a second factor of have one: without it their pages only lead
    # to the enrolment page.
    return make_user(email, participant, role, totp=role in policy.SECOND_FACTOR_ROLES)


def _group(participants: dict[str, Participant], codes: Sequence[str]) -> ParticipantGroup | None:
    if not codes:
        return None
    group = ParticipantGroup.objects.create(
        code="league", kind="regional", name_en="League", name_ar="الرابطة"
    )
    group.members.add(*(participants[code] for code in codes))
    return group


class _Undone(Exception):
    pass


def succeeds(
    action: Callable[[], object], refused: tuple[type[Exception], ...] = (PermissionDenied,)
) -> bool:
    """Run a writing action and undo it: True if it was allowed, False if it raised one of
    ``refused`` (anything else is a failure of the test)."""
    try:
        with transaction.atomic():
            action()
            raise _Undone
    except _Undone:
        return True
    except refused:
        return False
