"""National structures, points of contact and the nominations that change them (OSCE CBM 8)."""

import zoneinfo
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User


class Structure(models.Model):
    """A national body that contacts work for: MFA, national CERT, cyber centre..."""

    class Kind(models.TextChoices):
        FOREIGN_AFFAIRS = "foreign_affairs", _("Ministry of foreign affairs")
        CERT = "cert", _("National CERT/CSIRT")
        CYBER_AUTHORITY = "cyber_authority", _("National cyber security centre or authority")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        REGULATOR = "regulator", _("Regulator")
        DEFENCE = "defence", _("Defence")
        OTHER = "other", _("Other")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="structures")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["participant", "kind", "name_en"]
        verbose_name = _("national structure")
        verbose_name_plural = _("national structures")
        constraints = [
            models.UniqueConstraint(fields=["participant", "name_en"], name="structure_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if get_language() == "ar" and self.name_ar else self.name_en


class ContactRole(models.TextChoices):
    POLICY = "policy", _("Policy/diplomatic point of contact")
    TECHNICAL = "technical", _("Technical point of contact")
    LAW_ENFORCEMENT = "law_enforcement", _("Law-enforcement contact")
    ALTERNATE = "alternate", _("Alternate")


class Availability(models.TextChoices):
    OFFICE_HOURS = "office_hours", _("Office hours")
    ALWAYS = "24x7", _("24/7")


TIME_ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


class ContactQuerySet(models.QuerySet["Contact"]):
    def published(self) -> "ContactQuerySet":
        return self.filter(removed_at__isnull=True)

    def holding(self, address: str) -> "Contact | None":
        """The first of these contacts with ``address`` among its addresses (case aside)."""
        address = address.lower()
        for contact in self.filter(emails__icontains=address):
            if address in (e.lower() for e in contact.emails):
                return contact
        return None

    def visible_to(self, user: User) -> "ContactQuerySet":
        """The published contacts ``user`` may see; the same rule as the policy's
        ``directory.view_contact`` (a test checks that both agree)."""
        if not policy.in_community(user):
            return self.none()
        contacts = self.published()
        if policy.is_secretariat(user):
            return contacts
        own = list(policy.roles_of(user))
        return contacts.filter(models.Q(secretariat_only=False) | models.Q(participant_id__in=own))


class Contact(models.Model):
    """A published point of contact of a participant. Changes come through nominations."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="contacts")
    structure = models.ForeignKey(
        Structure, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    role = models.CharField(_("role"), max_length=20, choices=ContactRole.choices)
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    emails = models.JSONField(_("e-mail addresses"), default=list)
    phones = models.JSONField(_("phone numbers"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    availability = models.CharField(
        _("availability"), max_length=20, choices=Availability.choices, default=Availability.OFFICE_HOURS
    )
    office_hours = models.CharField(_("office hours"), max_length=100, blank=True)
    pgp_key = models.TextField(_("OpenPGP public key"), blank=True)
    pgp_fingerprint = models.CharField(_("OpenPGP fingerprint"), max_length=64, blank=True)
    pgp_expires_at = models.DateTimeField(_("OpenPGP key expires"), null=True, blank=True)
    secretariat_only = models.BooleanField(
        _("hidden from other participants"),
        default=False,
        help_text=_(
            "Other participants do not see this contact; your participant's people and the secretariat do."
        ),
    )
    confirmed_on = models.DateField(_("last confirmed"), default=timezone.localdate)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["participant", "role", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["participant", "removed_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def email(self) -> str:
        """The first address: where pings and messages go first."""
        return self.emails[0] if self.emails else ""

    @property
    def preferred_language(self) -> str:
        """The first of the contact's languages that Thiqa speaks, else English: the
        language of the e-mails it receives."""
        available = {code for code, _name in settings.LANGUAGES}
        return next((code for code in self.languages if code in available), "en")

    @property
    def grouped_fingerprint(self) -> str:
        fp = self.pgp_fingerprint
        return " ".join(fp[i : i + 4] for i in range(0, len(fp), 4))


class Nomination(models.Model):
    """A focal point's proposal to add, change or remove a contact, and its review."""

    class Action(models.TextChoices):
        ADD = "add", _("Add a contact")
        CHANGE = "change", _("Change a contact")
        REMOVE = "remove", _("Remove a contact")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="nominations")
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="nominations"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    data = models.JSONField(_("proposed details"), default=dict, blank=True)
    effective_on = models.DateField(_("effective date"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    is_late = models.BooleanField(_("late change notice"), default=False)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        indexes = [models.Index(fields=["status", "proposed_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.contact_name}"

    @property
    def contact_name(self) -> str:
        """The proposed name, or the name of the contact it is about."""
        return self.data.get("name") or (self.contact.name if self.contact else "")

    @property
    def days_after_effective(self) -> int:
        return (timezone.localdate(self.proposed_at) - self.effective_on).days


class Reminder(models.Model):
    """A currency reminder that was sent, so each is sent once per due date."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Re-confirmation due soon")
        OVERDUE = "overdue", _("Re-confirmation overdue")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "kind", "due_on"], name="reminder_once_per_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.kind} {self.due_on}"


class Bounce(models.Model):
    """A delivery failure report for one of a contact's addresses: the directory's record of
    its contacts' health, written for the rooms that send them mail (pings, message copies)."""

    class Source(models.TextChoices):
        CHECKS = "checks", _("Communication check")
        MESSAGING = "messaging", _("Message")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="bounces")
    address = models.CharField(_("e-mail address"), max_length=254)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    status = models.CharField(_("status"), max_length=20, blank=True, help_text="RFC 3463, e.g. 5.1.1")
    diagnostic = models.CharField(_("diagnostic"), max_length=500, blank=True)
    at = models.DateTimeField(_("bounced"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["contact", "at"])]

    def __str__(self) -> str:
        return f"{self.address} bounced {self.at:%Y-%m-%d}"


def due_on(confirmed_on: date, months: int) -> date:
    """The date a confirmation made on ``confirmed_on`` must be renewed by."""
    month_index = confirmed_on.month - 1 + months
    year, month = confirmed_on.year + month_index // 12, month_index % 12 + 1
    for day in (confirmed_on.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
