"""Sample reporting: last year's and this year's GCA self-assessment of the League of Arab
States' members (a trend and a compilation to look at), this year's OSCE exchange with a
few public submissions, and Egypt's draft waiting for its focal point."""

import random
from datetime import date

from django.db import transaction
from django.utils import timezone

from thiqa.accounts.models import ParticipantGroup, User
from thiqa.lib.demo import demo_loader
from thiqa.reporting.instruments import instrument
from thiqa.reporting.models import Audience, Cycle
from thiqa.reporting.sample import fill_cycle


@demo_loader("reporting")
def load() -> list[str]:
    if Cycle.objects.filter(is_sample=True).exists():
        return ["Reporting: sample cycles already loaded."]
    secretariat = User.objects.filter(email="secretariat@thiqa.example").first()
    arab_league, osce = (ParticipantGroup.objects.filter(code=c).first() for c in ("LAS", "OSCE"))
    if secretariat is None or arab_league is None or osce is None:
        return ["Reporting: the sample people or groups are missing; no sample cycles."]
    year = timezone.localdate().year
    rng = random.Random(2026)  # noqa: S311  (the same sample every time, nothing secret)
    with transaction.atomic():
        for offset, strength in ((1, 0.45), (0, 0.6)):
            cycle = Cycle.objects.create(
                instrument="gca-self-assessment",
                instrument_version=instrument("gca-self-assessment").version,
                title=f"GCA self-assessment {year - offset}",
                period=str(year - offset),
                opens_on=date(year - offset, 3, 1),
                due_on=date(year - offset, 6, 30),
                group=arab_league,
                created_by=secretariat,
                closed_at=timezone.now() if offset else None,
                is_sample=True,
            )
            fill_cycle(cycle, secretariat, rng, strength=strength, skip={"EG"} if not offset else set())
        exchange = Cycle.objects.create(
            instrument="osce-annual-exchange",
            instrument_version=instrument("osce-annual-exchange").version,
            title=f"OSCE annual exchange {year}",
            period=str(year),
            opens_on=date(year, 1, 15),
            due_on=date(year, 10, 31),
            group=osce,
            created_by=secretariat,
            is_sample=True,
        )
        fill_cycle(exchange, secretariat, rng, strength=0.7, share=0.4, audience=Audience.PUBLIC)
    return ["Reporting: GCA self-assessments of the Arab League for two years, this year's OSCE exchange."]
