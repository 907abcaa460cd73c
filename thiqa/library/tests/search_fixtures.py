"""A small corpus for the search tests: four items of two frameworks and one document."""

from thiqa.catalogue.models import Framework, Item, Term
from thiqa.library import search
from thiqa.library.models import Document, Passage

ITEMS = [
    # code, framework, kind, pillars, title en, title ar, summary en, summary ar
    (
        "osce-cbm-8",
        "osce",
        "cbm",
        ["organizational", "cooperation"],
        "National contact points",
        "نقاط الاتصال الوطنية",
        "States nominate contact points and update their contact details every year.",
        "تُسمّي الدول نقاطَ اتصالٍ وطنيةً وتُحدِّث بياناتها سنوياً.",
    ),
    (
        "osce-cbm-16",
        "osce",
        "cbm",
        ["technical"],
        "Responsible reporting of vulnerabilities",
        "الإبلاغ المسؤول عن الثغرات",
        "States encourage responsible reporting of ICT vulnerabilities and share remedies.",
        "تشجّع الدول الإبلاغ المسؤول عن الثغرات الأمنية وتتبادل سبل معالجتها.",
    ),
    (
        "gge-13g",
        "gge",
        "norm",
        ["technical", "legal"],
        "Protect critical infrastructure",
        "حماية البنى التحتية الحيوية",
        "States protect their critical infrastructure from ICT threats.",
        "تحمي الدول بناها التحتية الحيوية من التهديدات السيبرانية.",
    ),
    (
        "gge-26d",
        "gge",
        "cbm",
        ["cooperation"],
        "Exchanges among CERT communities",
        "التبادلات بين فرق الاستجابة للطوارئ",
        "Computer emergency response teams exchange information and practices.",
        "تتبادل فرق الاستجابة للطوارئ الحاسوبية المعلومات والممارسات.",
    ),
]

PASSAGES = [
    ("26(c)", "ar", "تبادل المعلومات عن الحوادث ونقاط الاتصال الوطنية والإنذار المبكر."),
    ("26(d)", "en", "Exchanges among CERT communities <script>alert('x')</script> on incidents."),
    ("13(j)", "en", "Encourage responsible reporting of ICT vulnerabilities and share remedies."),
]


def build_corpus() -> None:
    terms = {}
    for axis, codes in (
        ("kind", ["cbm", "norm"]),
        ("modality", ["voluntary"]),
        ("pillar", ["legal", "technical", "organizational", "cooperation"]),
    ):
        for code in codes:
            terms[code] = Term.objects.create(axis=axis, code=code, title_en=code, title_ar=code)
    frameworks = {
        code: Framework.objects.create(code=code, title_en=code, title_ar=code, order=n)
        for n, code in enumerate(["osce", "gge"])
    }
    for order, (code, fw, kind, pillars, t_en, t_ar, s_en, s_ar) in enumerate(ITEMS):
        item = Item.objects.create(
            framework=frameworks[fw],
            code=code,
            number=code.rsplit("-", 1)[-1],
            kind=terms[kind],
            modality=terms["voluntary"],
            title_en=t_en,
            title_ar=t_ar,
            summary_en=s_en,
            summary_ar=s_ar,
            order=order,
        )
        item.pillars.set([terms[p] for p in pillars])
    document = Document.objects.create(
        slug="a-68-98",
        symbol="A/68/98",
        language="ar",
        format="text",
        file_name="a.txt",
        sha256="1" * 64,
        original="",
    )
    for order, (locator, language, text) in enumerate(PASSAGES):
        Passage.objects.create(document=document, order=order, locator=locator, language=language, text=text)
    search.rebuild()
