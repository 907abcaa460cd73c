"""The words of the activities room: kinds of activity and audiences, in English and Arabic.

They are written here as pairs (like the message templates and questionnaires, see
``lib/bilingual``) so that both languages exist from the start, in the pages, the API and
the calendar feeds, whatever the state of the translation catalog. Languages an activity is
held in are ISO 639 codes Django knows, shown by their own names.
"""

from django.conf.locale import LANG_INFO

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


def language_choices() -> list[tuple[str, str]]:
    """ISO 639-1 languages by their own names (العربية, English, Français...)."""
    return sorted(
        (
            (code, info["name_local"])
            for code, info in LANG_INFO.items()
            if len(code) == 2 and "name_local" in info
        ),
        key=lambda pair: pair[0],
    )


def is_language(code: str) -> bool:
    return isinstance(code, str) and len(code) == 2 and "name_local" in LANG_INFO.get(code, {})


def language_name(code: str) -> str:
    return LANG_INFO.get(code, {}).get("name_local", code)
