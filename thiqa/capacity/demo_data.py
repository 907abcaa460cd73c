"""Sample capacity building: a few needs and offers of the demo's participants, posted through
the services so they are validated, matched and audited like real ones; a request to engage
waiting for France's answer and an accepted one; and national CIRT statuses for most States.

Everything here is invented for the demonstration and marked ``is_sample``: the CIRT statuses
are drawn at random and say nothing about the real States (the page says so). Egypt is left
without a status so that its focal point can record one.
"""

import random

from django.db import transaction
from django.utils import timezone

from thiqa.accounts.models import Participant, User
from thiqa.capacity import services
from thiqa.capacity.models import CirtStatus, Engagement, Need, Offer
from thiqa.capacity.services import PostingDraft
from thiqa.catalogue.models import Item
from thiqa.lib.demo import demo_loader

LEVELS = [
    (CirtStatus.Level.NONE, 0.2),
    (CirtStatus.Level.PLANNED, 0.2),
    (CirtStatus.Level.ESTABLISHED, 0.4),
    (CirtStatus.Level.MATURE, 0.2),
]
UNREPORTED_SHARE = 0.15
LEFT_FOR_THE_DEMO = {"EG"}

NEEDS = [
    (
        "focal.eg@thiqa.example",
        "EG",
        PostingDraft(
            title="Setting up sector incident-response teams for energy and finance",
            description="We want to set up sector teams that report to the national CERT, with "
            "procedures, tooling and a first training for their analysts.",
            pillars=["organizational", "technical"],
            regions=["arab-states"],
            languages=["ar", "en"],
            kinds=["experts", "training"],
            items=["un-gge-2013-32b", "gca-guideline-4-8a"],
        ),
    ),
    (
        "focal.ke@thiqa.example",
        "KE",
        PostingDraft(
            title="Digital forensics training for incident handlers",
            description="Hands-on forensics and incident handling training for twenty analysts, "
            "followed by mentoring on real cases.",
            pillars=["technical", "capacity-building"],
            regions=["africa"],
            languages=["en"],
            kinds=["training", "exercises"],
            items=["un-gge-2013-32d"],
        ),
    ),
    (
        "focal.ke@thiqa.example",
        "KE",
        PostingDraft(
            title="Review of draft cybercrime legislation",
            description="Expert review of a draft law on cybercrime and electronic evidence.",
            pillars=["legal"],
            regions=["africa"],
            languages=["en"],
            kinds=["experts"],
            items=["un-gge-2013-32a"],
        ),
    ),
]

OFFERS = [
    (
        "focal.fr@thiqa.example",
        "FR",
        PostingDraft(
            title="Mentoring programme for new national and sector CERTs",
            description="Six months of mentoring by experienced incident responders: procedures, "
            "tooling, training of analysts and a joint exercise at the end.",
            pillars=["organizational", "capacity-building"],
            regions=["africa", "arab-states"],
            languages=["fr", "en", "ar"],
            kinds=["experts", "training", "exercises"],
            items=["un-gge-2013-32b"],
        ),
    ),
    (
        "secretariat@thiqa.example",
        "secretariat",
        PostingDraft(
            title="Regional cyber drill with forensics track",
            description="A two-day cyber drill for national teams, with an incident handling and "
            "forensics track, in English, French and Arabic.",
            pillars=["technical", "cooperation"],
            regions=["worldwide"],
            languages=["en", "fr", "ar"],
            kinds=["exercises", "training"],
            items=["gca-guideline-4-8f", "un-gge-2013-32d"],
        ),
    ),
    (
        "member.eg@thiqa.example",
        "EG",
        PostingDraft(
            title="Arabic awareness material for public servants",
            description="Awareness courses and e-learning in Arabic on phishing and safe use of "
            "government systems, free to reuse.",
            pillars=["capacity-building"],
            regions=["arab-states", "africa"],
            languages=["ar"],
            kinds=["training"],
            items=["un-gge-2013-32c"],
        ),
    ),
]


@demo_loader("capacity")
def load() -> list[str]:
    if Need.objects.filter(is_sample=True).exists():
        return ["Capacity: sample needs, offers and CIRT statuses already loaded."]
    people = {u.email: u for u in User.objects.filter(email__endswith="@thiqa.example", is_active=True)}
    codes = {code for _email, code, _draft in NEEDS + OFFERS}
    participants = {p.code: p for p in Participant.objects.filter(code__in=codes)}
    wanted = {email for email, _code, _draft in NEEDS + OFFERS}
    if wanted - set(people) or codes - set(participants) or not Item.objects.exists():
        return ["Capacity: the sample people, participants or the catalogue are missing; nothing loaded."]
    with transaction.atomic():
        needs = [services.post_need(people[e], participants[c], d) for e, c, d in NEEDS]
        offers = [services.post_offer(people[e], participants[c], d) for e, c, d in OFFERS]
        Need.objects.filter(pk__in=[n.pk for n in needs]).update(is_sample=True)
        Offer.objects.filter(pk__in=[o.pk for o in offers]).update(is_sample=True)
        engagements = _engagements(people, needs, offers)
        statuses = _cirt_statuses()
    return [
        f"Capacity: {len(needs)} needs, {len(offers)} offers, {engagements} requests to engage, "
        f"{statuses} sample national CIRT statuses (invented)."
    ]


def _engagements(people: dict[str, User], needs: list[Need], offers: list[Offer]) -> int:
    """Egypt asks France (waiting for France's answer); Kenya asks the secretariat, accepted."""
    waiting = services.request_engagement(
        people["focal.eg@thiqa.example"],
        needs[0],
        offers[0],
        "We would welcome your mentoring for our two sector teams, starting with energy.",
    )
    accepted = services.request_engagement(
        people["focal.ke@thiqa.example"],
        needs[1],
        offers[1],
        "Could our analysts join the forensics track of the next drill?",
    )
    services.accept(people["secretariat@thiqa.example"], accepted, "Yes: we will send the dates.")
    Engagement.objects.filter(pk__in=[waiting.pk, accepted.pk]).update(is_sample=True)
    return 2


def _cirt_statuses() -> int:
    """Random, clearly sample statuses for most States (the same every time)."""
    rng = random.Random(4_8)  # noqa: S311  (sample data, nothing secret)
    now = timezone.now()
    year = timezone.localdate().year
    rows = []
    states = Participant.objects.filter(kind=Participant.Kind.STATE, is_active=True).order_by("code")
    for state in states.exclude(code__in=LEFT_FOR_THE_DEMO):
        if rng.random() < UNREPORTED_SHARE:
            continue
        level = rng.choices([lv for lv, _w in LEVELS], weights=[w for _lv, w in LEVELS])[0]
        assessed = rng.random() < 0.4
        rows.append(
            CirtStatus(
                participant=state,
                status=level,
                assessment_done=assessed,
                assessment_year=rng.randint(year - 10, year - 1) if assessed else None,
                sources=["Sample data generated for the demonstration"],
                updated_at=now,
                is_sample=True,
            )
        )
    CirtStatus.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
