"""National documents and national positions: what a participant shares about itself.

A national document is a library document the participant owns (``library.Document.owner``,
with its kind, date, language and audience); the record here adds the catalogue items it
implements. A national position is a statement on the norms, on how international law
applies, or a national threat assessment (OSCE CBM 1), as a text or a national document."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thiqa.accounts.models import Participant, User
from thiqa.catalogue.models import Item
from thiqa.lib.languages import LANGUAGES
from thiqa.library.models import Audience, Document, readable_by

MAX_TEXT = 20_000  # characters of a position's text
MAX_TITLE = 200


class NationalDocument(models.Model):
    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="national")
    items = models.ManyToManyField(Item, blank=True, related_name="+", verbose_name=_("catalogue items"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-document__issued_on", "pk"]

    def __str__(self) -> str:
        return str(self.document)


class PositionQuerySet(models.QuerySet["Position"]):
    def visible_to(self, user: User) -> "PositionQuerySet":
        """The positions ``user`` may read: the policy's ``profiles.view_position``."""
        readable = Position.objects.filter(readable_by(user, sources=False))
        return self.filter(pk__in=readable.values("pk"))


class Position(models.Model):
    class Subject(models.TextChoices):
        NORMS = "norms", _("The norms of responsible State behaviour")
        LAW = "law", _("How international law applies")
        THREATS = "threats", _("National threat assessment")

    owner = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=10, choices=Subject.choices)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    text = models.TextField(_("text"), blank=True)
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    stated_on = models.DateField(_("date"))
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    audience_participants = models.ManyToManyField(Participant, related_name="+", blank=True)
    items = models.ManyToManyField(Item, blank=True, related_name="+", verbose_name=_("catalogue items"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    is_sample = models.BooleanField(_("sample data"), default=False)
    # Withdrawn by its participant: kept for the audit log, read by nobody.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["-stated_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "subject", "stated_on", "title"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_position_a_day",
            ),
            models.CheckConstraint(
                condition=~models.Q(text="") | models.Q(document__isnull=False), name="position_has_a_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.title}"
