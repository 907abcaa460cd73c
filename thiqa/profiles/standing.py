"""A participant's profile as one person may see it, gathered from the rooms below, each
under its own rule: submissions from ``Response.objects.visible_to`` (scored and compiled by
reporting's own functions), national documents and positions under their audiences, the
CIRT status and the directory's coverage for the community only (coverage counted over the
contacts the person may see, so a hidden contact is never revealed by a figure), published
partnerships, the activities the person may see and the national terms submitted to the
glossary that the person may read (``GlossaryTerm.objects.visible_to``, the glossary's own
rule)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.activities.models import Activity
from thiqa.capacity.models import CirtStatus
from thiqa.catalogue.models import Item
from thiqa.directory.models import Availability, Contact, ContactRole, due_on
from thiqa.directory.services import reconfirm_months
from thiqa.glossary.models import GlossaryTerm
from thiqa.library.models import Document
from thiqa.partnerships.models import Arrangement, Member
from thiqa.profiles.models import NationalDocument, Position
from thiqa.reporting import compilation
from thiqa.reporting.instruments import Instrument, all_instruments
from thiqa.reporting.models import Response
from thiqa.reporting.scoring import Score, score

MAX_ACTIVITIES = 10


@dataclass(frozen=True)
class Standing:
    """A participant's latest visible submission to one instrument, and its trend."""

    instrument: Instrument
    response: Response
    score: Score | None  # scored instruments (the GCA self-assessment)
    value: float | None  # total score, or share of catalogue items implemented (%)
    trend: list[compilation.TrendPoint]  # the cycles with a visible submission, oldest first


@dataclass(frozen=True)
class Coverage:
    """Directory figures over the contacts the person may see."""

    contacts: int
    by_role: dict[str, int]
    always_available: int
    with_key: int
    due_on: date | None

    @property
    def complete(self) -> bool:
        return bool(self.by_role.get(ContactRole.POLICY) and self.by_role.get(ContactRole.TECHNICAL))


@dataclass
class Profile:
    participant: Participant
    standings: list[Standing] = field(default_factory=list)
    documents: list[NationalDocument] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    cirt: CirtStatus | None = None
    shows_cirt: bool = False
    coverage: Coverage | None = None
    partnerships: list[Arrangement] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    terms: list[GlossaryTerm] = field(default_factory=list)

    def standing(self, instrument: str) -> Standing | None:
        return next((s for s in self.standings if s.instrument.code == instrument), None)


def participants() -> QuerySet[Participant]:
    """The participants that have a profile: every active one but the secretariat's."""
    return Participant.objects.filter(is_active=True).exclude(is_secretariat=True).order_by("name_en")


def standings(user: User, participant: Participant) -> list[Standing]:
    latest: dict[str, Response] = {}
    submitted = (
        Response.objects.visible_to(user)
        .filter(participant=participant, status=Response.Status.SUBMITTED)
        .select_related("cycle", "submitted")
        .order_by("cycle__opens_on", "pk")
    )
    for response in submitted:
        latest[response.cycle.instrument] = response
    found = []
    for code, definition in all_instruments().items():
        response = latest.get(code)
        if response is None:
            continue
        points = [p for p in compilation.trend(user, code, participant) if p.value is not None]
        value = next((p.value for p in points if p.cycle.pk == response.cycle_id), None)
        answers = response.submitted.answers if response.submitted else {}
        scored = score(definition, answers, gaps=False) if definition.scoring else None
        found.append(Standing(definition, response, scored, value, points))
    return found


def national_documents(user: User) -> QuerySet[NationalDocument]:
    visible = Document.objects.visible_to(user)
    return NationalDocument.objects.filter(document__in=visible).select_related("document__owner")


def coverage(user: User, participant: Participant) -> Coverage:
    contacts = list(Contact.objects.visible_to(user).filter(participant=participant))
    by_role = {role: sum(c.role == role for c in contacts) for role in ContactRole.values}
    oldest = min((c.confirmed_on for c in contacts), default=None)
    return Coverage(
        contacts=len(contacts),
        by_role=by_role,
        always_available=sum(c.availability == Availability.ALWAYS for c in contacts),
        with_key=sum(bool(c.pgp_fingerprint) for c in contacts),
        due_on=due_on(oldest, reconfirm_months()) if oldest else None,
    )


def partnerships(participant: Participant) -> QuerySet[Arrangement]:
    """The arrangements it runs or takes part in whose disclosure page is published."""
    inside = Q(owner=participant) | Q(members__participant=participant, members__status=Member.Status.ACTIVE)
    found = Arrangement.objects.filter(inside, published_at__isnull=False).values("pk")
    return Arrangement.objects.filter(pk__in=found).select_related("owner")


def glossary_terms(user: User, participant: Participant) -> QuerySet[GlossaryTerm]:
    """The national terms ``participant`` submitted to the glossary that ``user`` may read
    (its own people also see their drafts and withdrawals on the glossary's pages, not here)."""
    return (
        GlossaryTerm.objects.visible_to(user)
        .of_participant(participant)
        .submitted()
        .select_related("concept")
        .order_by("language", "term", "pk")
    )


def profile(user: User, participant: Participant) -> Profile:
    shown = Profile(participant)
    shown.standings = standings(user, participant)
    shown.documents = list(
        national_documents(user).filter(document__owner=participant).prefetch_related("items")
    )
    shown.positions = list(
        Position.objects.visible_to(user).filter(owner=participant).prefetch_related("items")
    )
    shown.shows_cirt = policy.can(user, "capacity.view")
    if shown.shows_cirt:
        shown.cirt = CirtStatus.objects.filter(participant=participant).first()
    if policy.can(user, "directory.view"):
        shown.coverage = coverage(user, participant)
    shown.partnerships = list(partnerships(participant))
    shown.activities = list(
        Activity.objects.visible_to(user)
        .current()
        .filter(organizer=participant)
        .order_by("-starts_at")[:MAX_ACTIVITIES]
    )
    shown.terms = list(glossary_terms(user, participant))
    return shown


def on_item(user: User, item: Item) -> tuple[list[Position], list[NationalDocument]]:
    """The positions recorded on a catalogue item and the national documents implementing
    it that ``user`` may read, State by State."""
    positions = (
        Position.objects.visible_to(user)
        .filter(items=item)
        .select_related("owner", "document")
        .order_by("owner__name_en", "-stated_on", "pk")
    )
    documents = national_documents(user).filter(items=item).order_by("document__owner__name_en", "pk")
    return list(positions), list(documents)
