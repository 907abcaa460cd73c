"""Who may see, join and change a partnership arrangement.

The rules of the partnerships room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.policy import Action, Role, User

# --- partnerships (rules of the partnerships room) ------------------------------------------
#
# An arrangement's record is seen by the community; a closed arrangement's members only by
# those inside it (the owner's and the active members' people) and the secretariat; its
# discussions only by those inside. Its disclosure page is public once the owner publishes it.


def _inside(user: User, arrangement: Any) -> bool:
    return bool(set(policy.roles_of(user)) & arrangement.active_member_ids())


def _may_register_arrangement(user: User, participant: Any) -> bool:
    if participant is None:
        return bool(policy.written_for(user))
    return policy.writes_for(user, participant.pk)


def _may_see_arrangement_members(user: User, arrangement: Any) -> bool:
    if not policy.in_community(user):
        return False
    return not arrangement.is_closed or _inside(user, arrangement) or policy.is_secretariat(user)


def _may_post_in_arrangement(user: User, arrangement: Any) -> bool:
    return any(policy.writes_for(user, pid) for pid in arrangement.active_member_ids())


def _may_join_arrangement(user: User, target: tuple[Any, Participant]) -> bool:
    """A participant's focal point (or the secretariat for it) asks to join; never the
    owner, never twice (the service says which it is)."""
    arrangement, participant = target
    role = policy.roles_of(user).get(participant.pk)
    return role in (Role.FOCAL_POINT, Role.SECRETARIAT) and participant.pk != arrangement.owner_id


def _may_publish_arrangement(user: User, arrangement: Any) -> bool:
    return policy.roles_of(user).get(arrangement.owner_id) in (
        Role.FOCAL_POINT,
        Role.SECRETARIAT,
    )


policy.register(
    {
        "partnerships.view": Action(lambda u, t: policy.in_community(u), writes=False),
        "partnerships.register": Action(_may_register_arrangement, writes=True),
        "partnerships.edit": Action(lambda u, a: policy.writes_for(u, a.owner_id), writes=True),
        "partnerships.publish": Action(_may_publish_arrangement, writes=True),
        "partnerships.view_members": Action(_may_see_arrangement_members, writes=False),
        "partnerships.view_discussion": Action(_inside, writes=False),
        "partnerships.post": Action(_may_post_in_arrangement, writes=True),
        "partnerships.join": Action(_may_join_arrangement, writes=True),
        "partnerships.decide": Action(lambda u, a: policy.writes_for(u, a.owner_id), writes=True),
        "partnerships.view_disclosure": Action(lambda u, a: a.is_published, writes=False, public=True),
    }
)
