"""Sample arrangements, registered through the real services: a closed national forum with
an NDA (Egypt), an open sector ISAC with its goals and progress and a published disclosure
page (France), an awareness campaign (Kenya) that Egypt joined."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from thiqa.accounts.models import Participant, User
from thiqa.lib.demo import demo_loader
from thiqa.partnerships import services
from thiqa.partnerships.models import Arrangement

FORUM = {
    "name": "National Cybersecurity Partnership Forum",
    "model": "ppp",
    "sectors": ["energy", "banking", "digital-infrastructure"],
    "purposes": ["information-sharing", "ransomware"],
    "problem": "Operators of essential services share too little about incidents, too late.",
    "ecosystem": "The national CERT, the regulators of energy, finance and telecoms, and 40 operators.",
    "legal_basis": "The national cybersecurity strategy (pillar 3) names this forum.",
    "goals": "Alerts shared within 24 hours; one joint exercise a year.",
    "activities": "Monthly threat briefings, a shared indicator feed, an annual exercise.",
    "lifespan": "permanent",
    "funding": ["government", "members"],
    "security_rules": "Traffic Light Protocol; a signed NDA; no attribution outside the forum.",
    "membership": "closed",
    "vetting": "nda",
    "nda_text": "The member keeps everything shared in the forum confidential under its TLP label.",
    "responsibilities": "The national CERT chairs; members name a technical and a policy representative.",
}
ISAC = {
    "name": "Health Sector ISAC",
    "model": "isac",
    "sectors": ["health"],
    "purposes": ["information-sharing", "awareness"],
    "problem": "Hospitals face ransomware with small security teams.",
    "goals": "Every member hospital receives indicators the day they are known.",
    "activities": "A daily indicator feed, quarterly workshops.",
    "lifespan": "fixed_term",
    "ends_on": (timezone.localdate() + timedelta(days=900)).isoformat(),
    "funding": ["government", "donors"],
    "membership": "open",
    "vetting": "none",
    "transparency": "An annual public report on activities and spending.",
    "communication": "A public page and an annual conference.",
}
CAMPAIGN = {
    "name": "Safe Online campaign",
    "model": "awareness_campaign",
    "sectors": ["public-administration"],
    "purposes": ["awareness"],
    "problem": "Citizens fall for phishing that imitates public services.",
    "activities": "Radio spots in four languages, school visits, a reporting hotline.",
    "lifespan": "project",
    "funding": ["private", "government"],
    "membership": "open",
    "vetting": "none",
}


def _user(email: str) -> User | None:
    return User.objects.filter(email=email, is_active=True).first()


@demo_loader("partnerships")
def load() -> list[str]:
    if Arrangement.objects.filter(is_sample=True).exists():
        return ["Partnerships: sample arrangements already loaded."]
    people = {code: _user(f"focal.{code.lower()}@thiqa.example") for code in ("EG", "FR", "KE")}
    if not all(people.values()):
        return ["Partnerships: the sample people are missing; no sample arrangements."]
    owners = {code: Participant.objects.get(code=code) for code in people}
    with transaction.atomic():
        forum = services.register(people["EG"], owners["EG"], FORUM)
        isac = services.register(people["FR"], owners["FR"], ISAC)
        campaign = services.register(people["KE"], owners["KE"], CAMPAIGN)
        goal = services.add_goal(
            people["FR"], isac, title="Faster alerts", indicator="Member hospitals on the feed", target="120"
        )
        today = timezone.localdate()
        for months, value in ((9, 35), (6, 62), (3, 88), (0, 104)):
            services.add_progress(
                people["FR"], goal, reported_on=today - timedelta(days=30 * months), value=Decimal(value)
            )
        services.publish(people["FR"], isac, visible=True)
        services.publish(people["KE"], campaign, visible=True)
        services.request_to_join(
            people["EG"], campaign, owners["EG"], note="Our CERT can translate the material."
        )
        services.request_to_join(
            people["FR"], forum, owners["FR"], nda_accepted=True, note="For cross-border alerts."
        )
        services.post(people["EG"], forum, "Next briefing: ransomware against billing systems.")
        Arrangement.objects.filter(pk__in=[forum.pk, isac.pk, campaign.pk]).update(is_sample=True)
    return ["Partnerships: 3 sample arrangements (a closed national forum, a sector ISAC, a campaign)."]
