"""Sample capacity building: a few needs and offers of the demo's participants, posted through
the services so they are validated, matched and audited like real ones; a request to engage
waiting for France's answer, two completed engagements evaluated by both sides and one in
progress; a handful of projects in the registry; and national CIRT statuses for most States.

Everything here is invented for the demonstration and marked ``is_sample``: the CIRT statuses
are drawn at random and say nothing about the real States (the page says so). Egypt is left
without a status so that its focal point can record one.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from thiqa.accounts.models import Participant, User
from thiqa.capacity import services
from thiqa.capacity.models import CirtStatus, Engagement, Evaluation, Need, Offer, Project
from thiqa.capacity.services import PostingDraft, ProjectDraft
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
    (
        "focal.fr@thiqa.example",
        "FR",
        PostingDraft(
            title="Legal drafting clinic on cybercrime and electronic evidence",
            description="Prosecutors and legislative drafters review a draft law with the requesting "
            "ministry, article by article, over three remote sessions and one visit.",
            pillars=["legal"],
            regions=["africa", "worldwide"],
            languages=["en", "fr"],
            kinds=["experts"],
            items=["un-gge-2013-32a"],
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
        projects = _projects(people["secretariat@thiqa.example"], engagements)
        statuses = _cirt_statuses()
    return [
        f"Capacity: {len(needs)} needs, {len(offers)} offers, {len(engagements)} requests to engage, "
        f"{projects} projects, {statuses} sample national CIRT statuses (invented)."
    ]


def _engagements(people: dict[str, User], needs: list[Need], offers: list[Offer]) -> list[Engagement]:
    """Egypt asks France (waiting for France's answer); Kenya's drill with the secretariat and
    its mentoring by France are completed and evaluated; France's legal clinic for Kenya is in
    progress."""
    eg, fr, ke = (people[f"focal.{c}@thiqa.example"] for c in ("eg", "fr", "ke"))
    office = people["secretariat@thiqa.example"]
    waiting = services.request_engagement(
        eg,
        needs[0],
        offers[0],
        "We would welcome your mentoring for our two sector teams, starting with energy.",
    )
    drill = _accepted(
        ke, office, needs[1], offers[1], "Could our analysts join the forensics track of the next drill?"
    )
    services.start(office, drill)
    services.complete(
        office,
        drill,
        "Twelve Kenyan analysts took part in the drill's forensics track; two of them now train colleagues.",
    )
    services.evaluate(
        ke, drill, 4, "Well prepared scenarios; we would have liked more time on memory analysis."
    )
    services.evaluate(
        office, drill, 5, "An engaged team that shared its own cases with the other participants."
    )
    mentoring = _accepted(
        ke, fr, needs[1], offers[0], "Could your responders mentor our incident handlers after the drill?"
    )
    services.start(fr, mentoring)
    services.complete(
        fr, mentoring, "Four months of weekly mentoring; handling procedures written and adopted."
    )
    services.evaluate(fr, mentoring, 4, "Procedures adopted quickly; the joint exercise had to move online.")
    services.evaluate(ke, mentoring, 5, "Our handlers now close routine cases without outside help.")
    clinic = _accepted(
        ke, fr, needs[2], offers[3], "Could the clinic review our draft cybercrime law this year?"
    )
    services.start(ke, clinic)
    made = [waiting, drill, mentoring, clinic]
    Engagement.objects.filter(pk__in=[e.pk for e in made]).update(is_sample=True)
    Evaluation.objects.filter(engagement__in=made).update(is_sample=True)
    return made


def _accepted(asker: User, answerer: User, need: Need, offer: Offer, message: str) -> Engagement:
    engagement = services.request_engagement(asker, need, offer, message)
    services.accept(answerer, engagement, "Yes: we will send the dates.")
    return engagement


def _projects(office: User, engagements: list[Engagement]) -> int:
    """A handful of invented projects, some fed by the sample engagements."""
    _waiting, drill, mentoring, clinic = engagements
    today = timezone.localdate()
    drafts = [
        ProjectDraft(
            title_en="Sector incident-response teams in East Africa",
            title_ar="فرق الاستجابة للحوادث القطاعية في شرق أفريقيا",
            description="Helps a national CERT set up teams for the energy and finance sectors: "
            "procedures, tooling, mentoring of the first analysts. Invented for the demonstration.",
            start_date=today - timedelta(days=300),
            end_date=today + timedelta(days=200),
            status="ongoing",
            pillars=["organizational", "capacity-building"],
            items=["un-gge-2013-32b"],
            funders=["FR"],
            outside_funders=["Sample Development Fund"],
            implementers=["secretariat"],
            outside_implementers=["Regional CERT Academy (sample)"],
            beneficiaries=["KE"],
            engagements=[mentoring.pk],
        ),
        ProjectDraft(
            title_en="Arabic awareness curriculum for public servants",
            title_ar="منهج توعية باللغة العربية للموظفين العموميين",
            description="Writes and tests an e-learning course in Arabic on phishing and the safe "
            "use of government systems, free for other administrations to reuse.",
            start_date=today - timedelta(days=700),
            end_date=today - timedelta(days=100),
            status="completed",
            outcome="The course ran for three ministries; a second edition adds material on mobile devices.",
            pillars=["capacity-building"],
            items=["un-gge-2013-32c"],
            funders=["EG"],
            implementers=["EG"],
            beneficiaries=["JO", "MA", "TN"],
            outside_beneficiaries=["Municipal administrations (sample)"],
        ),
        ProjectDraft(
            title_en="Cybercrime legislation review",
            title_ar="مراجعة تشريعات الجرائم الإلكترونية",
            description="Drafters and prosecutors go through a draft law on cybercrime and electronic "
            "evidence with the ministry that requested it.",
            start_date=today + timedelta(days=30),
            end_date=today + timedelta(days=240),
            status="planned",
            pillars=["legal"],
            items=["un-gge-2013-32a"],
            outside_funders=["Sample Justice Foundation"],
            implementers=["FR"],
            beneficiaries=["KE"],
            engagements=[clinic.pk],
        ),
        ProjectDraft(
            title_en="Regional cyber drill with a forensics track",
            title_ar="تمرين سيبراني إقليمي مع مسار للتحليل الجنائي الرقمي",
            description="A two-day drill for national teams, with a track on incident handling and "
            "forensics, in English, French and Arabic.",
            start_date=today - timedelta(days=200),
            end_date=today - timedelta(days=198),
            status="completed",
            outcome="Nine national teams took part; the scenarios are shared with the community.",
            pillars=["technical", "cooperation"],
            items=["gca-guideline-4-8f", "un-gge-2013-32d"],
            implementers=["secretariat"],
            beneficiaries=["KE", "EG"],
            outside_beneficiaries=["Partner national CERTs (sample)"],
            engagements=[drill.pk],
        ),
    ]
    made = [services.record_project(office, d) for d in drafts]
    Project.objects.filter(pk__in=[p.pk for p in made]).update(is_sample=True)
    return len(made)


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
