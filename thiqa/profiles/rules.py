"""National profiles: who sees which part of a participant's profile and who records its
documents and positions.

The rules of the profiles room, registered with the one policy (``accounts/policy.py``),
which decides every request with them. What a profile gathers from the rooms below is seen
under those rooms' own rules (submissions under ``reporting.view_response``, contacts
under ``directory.view_contact``, activities under ``activities.view_activity``...)."""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.policy import Action, User
from thiqa.library.rules import may_read_owned


def _may_record(user: User, participant: Any) -> bool:
    """A participant's focal point, or the secretariat for it, records what it shares."""
    return participant is not None and policy.manages_participant(user, participant)


def _may_change(user: User, record: Any) -> bool:
    """Whoever records for the owner changes or withdraws a national document or position
    (``owner``), as long as it is not withdrawn."""
    return record.withdrawn_at is None and _may_record(user, record.owner)


policy.register(
    {
        # Every profile is shown to everyone, built from what the visitor may see: the
        # public sees only what participants made public.
        "profiles.view": Action(policy.anyone, writes=False, public=True),
        "profiles.view_position": Action(may_read_owned, writes=False, public=True),
        "profiles.add_document": Action(_may_record, writes=True),
        "profiles.record_position": Action(_may_record, writes=True),
        # Targets: the library's Document of a national document, or the Position.
        "profiles.edit_document": Action(_may_change, writes=True),
        "profiles.withdraw_document": Action(_may_change, writes=True),
        "profiles.edit_position": Action(_may_change, writes=True),
        "profiles.withdraw_position": Action(_may_change, writes=True),
    }
)
