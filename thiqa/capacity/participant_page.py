"""The capacity room's section of a participant's page: its completed engagements, on either
side, and the projects it funds, implements or benefits from."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.capacity.models import Engagement, Project, ProjectParty
from thiqa.lib.links import Link, Section, provides


@provides("accounts.participant")
def capacity_section(user: Any, participant: Any) -> list[Link | Section]:
    if not policy.can(user, "capacity.view"):
        return []
    completed = (
        Engagement.objects.filter(status=Engagement.Status.COMPLETED)
        .filter(Q(need__participant=participant) | Q(offer__participant=participant))
        .select_related("need__participant", "offer__participant")
        .order_by("-ended_at", "-pk")
    )
    rows = [
        {
            "engagement": e,
            "provided": e.offer.participant_id == participant.pk,
            "partner": e.need.participant
            if e.offer.participant_id == participant.pk
            else e.offer.participant,
            "can_view": policy.can(user, "capacity.view_engagement", e),
        }
        for e in completed
    ]
    parties = ProjectParty.objects.filter(participant=participant)
    projects = [
        {"project": p, "roles": [party.get_role_display() for party in parties if party.project_id == p.pk]}
        for p in Project.objects.filter(pk__in=parties.values("project_id"))
    ]
    if not rows and not projects:
        return []
    return [
        Section(
            _("Capacity building"), "capacity/_participant.html", {"completed": rows, "projects": projects}
        )
    ]
