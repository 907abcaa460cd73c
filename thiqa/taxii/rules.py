"""The rules of the STIX and TAXII room, registered with the one policy.

A collection is read by the people of the participants it belongs to (a participant's by
its people, a group's by the people of its members, the community's by everyone in the
community); each object in it by those who read the collection and may read the object under
its TLP label, as a message
(``messaging.rules.may_read_labelled``), an incident's objects exactly as the incident.
Writing (POST, import) needs a role that writes and, through the API, a read-write token.
Deleting is for posted objects only (an incident's change through the incident), by those who
read the object: its poster while they still write in the collection, or whoever writes for
its participant.
"""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.policy import Action, User
from thiqa.lib.tlp import EXPORTABLE
from thiqa.messaging.rules import may_read_labelled


def may_read_incident(user: User, incident: Any) -> bool:
    """The incidents room's reading rule, asked through the policy."""
    return policy.can(user, "incidents.read", incident)


def _may_read_collection(user: User, collection: Any) -> bool:
    if not policy.in_community(user):
        return False
    members = collection.member_ids()
    return collection.kind == "community" or bool(members & set(policy.roles_of(user)))


def writing_participant(user: User, collection: Any) -> int | None:
    """The participant on whose behalf ``user`` adds objects to ``collection``, or None."""
    writes = policy.written_for(user)
    members = collection.member_ids()
    for pid in writes:
        if collection.kind == "community" or pid in members:
            return pid
    return None


def _may_write_collection(user: User, collection: Any) -> bool:
    return _may_read_collection(user, collection) and writing_participant(user, collection) is not None


def _may_read_object(user: User, obj: Any) -> bool:
    """In a collection the holder reads, under the object's label (an incident's as the
    incident)."""
    if not _may_read_collection(user, obj.collection):
        return False
    if obj.incident_id:
        return may_read_incident(user, obj.incident)
    return may_read_labelled(user, obj, obj.tlp)


def _may_delete_object(user: User, obj: Any) -> bool:
    """A posted object the holder reads, deleted by its poster (while they write in the
    collection) or by a writer for its owning participant."""
    if not obj.is_posted or not _may_read_object(user, obj):
        return False
    if policy.writes_for(user, obj.owner_id):
        return True
    return obj.poster_id == user.pk and _may_write_collection(user, obj.collection)


def _may_export(user: User, incident: Any) -> bool:
    """A bundle is a file that leaves the platform: as a message's export, for the labels
    that allow it (CLEAR, GREEN, AMBER)."""
    return incident.tlp in EXPORTABLE and may_read_incident(user, incident)


def _may_import(user: User, participant: Any) -> bool:
    return participant is not None and participant.is_active and policy.writes_for(user, participant.pk)


policy.register(
    {
        "taxii.discover": Action(lambda u, t: policy.in_community(u), writes=False),
        "taxii.read_collection": Action(_may_read_collection, writes=False),
        "taxii.write_collection": Action(_may_write_collection, writes=True),
        "taxii.read_object": Action(_may_read_object, writes=False),
        "taxii.delete_object": Action(_may_delete_object, writes=True),
        "taxii.read_status": Action(lambda u, status: status.user_id == u.pk, writes=False),
        "stix.export": Action(_may_export, writes=False),
        "stix.import": Action(_may_import, writes=True),
    }
)
