"""Who may post needs and offers, engage, carry an engagement to its end and evaluate it,
curate the project registry and record national CIRT status.

The rules of the capacity room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.policy import Action, User

# --- capacity building (rules of the capacity room) ------------------------------------------

# Needs and offers are seen by the whole community; each is posted, edited and closed by those
# who write for its participant (the secretariat may also close one, to keep the lists true).
# A request to engage is made by either side and answered by the other; it is seen by both
# sides' people and the secretariat (which coordinates, GCA guideline 4.8(c)).
# ``EngagementQuerySet.visible_to`` mirrors ``capacity.view_engagement``.
# Once accepted, the work is both sides': either marks it in progress, completes it with its
# outcome or stops it with a reason; each side evaluates a completed engagement for itself.
# Projects are the secretariat's records, read by the whole community.


def _may_post_capacity(user: User, participant: Participant | None) -> bool:
    """Post a need or an offer for ``participant`` (``None`` asks whether for any)."""
    if participant is None:
        return bool(policy.written_for(user))
    return policy.writes_for(user, participant.pk)


def _may_edit_posting(user: User, posting: Any) -> bool:
    return policy.writes_for(user, posting.participant_id)


def _may_close_posting(user: User, posting: Any) -> bool:
    return policy.is_secretariat(user) or policy.writes_for(user, posting.participant_id)


def _may_engage(user: User, pair: tuple[Any, Any]) -> bool:
    """Ask the other side to engage: whoever writes for the need's or the offer's participant."""
    need, offer = pair
    return policy.writes_for(user, need.participant_id) or policy.writes_for(user, offer.participant_id)


def _is_party(user: User, engagement: Any) -> bool:
    """Writes for the need's or the offer's participant."""
    return policy.writes_for(user, engagement.need.participant_id) or policy.writes_for(
        user, engagement.offer.participant_id
    )


def _may_evaluate(user: User, target: tuple[Any, str]) -> bool:
    """Evaluate for one side (``"need"`` or ``"offer"``): those who write for that side."""
    engagement, side = target
    return policy.writes_for(user, engagement.participant_of(side).pk)


def _may_see_engagement(user: User, engagement: Any) -> bool:
    if not policy.in_community(user):
        return False
    own = policy.roles_of(user)
    return (
        policy.is_secretariat(user)
        or engagement.need.participant_id in own
        or engagement.offer.participant_id in own
    )


def _may_edit_cirt(user: User, participant: Participant | None) -> bool:
    """A State's focal point or the secretariat (``None`` asks whether for any State)."""
    if participant is None:
        return policy.manages_some_participant(user, None)
    return participant.kind == Participant.Kind.STATE and policy.manages_participant(user, participant)


policy.register(
    {
        "capacity.view": Action(lambda u, t: policy.in_community(u), writes=False),
        "capacity.post": Action(_may_post_capacity, writes=True),
        "capacity.edit": Action(_may_edit_posting, writes=True),
        "capacity.close": Action(_may_close_posting, writes=True),
        "capacity.engage": Action(_may_engage, writes=True),
        "capacity.answer": Action(lambda u, e: policy.writes_for(u, e.asked_id), writes=True),
        "capacity.withdraw": Action(lambda u, e: policy.writes_for(u, e.asking_id), writes=True),
        "capacity.view_engagement": Action(_may_see_engagement, writes=False),
        "capacity.start": Action(_is_party, writes=True),
        "capacity.complete": Action(_is_party, writes=True),
        "capacity.stop": Action(_is_party, writes=True),
        "capacity.evaluate": Action(_may_evaluate, writes=True),
        "capacity.project_view": Action(lambda u, t: policy.in_community(u), writes=False),
        "capacity.project_edit": Action(lambda u, t: policy.is_secretariat(u), writes=True),
        "capacity.cirt_edit": Action(_may_edit_cirt, writes=True),
    }
)
