"""The catalogue of commitments is read by the community.

The rules of the catalogue room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from thiqa.accounts import policy
from thiqa.accounts.policy import Action

policy.register(
    {
        "catalogue.view": Action(lambda u, t: policy.in_community(u), writes=False),
        "catalogue.export": Action(lambda u, t: policy.in_community(u), writes=False),
    }
)
