"""The catalogue of commitments is a public text: read by anyone, unless the deployment is
closed (``THIQA_PUBLIC_CATALOGUE=0``), then by the community only (``policy.reads_public``,
which the policy asks for every public action).

The rules of the catalogue room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.policy import Action, User


def reads_public_texts(user: User, target: Any = None) -> bool:
    """The catalogue, the library and their search: anyone in an open deployment, signed in
    or not; the community in a closed one. Read at every call, so the setting decides."""
    return policy.reads_public(user)


policy.register(
    {
        "catalogue.view": Action(reads_public_texts, writes=False, public=True),
        "catalogue.export": Action(reads_public_texts, writes=False, public=True),
    }
)
