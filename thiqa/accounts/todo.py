"""What the accounts room asks of people on their home page."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thiqa.accounts import policy
from thiqa.accounts.models import Membership, Participant
from thiqa.lib.todo import TodoItem, provides_todo


@provides_todo
def account_todo(user: Any) -> list[TodoItem]:
    items: list[TodoItem] = []
    if not user.has_second_factor:
        level = "urgent" if policy.needs_second_factor(user) else "info"
        items.append(
            {
                "text": _("Set up a second factor (authenticator app) for your account."),
                "url": reverse("accounts:mfa_setup"),
                "level": level,
            }
        )
    if policy.is_secretariat(user):
        missing = (
            Participant.objects.filter(kind=Participant.Kind.STATE, is_active=True)
            .exclude(memberships__role=Membership.Role.FOCAL_POINT, memberships__is_active=True)
            .count()
        )
        if missing:
            items.append(
                {
                    "text": ngettext(
                        "%(count)d State has no focal point yet.",
                        "%(count)d States have no focal point yet.",
                        missing,
                    )
                    % {"count": missing},
                    "url": reverse("accounts:participants") + "?kind=state",
                    "level": "info",
                }
            )
    for membership in user.memberships.filter(
        is_active=True, role=Membership.Role.FOCAL_POINT
    ).select_related("participant"):
        others = membership.participant.memberships.filter(is_active=True).exclude(user=user).count()
        if not others:
            items.append(
                {
                    "text": _("Invite colleagues to %s: you are its only member.")
                    % membership.participant.name,
                    "url": reverse("accounts:invite", args=[membership.participant.code]),
                    "level": "info",
                }
            )
    return items
