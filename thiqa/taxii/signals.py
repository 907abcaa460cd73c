"""An incident's objects enter the TAXII store whenever it is recorded or changes: its own
fields, who it is shared with, its timeline; a participant's or group's collection exists
from its creation. The incidents and accounts rooms know nothing of this."""

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate, post_save

from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.incidents.models import Incident, IncidentUpdate
from thiqa.taxii import store


def _incident_saved(sender: Any, instance: Incident, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        store.publish_incident(instance)


def _sharing_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Incident):
        store.publish_incident(instance)


def _update_saved(sender: Any, instance: IncidentUpdate, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        store.publish_incident(instance.incident)


def _participant_created(
    sender: Any, instance: Participant, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        store.collection_of(participant=instance)


def _group_created(
    sender: Any, instance: ParticipantGroup, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        store.collection_of(group=instance)


def _migrated(sender: AppConfig, **kwargs: Any) -> None:
    store.ensure_collections()  # after migrate, and after a flush (which empties the store)


def connect(app: AppConfig) -> None:
    post_migrate.connect(_migrated, sender=app, dispatch_uid="taxii-collections")
    post_save.connect(_participant_created, sender=Participant, dispatch_uid="taxii-participant")
    post_save.connect(_group_created, sender=ParticipantGroup, dispatch_uid="taxii-group")
    post_save.connect(_incident_saved, sender=Incident, dispatch_uid="taxii-incident")
    post_save.connect(_update_saved, sender=IncidentUpdate, dispatch_uid="taxii-incident-update")
    for relation in (Incident.shared_participants, Incident.shared_groups, Incident.named_users):
        m2m_changed.connect(
            _sharing_changed, sender=relation.through, dispatch_uid=f"taxii-{relation.field.name}"
        )
