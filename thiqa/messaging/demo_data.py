"""Sample threads between the demo's participants, sent through the real services so that
their e-mail copies reach the demo's own SMTP receiver (Egypt's contacts are demo log-ins)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from thiqa.accounts.models import Participant, User
from thiqa.directory.models import Contact
from thiqa.lib.demo import demo_loader
from thiqa.lib.tlp import TLP
from thiqa.messaging import services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Message


def _user(email: str) -> User | None:
    return User.objects.filter(email=email, is_active=True).first()


@demo_loader("messaging")
def load() -> list[str]:
    if Message.objects.filter(is_sample=True).exists():
        return ["Messaging: sample threads already loaded."]
    france, kenya, egypt = (Participant.objects.filter(code=c).first() for c in ("FR", "KE", "EG"))
    claire, wanjiru, omar = (_user(f"focal.{c}@thiqa.example") for c in ("fr", "ke", "eg"))
    if (
        not all((france, kenya, egypt, claire, wanjiru, omar))
        or not Contact.objects.filter(participant=egypt).exists()
    ):
        return ["Messaging: the sample people or contacts are missing; no sample threads."]
    detected = (timezone.now() - timedelta(hours=5)).isoformat(timespec="minutes")
    with transaction.atomic():
        consultation = services.send(
            claire,
            france,
            services.Draft(
                kind="consultation_request",
                tlp=TLP.AMBER,
                subject="Scanning of government networks from shared hosting",
                body="We would like to discuss the scanning activity we observed last week, to make sure "
                "neither side misreads it.",
                to=Addressees(participants=[egypt], roles=["policy"]),
                fields={
                    "concern": "Repeated scanning of ministry networks",
                    "level": "policy",
                    "format": "video",
                },
                acknowledge_within_hours=72,
            ),
        )
        incident = services.send(
            wanjiru,
            kenya,
            services.Draft(
                kind="incident_notification",
                tlp=TLP.GREEN,
                subject="Phishing campaign against finance ministries",
                body="A phishing campaign impersonating a regional bank targets finance ministries. "
                "Indicators below.",
                to=Addressees(participants=[egypt], roles=["technical"]),
                fields={
                    "detected_at": detected,
                    "sectors": ["banking", "public-administration"],
                    "severity": "3",
                    "incident_status": "ongoing",
                    "impact": "Credentials of several officials were entered on the fake page.",
                    "indicators": "secure-login-bank[.]example\n198.51.100.23",
                },
                acknowledge_within_hours=24,
            ),
        )
        member = _user("member.eg@thiqa.example")
        if member is not None:
            services.reply(
                member, incident, "Received. We are blocking the domain and will share what we find."
            )
        Message.objects.filter(pk__in=[consultation.pk, incident.pk]).update(is_sample=True)
        Message.objects.filter(thread__in=[consultation, incident]).update(is_sample=True)
    return [
        "Messaging: 2 sample threads (a consultation request from France, "
        "an incident notification from Kenya)."
    ]
