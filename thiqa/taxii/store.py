"""Writing and reading the TAXII store.

An incident's objects are written into the collection of its owner, of each participant and
group it is shared with, and the community's when it is CLEAR (a draft: its owner's only),
each time it is recorded or changed (``signals.py``). Objects posted by a client are
checked one by one; the valid ones are written together, and the status says which were
not and why. Reading filters in the database what the holder may read, mirroring
``rules._may_read_object`` (a test checks both agree).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.incidents.models import Incident
from thiqa.lib.tlp import TLP
from thiqa.taxii import stix
from thiqa.taxii.models import Collection, Status, StixObject
from thiqa.taxii.rules import writing_participant


def collection_of(
    participant: Participant | None = None, group: ParticipantGroup | None = None
) -> Collection:
    if participant is not None:
        found, _created = Collection.objects.get_or_create(
            kind=Collection.Kind.PARTICIPANT, participant=participant
        )
    elif group is not None:
        found, _created = Collection.objects.get_or_create(kind=Collection.Kind.GROUP, group=group)
    else:
        found, _created = Collection.objects.get_or_create(kind=Collection.Kind.COMMUNITY)
    return found


def ensure_collections() -> None:
    """Every participant's, every group's and the community's collection exist."""
    collection_of()
    for participant in Participant.objects.filter(is_active=True, taxii_collection__isnull=True):
        collection_of(participant=participant)
    for group in ParticipantGroup.objects.filter(taxii_collection__isnull=True):
        collection_of(group=group)


def incident_collections(incident: Incident) -> list[Collection]:
    found = [collection_of(participant=incident.participant)]
    if incident.is_draft:
        return found
    found += [collection_of(participant=p) for p in incident.shared_participants.all()]
    found += [collection_of(group=g) for g in incident.shared_groups.all()]
    # The people named read it (RED too) in the collection of their own participants.
    named = Participant.objects.filter(
        memberships__user__in=incident.named_users.all(), memberships__is_active=True
    ).distinct()
    found += [collection_of(participant=p) for p in named]
    if incident.tlp == TLP.CLEAR:
        found.append(collection_of())
    return found


def version_of(obj: dict[str, Any]) -> str:
    return str(obj.get("modified") or obj.get("created") or stix.TLP2_CREATED)


@transaction.atomic
def publish_incident(incident: Incident) -> int:
    """Write the incident's objects (new versions only) into its collections; how many."""
    objects = stix.incident_objects(incident)
    written = 0
    for collection in {c.pk: c for c in incident_collections(incident)}.values():
        for obj in objects:
            kind = {"incident": incident} if obj["type"] != "marking-definition" else {}
            written += _put(collection, obj, incident.tlp, incident.participant_id, None, **kind)
    return written


def _put(
    collection: Collection, obj: dict[str, Any], label: str, owner_id: int, poster: User | None, **extra: Any
) -> int:
    """Store one version unless the same version is there; 1 if written."""
    version = version_of(obj)
    previous = StixObject.objects.filter(collection=collection, stix_id=obj["id"], is_latest=True).first()
    if previous is not None and previous.version == version:
        return 0
    if StixObject.objects.filter(collection=collection, stix_id=obj["id"], version=version).exists():
        return 0  # an older version posted again
    modified = parse_datetime(version) or timezone.now()
    newest = previous is None or modified >= previous.modified
    if previous is not None and newest:
        StixObject.objects.filter(pk=previous.pk).update(is_latest=False)
    StixObject.objects.create(
        collection=collection,
        stix_id=obj["id"],
        type=obj["type"],
        version=version,
        modified=modified,
        is_latest=newest,
        tlp=label if obj["type"] != "marking-definition" else TLP.CLEAR,
        body=obj,
        owner_id=owner_id,
        poster=poster,
        **extra,
    )
    return 1


# --- posting -----------------------------------------------------------------------------


def add_objects(user: User, collection: Collection, objects: list[Any]) -> Status:
    """Check each posted object; write the valid ones together; the status of the request."""
    owner_id = writing_participant(user, collection)
    successes, failures, valid = [], [], []
    for obj in objects:
        problems = stix.object_findings(obj)
        entry = {"id": str(obj.get("id", "")) if isinstance(obj, dict) else "", "version": ""}
        if isinstance(obj, dict):
            entry["version"] = version_of(obj)
        if problems:
            failures.append({**entry, "message": "; ".join(problems)})
        else:
            valid.append((obj, entry))
    with transaction.atomic():
        for obj, entry in valid:
            label = stix.label_of(obj, TLP.AMBER)
            try:
                with transaction.atomic():
                    written = _put(collection, obj, label, owner_id, user)
            except IntegrityError:
                written = 0
            message = _("Stored.") if written else _("This version was already in the collection.")
            successes.append({**entry, "message": message})
        return Status.objects.create(collection=collection, user=user, successes=successes, failures=failures)


# --- reading -----------------------------------------------------------------------------


def readable_incident_ids(user: User, collection: Collection) -> list[int]:
    ids = StixObject.objects.filter(collection=collection, incident__isnull=False).values_list(
        "incident_id", flat=True
    )
    return list(Incident.objects.readable_by(user).filter(pk__in=ids.distinct()).values_list("pk", flat=True))


def readable(user: User, collection: Collection) -> QuerySet[StixObject]:
    """The objects of ``collection`` its holder may read (the collection itself checked
    by the caller), every version."""
    mine = set(policy.roles_of(user))
    parties = bool(collection.member_ids() & mine)
    posted = Q(tlp=TLP.CLEAR) | Q(tlp=TLP.RED, poster=user)
    if parties:
        posted |= ~Q(tlp=TLP.RED)
    else:
        posted |= ~Q(tlp=TLP.RED) & Q(owner_id__in=mine)
    if not policy.in_community(user):
        return StixObject.objects.none()
    return StixObject.objects.filter(collection=collection).filter(
        Q(incident_id__in=readable_incident_ids(user, collection)) | (Q(incident__isnull=True) & posted)
    )


@dataclass
class Filters:
    added_after: datetime | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    versions: tuple[str, ...] = ("last",)


def filtered(objects: QuerySet[StixObject], filters: Filters) -> QuerySet[StixObject]:
    if filters.added_after is not None:
        objects = objects.filter(date_added__gt=filters.added_after)
    if filters.ids:
        objects = objects.filter(stix_id__in=filters.ids)
    if filters.types:
        objects = objects.filter(type__in=filters.types)
    return objects.filter(_versions(filters.versions)) if "all" not in filters.versions else objects


def _versions(values: Iterable[str]) -> Q:
    wanted = Q(pk__in=[])
    for value in values:
        if value == "last":
            wanted |= Q(is_latest=True)
        elif value == "first":
            wanted |= ~Exists(_same_object().filter(modified__lt=OuterRef("modified")))
        else:
            wanted |= Q(version=value)
    return wanted


def _same_object() -> QuerySet[StixObject]:
    return StixObject.objects.filter(collection_id=OuterRef("collection_id"), stix_id=OuterRef("stix_id"))
