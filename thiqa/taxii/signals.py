"""An incident's objects enter the TAXII store whenever it is recorded or changes: its own
fields, who it is shared with, its timeline. The incidents room knows nothing of this."""

from typing import Any

from django.db.models.signals import m2m_changed, post_save

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


def connect() -> None:
    post_save.connect(_incident_saved, sender=Incident, dispatch_uid="taxii-incident")
    post_save.connect(_update_saved, sender=IncidentUpdate, dispatch_uid="taxii-incident-update")
    for relation in (Incident.shared_participants, Incident.shared_groups, Incident.named_users):
        m2m_changed.connect(
            _sharing_changed, sender=relation.through, dispatch_uid=f"taxii-{relation.field.name}"
        )
