"""Who may see and change the points-of-contact directory.

The rules of the directory room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.policy import Action, User


def _may_see_contact(user: User, contact: Any) -> bool:
    """Community members see published contacts; one marked for the secretariat only is
    seen by the secretariat and its own participant's people. Mirrors
    ``ContactQuerySet.visible_to``."""
    if not policy.in_community(user) or contact.removed_at is not None:
        return False
    if not contact.secretariat_only or policy.is_secretariat(user):
        return True
    return contact.participant_id in policy.roles_of(user)


def _may_see_group_compliance(user: User, group: Any) -> bool:
    """The secretariat sees every group; a focal point sees the groups it belongs to."""
    if policy.is_secretariat(user):
        return True
    if group is None:
        return False
    own = {pid for pid, role in policy.roles_of(user).items() if role == policy.Role.FOCAL_POINT}
    return group.members.filter(pk__in=own).exists()


policy.register(
    {
        "directory.view": Action(lambda u, t: policy.in_community(u), writes=False),
        "directory.view_contact": Action(_may_see_contact, writes=False),
        "directory.export": Action(lambda u, t: policy.in_community(u), writes=False),
        "directory.nominate": Action(policy.manages_participant, writes=True),
        "directory.confirm": Action(policy.manages_participant, writes=True),
        "directory.edit_structures": Action(policy.manages_participant, writes=True),
        "directory.import": Action(policy.manages_some_participant, writes=True),
        "directory.review": Action(lambda u, t: policy.is_secretariat(u), writes=True),
        "directory.compliance": Action(_may_see_group_compliance, writes=False),
    }
)
