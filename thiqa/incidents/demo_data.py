"""Sample national scales and incidents, recorded through the real services: Egypt's and
France's scales (invented for the demo, in the project's own words), two incidents and one
recorded from Kenya's sample incident notification."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from thiqa.accounts.models import Participant, User
from thiqa.incidents import scales, services
from thiqa.incidents.models import Scale
from thiqa.lib.demo import demo_loader
from thiqa.lib.tlp import TLP
from thiqa.messaging.models import Message

EGYPT_LEVELS = [
    {
        "rank": 1,
        "names": {"ar": "منخفض", "en": "Low"},
        "description": "Isolated systems, handled by the affected organization.",
        "common_level": 1,
    },
    {
        "rank": 2,
        "names": {"ar": "متوسط", "en": "Medium"},
        "description": "Several organizations or one important service affected.",
        "common_level": 2,
    },
    {
        "rank": 3,
        "names": {"ar": "مرتفع", "en": "High"},
        "description": "A critical sector disrupted; the national CERT coordinates.",
        "common_level": 4,
    },
    {
        "rank": 4,
        "names": {"ar": "حرج", "en": "Critical"},
        "description": "A national crisis: essential services down across sectors.",
        "common_level": 5,
    },
]
FRANCE_LEVELS = [
    {"rank": 1, "names": {"fr": "Mineur", "en": "Minor", "ar": "طفيف"}, "description": "", "common_level": 1},
    {
        "rank": 2,
        "names": {"fr": "Notable", "en": "Notable", "ar": "ملحوظ"},
        "description": "",
        "common_level": 2,
    },
    {
        "rank": 3,
        "names": {"fr": "Important", "en": "Significant", "ar": "كبير"},
        "description": "",
        "common_level": 3,
    },
    {"rank": 4, "names": {"fr": "Majeur", "en": "Major", "ar": "جسيم"}, "description": "", "common_level": 4},
    {
        "rank": 5,
        "names": {"fr": "Crise", "en": "Crisis", "ar": "أزمة"},
        "description": "Handled by the national crisis cell.",
        "common_level": 5,
    },
]


def _user(email: str) -> User | None:
    return User.objects.filter(email=email, is_active=True).first()


@demo_loader("incidents")
def load() -> list[str]:
    egypt, france = (Participant.objects.filter(code=c).first() for c in ("EG", "FR"))
    omar, claire = (_user(f"focal.{c}@thiqa.example") for c in ("eg", "fr"))
    if not all((egypt, france, omar, claire)):
        return ["Incidents: the sample participants or focal points are missing; no sample incidents."]
    if Scale.objects.filter(participant=egypt).exists():
        return ["Incidents: sample scales and incidents already loaded."]
    now = timezone.now()
    with transaction.atomic():
        eg_scale = scales.register_scale(
            omar,
            egypt,
            "National incident classification",
            "Four levels, set by the national CERT.",
            EGYPT_LEVELS,
        )
        scales.register_scale(claire, france, "Échelle nationale de gravité", "", FRANCE_LEVELS)
        services.record(
            omar,
            egypt,
            title="Ransomware at a regional hospital group",
            tlp=TLP.AMBER,
            detected_at=now - timedelta(days=2),
            summary="Patient records systems encrypted; emergency care continues on paper.",
            sectors=["health"],
            national_level=eg_scale.levels.get(rank=3),
            indicators=["203.0.113.45", "update-portal[.]example"],
            cves=["CVE-2026-10001"],
            items=["osce-cbm-15", "un-gge-2013-26c"],
            shared_participants=[france],
        )
        services.record(
            claire,
            france,
            title="Denial of service against ministry portals",
            tlp=TLP.CLEAR,
            detected_at=now - timedelta(days=40),
            summary="Public portals of two ministries were unreachable for three hours.",
            sectors=["public-administration"],
            national_level=Scale.objects.get(participant=france).levels.get(rank=2),
            cross_border=True,
        )
        notification = Message.objects.filter(is_sample=True, kind=services.NOTIFICATION).first()
        if notification is not None:
            services.from_notification(omar, notification)
    return ["Incidents: 2 national scales (Egypt, France) and sample incidents."]
