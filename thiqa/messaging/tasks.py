"""Background work of the messaging room: the escalation sweep."""

from datetime import timedelta

from django_tasks import task

from thiqa.messaging import services
from thiqa.scheduler.registry import every


@task()
def escalate_messages() -> int:
    """Pass unacknowledged messages one step up once their deadline has passed."""
    return services.escalate_due()


every(timedelta(minutes=1))(escalate_messages)
