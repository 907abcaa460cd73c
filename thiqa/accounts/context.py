"""Template context: the navigation a user may see, decided by the policy."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.lib.badges import count

# (label, url name, action the policy must allow, counter shown beside it or "")
NAVIGATION = [
    (_("Home"), "home", "home.view", ""),
    (_("Participants"), "accounts:participants", "participant.list", ""),
    (_("Groups"), "accounts:groups", "group.list", ""),
    (_("Directory"), "directory:index", "directory.view", ""),
    (_("Checks"), "checks:rounds", "checks.list", ""),
    (_("Messages"), "messaging:inbox", "messaging.view", "messaging.unread"),
    (_("Incidents"), "incidents:list", "incidents.view", ""),
    (_("Reporting"), "reporting:cycles", "reporting.view", ""),
    (_("Partnerships"), "partnerships:index", "partnerships.view", ""),
    (_("Capacity building"), "capacity:index", "capacity.view", "capacity.waiting"),
    (_("Activities"), "activities:index", "activities.view", ""),
    (_("Glossary"), "glossary:index", "glossary.view", ""),
    (_("Profiles"), "profiles:index", "profiles.view", ""),
    (_("Catalogue"), "catalogue:index", "catalogue.view", ""),
    (_("Library"), "library:documents", "library.view", ""),
    (_("Search"), "search", "search.query", ""),
    (_("Outbox"), "mail:outbox", "mail.view_outbox", ""),
    (_("Audit log"), "audit:events", "audit.view", ""),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The links the policy lets this person open; a visitor who is not signed in gets those
    of the public actions in an open deployment (the catalogue, the library, the search, the
    glossary, the profiles), none in a closed one (``policy.reads_public``)."""
    user = getattr(request, "user", None)
    items = []
    for label, name, action, badge in NAVIGATION:
        if policy.can(user, action):
            url = reverse(name)
            items.append(
                {
                    "label": label,
                    "url": url,
                    "current": request.path == url,
                    "badge": count(badge, user) if badge else 0,
                }
            )
    return {"nav_items": items}
