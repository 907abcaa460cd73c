"""Who may start communication checks, see their results and acknowledge a ping.

The rules of the checks room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.policy import Action, User


def _may_see_check_results(user: User, participant: Any) -> bool:
    """The secretariat sees every participant's results (``participant`` None asks for all
    of them); others only their own."""
    if policy.is_secretariat(user):
        return True
    return participant is not None and participant.pk in policy.roles_of(user)


def _is_addressee(user: User, ping: Any) -> bool:
    """A ping is acknowledged in the web inbox by the person it was sent to."""
    return user.email.lower() in {address.lower() for address in ping.addresses}


policy.register(
    {
        "checks.start": Action(lambda u, t: policy.is_secretariat(u), writes=True),
        "checks.list": Action(lambda u, t: policy.in_community(u), writes=False),
        "checks.view_results": Action(_may_see_check_results, writes=False),
        "checks.acknowledge": Action(_is_addressee, writes=True),
    }
)
