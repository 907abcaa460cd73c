"""The languages a participant may write in: the UN and OSCE languages, each named in
itself. National reports and capacity-building postings use this one list."""

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
