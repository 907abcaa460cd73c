"""National incident scales (OSCE CBM 15): the current version of a participant's scale and
the levels an incident may be classified with."""

from thiqa.accounts.models import Participant
from thiqa.incidents.models import Scale, ScaleLevel


def current_scale(participant: Participant | int) -> Scale | None:
    """The latest version of the participant's scale, or None if it registered none."""
    pk = participant if isinstance(participant, int) else participant.pk
    return Scale.objects.filter(participant_id=pk).order_by("-version").first()


def current_levels(participant: Participant | int) -> list[ScaleLevel]:
    """The levels of the current version, least severe first (empty without a scale)."""
    scale = current_scale(participant)
    return list(scale.levels.order_by("rank")) if scale else []
