"""The glossary (OSCE CBM 9): participants' national terms and the concept entries the
secretariat groups them under, with consensus definitions and the participants' comments.

A national term is a submission: its people draft it, submit it to the audience they chose
(the secretariat only, the community, chosen participants, or the public) and may withdraw
it; every state it passed through is kept as a version. A concept ("incident", "critical
infrastructure"...) is the secretariat's: it sets the terms of several States side by side
and may propose a definition in Arabic and English, whose status goes from proposed to under
discussion to agreed (public, readable without signing in) and, later, retired.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.lib.languages import language_name

MAX_TERM = 200
MAX_DEFINITION = 2000
MAX_SOURCE_TITLE = 300
MAX_LOCATOR = 120
MAX_COMMENT = 4000


class SourceKind(models.TextChoices):
    LAW = "law", _("Law or regulation")
    STRATEGY = "strategy", _("National strategy or policy")
    CERT = "cert", _("CERT/CSIRT vocabulary")
    STANDARD = "standard", _("Standard or guideline")
    OTHER = "other", _("Other official source")


class Audience(models.TextChoices):
    SECRETARIAT = "secretariat", _("The secretariat only")
    COMMUNITY = "community", _("Every participant")
    CHOSEN = "chosen", _("Chosen participants")
    PUBLIC = "public", _("Public")


class ConceptQuerySet(models.QuerySet["Concept"]):
    def visible_to(self, user: User) -> "ConceptQuerySet":
        """Agreed concepts for anyone, every concept for the community: the rule of the
        policy's ``glossary.view_concept`` (a test checks both agree); none for those outside
        the community of a closed deployment (``policy.reads_public``)."""
        if not policy.reads_public(user):
            return self.none()
        if not user.is_authenticated or not user.is_active or not policy.in_community(user):
            return self.filter(status=Concept.Status.AGREED)
        return self.all()


class Concept(models.Model):
    """A concept entry: national terms about one concept, side by side, and the consensus
    definition the secretariat proposes for it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DISCUSSION = "discussion", _("Under discussion")
        AGREED = "agreed", _("Agreed")
        RETIRED = "retired", _("Retired")

    slug = models.SlugField(_("code"), max_length=80, unique=True)
    name_en = models.CharField(_("name in English"), max_length=MAX_TERM)
    name_ar = models.CharField(_("name in Arabic"), max_length=MAX_TERM)
    definition_en = models.TextField(_("consensus definition in English"), blank=True)
    definition_ar = models.TextField(_("consensus definition in Arabic"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    items = models.ManyToManyField("catalogue.Item", blank=True, related_name="+")
    search_terms = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    objects = ConceptQuerySet.as_manager()

    class Meta:
        ordering = ["name_en", "pk"]
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return (self.name_ar if get_language() == "ar" else self.name_en) or self.name_en

    @property
    def definition(self) -> str:
        preferred = self.definition_ar if get_language() == "ar" else self.definition_en
        return preferred or self.definition_en or self.definition_ar

    @property
    def is_agreed(self) -> bool:
        return self.status == self.Status.AGREED


class GlossaryTermQuerySet(models.QuerySet["GlossaryTerm"]):
    def visible_to(self, user: User) -> "GlossaryTermQuerySet":
        """The national terms ``user`` may read: the rule of the policy's
        ``glossary.view_term`` (a test checks both agree for every role and audience).
        Public submissions for anyone; a participant's own drafts and withdrawals for its
        people; every submission and withdrawal for the secretariat; the others' submissions
        whose audience includes the person. None for those outside the community of a closed
        deployment (``policy.reads_public``)."""
        if not policy.reads_public(user):
            return self.none()
        submitted = Q(status=GlossaryTerm.Status.SUBMITTED)
        public = submitted & Q(audience=Audience.PUBLIC)
        if not user.is_authenticated or not user.is_active or not policy.in_community(user):
            return self.filter(public)
        own = list(policy.roles_of(user))
        mine = Q(participant_id__in=own)
        if policy.is_secretariat(user):
            return self.filter(mine | ~Q(status=GlossaryTerm.Status.DRAFT))
        chosen = GlossaryTerm.audience_participants.through.objects.filter(participant_id__in=own).values(
            "glossaryterm_id"
        )
        return self.filter(
            mine
            | public
            | (submitted & Q(audience=Audience.COMMUNITY))
            | (submitted & Q(audience=Audience.CHOSEN, pk__in=chosen))
        )

    def of_participant(self, participant: Participant | int) -> "GlossaryTermQuerySet":
        """A participant's own terms (combine with :meth:`visible_to`)."""
        return self.filter(participant=participant)

    def submitted(self) -> "GlossaryTermQuerySet":
        return self.filter(status=GlossaryTerm.Status.SUBMITTED)


class GlossaryTerm(models.Model):
    """A national term as a participant submits it: the word, its language, its definition,
    and the national source it comes from (a law, a strategy, a CERT's vocabulary...), with a
    link or a library document and the locator of the passage."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="+", verbose_name=_("participant")
    )
    term = models.CharField(_("term"), max_length=MAX_TERM)
    language = models.CharField(_("language"), max_length=8)
    definition = models.TextField(_("definition"))
    source_kind = models.CharField(_("kind of source"), max_length=12, choices=SourceKind.choices)
    source_title = models.CharField(_("national source"), max_length=MAX_SOURCE_TITLE)
    source_url = models.URLField(_("link to the source"), max_length=500, blank=True)
    source_document = models.ForeignKey(
        "library.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("library document"),
    )
    source_locator = models.CharField(_("locator in the source"), max_length=MAX_LOCATOR, blank=True)
    dated = models.DateField(_("date of the source"))
    items = models.ManyToManyField("catalogue.Item", blank=True, related_name="+")
    concept = models.ForeignKey(
        Concept,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name=_("concept"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.SECRETARIAT
    )
    audience_participants = models.ManyToManyField(Participant, related_name="+", blank=True)
    search_terms = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        ordering = ["participant__name_en", "language", "term", "pk"]
        verbose_name = _("national term")
        verbose_name_plural = _("national terms")
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                "participant",
                "language",
                condition=~Q(status="withdrawn"),
                name="one_live_term_per_participant_language",
            ),
        ]
        indexes = [models.Index(fields=["status", "audience"])]

    def __str__(self) -> str:
        return f"{self.term} ({self.language}, {self.participant.code})"

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.SUBMITTED and self.audience == Audience.PUBLIC

    def audience_ids(self) -> set[int]:
        """The chosen participants (a fact the policy decides on)."""
        return set(self.audience_participants.values_list("pk", flat=True))


class TermVersion(models.Model):
    """A state of a national term, kept for good: saved, submitted, withdrawn, grouped."""

    class Kind(models.TextChoices):
        SAVED = "saved", _("Saved")
        IMPORTED = "imported", _("Imported")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        GROUPED = "grouped", _("Grouped into a concept")

    term = models.ForeignKey(GlossaryTerm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    snapshot = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["term", "-number"]
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="one_term_version_number")]

    def __str__(self) -> str:
        return f"{self.term} v{self.number} ({self.kind})"


class ConceptComment(models.Model):
    """A participant's comment on a concept's proposed definition."""

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="comments")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["concept", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
