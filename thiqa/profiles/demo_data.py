"""Sample national documents and positions for three demo States, recorded through the
services so they are checked and audited like real ones. The texts are short inventions for
the demonstration, written for Thiqa; they say nothing about what these States hold."""

from datetime import date

from django.core.files.base import ContentFile

from thiqa.accounts.models import Participant, User
from thiqa.lib.demo import demo_loader
from thiqa.library.models import Audience, Document
from thiqa.profiles import services
from thiqa.profiles.models import NationalDocument, Position

DOCUMENTS = [
    (
        "focal.eg@thiqa.example",
        "EG",
        "eg-strategy-sample.txt",
        "1. تحمي الدولة البنية التحتية الحيوية بفرق استجابة قطاعية تعمل مع الفريق الوطني.\n\n"
        "2. تتبادل الدولة نقاط الاتصال مع شركائها وتراجعها كل عام.\n\n"
        "3. تبني الدولة القدرات الوطنية بالتدريب والتمارين المشتركة.\n",
        services.DocumentDraft(
            kind=Document.Kind.STRATEGY,
            title_en="National cybersecurity strategy (sample)",
            title_ar="الاستراتيجية الوطنية للأمن السيبراني (مثال)",
            sharing=services.Sharing(
                issued_on=date(2025, 3, 1),
                language="ar",
                audience=Audience.PUBLIC,
                items=["osce-cbm-7", "un-gge-2013-32b"],
            ),
        ),
    ),
    (
        "focal.fr@thiqa.example",
        "FR",
        "fr-law-sample.txt",
        "Article 1. Operators of essential services report significant incidents to the national "
        "authority within one day.\n\n"
        "Article 2. The national authority shares what it learns with the operators concerned.\n",
        services.DocumentDraft(
            kind=Document.Kind.LEGISLATION,
            title_en="Sample law on the security of information systems",
            title_ar="قانون أمن نظم المعلومات (مثال)",
            sharing=services.Sharing(
                issued_on=date(2024, 11, 15),
                language="en",
                audience=Audience.COMMUNITY,
                items=["osce-cbm-7"],
            ),
        ),
    ),
]

POSITIONS = [
    (
        "focal.eg@thiqa.example",
        "EG",
        services.PositionDraft(
            subject=Position.Subject.LAW,
            title="موقف وطني: انطباق القانون الدولي على الفضاء السيبراني (مثال)",
            text="نرى أن ميثاق الأمم المتحدة ينطبق على استخدام الدول لتكنولوجيا المعلومات، "
            "وأن سيادة الدولة تشمل البنية التحتية الموجودة على أراضيها.",
            sharing=services.Sharing(
                issued_on=date(2025, 6, 10), language="ar", audience=Audience.PUBLIC, items=["un-gge-2013-19"]
            ),
        ),
    ),
    (
        "focal.fr@thiqa.example",
        "FR",
        services.PositionDraft(
            subject=Position.Subject.NORMS,
            title="Statement on protecting critical infrastructure (sample)",
            text="We do not support activity that damages another State's critical infrastructure "
            "and we answer requests for help from States whose infrastructure is attacked.",
            sharing=services.Sharing(
                issued_on=date(2025, 9, 2),
                language="en",
                audience=Audience.COMMUNITY,
                items=["un-gge-2015-13f", "un-gge-2015-13h"],
            ),
        ),
    ),
    (
        "focal.ke@thiqa.example",
        "KE",
        services.PositionDraft(
            subject=Position.Subject.THREATS,
            title="National threat assessment 2026 (sample)",
            text="Phishing against public services and ransomware against hospitals were the main "
            "threats of the year; we expect more attacks on mobile payment services.",
            sharing=services.Sharing(
                issued_on=date(2026, 2, 20),
                language="en",
                audience=Audience.SECRETARIAT,
                items=["osce-cbm-1"],
            ),
        ),
    ),
]


@demo_loader("profiles")
def load() -> list[str]:
    added = 0
    for email, code, file_name, text, draft in DOCUMENTS:
        if NationalDocument.objects.filter(document__file_name=file_name).exists():
            continue
        user, participant = User.objects.get(email=email), Participant.objects.get(code=code)
        services.add_document(user, participant, ContentFile(text.encode(), name=file_name), draft)
        added += 1
    for email, code, draft in POSITIONS:
        participant = Participant.objects.get(code=code)
        if Position.objects.filter(owner=participant, title=draft.title).exists():
            continue
        services.record_position(User.objects.get(email=email), participant, draft)
        Position.objects.filter(owner=participant, title=draft.title).update(is_sample=True)
        added += 1
    return [f"Profiles: {added} national documents and positions added."]
