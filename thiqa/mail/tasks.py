"""Background work of the mail room."""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from thiqa.mail import services
from thiqa.scheduler.registry import every


@task()
def deliver_outbox() -> int:
    """Send every due message in the outbox; also run periodically for retries."""
    return services.deliver_due()


every(timedelta(seconds=getattr(settings, "THIQA_MAIL_SWEEP_SECONDS", 15)))(deliver_outbox)
