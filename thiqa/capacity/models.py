"""Capacity building (GGE 2013 paras 30-32, GCA guidelines 4.8): needs that participants post,
offers of help, the engagements between the two sides (from the request to the outcome and
each side's evaluation), the secretariat's registry of capacity-building projects, and each
State's national CIRT status."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.lib.bilingual import in_language


class Posting(models.Model):
    """What needs and offers share: who posts it, what it is about (GCA pillars, catalogue
    items, kinds of support), where (regions) and in which languages, and whether it stands.

    The lists hold codes of ``vocabulary``'s closed lists, checked by ``services``."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="+", verbose_name=_("participant")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    pillars = models.JSONField(_("GCA pillars"), default=list)
    items = models.ManyToManyField("catalogue.Item", related_name="+", blank=True)
    kinds = models.JSONField(_("kinds of support"), default=list)
    regions = models.JSONField(_("regions"), default=list)
    languages = models.JSONField(_("languages"), default=list)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    posted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    search_terms = models.TextField(blank=True, editable=False, help_text="analysed words of title and text")
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def is_current(self, today: date | None = None) -> bool:
        """Open and not past its end date: only such postings are matched and engaged."""
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and (self.valid_until is None or self.valid_until >= today)

    @classmethod
    def current_q(cls, today: date | None = None) -> Q:
        """:meth:`is_current` as a query."""
        today = today or timezone.localdate()
        return Q(status=cls.Status.OPEN) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))


class Need(Posting):
    """Help a participant asks for (GGE 2013 para 30: "some States may need help...")."""

    class Meta(Posting.Meta):
        verbose_name = _("capacity need")
        verbose_name_plural = _("capacity needs")


class Offer(Posting):
    """Help a State or an organization offers (GGE 2013 para 31, GCA guideline 4.8(a))."""

    class Meta(Posting.Meta):
        verbose_name = _("capacity offer")
        verbose_name_plural = _("capacity offers")


class EngagementQuerySet(models.QuerySet["Engagement"]):
    def visible_to(self, user: User) -> "EngagementQuerySet":
        """Requests ``user`` may see: those of its participants, on either side; all of them
        for the secretariat. The rule of the policy's ``capacity.view_engagement`` (a test
        checks both agree)."""
        if not policy.in_community(user):
            return self.none()
        if policy.is_secretariat(user):
            return self.all()
        own = list(policy.roles_of(user))
        return self.filter(Q(need__participant_id__in=own) | Q(offer__participant_id__in=own))


class Engagement(models.Model):
    """One side's request to the other to work together on a need with an offer, its answer
    and what came of it. Proposed → accepted, declined (with a reason) or withdrawn; accepted
    → in progress → completed (with an outcome, then each side's evaluation); accepted or in
    progress → stopped (with a reason). Nothing else (``services.TRANSITIONS``)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        STOPPED = "stopped", _("Stopped")

    class Side(models.TextChoices):
        NEED = "need", _("The side in need")
        OFFER = "offer", _("The offering side")

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="engagements")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="engagements")
    side = models.CharField(_("asked by"), max_length=5, choices=Side.choices)
    message = models.TextField(_("message"))
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField(_("reason"), blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    ended_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "offer"],
                condition=Q(status__in=["proposed", "accepted", "in_progress"]),
                name="one_live_engagement_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.need} ↔ {self.offer} ({self.status})"

    @property
    def asking(self) -> Participant:
        """The participant that asked."""
        return self.need.participant if self.side == self.Side.NEED else self.offer.participant

    @property
    def asked(self) -> Participant:
        """The participant that answers."""
        return self.offer.participant if self.side == self.Side.NEED else self.need.participant

    @property
    def asking_id(self) -> int:
        return self.need.participant_id if self.side == self.Side.NEED else self.offer.participant_id

    @property
    def asked_id(self) -> int:
        return self.offer.participant_id if self.side == self.Side.NEED else self.need.participant_id

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PROPOSED

    def participant_of(self, side: str) -> Participant:
        return self.need.participant if side == self.Side.NEED else self.offer.participant

    def evaluation_of(self, side: str) -> "Evaluation | None":
        return next((e for e in self.evaluations.all() if e.side == side), None)


class Evaluation(models.Model):
    """One side's evaluation of a completed engagement: a rating on :class:`Rating`'s scale
    and a text. Each side evaluates once."""

    class Rating(models.IntegerChoices):
        """How far the engagement met what it set out to do, from 1 to 5."""

        MISSED = 1, _("1 · Did not meet its aims")
        FEW = 2, _("2 · Met few of its aims")
        MOST = 3, _("3 · Met most of its aims")
        ALL = 4, _("4 · Met all its aims")
        BEYOND = 5, _("5 · Went beyond its aims")

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="evaluations")
    side = models.CharField(_("side"), max_length=5, choices=Engagement.Side.choices)
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    text = models.TextField(_("evaluation"))
    evaluated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(_("evaluated"), default=timezone.now)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["side"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "side"], name="one_evaluation_per_side"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="rating_from_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id} {self.side}: {self.rating}"


class Project(models.Model):
    """A capacity-building project as the secretariat records it (the exchange doubles as a
    project registry): who funds, implements and benefits, when, with what outcome, under
    which GCA pillars and catalogue items, and the engagements that fed it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    title_en = models.CharField(_("title in English"), max_length=200)
    title_ar = models.CharField(_("title in Arabic"), max_length=200)
    description = models.TextField(_("description"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    outcome = models.TextField(_("outcome"), blank=True)
    pillars = models.JSONField(_("GCA pillars"), default=list)
    items = models.ManyToManyField("catalogue.Item", related_name="+", blank=True)
    engagements = models.ManyToManyField(Engagement, related_name="projects", blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    search_terms = models.TextField(blank=True, editable=False, help_text="analysed words of titles and text")
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("capacity-building project")
        verbose_name_plural = _("capacity-building projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="project_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return in_language({"en": self.title_en, "ar": self.title_ar})

    def parties_as(self, role: str) -> list["ProjectParty"]:
        return [p for p in self.parties.all() if p.role == role]


class ProjectParty(models.Model):
    """A funder, an implementer or a beneficiary of a project: a participant of the community
    or, by name, a body outside it."""

    class Role(models.TextChoices):
        FUNDER = "funder", _("Funder")
        IMPLEMENTER = "implementer", _("Implementer")
        BENEFICIARY = "beneficiary", _("Beneficiary")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("body outside the community"), max_length=200, blank=True)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(participant__isnull=False) & Q(name=""))
                | (Q(participant__isnull=True) & ~Q(name="")),
                name="project_party_is_a_participant_or_a_name",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.participant.name if self.participant else self.name


# The field of a project's draft (and of the API) naming each role's participants; the names
# of bodies outside the community are in "outside_" + that field.
PARTY_FIELDS = {
    ProjectParty.Role.FUNDER: "funders",
    ProjectParty.Role.IMPLEMENTER: "implementers",
    ProjectParty.Role.BENEFICIARY: "beneficiaries",
}


class CirtStatus(models.Model):
    """Where a State stands with its national computer incident response team (GGE 2013
    para 32(b); GCA guideline 4.8(a)), as its focal point or the secretariat records it."""

    class Level(models.TextChoices):
        NONE = "none", _("None")
        PLANNED = "planned", _("Planned")
        ESTABLISHED = "established", _("Established")
        MATURE = "mature", _("Mature")

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="cirt_status")
    status = models.CharField(_("national CIRT"), max_length=12, choices=Level.choices)
    assessment_done = models.BooleanField(_("readiness assessment done"), default=False)
    assessment_year = models.PositiveSmallIntegerField(_("year of the assessment"), null=True, blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["participant__name_en"]
        verbose_name = _("national CIRT status")
        verbose_name_plural = _("national CIRT statuses")

    def __str__(self) -> str:
        return f"{self.participant}: {self.status}"

    @property
    def is_priority(self) -> bool:
        return self.status in PRIORITY_LEVELS


# GCA guideline 4.8(b): assistance goes first to countries without a national CIRT, that is
# with none or only a planned one.
PRIORITY_LEVELS = frozenset({CirtStatus.Level.NONE, CirtStatus.Level.PLANNED})
