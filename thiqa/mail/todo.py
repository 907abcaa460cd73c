from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext

from thiqa.accounts import policy
from thiqa.lib.todo import TodoItem, provides_todo
from thiqa.mail.models import OutboundMessage


@provides_todo
def mail_todo(user: Any) -> list[TodoItem]:
    if not policy.can(user, "mail.view_outbox"):
        return []
    stuck = OutboundMessage.objects.filter(
        status__in=[OutboundMessage.Status.FAILED, OutboundMessage.Status.UNCERTAIN]
    ).count()
    if not stuck:
        return []
    return [
        {
            "text": ngettext(
                "%(count)d e-mail could not be delivered.", "%(count)d e-mails could not be delivered.", stuck
            )
            % {"count": stuck},
            "url": reverse("mail:outbox") + "?status=problem",
            "level": "urgent",
        }
    ]
