"""National incident scales (OSCE CBM 15): registering a version of a participant's scale,
its current version and the levels an incident may be classified with.

A scale is data: levels ranked from 1 (the least severe), named in the participant's
languages (ISO 639-1 codes), each mapped to one level of the common five-level scale, the
mapping never going down as the rank goes up. A change registers a new version; incidents
keep the level, and so the version, they were classified with."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.accounts.services import InvalidInput
from thiqa.audit.services import record as audit
from thiqa.incidents.models import COMMON_LEVELS, MAX_LEVEL_NAME, Scale, ScaleLevel
from thiqa.lib.languages import is_language
from thiqa.messaging.kinds import NationalLevel, NationalScales, provide_national_scales

MAX_NAME = 200
MAX_DESCRIPTION = 5_000
MAX_LEVELS = 20
CBM_15 = "osce-cbm-15"  # the catalogue item the scales answer


class InvalidScale(InvalidInput):
    """A scale that cannot be registered as it is."""

    title = gettext_lazy("The national scale cannot be registered.")


def current_scale(participant: Participant | int) -> Scale | None:
    """The latest version of the participant's scale, or None if it registered none."""
    pk = participant if isinstance(participant, int) else participant.pk
    return Scale.objects.filter(participant_id=pk).order_by("-version").first()


def current_levels(participant: Participant | int) -> list[ScaleLevel]:
    """The levels of the current version, least severe first (empty without a scale)."""
    scale = current_scale(participant)
    return list(scale.levels.order_by("rank")) if scale else []


def register_scale(
    user: User,
    participant: Participant,
    name: str,
    description: str,
    levels: list[dict[str, Any]],
    *,
    request: HttpRequest | None = None,
) -> Scale:
    """Register a new version of ``participant``'s scale (the first is version 1)."""
    policy.require(user, "scales.register", participant)
    errors: dict[str, list[str]] = {}
    name = name.strip() if isinstance(name, str) else ""
    description = description.strip() if isinstance(description, str) else ""
    if not name or len(name) > MAX_NAME:
        errors["name"] = [_("Name the scale in at most %(limit)d characters.") % {"limit": MAX_NAME}]
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("Use at most %(limit)d characters.") % {"limit": MAX_DESCRIPTION}]
    cleaned = _levels(levels, errors)
    if errors:
        raise InvalidScale(errors)
    with transaction.atomic():
        last = Scale.objects.select_for_update().filter(participant=participant).order_by("-version").first()
        scale = Scale.objects.create(
            participant=participant,
            version=(last.version + 1) if last else 1,
            name=name,
            description=description,
            created_by=user,
        )
        ScaleLevel.objects.bulk_create(ScaleLevel(scale=scale, **level) for level in cleaned)
        audit(
            "incidents.scale_registered",
            actor=user,
            target=scale,
            data={"participant": participant.code, "version": scale.version, "levels": len(cleaned)},
            request=request,
        )
    return scale


def _levels(levels: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    if not isinstance(levels, list) or not 2 <= len(levels) <= MAX_LEVELS:
        errors["levels"] = [_("A scale has from 2 to %(limit)d levels.") % {"limit": MAX_LEVELS}]
        return []
    cleaned = []
    for index, level in enumerate(levels):
        found = _level(level, index, errors)
        if found:
            cleaned.append(found)
    if len(cleaned) != len(levels):
        return []
    cleaned.sort(key=lambda level: level["rank"])
    if [level["rank"] for level in cleaned] != list(range(1, len(cleaned) + 1)):
        errors["levels"] = [_("Number the levels 1, 2, 3… without gaps or repeats, 1 the least severe.")]
    mapped = [level["common_level"] for level in cleaned]
    if mapped != sorted(mapped):
        errors.setdefault("levels", []).append(
            _("A more severe level never maps to a lower common level than a less severe one.")
        )
    return cleaned


def _level(level: Any, index: int, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    where = f"levels.{index}"
    if not isinstance(level, dict):
        errors[where] = [_("Describe each level with its rank, names and common level.")]
        return None
    problems = []
    rank, common = level.get("rank"), level.get("common_level")
    if not _whole(rank) or rank < 1:
        problems.append(_("The rank is a whole number from 1."))
    if not _whole(common) or common not in COMMON_LEVELS:
        problems.append(_("Map the level to a common level from 1 to 5."))
    names = level.get("names")
    if not isinstance(names, dict) or not names:
        problems.append(_("Name the level in at least one language."))
        names = {}
    for code, text in names.items():
        if not is_language(code):
            problems.append(_("“%(code)s” is not an ISO 639-1 language code.") % {"code": str(code)[:10]})
        elif not isinstance(text, str) or not text.strip() or len(text.strip()) > MAX_LEVEL_NAME:
            problems.append(
                _("Name the level in %(code)s in at most %(limit)d characters.")
                % {"code": code, "limit": MAX_LEVEL_NAME}
            )
    description = level.get("description", "")
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        problems.append(_("Use at most %(limit)d characters.") % {"limit": MAX_DESCRIPTION})
    if problems:
        errors[where] = [
            _("Level %(number)d: %(problem)s") % {"number": index + 1, "problem": problem}
            for problem in problems
        ]
        return None
    return {
        "rank": rank,
        "names": {code: text.strip() for code, text in names.items()},
        "description": description.strip(),
        "common_level": common,
    }


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def compared() -> list[dict[str, Any]]:
    """Each participant's current scale against the common five levels: for each common
    level, the national levels mapped to it (for the page comparing scales)."""
    latest: dict[int, Scale] = {}
    for scale in Scale.objects.select_related("participant").prefetch_related("levels"):
        if scale.participant.is_active and scale.participant_id not in latest:
            latest[scale.participant_id] = scale  # ordered by participant, newest version first
    return [
        {
            "scale": scale,
            "by_common": {
                c: [lvl for lvl in scale.levels.all() if lvl.common_level == c] for c in COMMON_LEVELS
            },
        }
        for scale in latest.values()
    ]


# --- the levels the messaging room's incident notification offers ------------------------------


def _offered(level: ScaleLevel) -> NationalLevel:
    return NationalLevel(
        value=str(level.pk),
        label=_("%(name)s (common level %(common)d)") % {"name": level.name, "common": level.common_level},
        common_level=level.common_level,
    )


def offered_levels(participant_id: int) -> list[NationalLevel]:
    return [_offered(level) for level in current_levels(participant_id)]


def describe_level(value: str) -> str | None:
    """A stored level as people read it: its name, scale and version, and common level."""
    if not str(value).isdigit():
        return None
    level = ScaleLevel.objects.select_related("scale__participant").filter(pk=int(value)).first()
    if level is None:
        return None
    return _("%(name)s (%(scale)s, version %(version)d; common level %(common)d)") % {
        "name": level.name,
        "scale": level.scale.name,
        "version": level.scale.version,
        "common": level.common_level,
    }


provide_national_scales(NationalScales(levels=offered_levels, describe=describe_level))
