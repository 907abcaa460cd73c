"""The closed lists a need or an offer chooses from: regions (the platform's, ``lib/regions.py``), GCA
pillars (the catalogue's vocabulary, so the capacity room and the catalogue never disagree),
languages (the platform's list of UN and OSCE languages) and kinds of support.

Each list is the one validation of its codes, for the pages, the API and the demo.
"""

from django.db import models
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from thiqa.catalogue.models import Term
from thiqa.lib import languages
from thiqa.lib.regions import WORLDWIDE, Region, region_choices, region_of, regions

LANGUAGES: dict[str, str] = dict(languages.LANGUAGES)  # ISO 639-1 code -> name in that language
_DJANGO_CODES = {"zh": "zh-hans"}  # Django's language names know Chinese by its script


class SupportKind(models.TextChoices):
    """What form the help takes: a need asks for some, an offer gives some."""

    TRAINING = "training", _("Training and courses")
    EXPERTS = "experts", _("Expert advice and mentoring")
    TECHNICAL = "technical", _("Technical assistance")
    TOOLS = "tools", _("Tools and equipment")
    EXERCISES = "exercises", _("Exercises and drills")
    FUNDING = "funding", _("Funding")


def pillars() -> dict[str, str]:
    """The GCA pillars by code, titled in the active language, in the catalogue's order."""
    return {t.code: t.title for t in Term.objects.filter(axis=Term.Axis.PILLAR).order_by("order")}


def language_name(code: str) -> str:
    """A language's name in the active language ("Arabic", "العربية"), from Django's own
    translated names; the name in the language itself when Django has none."""
    try:
        return str(get_language_info(_DJANGO_CODES.get(code, code))["name_translated"])
    except KeyError:
        return LANGUAGES.get(code, code)


def language_names() -> dict[str, str]:
    return {code: language_name(code) for code in LANGUAGES}


def language_choices() -> list[tuple[str, str]]:
    return list(language_names().items())


__all__ = ["WORLDWIDE", "Region", "region_choices", "region_of", "regions"]
