"""Sample directory: structures and contacts for every State, some overdue or incomplete,
so the compliance page has something to show. Addresses use the reserved .example domain
(RFC 2606), except Egypt's, which reach the demo's own log-ins."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from thiqa.accounts.models import Participant
from thiqa.directory.models import Availability, Contact, ContactRole, Structure
from thiqa.lib.demo import demo_loader

STRUCTURES = [
    (Structure.Kind.FOREIGN_AFFAIRS, "Ministry of Foreign Affairs", "وزارة الخارجية"),
    (Structure.Kind.CERT, "National CERT", "فريق الاستجابة الوطني لطوارئ الحاسوب"),
]
EGYPT = {
    ContactRole.POLICY: ("عمر فاروق", "focal.eg@thiqa.example"),
    ContactRole.TECHNICAL: ("ليلى ناصر", "member.eg@thiqa.example"),
}


def _contacts_for(state: Participant, structures: dict[str, Structure], rng: random.Random) -> list[Contact]:
    today = timezone.localdate()
    code = state.code.lower()
    contacts = []
    for role, structure_kind, share, position in (
        (ContactRole.POLICY, Structure.Kind.FOREIGN_AFFAIRS, 0.85, "Head of Cyber Policy Unit"),
        (ContactRole.TECHNICAL, Structure.Kind.CERT, 0.75, "Duty officer, incident handling"),
    ):
        if state.code != "EG" and rng.random() > share:
            continue
        name, email = EGYPT.get(role, (f"{position} (sample)", f"{role}.poc@{code}.example"))
        contacts.append(
            Contact(
                participant=state,
                structure=structures[structure_kind],
                role=role,
                name=name,
                position=position,
                emails=[email],
                phones=[f"+{rng.randint(20, 998)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"],
                languages=["ar", "en"] if state.code == "EG" else ["en"],
                time_zone="Africa/Cairo" if state.code == "EG" else "UTC",
                availability=Availability.ALWAYS
                if role == ContactRole.TECHNICAL
                else Availability.OFFICE_HOURS,
                office_hours="" if role == ContactRole.TECHNICAL else "Mon–Fri 09:00–17:00",
                confirmed_on=today - timedelta(days=30 if state.code == "EG" else rng.randint(0, 480)),
                is_sample=True,
            )
        )
    return contacts


@demo_loader("directory")
def load() -> list[str]:
    if Contact.objects.filter(is_sample=True).exists():
        return ["Directory: sample contacts already loaded."]
    rng = random.Random(8)  # noqa: S311  (the same sample every time, nothing secret)
    contacts: list[Contact] = []
    with transaction.atomic():
        for state in Participant.objects.filter(kind=Participant.Kind.STATE).order_by("code"):
            structures = {
                kind: Structure.objects.create(
                    participant=state, kind=kind, name_en=en, name_ar=ar, is_sample=True
                )
                for kind, en, ar in STRUCTURES
            }
            contacts.extend(_contacts_for(state, structures, rng))
        Contact.objects.bulk_create(contacts)
    return [f"Directory: {len(contacts)} sample contacts."]
