"""What the STIX and TAXII room adds to the incidents room's pages: an incident's page links
to its STIX 2.1 bundle, for those who may export it."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.lib.links import Link, Section, provides


@provides("incidents.incident")
def stix_bundle(user: Any, incident: Any) -> list[Link | Section]:
    if not policy.can(user, "stix.export", incident):
        return []
    return [Link(_("Download as a STIX 2.1 bundle"), reverse("api:stix_incident", args=[incident.uuid]))]
