"""Background work of the reporting room: reminders before and after due dates, compilation
PDFs and their pruning."""

from datetime import timedelta

from django_tasks import task

from thiqa.reporting import compilation_pdfs, services
from thiqa.scheduler.registry import every, on_demand


@task()
def remind_reporting() -> int:
    return services.send_reminders()


every(timedelta(hours=1))(remind_reporting)


@on_demand
@task()
def prepare_compilation_pdf(job_id: int) -> str:
    return compilation_pdfs.prepare(job_id)


@task()
def prune_compilation_pdfs() -> int:
    return compilation_pdfs.prune()


every(timedelta(hours=1))(prune_compilation_pdfs)
