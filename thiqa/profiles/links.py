"""What the profiles room adds to the pages of the rooms below: a catalogue item links to
the national positions and documents recorded on it, a participant's page to its profile."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.lib.links import Link, Section, provides
from thiqa.profiles import standing


@provides("catalogue.item")
def item_positions(user: Any, item: Any) -> list[Link | Section]:
    positions, documents = standing.on_item(user, item)
    if not (positions or documents):
        return []
    text = _("National positions (%(positions)d) and national documents (%(documents)d) on this item") % {
        "positions": len(positions),
        "documents": len(documents),
    }
    return [Link(text, reverse("profiles:item", args=[item.code]))]


@provides("accounts.participant")
def participant_profile(user: Any, participant: Any) -> list[Link | Section]:
    if not policy.can(user, "profiles.view", participant):
        return []
    return [Link(_("National profile"), reverse("profiles:profile", args=[participant.code]))]
