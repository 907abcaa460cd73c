"""The capacity room's item on the home page, and its count for the navigation: requests to
engage that the person's participants have been asked and not yet answered."""

from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from thiqa.accounts import policy
from thiqa.capacity.models import Engagement
from thiqa.lib.badges import counter
from thiqa.lib.todo import TodoItem, provides_todo


def waiting_for(user: Any) -> int:
    """Proposed requests asked of a participant ``user`` answers for."""
    if not policy.can(user, "capacity.view"):
        return 0
    proposed = Engagement.objects.visible_to(user).filter(status=Engagement.Status.PROPOSED)
    return sum(1 for e in proposed.select_related("need", "offer") if policy.can(user, "capacity.answer", e))


@counter("capacity.waiting")
def waiting(user: Any) -> int:
    return waiting_for(user)


@provides_todo
def capacity_todo(user: Any) -> list[TodoItem]:
    count = waiting_for(user)
    if not count:
        return []
    return [
        {
            "text": ngettext(
                "%(count)d request to engage on capacity building waits for your answer.",
                "%(count)d requests to engage on capacity building wait for your answer.",
                count,
            )
            % {"count": count},
            "url": reverse("capacity:engagements") + "?status=proposed",
            "level": "info",
        }
    ]
