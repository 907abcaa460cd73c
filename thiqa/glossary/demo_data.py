"""Sample terminology: three concepts ("incident", "critical infrastructure", "cyberattack")
and national terms of Egypt, France and Kenya in Arabic, French and English, recorded through
the real services by the demo's people and marked as sample data.

The definitions are written for the demo in our own words; they paraphrase the kind of
wording national texts use and are not quoted from any law, strategy or vocabulary.
"""

from typing import Any

from django.db import transaction

from thiqa.accounts.models import Participant, User
from thiqa.glossary import services
from thiqa.glossary.models import Concept, GlossaryTerm
from thiqa.lib.demo import demo_loader

CONCEPTS: list[dict[str, Any]] = [
    {
        "slug": "incident",
        "name_en": "Incident",
        "name_ar": "حادث سيبراني",
        "definition_en": (
            "An event that actually or potentially harms the availability, integrity or "
            "confidentiality of a network, an information system or the data it holds."
        ),
        "definition_ar": (
            "حدث يضر فعلًا أو قد يضر بتوافر شبكة أو نظام معلومات أو بسلامته أو بسرية البيانات التي يحفظها."
        ),
        "status": "agreed",
        "items": ["osce-cbm-9"],
    },
    {
        "slug": "critical-infrastructure",
        "name_en": "Critical infrastructure",
        "name_ar": "البنية التحتية الحرجة",
        "definition_en": (
            "Assets, systems and services whose disruption would seriously affect public safety, "
            "the economy or the functioning of the State."
        ),
        "definition_ar": (
            "أصول وأنظمة وخدمات يؤثر تعطلها تأثيرًا جسيمًا في السلامة العامة أو الاقتصاد أو عمل الدولة."
        ),
        "status": "discussion",
        "items": ["osce-cbm-9"],
    },
    {
        "slug": "cyberattack",
        "name_en": "Cyberattack",
        "name_ar": "هجوم سيبراني",
        "definition_en": "",
        "definition_ar": "",
        "status": "proposed",
        "items": [],
    },
]

# (author e-mail, participant, concept, term, language, definition, source kind, source, locator,
#  date, audience)
# fmt: off
TERMS: list[tuple[str, ...]] = [
    ("focal.eg@thiqa.example", "EG", "incident", "حادث أمن المعلومات", "ar",
     "أي واقعة تمس سلامة نظام معلومات أو سرية بياناته أو توافر خدماته، سواء وقعت عمدًا أو خطأً.",
     "law", "قانون نموذجي لمكافحة جرائم تقنية المعلومات (نص تجريبي)", "المادة 1", "2018-08-14", "public"),
    ("focal.fr@thiqa.example", "FR", "incident", "incident de sécurité", "fr",
     "Événement qui compromet ou risque de compromettre la disponibilité, l'intégrité ou la "
     "confidentialité d'un système d'information.",
     "cert", "Vocabulaire d'exemple d'un CERT national", "§ 3", "2020-03-02", "public"),
    ("focal.fr@thiqa.example", "FR", "incident", "security incident", "en",
     "An event that compromises, or may compromise, the availability, integrity or confidentiality "
     "of an information system.",
     "cert", "Sample vocabulary of a national CERT (English version)", "§ 3", "2020-03-02", "public"),
    ("focal.ke@thiqa.example", "KE", "incident", "cyber incident", "en",
     "Any unauthorised act against a computer system that leads to loss of service or of data.",
     "strategy", "Sample national cybersecurity strategy", "Glossary", "2022-10-01", "public"),
    ("focal.eg@thiqa.example", "EG", "critical-infrastructure", "البنية التحتية للمعلومات الحرجة", "ar",
     "المنشآت والأنظمة التي يؤدي تعطلها إلى الإضرار بالأمن القومي أو بالخدمات الأساسية للمواطنين.",
     "strategy", "استراتيجية وطنية تجريبية للأمن السيبراني", "القسم 2", "2017-12-01", "community"),
    ("focal.fr@thiqa.example", "FR", "critical-infrastructure", "opérateur d'importance vitale", "fr",
     "Organisme dont les installations sont indispensables à la survie de la Nation ou dont la "
     "défaillance mettrait gravement en danger la population.",
     "law", "Code d'exemple de la défense (texte de démonstration)", "Art. 1", "2013-12-18", "community"),
    ("focal.ke@thiqa.example", "KE", "critical-infrastructure", "critical information infrastructure", "en",
     "Systems so vital to the country that their incapacity would weaken security, the economy "
     "or public health and safety.",
     "law", "Sample computer misuse act", "Section 2", "2018-05-16", "public"),
    ("focal.eg@thiqa.example", "EG", "cyberattack", "هجوم إلكتروني", "ar",
     "استخدام الشبكات أو الأنظمة المعلوماتية للنفاذ غير المشروع أو لتعطيل خدمات أو إتلاف بيانات.",
     "law", "قانون نموذجي لمكافحة جرائم تقنية المعلومات (نص تجريبي)", "المادة 1", "2018-08-14", "community"),
    ("focal.fr@thiqa.example", "FR", "cyberattack", "cyberattaque", "fr",
     "Action délibérée visant à porter atteinte à un système d'information par des moyens informatiques.",
     "strategy", "Revue stratégique d'exemple (texte de démonstration)", "Glossaire", "2018-02-12",
     "secretariat"),
]
# fmt: on


def _user(email: str) -> User | None:
    return User.objects.filter(email=email, is_active=True).first()


@demo_loader("glossary")
def load() -> list[str]:
    if GlossaryTerm.objects.filter(is_sample=True).exists():
        return ["Glossary: sample terminology already loaded."]
    staff = _user("secretariat@thiqa.example")
    codes = {row[1] for row in TERMS}
    if staff is None or Participant.objects.filter(code__in=codes).count() < len(codes):
        return ["Glossary: the sample people or participants are missing; no sample terminology."]
    with transaction.atomic():
        concepts = {}
        for values in CONCEPTS:
            concepts[values["slug"]] = services.create_concept(staff, services.ConceptDraft(**values))
        made = []
        for (
            author,
            code,
            concept,
            term,
            language,
            definition,
            kind,
            source,
            locator,
            dated,
            audience,
        ) in TERMS:
            user = _user(author)
            participant = Participant.objects.get(code=code)
            if user is None:
                continue
            draft = services.TermDraft(
                term=term,
                language=language,
                definition=definition,
                source_kind=kind,
                source_title=source,
                source_locator=locator,
                dated=dated,
                items=["osce-cbm-9"],
                audience=audience,
            )
            made.append(services.submit(user, services.create(user, participant, draft)))
            services.group(staff, concepts[concept], [made[-1]])
        GlossaryTerm.objects.filter(pk__in=[t.pk for t in made]).update(is_sample=True)
        Concept.objects.filter(pk__in=[c.pk for c in concepts.values()]).update(is_sample=True)
    return [f"Glossary: {len(concepts)} concepts with {len(made)} national terms (Egypt, France, Kenya)."]
