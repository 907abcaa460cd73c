"""The outbox is the secretariat's.

The rules of the mail room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from thiqa.accounts import policy
from thiqa.accounts.policy import Action

policy.register(
    {
        "mail.view_outbox": Action(lambda u, t: policy.is_secretariat(u), writes=False),
        "mail.requeue": Action(lambda u, t: policy.is_secretariat(u), writes=True),
    }
)
