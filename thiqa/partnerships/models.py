"""Public-private partnerships and other cooperative arrangements, recorded under the four
headings of the OSCE CBM 14 good practice (Purpose, Policies, Process, People); their
members, join requests with NDA acceptance, goals with progress, and member discussions."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thiqa.accounts.models import Participant, User
from thiqa.directory.models import Contact


class Model(models.TextChoices):
    PPP = "ppp", _("Public-private partnership")
    ISAC = "isac", _("Information sharing and analysis centre (ISAC)")
    CLUSTER = "cluster", _("Cluster or hub")
    ADVISORY_BOARD = "advisory_board", _("Advisory board")
    CIRCLE_OF_TRUST = "circle_of_trust", _("Circle of trust")
    RAPID_RESPONSE = "rapid_response", _("Rapid-response team")
    AWARENESS_CAMPAIGN = "awareness_campaign", _("Awareness campaign")
    OTHER = "other", _("Other")


class Purpose(models.TextChoices):
    """The six purposes of arrangements in the OSCE report; each is a catalogue item."""

    INFORMATION_SHARING = "information-sharing", _("Information and threat-intelligence sharing")
    RANSOMWARE = "ransomware", _("Countering ransomware")
    PHISHING_BOTNETS = "phishing-botnets", _("Phishing and botnet takedown")
    AWARENESS = "awareness", _("Awareness raising and cyber hygiene")
    CAPACITY_BUILDING = "capacity-building", _("Capacity building and education")
    CVD = "cvd", _("Coordinated vulnerability disclosure")

    @staticmethod
    def item_code(value: str) -> str:
        return f"osce-ppp-purpose-{value}"


class Lifespan(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    FIXED_TERM = "fixed_term", _("Fixed term")
    PROJECT = "project", _("For one project or problem")


class Funding(models.TextChoices):
    GOVERNMENT = "government", _("Government budget")
    MEMBERS = "members", _("Members' contributions or fees")
    PRIVATE = "private", _("Private sponsors")
    DONORS = "donors", _("International donors")
    IN_KIND = "in_kind", _("In-kind contributions")


class Membership(models.TextChoices):
    OPEN = "open", _("Open to every interested party")
    CLOSED = "closed", _("Closed: joining needs approval")


class Vetting(models.TextChoices):
    NONE = "none", _("No vetting")
    NDA = "nda", _("A non-disclosure agreement")
    CLEARANCE = "clearance", _("A security clearance")


class Arrangement(models.Model):
    """An arrangement a participant runs or takes part in, as the good-practice checklist
    describes it. The record is seen by the community; its members (when membership is
    closed) and its discussions only by those inside."""

    owner = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=200)
    model = models.CharField(_("model"), max_length=20, choices=Model.choices)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    # Purpose
    purposes = models.JSONField(_("purposes"), default=list, blank=True)
    problem = models.TextField(_("the problem it addresses"), blank=True)
    ecosystem = models.TextField(_("the national ecosystem and its actors"), blank=True)
    assessment = models.TextField(_("strengths and weaknesses of the partners"), blank=True)
    incentives = models.TextField(_("incentives for private partners"), blank=True)
    coordinator = models.TextField(_("government coordinator"), blank=True)
    # Policies
    legal_basis = models.TextField(_("legal or strategic basis"), blank=True)
    consultation = models.TextField(_("consultation of the private sector"), blank=True)
    transparency = models.TextField(_("transparency and oversight commitments"), blank=True)
    # Process
    goals = models.TextField(_("objectives"), blank=True)
    activities = models.TextField(_("activities"), blank=True)
    lifespan = models.CharField(_("lifespan"), max_length=12, choices=Lifespan.choices, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    funding = models.JSONField(_("funding sources"), default=list, blank=True)
    security_rules = models.TextField(_("security, non-disclosure and cyber hygiene rules"), blank=True)
    monitoring = models.TextField(_("monitoring and oversight"), blank=True)
    review = models.TextField(_("review of the governance"), blank=True)
    communication = models.TextField(_("communication and outreach"), blank=True)
    # People
    responsibilities = models.TextField(_("roles and responsibilities"), blank=True)
    membership = models.CharField(_("membership"), max_length=8, choices=Membership.choices, blank=True)
    vetting = models.CharField(_("vetting"), max_length=10, choices=Vetting.choices, blank=True)
    nda_text = models.TextField(_("non-disclosure agreement"), blank=True)
    non_national_members = models.BooleanField(_("members from other countries allowed"), default=False)
    contributions = models.TextField(_("contributions expected from members"), blank=True)
    dedicated_posts = models.TextField(_("dedicated posts or liaison functions"), blank=True)
    # Disclosure
    published_at = models.DateTimeField(_("disclosure page published"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    search_terms = models.TextField(blank=True, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("arrangement")
        verbose_name_plural = _("arrangements")

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.membership == Membership.CLOSED

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    # Facts the policy decides on.

    def active_member_ids(self) -> set[int]:
        """The participants inside the arrangement: its owner and its active members."""
        cached = getattr(self, "_member_ids", None)
        if cached is None:
            cached = {self.owner_id} | set(
                self.members.filter(status=Member.Status.ACTIVE).values_list("participant_id", flat=True)
            )
            self._member_ids = cached
        return cached


class Member(models.Model):
    """A participant in an arrangement (with the contacts that represent it), or a request
    to become one."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Member")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="members")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    representatives = models.ManyToManyField(Contact, related_name="+", blank=True)
    note = models.TextField(_("note"), blank=True)
    nda_accepted_at = models.DateTimeField(_("NDA accepted"), null=True, blank=True)
    nda_accepted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nda_digest = models.CharField(
        _("SHA-256 of the NDA accepted"), max_length=64, blank=True, help_text="which text was accepted"
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["arrangement", "participant__name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "participant"],
                condition=Q(status__in=["requested", "active"]),
                name="one_current_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} in {self.arrangement}"


class Goal(models.Model):
    """An objective with the indicator that shows progress towards it."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="goal_set")
    title = models.CharField(_("goal"), max_length=200)
    indicator = models.CharField(_("indicator"), max_length=200)
    target = models.CharField(_("target"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["arrangement", "pk"]

    def __str__(self) -> str:
        return self.title


class Progress(models.Model):
    """A periodic entry on a goal: the indicator's value and what happened."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="entries")
    reported_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["goal", "reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.goal}: {self.reported_on}"


class Post(models.Model):
    """A message in the arrangement's discussion: for those inside only, never disclosed."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    author_participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("message"))
    search_terms = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["arrangement", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
