"""Demo data of the accounts room: UN Member States and observer States, groups, sample users.

States and groups are real reference data (ISO 3166 codes, UN names in English and
Arabic, group membership as of 2025); the people and the secretariat are invented and,
like everything the demo creates, marked as sample data.
"""

import csv
from pathlib import Path

import yaml
from django.db import transaction

from thiqa.accounts.models import Membership, Participant, ParticipantGroup, User
from thiqa.lib.demo import demo_loader

DATA = Path(__file__).parent / "data"
DEMO_PASSWORD = "thiqa-demo-2026"
Role = Membership.Role

# (email, name, language, participant code, role, TOTP secret or "")
SAMPLE_PEOPLE = [
    (
        "secretariat@thiqa.example",
        "Sara Haddad",
        "en",
        "secretariat",
        Role.SECRETARIAT,
        "JBSWY3DPEHPK3PXPTHIQASECRETARIA",
    ),
    ("focal.eg@thiqa.example", "عمر فاروق", "ar", "EG", Role.FOCAL_POINT, "JBSWY3DPEHPK3PXPTHIQAFOCALEGYPT"),
    (
        "focal.fr@thiqa.example",
        "Claire Martin",
        "en",
        "FR",
        Role.FOCAL_POINT,
        "JBSWY3DPEHPK3PXPTHIQAFOCALFRANC",
    ),
    (
        "focal.ke@thiqa.example",
        "Wanjiru Kamau",
        "en",
        "KE",
        Role.FOCAL_POINT,
        "JBSWY3DPEHPK3PXPTHIQAFOCALKENYA",
    ),
    ("member.eg@thiqa.example", "ليلى ناصر", "ar", "EG", Role.MEMBER, ""),
    ("observer@thiqa.example", "Daniel Okafor", "en", "cpi-sample", Role.OBSERVER, ""),
]


def load_states() -> int:
    with open(DATA / "states.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        Participant.objects.update_or_create(
            code=row["iso_alpha2"],
            defaults={
                "kind": Participant.Kind.STATE,
                "name_en": row["name_en"],
                "name_ar": row["name_ar"],
                "iso_alpha3": row["iso_alpha3"],
                "iso_numeric": row["iso_numeric"],
                "un_member": row["un_member"] == "yes",
                "is_sample": True,
            },
        )
    return len(rows)


def load_groups() -> int:
    groups = yaml.safe_load((DATA / "groups.yaml").read_text(encoding="utf-8"))
    for spec in groups:
        group, _ = ParticipantGroup.objects.update_or_create(
            code=spec["code"],
            defaults={
                "kind": spec["kind"],
                "name_en": spec["name_en"],
                "name_ar": spec["name_ar"],
                "is_sample": True,
            },
        )
        group.members.set(Participant.objects.filter(code__in=spec["members"]))
    return len(groups)


def load_sample_people() -> None:
    Participant.objects.update_or_create(
        code="secretariat",
        defaults={
            "kind": Participant.Kind.INTERNATIONAL_ORGANIZATION,
            "is_secretariat": True,
            "is_sample": True,
            "name_en": "Thiqa Secretariat (sample)",
            "name_ar": "أمانة ثقة (نموذج)",
        },
    )
    Participant.objects.update_or_create(
        code="cpi-sample",
        defaults={
            "kind": Participant.Kind.ACADEMIA,
            "is_sample": True,
            "name_en": "Cyber Policy Institute (sample)",
            "name_ar": "معهد السياسات السيبرانية (نموذج)",
        },
    )
    for email, name, language, code, role, secret in SAMPLE_PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, full_name=name, language=language, is_sample=True
            )
        if secret and not user.totp_secret:
            user.totp_secret = secret
            user.save(update_fields=["totp_secret"])
        Membership.objects.update_or_create(
            user=user, participant=Participant.objects.get(code=code), defaults={"role": role}
        )


@demo_loader("accounts")
def load() -> list[str]:
    with transaction.atomic():
        states = load_states()
        groups = load_groups()
        load_sample_people()
    lines = [
        f"{states} States and {groups} groups loaded.",
        "",
        f"Sample log-ins (password {DEMO_PASSWORD!r};"
        " current second-factor code: `make democode EMAIL=...`):",
    ]
    for email, _name, _lang, code, role, secret in SAMPLE_PEOPLE:
        extra = f"  TOTP secret {secret}" if secret else ""
        lines.append(f"  {email:28} {role.label:12} {code:12}{extra}")
    return lines
