"""Incident records and national severity scales (OSCE CBM 15, GGE 2013 26(c)).

A participant registers its national incident scale as data: levels named in its
languages, each mapped to the common five-level scale of the messaging room. A change makes
a new version of the scale; an incident keeps the level, and so the version, it was
classified with. An incident record belongs to the participant whose people recorded it
(from an incident notification or directly); it is read under its TLP label exactly as a
message is (``messaging.rules.may_read_labelled``): the owner and the participants and
groups it is shared with are its parties, the person who recorded it and the people named
on it its personal circle.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.catalogue.models import Item
from thiqa.lib.tlp import TLP
from thiqa.messaging.models import Message

COMMON_LEVELS = (1, 2, 3, 4, 5)  # the messaging room's common scale (kinds.yaml, "severity")
MAX_TITLE = 300
MAX_LEVEL_NAME = 120


class Scale(models.Model):
    """One version of a participant's national incident scale."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="incident_scales")
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["participant__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "version"], name="incidents_scale_version_once")
        ]
        verbose_name = _("national incident scale")
        verbose_name_plural = _("national incident scales")

    def __str__(self) -> str:
        return f"{self.participant.code} v{self.version}: {self.name}"


class ScaleLevel(models.Model):
    """A level of a national scale, named in the participant's languages (``{"ar": ..., "en":
    ...}``, ISO 639-1 codes) and mapped to one level of the common scale."""

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField(_("rank"))  # 1 is the least severe
    names = models.JSONField(_("names"))
    description = models.TextField(_("description"), blank=True)
    common_level = models.PositiveSmallIntegerField(
        _("common level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["scale", "rank"]
        constraints = [models.UniqueConstraint(fields=["scale", "rank"], name="incidents_level_rank_once")]
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the reader's language, else English, else the first one given."""
        names = self.names or {}
        return names.get(get_language() or "en") or names.get("en") or next(iter(names.values()), "")


class IncidentQuerySet(models.QuerySet["Incident"]):
    def readable_by(self, user: User) -> "IncidentQuerySet":
        """The incidents ``user`` may read; the same rule as the policy's ``incidents.read``
        (a test checks that both agree for every role and label): the TLP reading rule of
        messages, and a draft only within its owner."""
        if not policy.in_community(user):
            return self.none()
        own = list(policy.roles_of(user))
        through = Incident.named_users.through.objects
        named = through.filter(user_id=user.pk).values("incident_id")
        shared = Incident.shared_participants.through.objects.filter(participant_id__in=own)
        members = ParticipantGroup.members.through.objects.filter(participant_id__in=own)
        in_groups = Incident.shared_groups.through.objects.filter(
            participantgroup_id__in=members.values("participantgroup_id")
        )
        published = Q(is_draft=False)
        personal = Q(created_by=user) | (published & Q(pk__in=named))
        organization = Q(participant_id__in=own) | (
            published & (Q(pk__in=shared.values("incident_id")) | Q(pk__in=in_groups.values("incident_id")))
        )
        labelled = Q(tlp=TLP.CLEAR) | personal | (~Q(tlp=TLP.RED) & organization)
        return self.filter(labelled & (published | Q(participant_id__in=own) | Q(created_by=user)))

    def open(self) -> "IncidentQuerySet":
        return self.filter(is_draft=False).exclude(
            status__in=[Incident.Status.RESOLVED, Incident.Status.CLOSED]
        )


class Incident(models.Model):
    """An incident record: what happened, how bad, to whom, and its timeline."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        CONFIRMED = "confirmed", _("Confirmed")
        CONTAINED = "contained", _("Contained")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # its STIX id
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="incidents")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="incidents_recorded")
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    summary = models.TextField(_("summary"), blank=True)
    tlp = models.CharField(_("TLP label"), max_length=12, choices=TLP.choices, default=TLP.AMBER)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REPORTED)
    # A draft (an imported STIX bundle, or one not yet finished) is read by its owner's
    # people only, whatever its label, and shared with nobody.
    is_draft = models.BooleanField(_("draft"), default=False)
    detected_at = models.DateTimeField(_("detected at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    sectors = models.JSONField(_("affected sectors"), default=list)  # codes of lib/data/sectors.yaml
    affected = models.ManyToManyField(
        Participant, related_name="incidents_affecting", blank=True, verbose_name=_("affected participants")
    )
    cross_border = models.BooleanField(_("cross-border effect"), default=False)
    national_level = models.ForeignKey(
        ScaleLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    common_level = models.PositiveSmallIntegerField(
        _("common severity"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    indicators = models.JSONField(_("indicators"), default=list)  # [{"type", "value"}], as messages
    cves = models.JSONField(_("related vulnerabilities"), default=list)  # ["CVE-2026-1234", ...]
    items = models.ManyToManyField(Item, related_name="incidents", blank=True)
    messages = models.ManyToManyField(Message, related_name="incidents", blank=True)
    shared_participants = models.ManyToManyField(Participant, related_name="incidents_shared", blank=True)
    shared_groups = models.ManyToManyField(ParticipantGroup, related_name="incidents_shared", blank=True)
    named_users = models.ManyToManyField(User, related_name="incidents_named", blank=True)
    # early warnings raised from this incident (messages of the ``early_warning`` type)
    alerts = models.ManyToManyField(Message, related_name="alerted_incidents", blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-detected_at", "-pk"]
        indexes = [models.Index(fields=["status", "common_level"]), models.Index(fields=["updated_at"])]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.title

    @property
    def stix_id(self) -> str:
        return f"incident--{self.uuid}"

    def party_ids(self) -> set[int]:
        """The owner, the participants it is shared with and the members of its groups."""
        if self.is_draft:
            return {self.participant_id}
        memberships = ParticipantGroup.members.through.objects
        groups = memberships.filter(participantgroup__in=self.shared_groups.all())
        return {
            self.participant_id,
            *self.shared_participants.values_list("pk", flat=True),
            *groups.values_list("participant_id", flat=True),
        }

    def is_personally_for(self, user: User) -> bool:
        """Recorded by ``user`` or naming them."""
        if self.created_by_id == user.pk:
            return True
        return not self.is_draft and self.named_users.filter(pk=user.pk).exists()


class IncidentUpdate(models.Model):
    """One entry of an incident's timeline: a status change, a note, or both."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=Incident.Status.choices, blank=True)
    text = models.TextField(_("text"), blank=True)
    # the field of the incident this entry changed ("" for a status change or a note)
    field = models.CharField(_("changed field"), max_length=40, blank=True)

    class Meta:
        ordering = ["incident", "at", "pk"]
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.at:%Y-%m-%d %H:%M} {self.status}"
