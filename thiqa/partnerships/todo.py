"""The partnerships room's items on the home page: join requests waiting for a decision."""

from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from thiqa.accounts import policy
from thiqa.lib.todo import TodoItem, provides_todo
from thiqa.partnerships.models import Member


@provides_todo
def partnerships_todo(user: Any) -> list[TodoItem]:
    writes = policy.written_for(user)
    if not writes:
        return []
    waiting = Member.objects.filter(arrangement__owner_id__in=writes, status=Member.Status.REQUESTED)
    count = waiting.count()
    if not count:
        return []
    first = waiting.order_by("requested_at").values_list("arrangement_id", flat=True).first()
    return [
        {
            "text": ngettext(
                "%(count)d request to join your arrangements waits for a decision.",
                "%(count)d requests to join your arrangements wait for a decision.",
                count,
            )
            % {"count": count},
            "url": reverse("partnerships:arrangement", args=[first]),
            "level": "info",
        }
    ]
