"""Background work of the reporting room: reminders before and after due dates."""

from datetime import timedelta

from django_tasks import task

from thiqa.reporting import services
from thiqa.scheduler.registry import every


@task()
def remind_reporting() -> int:
    return services.send_reminders()


every(timedelta(hours=1))(remind_reporting)
