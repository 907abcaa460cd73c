"""The TAXII 2.1 store: collections, the STIX objects in them, and the status of each POST.

Every version of an object is a row, ordered by ``date_added`` then ``pk`` so pages are
stable; the row keeps the TLP label of its markings and where it came from (an incident, or
a person posting it) so that reading it is decided as reading a message is
(``messaging.rules.may_read_labelled``): its parties are the incident's, or the poster's
participant and the collection's; its personal circle the incident's, or the poster.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.incidents.models import Incident
from thiqa.lib.tlp import TLP

MAX_STIX_ID = 120


class Collection(models.Model):
    """One per participant, one per group, and the community's."""

    class Kind(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        GROUP = "group", _("Group")
        COMMUNITY = "community", _("Community")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # its TAXII id
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="taxii_collection"
    )
    group = models.OneToOneField(
        ParticipantGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="taxii_collection"
    )

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(kind="community"), name="taxii_one_community_collection"
            )
        ]
        verbose_name = _("TAXII collection")
        verbose_name_plural = _("TAXII collections")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.participant_id:
            return f"{self.participant.name_en} ({self.participant.code})"
        if self.group_id:
            return f"{self.group.name_en} ({self.group.code})"
        return "Thiqa community"

    def member_ids(self) -> set[int]:
        """The participants whose people read the collection (every participant for the
        community's: the empty set says so)."""
        if self.participant_id:
            return {self.participant_id}
        if self.group_id:
            return set(self.group.members.values_list("pk", flat=True))
        return set()


class StixObject(models.Model):
    """One version of one STIX object in one collection."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="stix_objects")
    stix_id = models.CharField(max_length=MAX_STIX_ID)
    type = models.CharField(max_length=64)
    version = models.CharField(max_length=32)  # its ``modified`` (or ``created``), as written
    modified = models.DateTimeField()
    is_latest = models.BooleanField(default=True)
    date_added = models.DateTimeField(default=timezone.now)
    tlp = models.CharField(max_length=12, choices=TLP.choices)
    body = models.JSONField()
    owner = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    poster = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["date_added", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "stix_id", "version"], name="taxii_object_version_once"
            )
        ]
        indexes = [
            models.Index(fields=["collection", "date_added", "id"], name="taxii_object_page"),
            models.Index(fields=["collection", "stix_id", "modified"], name="taxii_object_versions"),
        ]

    def __str__(self) -> str:
        return f"{self.stix_id} {self.version}"

    def party_ids(self) -> set[int]:
        if self.incident_id:
            return self.incident.party_ids()
        return {self.owner_id} | self.collection.member_ids()

    def is_personally_for(self, user: User) -> bool:
        if self.incident_id:
            return self.incident.is_personally_for(user)
        return self.poster_id == user.pk

    @property
    def is_posted(self) -> bool:
        """Posted by a client. What the platform writes with an incident (its objects, and the
        TLP marking definitions they refer to, which have neither incident nor poster) changes
        only through the incident."""
        return self.incident_id is None and self.poster_id is not None


class Status(models.Model):
    """The status resource of one POST of objects (they are stored before it answers)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="statuses")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    successes = models.JSONField(default=list)
    failures = models.JSONField(default=list)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return str(self.uuid)
