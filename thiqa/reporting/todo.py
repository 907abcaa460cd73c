"""The reporting room's items on the home page: open cycles the person's participant has
not submitted to, and questions about its submissions waiting for an answer."""

from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thiqa.accounts import policy
from thiqa.lib.todo import TodoItem, provides_todo
from thiqa.reporting.models import Cycle, Response, SubmissionQuestion


@provides_todo
def reporting_todo(user: Any) -> list[TodoItem]:
    writes = policy.written_for(user)
    if not writes:
        return []
    today = timezone.localdate()
    items = []
    for cycle in Cycle.objects.filter(closed_at__isnull=True, opens_on__lte=today):
        done = set(
            Response.objects.filter(cycle=cycle, status=Response.Status.SUBMITTED).values_list(
                "participant_id", flat=True
            )
        )
        for participant in cycle.scope().filter(pk__in=writes).exclude(pk__in=done):
            late = today > cycle.due_on
            items.append(
                {
                    "text": (
                        _("%(participant)s: %(cycle)s was due on %(date)s.")
                        if late
                        else _("%(participant)s: %(cycle)s is due on %(date)s.")
                    )
                    % {
                        "participant": participant.name,
                        "cycle": cycle.title,
                        "date": formats.date_format(cycle.due_on),
                    },
                    "url": reverse("reporting:respond", args=[cycle.pk, participant.code]),
                    "level": "urgent" if late else "info",
                }
            )
    waiting = SubmissionQuestion.objects.filter(
        response__participant_id__in=writes, answered_at__isnull=True
    ).count()
    if waiting:
        items.append(
            {
                "text": ngettext(
                    "%(count)d question about your submissions waits for an answer.",
                    "%(count)d questions about your submissions wait for an answer.",
                    waiting,
                )
                % {"count": waiting},
                "url": reverse("reporting:cycles"),
                "level": "info",
            }
        )
    return items
