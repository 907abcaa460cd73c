"""Background work of the directory: CBM 8 re-confirmation reminders."""

from datetime import timedelta

from django_tasks import task

from thiqa.directory import services
from thiqa.scheduler.registry import every


@task()
def send_currency_reminders() -> int:
    return services.send_reminders()


every(timedelta(hours=1))(send_currency_reminders)
