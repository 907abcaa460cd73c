"""The one authorization policy.

Every permission in Thiqa is decided here: web views, the API and CLI commands all
call :func:`can` or :func:`require` with an action name and, where it applies, the
object acted on. Each action says whether it changes data, so a read-only API token
can never perform it, whatever the user's role.

This module holds the decision and the facts about people that every rule needs (their
roles, the participants they write for). Each room owns the rules of its own actions in
its ``rules.py`` and declares them with :func:`register` when the app is ready, so the
policy never imports a room above it and no room decides outside it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from thiqa.accounts.models import ApiToken, Membership, Participant, User

Role = Membership.Role
WRITING_ROLES = frozenset({Role.SECRETARIAT, Role.FOCAL_POINT, Role.MEMBER})
SECOND_FACTOR_ROLES = frozenset({Role.SECRETARIAT, Role.FOCAL_POINT})


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
    return bool(SECOND_FACTOR_ROLES & set(roles_of(user).values()))


def is_focal_point_of(user: User, participant: Participant) -> bool:
    return roles_of(user).get(participant.pk) == Role.FOCAL_POINT


def in_community(user: User) -> bool:
    """Holds any active role: the directory and participant pages are for them only."""
    return bool(roles_of(user))


def open_deployment() -> bool:
    """``THIQA_PUBLIC_CATALOGUE``: in an open deployment (the default) visitors who are not
    signed in, and people with no role, read what is public (the catalogue, the library,
    agreed glossary concepts, public profiles, published disclosures...); a closed one has no
    reading outside the community at all. Read at every call, so the setting decides."""
    return bool(settings.THIQA_PUBLIC_CATALOGUE)


def reads_public(user: User | Any) -> bool:
    """May read what is public: anyone in an open deployment, the community in a closed one.
    :func:`can` asks it before the rule of every public action; the rooms' querysets of
    public records ask it too, so they agree with their rules."""
    return open_deployment() or bool(
        user is not None and user.is_authenticated and user.is_active and in_community(user)
    )


def writes_for(user: User, participant_id: int | None) -> bool:
    """Holds a role that writes (secretariat, focal point, member) in this participant."""
    return participant_id is not None and roles_of(user).get(participant_id) in WRITING_ROLES


def written_for(user: User) -> list[int]:
    """Ids of the participants ``user`` writes for (secretariat, focal point or member role)."""
    return [pid for pid, role in roles_of(user).items() if role in WRITING_ROLES]


def writing_participants(user: User) -> QuerySet[Participant]:
    """The active participants ``user`` writes for, by name."""
    return Participant.objects.filter(pk__in=written_for(user), is_active=True).order_by("name_en")


def manages_participant(user: User, participant: Participant) -> bool:
    return is_secretariat(user) or is_focal_point_of(user, participant)


def manages_some_participant(user: User, target: Any = None) -> bool:
    """Secretariat staff, or the focal point of some participant."""
    return is_secretariat(user) or Role.FOCAL_POINT in roles_of(user).values()


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


@dataclass(frozen=True)
class Action:
    rule: Callable[[User, Any], bool]
    writes: bool
    # Also asked for visitors who are not signed in (and for people with no role), unless the
    # deployment is closed: see :func:`reads_public`.
    public: bool = False


def anyone(user: User, target: Any) -> bool:
    return True


ACTIONS: dict[str, Action] = {}


def register(actions: dict[str, Action]) -> None:
    """Declare a room's actions and their rules (each room's ``rules.py``, imported when the
    app is ready). An action is declared once: a second declaration is a programming error."""
    clash = set(actions) & set(ACTIONS)
    if clash:
        raise ImproperlyConfigured(f"policy actions declared twice: {sorted(clash)}")
    ACTIONS.update(actions)


register(
    {
        "home.view": Action(anyone, writes=False),
        "participant.list": Action(lambda u, t: in_community(u), writes=False),
        "participant.view": Action(lambda u, t: in_community(u), writes=False),
        "participant.create": Action(lambda u, t: is_secretariat(u), writes=True),
        "participant.edit": Action(manages_participant, writes=True),
        "participant.view_people": Action(manages_participant, writes=False),
        "group.list": Action(lambda u, t: in_community(u), writes=False),
        "group.manage": Action(lambda u, t: is_secretariat(u), writes=True),
        "membership.assign": Action(_may_assign, writes=True),
        "membership.change": Action(_may_change_membership, writes=True),
        "token.manage": Action(anyone, writes=True),
        "token.revoke": Action(lambda u, token: token is not None and token.user_id == u.pk, writes=True),
    }
)


def can(user: User | Any, action: str, target: Any = None, token: ApiToken | None = None) -> bool:
    """May ``user`` perform ``action`` on ``target``, through ``token`` if an API call?"""
    rule = ACTIONS[action]  # an unknown action is a programming error, never a yes
    if rule.public and not reads_public(user):
        return False  # a closed deployment: nobody outside the community reads
    if user is None or not user.is_authenticated or not user.is_active:
        return rule.public and rule.rule(AnonymousUser(), target)
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
