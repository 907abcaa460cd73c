"""What the incidents room adds to a message's page (``lib/links.py``): the incidents
recorded from it that the reader may read, and, on an incident notification, the link to
record it as an incident."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.incidents.models import Incident
from thiqa.incidents.services import NOTIFICATION
from thiqa.lib.links import Link, Section, provides
from thiqa.messaging.models import Message


@provides("messaging.message")
def incident_links(user: Any, message: Message) -> list[Link | Section]:
    links: list[Link | Section] = [
        Link(
            _("Incident: %(title)s") % {"title": incident.title},
            reverse("incidents:incident", args=[incident.pk]),
        )
        for incident in Incident.objects.readable_by(user).filter(messages=message)
    ]
    if message.kind == NOTIFICATION and set(policy.written_for(user)) & message.party_ids():
        links.append(
            Link(
                _("Record from this notification"), reverse("incidents:from_notification", args=[message.pk])
            )
        )
    return links
