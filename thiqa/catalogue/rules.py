"""The catalogue of commitments is a public text: read by anyone, unless the deployment is
closed (``THIQA_PUBLIC_CATALOGUE=0``), then by the community only.

The rules of the catalogue room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from typing import Any

from django.conf import settings

from thiqa.accounts import policy
from thiqa.accounts.policy import Action, User


def reads_public_texts(user: User, target: Any = None) -> bool:
    """The catalogue, the library and their search: anyone in an open deployment, signed in
    or not; the community in a closed one. Read at every call, so the setting decides."""
    return settings.THIQA_PUBLIC_CATALOGUE or (user.is_authenticated and policy.in_community(user))


policy.register(
    {
        "catalogue.view": Action(reads_public_texts, writes=False, public=True),
        "catalogue.export": Action(reads_public_texts, writes=False, public=True),
    }
)
