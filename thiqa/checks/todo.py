"""The checks room's items on the home page: pings waiting for the person's acknowledgement."""

from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from thiqa.checks.services import inbox
from thiqa.lib.todo import TodoItem, provides_todo


@provides_todo
def checks_todo(user: Any) -> list[TodoItem]:
    waiting = len(inbox(user))
    if not waiting:
        return []
    return [
        {
            "text": ngettext(
                "%(count)d communication check is waiting for your acknowledgement.",
                "%(count)d communication checks are waiting for your acknowledgement.",
                waiting,
            )
            % {"count": waiting},
            "url": reverse("checks:inbox"),
            "level": "urgent",
        }
    ]
