"""STIX bundles in and out of the incidents room, under the policy."""

from collections.abc import Iterable
from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.models import ApiToken, Participant, User
from thiqa.incidents import services as incidents
from thiqa.incidents.models import Incident
from thiqa.taxii import stix


def exportable(user: User, incidents: Iterable[Incident], token: ApiToken | None = None) -> list[Incident]:
    """The incidents ``user`` may export as a STIX bundle."""
    return [i for i in incidents if policy.can(user, "stix.export", i, token)]


def export_bundle(user: User, incidents: Iterable[Incident], token: ApiToken | None = None) -> dict[str, Any]:
    return stix.export(exportable(user, incidents, token))


def import_bundle(
    user: User, participant: Participant, data: Any, token: ApiToken | None = None
) -> tuple[Incident, stix.Imported]:
    """A draft incident of ``participant`` from a STIX bundle, with its indicators and
    vulnerabilities; raises :class:`stix.StixError` (nothing written) if the bundle is not
    valid or carries a marking other than TLP."""
    policy.require(user, "stix.import", participant, token)
    imported = stix.read_bundle(data)
    incident = incidents.record(
        user,
        participant,
        title=imported.title,
        summary=imported.summary,
        tlp=imported.tlp,
        detected_at=imported.detected_at,
        indicators=imported.indicators,
        cves=imported.cves,
        draft=True,
    )
    return incident, imported
