"""The Traffic Light Protocol, enforced: who may read, answer, pass on and export a message.

The rules of the messaging room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.policy import Action, User
from thiqa.lib.tlp import EXPORTABLE, TLP, stricter

# --- secure communications: the Traffic Light Protocol, enforced ---------------------------
#
# A person stands in one of three relations to a message: "personal" (sent it, or it was
# addressed to them by name or address, escalations included), "organization" (holds a
# role in the sender's or a recipient's participant) or "community" (holds a role
# anywhere). TLP:RED is read by the personal circle only; AMBER+STRICT, AMBER and GREEN by
# the parties' organizations; CLEAR by the whole community. Observers read but never
# write. ``MessageQuerySet.readable_by`` mirrors the reading rule (a test checks both).


def _standing(user: User, message: Any) -> str | None:
    if not policy.in_community(user):
        return None
    if message.is_personally_for(user):
        return "personal"
    if message.party_ids() & set(policy.roles_of(user)):
        return "organization"
    return "community"


def may_read_labelled(user: User, message: Any, label: str) -> bool:
    standing = _standing(user, message)
    if standing is None:
        return False
    if label == TLP.RED:
        return standing == "personal"
    return label == TLP.CLEAR or standing in ("personal", "organization")


def _may_read_message(user: User, message: Any) -> bool:
    return may_read_labelled(user, message, message.tlp)


def _may_download(user: User, attachment: Any) -> bool:
    """An attachment is read under the stricter of its own label and its message's."""
    message = attachment.message
    return may_read_labelled(user, message, stricter(message.tlp, attachment.tlp))


def writing_participant(user: User, message: Any) -> int | None:
    """The participant on whose behalf ``user`` answers or passes on ``message``: one of the
    parties they write for; else, when it was addressed to them personally or is CLEAR,
    any participant they write for; else None."""
    writes = policy.written_for(user)
    party = message.party_ids()
    for pid in writes:
        if pid in party:
            return pid
    if writes and (message.tlp == TLP.CLEAR or message.is_personally_for(user)):
        return writes[0]
    return None


def _may_reply(user: User, message: Any) -> bool:
    """Parties to a message answer it (a CLEAR message read by others is not theirs to answer)."""
    return (
        _standing(user, message) in ("personal", "organization")
        and _may_read_message(user, message)
        and writing_participant(user, message) is not None
    )


def _may_forward(user: User, message: Any) -> bool:
    return (
        message.tlp != TLP.RED
        and _may_read_message(user, message)
        and writing_participant(user, message) is not None
    )


def _may_forward_to(user: User, target: tuple[Any, Participant, str]) -> bool:
    """May ``user`` pass ``message`` to ``participant`` as a copy labelled ``label`` (the
    message's label or a stricter one)? RED is never forwarded; AMBER and AMBER+STRICT stay
    within the forwarder's own organization; GREEN and CLEAR may go to any participant."""
    message, participant, label = target
    label = stricter(message.tlp, label)
    if not _may_forward(user, message) or not participant.is_active:
        return False
    if label in (TLP.AMBER, TLP.AMBER_STRICT):
        return participant.pk in policy.roles_of(user)
    return label != TLP.RED


def _may_export(user: User, message: Any) -> bool:
    return message.tlp in EXPORTABLE and _may_read_message(user, message)


def _may_send_as(user: User, participant: Any) -> bool:
    """Secretariat staff, focal points and members send on behalf of their participant
    (``None`` asks whether they may send at all)."""
    if participant is None:
        return bool(policy.written_for(user))
    return policy.writes_for(user, participant.pk)


def _may_acknowledge(user: User, recipient: Any) -> bool:
    """The person a copy went to acknowledges it; for anything but RED, so may anyone who
    writes for the participant it was sent to."""
    if not policy.in_community(user):
        return False
    if recipient.is_addressed_to(user):
        return True
    return recipient.message.tlp != TLP.RED and policy.writes_for(user, recipient.participant_id)


def _may_close(user: User, message: Any) -> bool:
    if not policy.in_community(user):
        return False
    if message.sender_id == user.pk:
        return True
    return message.tlp != TLP.RED and policy.writes_for(user, message.sender_participant_id)


policy.register(
    {
        "messaging.view": Action(lambda u, t: policy.in_community(u), writes=False),
        "messaging.send": Action(_may_send_as, writes=True),
        "messaging.read": Action(_may_read_message, writes=False),
        "messaging.download": Action(_may_download, writes=False),
        "messaging.reply": Action(_may_reply, writes=True),
        "messaging.forward": Action(_may_forward, writes=True),
        "messaging.forward_to": Action(_may_forward_to, writes=True),
        "messaging.export": Action(_may_export, writes=False),
        "messaging.acknowledge": Action(_may_acknowledge, writes=True),
        "messaging.close": Action(_may_close, writes=True),
        # counts of messages per type, label, participant and month, never their content
        "messaging.view_traffic": Action(lambda u, t: policy.is_secretariat(u), writes=False),
    }
)
