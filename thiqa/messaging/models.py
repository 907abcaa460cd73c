"""Secure communications: TLP-marked messages between points of contact, their recipients
(one row per person a message goes to, with what became of it) and attachments."""

import secrets
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.directory.models import Contact
from thiqa.lib.tlp import TLP
from thiqa.mail.models import OutboundMessage

if TYPE_CHECKING:
    from thiqa.messaging.kinds import Kind


def address_key(addresses: list[str]) -> str:
    """The addresses lower-cased between spaces, so `` a@b.org `` matches exactly one."""
    return " " + " ".join(a.lower() for a in addresses) + " "


def addressed_to(user: User) -> Q:
    """Recipient rows addressed to ``user`` by name or by one of their addresses."""
    return Q(user=user) | Q(address_key__contains=f" {user.email.lower()} ")


class MessageQuerySet(models.QuerySet["Message"]):
    def readable_by(self, user: User) -> "MessageQuerySet":
        """The messages ``user`` may read; the same rule as the policy's ``messaging.read``
        (a test checks that both agree for every role and label)."""
        if not policy.in_community(user):
            return self.none()
        own = list(policy.roles_of(user))
        personal = Recipient.objects.filter(addressed_to(user)).values("message_id")
        organization = Q(sender_participant_id__in=own) | Q(
            pk__in=Recipient.objects.filter(participant_id__in=own).values("message_id")
        )
        return self.filter(
            Q(tlp=TLP.CLEAR) | Q(sender=user) | Q(pk__in=personal) | (~Q(tlp=TLP.RED) & organization)
        )


class Message(models.Model):
    """One message of a thread: a request, a notification, a notice or a reply."""

    kind = models.CharField(_("type"), max_length=40)
    tlp = models.CharField(_("TLP label"), max_length=12, choices=TLP.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    fields = models.JSONField(_("details"), default=dict, blank=True)
    items = models.ManyToManyField("catalogue.Item", related_name="+", blank=True)
    sender = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sender_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="the contact who replied by e-mail, when no user holds their address",
    )
    sender_participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    thread = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="the first message",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    forwarded_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="forwards"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    ack_required = models.BooleanField(_("acknowledgement required"), default=False)
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    search_terms = models.TextField(blank=True, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["ack_required", "closed_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def author_name(self) -> str:
        """Who wrote it: the sender, or the contact who replied by e-mail without an account."""
        if self.sender is not None:
            return self.sender.full_name
        return self.sender_contact.name if self.sender_contact else ""

    @property
    def thread_id_or_own(self) -> int:
        return self.thread_id or self.pk

    @property
    def definition(self) -> "Kind":
        from thiqa.messaging.kinds import kind

        return kind(self.kind)

    # Facts the authorization policy decides on (it holds the rules, these only answer).

    def party_ids(self) -> set[int]:
        """The participants party to this message: the sender's and every recipient's."""
        return {self.sender_participant_id, *(r.participant_id for r in self.recipients.all())}

    def is_personally_for(self, user: User) -> bool:
        """Sent by ``user``, or addressed to them by name or by one of their addresses."""
        return self.sender_id == user.pk or any(r.is_addressed_to(user) for r in self.recipients.all())


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Recipient(models.Model):
    """One person a message went to, on behalf of a participant, and what became of it."""

    class Level(models.IntegerChoices):
        ADDRESSED = 0, _("Addressed")
        POLICY = 1, _("Escalated to the policy contact")
        SECRETARIAT = 2, _("Escalated to the secretariat")

    class Copy(models.TextChoices):
        ENCRYPTED = "encrypted", _("Encrypted copy")
        CLEAR = "clear", _("Signed copy")
        NOTICE = "notice", _("Notice to sign in")

    class Via(models.TextChoices):
        LINK = "link", _("Link in the e-mail")
        REPLY = "reply", _("Reply to the e-mail")
        WEB = "web", _("Web inbox")
        API = "api", _("API")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="recipients")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20)
    addresses = models.JSONField(default=list)
    address_key = models.TextField(editable=False, help_text="address_key(addresses), for exact matching")
    language = models.CharField(max_length=10)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.ADDRESSED)
    token = models.CharField(max_length=32, unique=True, default=new_token)
    copy = models.CharField(_("e-mail copy"), max_length=10, choices=Copy.choices)
    outbound = models.OneToOneField(
        OutboundMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_via = models.CharField(max_length=10, choices=Via.choices, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("reported undelivered"), null=True, blank=True)
    delayed_at = models.DateTimeField(_("reported delayed"), null=True, blank=True)
    delivery_report = models.CharField(
        _("delivery report"), max_length=500, blank=True, help_text="status and diagnostic of the last DSN"
    )

    class Meta:
        ordering = ["message", "level", "participant", "pk"]
        indexes = [models.Index(fields=["message", "participant"])]

    def __str__(self) -> str:
        return f"{self.message}: {self.name}"

    def is_addressed_to(self, user: User) -> bool:
        """Addressed to ``user`` by name or by one of their addresses (see ``addressed_to``)."""
        email = user.email.lower()
        return self.user_id == user.pk or any(a.lower() == email for a in self.addresses)

    STATUS_LABELS = {
        "closed": _("Closed"),
        "answered": _("Answered"),
        "acknowledged": _("Acknowledged"),
        "read": _("Read"),
        "delivered": _("Delivered"),
        "failed": _("Not delivered"),
        "sent": _("Sent"),
    }

    @property
    def status(self) -> str:
        """closed, answered, acknowledged, read, delivered, failed or sent (derived, never
        copied: "delivered" is the outbox's word that the SMTP server took the e-mail;
        "failed" that it refused it, or that a delivery failure report came back later)."""
        for state in ("closed", "answered", "acknowledged", "read"):
            if getattr(self, f"{state}_at"):
                return state
        if self.bounced_at:  # a later delivery failure report outweighs the SMTP server's 250
            return "failed"
        outbound = self.outbound
        if outbound is not None and outbound.status == OutboundMessage.Status.SENT:
            return "delivered"
        if outbound is not None and outbound.status == OutboundMessage.Status.FAILED:
            return "failed"
        return "sent"

    @property
    def status_label(self) -> str:
        return str(self.STATUS_LABELS[self.status])

    def is_overdue(self, now: object = None) -> bool:
        now = now or timezone.now()
        return bool(self.ack_due_at and not self.acknowledged_at and self.ack_due_at < now)  # type: ignore[operator]


class Attachment(models.Model):
    """A file sent with a message, stored outside the web root under its SHA-256."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    tlp = models.CharField(_("TLP label"), max_length=12, choices=TLP.choices)

    class Meta:
        ordering = ["message", "pk"]

    def __str__(self) -> str:
        return self.filename


class Reading(models.Model):
    """The first time a person opened a message: unread counts are per person."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="readings")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="one_reading_per_person")]

    def __str__(self) -> str:
        return f"{self.user} read {self.message}"
