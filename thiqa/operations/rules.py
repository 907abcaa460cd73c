"""Who may read the platform's operational metrics.

The rules of the operations room, registered with the one policy (``accounts/policy.py``),
which decides every request with them. ``/healthz`` answers anyone (load balancers and
monitors ask it without credentials) and says only whether each part works."""

from thiqa.accounts import policy
from thiqa.accounts.policy import Action

policy.register(
    {
        # Prometheus scrapes with a secretariat member's API token (a read token is enough).
        "operations.metrics": Action(lambda u, t: policy.is_secretariat(u), writes=False),
    }
)
