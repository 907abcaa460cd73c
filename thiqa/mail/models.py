"""Outgoing messages (the outbox) and received messages."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundMessage(models.Model):
    """An e-mail stored before it is sent; the worker delivers it at most once.

    States: ``queued`` (waiting, possibly for a retry) → ``sending`` (claimed by a
    worker, not yet transmitted) → ``transmitting`` (the message body is being handed
    to the SMTP server) → ``sent``. A message that cannot be delivered ends ``failed``.
    A worker that dies while ``transmitting`` leaves the outcome unknown: the message is
    marked ``uncertain`` and never resent automatically, so nobody receives it twice;
    the secretariat can requeue it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        TRANSMITTING = "transmitting", _("Transmitting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Outcome unknown")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message_id = models.CharField(max_length=255)
    purpose = models.CharField(_("purpose"), max_length=64, blank=True)
    sender = models.CharField(max_length=254)
    recipients = models.JSONField(default=list)
    subject = models.CharField(_("subject"), max_length=998)
    raw = models.BinaryField()
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    refused_recipients = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        # A constraint rather than unique=True: for a unique text field, Django also gives
        # PostgreSQL an index for LIKE queries, which nothing runs and which each status
        # change (several a message) had to update.
        constraints = [models.UniqueConstraint(fields=["message_id"], name="mail_outbound_unique_message_id")]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)}"


class InboundMessage(models.Model):
    """A message received by the inbound SMTP receiver, kept whole."""

    received_at = models.DateTimeField(default=timezone.now)
    envelope_from = models.CharField(max_length=254, blank=True)
    envelope_to = models.JSONField(default=list)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    raw = models.BinaryField()
    handled_by = models.CharField(max_length=100, blank=True)
    handler_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")

    def __str__(self) -> str:
        return self.subject or self.message_id
