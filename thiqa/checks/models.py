"""Communication checks: rounds of pings to contacts, and their acknowledgements."""

import secrets
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.directory.models import Contact
from thiqa.mail.models import OutboundMessage


class CheckRound(models.Model):
    """One communication check: every chosen contact gets a ping to acknowledge by a deadline."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing messages")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    group = models.ForeignKey(
        ParticipantGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    participants = models.ManyToManyField(Participant, related_name="+", blank=True)
    roles = models.JSONField(_("roles"), default=list)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREPARING)
    planned = models.PositiveIntegerField(_("contacts to ping"), default=0)
    reminded_at = models.DateTimeField(_("reminders sent"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("check round")
        verbose_name_plural = _("check rounds")

    def __str__(self) -> str:
        return self.title

    def is_open_at(self, when: datetime) -> bool:
        return self.status == self.Status.OPEN and when <= self.deadline


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Ping(models.Model):
    """One contact's message in a round and what became of it."""

    class Via(models.TextChoices):
        LINK = "link", _("Link in the e-mail")
        REPLY = "reply", _("Reply to the e-mail")
        WEB = "web", _("Web inbox")

    round = models.ForeignKey(CheckRound, on_delete=models.CASCADE, related_name="pings")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="pings")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    addresses = models.JSONField(default=list)
    language = models.CharField(max_length=10)
    token = models.CharField(max_length=32, unique=True, default=new_token)
    message = models.OneToOneField(
        OutboundMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="ping"
    )
    reminder = models.OneToOneField(
        OutboundMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="ping_reminder"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_via = models.CharField(
        _("acknowledged through"), max_length=10, choices=Via.choices, blank=True
    )
    bounced = models.JSONField(_("unreachable addresses"), default=list, blank=True)

    class Meta:
        ordering = ["round", "participant", "role", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "contact"], name="one_ping_per_contact")]

    def __str__(self) -> str:
        return f"{self.round}: {self.contact}"

    STATUS_LABELS = {
        "acknowledged": _("Acknowledged"),
        "unreachable": _("Unreachable"),
        "sent": _("Sent, waiting"),
        "uncertain": _("Delivery uncertain"),
        "queued": _("Queued"),
    }

    @property
    def status_label(self) -> str:
        return str(self.STATUS_LABELS[self.status])

    @property
    def status(self) -> str:
        """acknowledged, unreachable, sent, uncertain or queued (needs ``message`` loaded)."""
        if self.acknowledged_at:
            return "acknowledged"
        if self.unreachable_addresses and len(self.unreachable_addresses) >= len(self.addresses):
            return "unreachable"
        message = self.message
        if message is None:
            return "queued"
        if message.status == OutboundMessage.Status.FAILED:
            return "unreachable"
        if message.status in (OutboundMessage.Status.SENT, OutboundMessage.Status.UNCERTAIN):
            return message.status
        return "queued"

    @property
    def unreachable_addresses(self) -> list[str]:
        """Addresses that bounced later or that the SMTP server refused outright."""
        refused = [
            entry.split(":", 1)[0].lower()
            for entry in (self.message.refused_recipients if self.message else [])
        ]
        return list(dict.fromkeys([*self.bounced, *refused]))

    @property
    def sent_at(self) -> datetime | None:
        return self.message.sent_at if self.message else None
