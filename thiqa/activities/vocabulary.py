"""The words of the activities room: kinds of activity and audiences, in English and Arabic.

They are written here as pairs (like the message templates and questionnaires, see
``lib/bilingual``) so that both languages exist from the start, in the pages, the API and
the calendar feeds, whatever the state of the translation catalog. Languages an activity is
held in are ISO 639 codes (``lib/languages``).
"""

from thiqa.lib.bilingual import Choice


def _choice(value: str, en: str, ar: str) -> Choice:
    return Choice(value, {"en": en, "ar": ar})


EXPERT_MEETING = "expert_meeting"

KINDS: dict[str, Choice] = {
    c.value: c
    for c in (
        _choice("workshop", "Workshop", "ورشة عمل"),
        _choice("seminar", "Seminar", "ندوة"),
        _choice("exercise", "Exercise or cyber drill", "تمرين أو محاكاة سيبرانية"),
        _choice(EXPERT_MEETING, "Expert meeting", "اجتماع خبراء"),
        _choice("training", "Training", "تدريب"),
        _choice("regional_forum", "Regional forum", "منتدى إقليمي"),
        _choice("project", "Project", "مشروع"),
        _choice("other", "Other", "نشاط آخر"),
    )
}

AUDIENCES: dict[str, Choice] = {
    c.value: c
    for c in (
        _choice("policy", "Policy makers and diplomats", "صانعو السياسات والدبلوماسيون"),
        _choice("technical", "Technical staff (CERTs/CSIRTs)", "الفرق التقنية (فرق الاستجابة للطوارئ)"),
        _choice("law_enforcement", "Law enforcement", "جهات إنفاذ القانون"),
        _choice("private_sector", "Private sector", "القطاع الخاص"),
        _choice("academia", "Academia", "الأوساط الأكاديمية"),
        _choice("civil_society", "Civil society", "المجتمع المدني"),
    )
}
