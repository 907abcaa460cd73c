"""National reporting: cycles of an instrument, each participant's one consolidated
response (a working draft and its versions), evidence documents, and the questions other
participants ask about a submission."""

from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.lib.languages import LANGUAGES

if TYPE_CHECKING:
    from thiqa.reporting.instruments import Instrument


class Cycle(models.Model):
    """One round of an instrument: a period, an opening date, a due date and a scope."""

    instrument = models.CharField(_("instrument"), max_length=60)
    instrument_version = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    period = models.CharField(_("period"), max_length=40, help_text=_("The year or period reported on."))
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))
    group = models.ForeignKey(
        ParticipantGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scope"),
        help_text=_("The group whose members report; empty for every participant."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")

    def __str__(self) -> str:
        return self.title

    @property
    def definition(self) -> "Instrument":
        """The instrument as it was in the version this cycle opened with."""
        from thiqa.reporting.instruments import instrument

        return instrument(self.instrument, self.instrument_version)

    def accepts_responses(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is None and today >= self.opens_on

    def scope(self) -> models.QuerySet[Participant]:
        """The participants that report in this cycle."""
        participants = Participant.objects.filter(is_active=True)
        return participants.filter(groups=self.group_id) if self.group_id else participants


class Audience(models.TextChoices):
    SECRETARIAT = "secretariat", _("The secretariat only")
    SCOPE = "scope", _("Every participant of the cycle's scope")
    CHOSEN = "chosen", _("Chosen participants")
    PUBLIC = "public", _("Public")


class ResponseQuerySet(models.QuerySet["Response"]):
    def visible_to(self, user: User) -> "ResponseQuerySet":
        """Responses whose submission ``user`` may see, and their own participants' drafts:
        the rule of the policy's ``reporting.view_response`` (a test checks both agree)."""
        public = models.Q(status=Response.Status.SUBMITTED, audience=Audience.PUBLIC)
        if not user.is_authenticated or not policy.in_community(user):
            return self.filter(public)
        own = list(policy.roles_of(user))
        mine = models.Q(participant_id__in=own)
        if policy.is_secretariat(user):
            return self.filter(mine | ~models.Q(status=Response.Status.DRAFT))
        submitted = models.Q(status=Response.Status.SUBMITTED)
        in_scope = models.Q(audience=Audience.SCOPE) & (
            models.Q(cycle__group__isnull=True) | models.Q(cycle__group__members__in=own)
        )
        chosen = models.Q(audience=Audience.CHOSEN, audience_participants__in=own)
        return self.filter(mine | public | (submitted & (in_scope | chosen))).distinct()


class Response(models.Model):
    """A participant's one consolidated response to a cycle: the working copy its people
    edit, and the versions it saved, submitted or withdrew."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(_("language of the answers"), max_length=5, choices=LANGUAGES, default="en")
    answers = models.JSONField(default=dict, blank=True)
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.SECRETARIAT
    )
    audience_participants = models.ManyToManyField(Participant, related_name="+", blank=True)
    revision = models.PositiveIntegerField(default=0, help_text="raised by every save, to refuse a stale one")
    submitted = models.ForeignKey(
        "ResponseVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_late = models.BooleanField(_("late"), default=False)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    search_terms = models.TextField(blank=True, editable=False, help_text="analysed words of the submission")
    is_sample = models.BooleanField(_("sample data"), default=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "participant__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "participant"], name="one_response_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.participant}"


class ResponseVersion(models.Model):
    """A saved, submitted, withdrawn or imported state of a response, kept for good."""

    class Kind(models.TextChoices):
        SAVED = "saved", _("Saved")
        IMPORTED = "imported", _("Imported")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    answers = models.JSONField(default=dict)
    language = models.CharField(max_length=5)
    audience = models.CharField(max_length=12)
    audience_codes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["response", "-number"]
        constraints = [models.UniqueConstraint(fields=["response", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.response} v{self.number} ({self.kind})"


class Evidence(models.Model):
    """A document attached to an answer, stored like message attachments (by SHA-256)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="evidence")
    question = models.CharField(max_length=80)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["response", "question", "pk"]

    def __str__(self) -> str:
        return self.filename


class SubmissionQuestion(models.Model):
    """A question another participant asks about a submission, and the submitter's answer:
    visible to the submission's audience (this replaces the e-mail list and the forum)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="questions")
    about = models.CharField(_("about question"), max_length=80, blank=True)
    text = models.TextField(_("question"))
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    asked_for = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["response", "asked_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class CycleReminder(models.Model):
    """A reminder sent to a participant's focal points, so each is sent once."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "participant", "kind"], name="cycle_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.participant} {self.kind}"


class CompilationPdf(models.Model):
    """A compilation PDF made in the background, shared by every viewer who sees the same
    submissions: one row per cycle, language and audience key (the hash of the submitted
    versions the viewer may read), so a second request while one runs joins it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Preparation failed")

    class Failure(models.TextChoices):
        ERROR = "error", _("The PDF could not be made.")
        CHANGED = "changed", _("The submissions changed while the PDF was being prepared.")
        INTERRUPTED = "interrupted", _("The worker preparing the PDF stopped before it was done.")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=5, choices=LANGUAGES)
    audience_key = models.CharField(max_length=64, help_text="SHA-256 of the readable submitted versions")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    failure = models.CharField(max_length=12, choices=Failure.choices, blank=True)
    compiled = models.PositiveIntegerField(default=0, help_text="participants compiled so far")
    participants = models.PositiveIntegerField(default=0, help_text="participants to compile")
    size = models.PositiveBigIntegerField(default=0)
    renders = models.PositiveIntegerField(default=0, help_text="how many times a worker made it")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "language", "audience_key"], name="one_compilation_pdf_per_audience"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} ({self.language}, {self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
