"""The activities repository: workshops, seminars, exercises, expert meetings, trainings,
regional forums and projects of the community (ITU GCA guideline 7.1(b): one place where
every relevant activity is found), and the keys of people's calendar feeds."""

import secrets
import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.activities.vocabulary import AUDIENCES, KINDS
from thiqa.lib.bilingual import in_language
from thiqa.lib.languages import language_name
from thiqa.lib.tlp import TLP

# Labels that every community member may read: the only ones the shared search index and
# the calendar feeds carry.
SHARED_LABELS = (TLP.CLEAR, TLP.GREEN)
GROUP_LABELS = (TLP.AMBER, TLP.AMBER_STRICT)


class ActivityQuerySet(models.QuerySet["Activity"]):
    def visible_to(self, user: User) -> "ActivityQuerySet":
        """The activities ``user`` may see: the rule of the policy's
        ``activities.view_activity`` (a test checks both agree for every role and label)."""
        if not user.is_authenticated or not user.is_active or not policy.in_community(user):
            return self.none()
        own = list(policy.roles_of(user))
        in_groups = Activity.groups.through.objects.filter(participantgroup__members__in=own).values(
            "activity_id"
        )
        return self.filter(
            Q(tlp__in=SHARED_LABELS) | Q(organizer_id__in=own) | Q(tlp__in=GROUP_LABELS, pk__in=in_groups)
        )

    def current(self) -> "ActivityQuerySet":
        return self.filter(cancelled_at__isnull=True)

    def overlapping(self, start: object, end: object) -> "ActivityQuerySet":
        """Activities under way at some moment of [start, end)."""
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Activity(models.Model):
    """An activity, initiative or project. Times are stored in UTC; ``time_zone`` is where it
    happens, for showing local times. An all-day activity starts at 00:00 UTC of its first
    day and ends at 00:00 UTC of the day after its last (as iCalendar's DATE values do)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    all_day = models.BooleanField(_("all day"), default=False)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    organizer = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organizer"),
    )
    organizer_name = models.CharField(_("organizing body outside the community"), max_length=200, blank=True)
    groups = models.ManyToManyField(ParticipantGroup, blank=True, related_name="+", verbose_name=_("groups"))
    audience = models.JSONField(_("audience"), default=list, blank=True)
    pillars = models.CharField(max_length=200, blank=True, help_text="GCA pillar codes between spaces")
    items = models.ManyToManyField("catalogue.Item", blank=True, related_name="+")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    tlp = models.CharField(_("TLP label"), max_length=12, choices=TLP.choices)
    search_terms = models.TextField(blank=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE: revisions")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    is_sample = models.BooleanField(_("sample data"), default=False)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["kind", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    # Facts the authorization policy decides on.

    def group_member_ids(self) -> set[int]:
        """The participants that are members of the activity's groups."""
        through = ParticipantGroup.members.through
        return set(
            through.objects.filter(participantgroup__in=self.groups.all()).values_list(
                "participant_id", flat=True
            )
        )

    # What the pages show.

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def kind_label(self) -> str:
        choice = KINDS.get(self.kind)
        return choice.label if choice else self.kind

    @property
    def organizer_label(self) -> str:
        return self.organizer.name if self.organizer_id else self.organizer_name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def first_day(self) -> date:
        """The local date it starts on (the UTC date for an all-day activity)."""
        return self.starts_at.date() if self.all_day else timezone.localtime(self.starts_at, self.zone).date()

    @property
    def last_day(self) -> date:
        if self.all_day:
            return self.ends_at.date() - timedelta(days=1)
        return timezone.localtime(self.ends_at - timedelta(microseconds=1), self.zone).date()

    @property
    def pillar_codes(self) -> list[str]:
        return self.pillars.split()

    @property
    def audience_labels(self) -> list[str]:
        return [in_language(AUDIENCES[code].labels) for code in self.audience if code in AUDIENCES]

    @property
    def language_names(self) -> list[str]:
        return [language_name(code) for code in self.languages]


def new_feed_secret() -> str:
    return secrets.token_urlsafe(24)


class FeedKey(models.Model):
    """The secret in a person's calendar feed URLs. Regenerating it replaces the secret, so
    every URL given out before stops working; deleting it turns the feeds off."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+")
    secret = models.CharField(max_length=64, unique=True, default=new_feed_secret)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed key of {self.user}"
