"""The languages a participant may write in: the UN and OSCE languages, each named in
itself. National reports and capacity-building postings use this one list.

Any ISO 639-1 language Django knows (the languages an activity is held in, the language of
a national term) is checked and named by :func:`is_language` and :func:`language_name`."""

from django.conf.locale import LANG_INFO

LANGUAGES: list[tuple[str, str]] = [
    ("ar", "العربية"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
    ("zh", "中文"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
]


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
