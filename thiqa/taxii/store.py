"""Writing and reading the TAXII store.

An incident's objects are written into the collection of its owner, of each participant and
group it is shared with, and the community's when it is CLEAR (a draft: its owner's only),
each time it is recorded or changed (``signals.py``). Objects posted by a client are
checked one by one; the valid ones are written together, and the status says which were
not and why. A posted object's versions are deleted by those the policy allows, and the
newest one left is the latest. Reading filters in the database what the holder may read,
mirroring ``rules._may_read_object`` (a test checks both agree).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.accounts.models import ApiToken, Participant, ParticipantGroup, User
from thiqa.audit.services import record
from thiqa.incidents.models import Incident
from thiqa.lib.tlp import TLP
from thiqa.taxii import stix
from thiqa.taxii.models import Collection, Status, StixObject
from thiqa.taxii.rules import writing_participant

CHUNK = 500  # rows per statement: well under every database's limit of parameters


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
    for participant in Participant.objects.filter(taxii_collection__isnull=True):
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
    markings = [o for o in objects if o["type"] == "marking-definition"]
    own = [o for o in objects if o["type"] != "marking-definition"]
    written = 0
    for collection in {c.pk: c for c in incident_collections(incident)}.values():
        stored = StixObject.objects.filter(collection=collection)
        owner = incident.participant_id
        written += len(
            put_all(collection, markings, stored.filter(type="marking-definition"), owner, TLP.CLEAR)
        )
        written += len(
            put_all(collection, own, stored.filter(incident=incident), owner, incident.tlp, incident=incident)
        )
    return written


def put_all(
    collection: Collection,
    objects: list[dict[str, Any]],
    stored: QuerySet[StixObject],
    owner_id: int,
    label: str | None = None,
    poster: User | None = None,
    incident: Incident | None = None,
) -> set[str]:
    """Store the versions of ``objects`` not yet in ``stored`` (the rows they may match),
    labelled ``label`` or by their markings; the ids written."""
    known = set(stored.values_list("stix_id", "version"))
    latest = {
        sid: (pk, modified)
        for pk, sid, modified in stored.filter(is_latest=True).values_list("pk", "stix_id", "modified")
    }
    rows, superseded = {}, []
    for obj in objects:
        version = version_of(obj)
        if (obj["id"], version) in known or (obj["id"], version) in rows:
            continue
        modified = parse_datetime(version) or timezone.now()
        previous = latest.get(obj["id"])
        newest = previous is None or modified >= previous[1]
        if previous is not None and newest:
            if isinstance(previous[0], tuple):  # a version earlier in this same batch
                rows[previous[0]].is_latest = False
            else:
                superseded.append(previous[0])
        if newest:
            latest[obj["id"]] = ((obj["id"], version), modified)
        rows[obj["id"], version] = StixObject(
            collection=collection,
            stix_id=obj["id"],
            type=obj["type"],
            version=version,
            modified=modified,
            is_latest=newest,
            tlp=label or stix.label_of(obj, TLP.AMBER),
            body=obj,
            owner_id=owner_id,
            poster=poster,
            incident=incident,
        )
    for start in range(0, len(superseded), CHUNK):
        StixObject.objects.filter(pk__in=superseded[start : start + CHUNK]).update(is_latest=False)
    StixObject.objects.bulk_create(rows.values(), batch_size=CHUNK, ignore_conflicts=True)
    return {sid for sid, _version in rows}


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
        posted = [obj for obj, _entry in valid]
        stored = StixObject.objects.filter(collection=collection, stix_id__in={o["id"] for o in posted})
        written = put_all(collection, posted, stored, owner_id, poster=user)
        for _obj, entry in valid:
            message = (
                _("Stored.") if entry["id"] in written else _("This version was already in the collection.")
            )
            successes.append({**entry, "message": message})
        return Status.objects.create(collection=collection, user=user, successes=successes, failures=failures)


# --- deleting ----------------------------------------------------------------------------


@transaction.atomic
def delete_versions(
    user: User,
    collection: Collection,
    versions: list[StixObject],
    token: ApiToken | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Delete these versions of one object (``taxii.delete_object`` for each, else
    PermissionDenied and nothing deleted), keep ``is_latest`` on the newest one left, audit."""
    for version in versions:
        policy.require(user, "taxii.delete_object", version, token)
    stix_id = versions[0].stix_id
    rows = StixObject.objects.filter(collection=collection, stix_id=stix_id)
    list(rows.select_for_update().values_list("pk", flat=True))  # one change of this object at a time
    rows.filter(pk__in=[v.pk for v in versions]).delete()
    _keep_latest(rows)
    record(
        "taxii.object_deleted",
        actor=user,
        target=collection,
        data={"object": stix_id, "versions": sorted(v.version for v in versions)},
        request=request,
    )


def _keep_latest(rows: QuerySet[StixObject]) -> None:
    """The newest version left (the later added on a tie, as ``put_all`` decides) is the latest."""
    newest = rows.order_by("-modified", "-date_added", "-pk").values_list("pk", flat=True).first()
    if newest is not None:
        rows.filter(is_latest=True).exclude(pk=newest).update(is_latest=False)
        rows.filter(pk=newest, is_latest=False).update(is_latest=True)


# --- reading -----------------------------------------------------------------------------


def readable_incident_ids(user: User, collection: Collection) -> list[int]:
    ids = StixObject.objects.filter(collection=collection, incident__isnull=False).values_list(
        "incident_id", flat=True
    )
    return list(Incident.objects.readable_by(user).filter(pk__in=ids.distinct()).values_list("pk", flat=True))


def readable(user: User, collection: Collection) -> QuerySet[StixObject]:
    """The objects of ``collection`` its holder may read, every version."""
    if not policy.can(user, "taxii.read_collection", collection):
        return StixObject.objects.none()
    mine = set(policy.roles_of(user))
    parties = bool(collection.member_ids() & mine)
    posted = Q(tlp=TLP.CLEAR) | Q(tlp=TLP.RED, poster=user)
    if parties:
        posted |= ~Q(tlp=TLP.RED)
    else:
        posted |= ~Q(tlp=TLP.RED) & Q(owner_id__in=mine)
    return StixObject.objects.filter(collection=collection).filter(
        Q(incident_id__in=readable_incident_ids(user, collection)) | (Q(incident__isnull=True) & posted)
    )


@dataclass
class Filters:
    added_after: datetime | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    versions: tuple[str, ...] = ("last",)
    spec_versions: tuple[str, ...] = ()  # match[spec_version]; none: all (only 2.1 is stored)


def filtered(objects: QuerySet[StixObject], filters: Filters) -> QuerySet[StixObject]:
    if filters.spec_versions and stix.SPEC_VERSION not in filters.spec_versions:
        return objects.none()
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
