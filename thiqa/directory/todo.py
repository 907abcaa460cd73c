"""The directory's items on the home page: reviews for the secretariat, re-confirmation
and returned proposals for focal points."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thiqa.accounts import policy
from thiqa.accounts.models import Membership, Participant
from thiqa.directory import services
from thiqa.directory.models import Nomination
from thiqa.lib.todo import TodoItem, provides_todo


@provides_todo
def directory_todo(user: Any) -> list[TodoItem]:
    items: list[TodoItem] = []
    if policy.can(user, "directory.review"):
        pending = Nomination.objects.filter(status=Nomination.Status.PENDING).count()
        if pending:
            items.append(
                {
                    "text": ngettext(
                        "%(count)d contact nomination is waiting for your review.",
                        "%(count)d contact nominations are waiting for your review.",
                        pending,
                    )
                    % {"count": pending},
                    "url": reverse("directory:reviews"),
                    "level": "urgent",
                }
            )
    own = Participant.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.FOCAL_POINT, memberships__is_active=True
    )
    today = timezone.localdate()
    for standing in services.currency(list(own)) if own else []:
        url = reverse("directory:participant", args=[standing.participant.code])
        if standing.is_overdue(today):
            items.append(
                {
                    "text": _("Re-confirmation of the contacts of %(name)s is overdue.")
                    % {"name": standing.participant.name},
                    "url": url,
                    "level": "urgent",
                }
            )
        elif standing.is_due_soon(today):
            items.append(
                {
                    "text": _("Re-confirm the contacts of %(name)s by %(date)s.")
                    % {
                        "name": standing.participant.name,
                        "date": formats.date_format(standing.due_on, "DATE_FORMAT"),
                    },
                    "url": url,
                    "level": "info",
                }
            )
        if not standing.complete:
            items.append(
                {
                    "text": _("Nominate a policy and a technical point of contact for %(name)s.")
                    % {"name": standing.participant.name},
                    "url": url,
                    "level": "info",
                }
            )
    returned = Nomination.objects.filter(
        proposed_by=user,
        status=Nomination.Status.RETURNED,
        decided_at__gte=timezone.now() - timedelta(days=30),
    )
    for nomination in returned.select_related("participant"):
        items.append(
            {
                "text": _("The secretariat returned your proposal for %(name)s: %(reason)s")
                % {"name": nomination.participant.name, "reason": nomination.reason},
                "url": reverse("directory:participant", args=[nomination.participant.code]),
                "level": "info",
            }
        )
    return items
