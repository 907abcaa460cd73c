"""The one authorization policy.

Every permission in Thiqa is decided here: web views, the API and CLI commands all
call :func:`can` or :func:`require` with an action name and, where it applies, the
object acted on. Each action says whether it changes data, so a read-only API token
can never perform it, whatever the user's role.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from thiqa.accounts.models import ApiToken, Membership, Participant, User

Role = Membership.Role


def roles_of(user: User) -> dict[int, str]:
    """Active roles of a user, by participant id, cached on the user object."""
    cached = getattr(user, "_thiqa_roles", None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(user=user, is_active=True, participant__is_active=True).values_list(
                "participant_id", "role"
            )
        )
        user._thiqa_roles = cached  # type: ignore[attr-defined]
    return cached


def forget_roles(user: User) -> None:
    """Drop the cached roles after they changed."""
    user.__dict__.pop("_thiqa_roles", None)


def is_secretariat(user: User) -> bool:
    return Role.SECRETARIAT in roles_of(user).values()


def needs_second_factor(user: User) -> bool:
    """Secretariat staff and focal points must sign in with a second factor."""
    return bool({Role.SECRETARIAT, Role.FOCAL_POINT} & set(roles_of(user).values()))


def is_focal_point_of(user: User, participant: Participant) -> bool:
    return roles_of(user).get(participant.pk) == Role.FOCAL_POINT


def in_community(user: User) -> bool:
    """Holds any active role: the directory and participant pages are for them only."""
    return bool(roles_of(user))


def _manages_participant(user: User, participant: Participant) -> bool:
    return is_secretariat(user) or is_focal_point_of(user, participant)


def _may_assign(user: User, target: tuple[Participant, str]) -> bool:
    """Focal points add members and observers to their own participant; the
    secretariat assigns any role, and the secretariat role only within a
    participant that runs the platform."""
    participant, role = target
    if role == Role.SECRETARIAT and not participant.is_secretariat:
        return False
    if is_secretariat(user):
        return True
    return is_focal_point_of(user, participant) and role in {Role.MEMBER, Role.OBSERVER}


def _may_change_membership(user: User, membership: Membership) -> bool:
    if membership.user_id == user.pk:
        return False  # nobody changes or removes their own role
    if is_secretariat(user):
        return True
    return is_focal_point_of(user, membership.participant) and membership.role in {
        Role.MEMBER,
        Role.OBSERVER,
    }


def _may_see_contact(user: User, contact: Any) -> bool:
    """Community members see published contacts; one marked for the secretariat only is
    seen by the secretariat and its own participant's people. Mirrors
    ``ContactQuerySet.visible_to``."""
    if not in_community(user) or contact.removed_at is not None:
        return False
    if not contact.secretariat_only or is_secretariat(user):
        return True
    return contact.participant_id in roles_of(user)


def _may_manage_some_participant(user: User, target: Any) -> bool:
    return is_secretariat(user) or Role.FOCAL_POINT in roles_of(user).values()


def _may_see_group_compliance(user: User, group: Any) -> bool:
    """The secretariat sees every group; a focal point sees the groups it belongs to."""
    if is_secretariat(user):
        return True
    if group is None:
        return False
    own = {pid for pid, role in roles_of(user).items() if role == Role.FOCAL_POINT}
    return group.members.filter(pk__in=own).exists()


def _may_see_check_results(user: User, participant: Any) -> bool:
    """The secretariat sees every participant's results (``participant`` None asks for all
    of them); others only their own."""
    if is_secretariat(user):
        return True
    return participant is not None and participant.pk in roles_of(user)


def _is_addressee(user: User, ping: Any) -> bool:
    """A ping is acknowledged in the web inbox by the person it was sent to."""
    return user.email.lower() in {address.lower() for address in ping.addresses}


@dataclass(frozen=True)
class Action:
    rule: Callable[[User, Any], bool]
    writes: bool


def _anyone(user: User, target: Any) -> bool:
    return True


ACTIONS: dict[str, Action] = {
    "home.view": Action(_anyone, writes=False),
    "participant.list": Action(lambda u, t: in_community(u), writes=False),
    "participant.view": Action(lambda u, t: in_community(u), writes=False),
    "participant.create": Action(lambda u, t: is_secretariat(u), writes=True),
    "participant.edit": Action(_manages_participant, writes=True),
    "participant.view_people": Action(_manages_participant, writes=False),
    "group.list": Action(lambda u, t: in_community(u), writes=False),
    "group.manage": Action(lambda u, t: is_secretariat(u), writes=True),
    "membership.assign": Action(_may_assign, writes=True),
    "membership.change": Action(_may_change_membership, writes=True),
    "token.manage": Action(_anyone, writes=True),
    "token.revoke": Action(lambda u, token: token is not None and token.user_id == u.pk, writes=True),
    "mail.view_outbox": Action(lambda u, t: is_secretariat(u), writes=False),
    "mail.requeue": Action(lambda u, t: is_secretariat(u), writes=True),
    "audit.view": Action(lambda u, t: is_secretariat(u), writes=False),
    "catalogue.view": Action(lambda u, t: in_community(u), writes=False),
    "catalogue.export": Action(lambda u, t: in_community(u), writes=False),
    "library.view": Action(lambda u, t: in_community(u), writes=False),
    "library.ingest": Action(lambda u, t: is_secretariat(u), writes=True),
    "search.query": Action(lambda u, t: in_community(u), writes=False),
    "directory.view": Action(lambda u, t: in_community(u), writes=False),
    "directory.view_contact": Action(_may_see_contact, writes=False),
    "directory.export": Action(lambda u, t: in_community(u), writes=False),
    "directory.nominate": Action(_manages_participant, writes=True),
    "directory.confirm": Action(_manages_participant, writes=True),
    "directory.edit_structures": Action(_manages_participant, writes=True),
    "directory.import": Action(_may_manage_some_participant, writes=True),
    "directory.review": Action(lambda u, t: is_secretariat(u), writes=True),
    "directory.compliance": Action(_may_see_group_compliance, writes=False),
    "checks.start": Action(lambda u, t: is_secretariat(u), writes=True),
    "checks.list": Action(lambda u, t: in_community(u), writes=False),
    "checks.view_results": Action(_may_see_check_results, writes=False),
    "checks.acknowledge": Action(_is_addressee, writes=True),
}


def can(user: User | Any, action: str, target: Any = None, token: ApiToken | None = None) -> bool:
    """May ``user`` perform ``action`` on ``target``, through ``token`` if an API call?"""
    rule = ACTIONS[action]  # an unknown action is a programming error, never a yes
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if token is not None and rule.writes and not token.allows_writes:
        return False
    return rule.rule(user, target)


def request_token(request: Any) -> ApiToken | None:
    """The API token a request was authenticated with (None for a browser session)."""
    return getattr(request, "api_token", None)


def require_request(request: Any, action: str, target: Any = None) -> None:
    """:func:`require` for the user of an API request, through the token it came with."""
    require(request.user, action, target, request_token(request))


def require(user: User | Any, action: str, target: Any = None, token: ApiToken | None = None) -> None:
    """Raise PermissionDenied unless :func:`can` says yes."""
    if not can(user, action, target, token):
        raise PermissionDenied(_("You are not allowed to do this."))
