"""The messaging room's items on the home page and its unread count in the navigation."""

from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from thiqa.accounts import policy
from thiqa.lib.badges import counter
from thiqa.lib.todo import TodoItem, provides_todo
from thiqa.messaging import inbox


@counter("messaging.unread")
def unread(user: Any) -> int:
    return inbox.unread_count(user) if policy.can(user, "messaging.view") else 0


@provides_todo
def messaging_todo(user: Any) -> list[TodoItem]:
    if not policy.can(user, "messaging.view"):
        return []
    received = inbox.received(user)
    waiting = inbox.awaiting(user, received).count()
    if not waiting:
        return []
    overdue = inbox.awaiting(user, received, overdue=True).count()
    return [
        {
            "text": ngettext(
                "%(count)d message is waiting for your acknowledgement.",
                "%(count)d messages are waiting for your acknowledgement.",
                waiting,
            )
            % {"count": waiting},
            "url": reverse("messaging:inbox") + "?state=awaiting",
            "level": "urgent" if overdue else "info",
        }
    ]
