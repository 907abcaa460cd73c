"""Sample history: three past check rounds of the League of Arab States' contacts, so the
results and trend pages have something to show. Their messages are real outbox rows, marked
as sent on the round's day; nothing is actually sent."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from thiqa.accounts.models import ParticipantGroup, User
from thiqa.checks import services
from thiqa.checks.models import CheckRound, Ping
from thiqa.directory.models import Contact
from thiqa.lib.demo import demo_loader
from thiqa.mail.models import OutboundMessage

ROUNDS = [(270, 0.55), (180, 0.7), (90, 0.8)]  # days ago, share of contacts that answer


@demo_loader("checks")
def load() -> list[str]:
    group = ParticipantGroup.objects.filter(code="LAS").first()
    secretariat = User.objects.filter(email="secretariat@thiqa.example").first()
    if CheckRound.objects.filter(is_sample=True).exists() or group is None or secretariat is None:
        return []
    rng = random.Random(26)  # noqa: S311  (the same sample every time, nothing secret)
    contacts = list(
        Contact.objects.published().filter(participant__groups=group).select_related("participant")
    )
    with transaction.atomic():
        for days, share in ROUNDS:
            _sample_round(secretariat, group, contacts, days, share, rng)
    return [f"Checks: {len(ROUNDS)} sample rounds of the League of Arab States' {len(contacts)} contacts."]


def _sample_round(
    secretariat: User,
    group: ParticipantGroup,
    contacts: list[Contact],
    days: int,
    share: float,
    rng: random.Random,
) -> None:
    started = timezone.now() - timedelta(days=days)
    check = CheckRound.objects.create(
        title=f"Communication check ({started:%B %Y})",
        group=group,
        roles=["policy", "technical"],
        started_by=secretariat,
        started_at=started,
        deadline=started + timedelta(hours=48),
        status=CheckRound.Status.CLOSED,
        planned=len(contacts),
        is_sample=True,
    )
    for contact in contacts:
        ping = Ping(
            round=check,
            contact=contact,
            participant=contact.participant,
            role=contact.role,
            addresses=contact.emails,
            language=contact.preferred_language,
        )
        sent = started + timedelta(minutes=rng.randint(1, 20))
        ping.message = OutboundMessage.objects.create(
            message_id=f"<sample-{check.pk}-{contact.pk}@thiqa.example>",
            purpose="checks.ping",
            sender=services.bounce_address(ping),
            recipients=contact.emails,
            subject=check.title,
            raw=b"Subject: sample\r\n\r\nsample\r\n",
            status=OutboundMessage.Status.SENT,
            created_at=started,
            sent_at=sent,
        )
        draw = rng.random()
        if draw < share:
            ping.acknowledged_at = sent + timedelta(hours=rng.lognormvariate(1.2, 1.0) % 47)
            ping.acknowledged_via = rng.choice(list(Ping.Via.values))
        elif draw > 0.95:
            ping.bounced = contact.emails
        ping.save()
