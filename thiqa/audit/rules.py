"""The audit log is the secretariat's.

The rules of the audit room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from thiqa.accounts import policy
from thiqa.accounts.policy import Action

policy.register(
    {
        "audit.view": Action(lambda u, t: policy.is_secretariat(u), writes=False),
    }
)
