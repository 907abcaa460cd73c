"""The rules of the incidents room, registered with the one policy (``accounts/policy.py``).

An incident is read under its TLP label exactly as a message is
(``messaging.rules.may_read_labelled``); a draft only within its owner (and by the person
who recorded it). The owner's writers (secretariat, focal points, members) record, change
and raise alerts; national scales are seen by the community and registered by the
participant's focal point or the secretariat."""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.policy import Action, User
from thiqa.messaging.rules import may_read_labelled


def _may_read(user: User, incident: Any) -> bool:
    if not may_read_labelled(user, incident, incident.tlp):
        return False
    return (
        not incident.is_draft
        or incident.created_by_id == user.pk
        or incident.participant_id in policy.roles_of(user)
    )


def _may_record(user: User, participant: Any) -> bool:
    """Those who write for a participant record its incidents (``None``: for any)."""
    if participant is None:
        return bool(policy.written_for(user))
    return participant.is_active and policy.writes_for(user, participant.pk)


def _may_update(user: User, incident: Any) -> bool:
    return policy.writes_for(user, incident.participant_id) and _may_read(user, incident)


def _may_alert(user: User, incident: Any) -> bool:
    return not incident.is_draft and _may_update(user, incident)


def _may_register_scale(user: User, participant: Any) -> bool:
    if participant is None:
        return policy.manages_some_participant(user)
    return participant.is_active and policy.manages_participant(user, participant)


policy.register(
    {
        "incidents.view": Action(lambda u, t: policy.in_community(u), writes=False),
        "incidents.read": Action(_may_read, writes=False),
        "incidents.record": Action(_may_record, writes=True),
        "incidents.update": Action(_may_update, writes=True),
        "incidents.alert": Action(_may_alert, writes=True),
        # counts of open incidents the viewer may read: the national points of contact
        "incidents.view_situation": Action(policy.manages_some_participant, writes=False),
        "scales.view": Action(lambda u, t: policy.in_community(u), writes=False),
        "scales.register": Action(_may_register_scale, writes=True),
    }
)
