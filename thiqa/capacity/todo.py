"""The capacity room's items on the home page, and its count for the navigation: requests to
engage that the person's participants have been asked and not yet answered; completed
engagements that wait for their side's evaluation."""

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


def to_evaluate(user: Any) -> int:
    """Completed engagements with a side ``user`` evaluates for that has not evaluated yet."""
    if not policy.can(user, "capacity.view"):
        return 0
    completed = (
        Engagement.objects.visible_to(user)
        .filter(status=Engagement.Status.COMPLETED)
        .select_related("need", "offer")
        .prefetch_related("evaluations")
    )
    return sum(
        1
        for e in completed
        if any(
            e.evaluation_of(side) is None and policy.can(user, "capacity.evaluate", (e, side))
            for side in Engagement.Side.values
        )
    )


@counter("capacity.waiting")
def waiting(user: Any) -> int:
    return waiting_for(user)


@provides_todo
def capacity_todo(user: Any) -> list[TodoItem]:
    items = []
    count = waiting_for(user)
    if count:
        items.append(
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
        )
    unevaluated = to_evaluate(user)
    if unevaluated:
        items.append(
            {
                "text": ngettext(
                    "%(count)d completed engagement waits for your side's evaluation.",
                    "%(count)d completed engagements wait for your side's evaluation.",
                    unevaluated,
                )
                % {"count": unevaluated},
                "url": reverse("capacity:engagements") + "?status=completed",
                "level": "info",
            }
        )
    return items
