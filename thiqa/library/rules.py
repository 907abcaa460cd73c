"""The document library and the search over it.

The rules of the library room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from thiqa.accounts import policy
from thiqa.accounts.policy import Action

policy.register(
    {
        "library.view": Action(lambda u, t: policy.in_community(u), writes=False),
        "library.ingest": Action(lambda u, t: policy.is_secretariat(u), writes=True),
        "search.query": Action(lambda u, t: policy.in_community(u), writes=False),
    }
)
