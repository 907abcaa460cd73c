"""Traffic Light Protocol 2.0 (FIRST): the labels, their order and what each one allows.

The labels are written as the standard writes them, in English, in every language
("TLP:AMBER+STRICT"); their meanings are translated. Who may read, forward, export or
find a labelled thing is decided by the authorization policy (``accounts/policy.py``),
which asks this module how strict a label is.
"""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class TLP(models.TextChoices):
    CLEAR = "CLEAR", "TLP:CLEAR"
    GREEN = "GREEN", "TLP:GREEN"
    AMBER = "AMBER", "TLP:AMBER"
    AMBER_STRICT = "AMBER+STRICT", "TLP:AMBER+STRICT"
    RED = "RED", "TLP:RED"


# From the least to the most restrictive.
ORDER: tuple[str, ...] = (TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED)

MEANINGS: dict[str, Promise] = {
    TLP.CLEAR: _("Disclosure is not limited: recipients may share this with anyone."),
    TLP.GREEN: _(
        "Limited to the community: recipients may share this with peers and partners in the "
        "community, but not publicly."
    ),
    TLP.AMBER: _(
        "Limited disclosure: recipients may share this only within their organization and with "
        "its clients, on a need-to-know basis."
    ),
    TLP.AMBER_STRICT: _(
        "Restricted to the recipient's organization: recipients may share this only within "
        "their own organization, on a need-to-know basis."
    ),
    TLP.RED: _("For the named recipients only: it must not be shared with anyone else."),
}

# Labels whose content may travel in an e-mail that is not encrypted.
CLEAR_EMAIL: frozenset[str] = frozenset({TLP.CLEAR, TLP.GREEN})
# Labels whose content a reader may export from the platform as a file: AMBER allows
# sharing with the organization's clients, who are outside Thiqa; AMBER+STRICT and RED
# keep the content where their readers are.
EXPORTABLE: frozenset[str] = frozenset({TLP.CLEAR, TLP.GREEN, TLP.AMBER})


def rank(label: str) -> int:
    """0 for CLEAR up to 4 for RED; an unknown label is an error."""
    return ORDER.index(label)


def stricter(*labels: str) -> str:
    """The most restrictive of ``labels``."""
    return max(labels, key=rank)


def marking(label: str) -> str:
    """The label as it is printed: ``TLP:AMBER+STRICT``."""
    return f"TLP:{label}"


def css_class(label: str) -> str:
    """``tlp-amber-strict``: the class that colours a label as the standard asks."""
    return "tlp-" + label.lower().replace("+", "-")
