"""Background work of the checks room."""

from datetime import timedelta

from django_tasks import task

from thiqa.checks import services
from thiqa.checks.models import CheckRound
from thiqa.scheduler.registry import every, on_demand


@on_demand
@task()
def prepare_round_task(round_id: int) -> int:
    check = CheckRound.objects.filter(pk=round_id).first()
    return services.prepare_round(check) if check else 0


@task()
def sweep_checks() -> dict[str, int]:
    """Finish rounds whose preparation was interrupted, send reminders, close due rounds."""
    resumed = 0
    for check in CheckRound.objects.filter(status=CheckRound.Status.PREPARING):
        resumed += services.prepare_round(check)
    return {"resumed": resumed, "reminded": services.send_reminders(), "closed": services.close_due()}


every(timedelta(minutes=1))(sweep_checks)
