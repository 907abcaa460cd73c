"""Background work of the operations room: the workers' heartbeat, and pruning the record of
finished tasks (periodic sweeps add one every few seconds)."""

import os
import socket
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from thiqa.operations.models import Heartbeat
from thiqa.scheduler.registry import every

HEARTBEAT_SECONDS = 30


@every(timedelta(seconds=HEARTBEAT_SECONDS))
@task()
def heartbeat() -> str:
    """Record that a worker took this task and ran it."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    Heartbeat.objects.update_or_create(worker=worker, defaults={"at": timezone.now()})
    return worker


@every(timedelta(hours=1))
@task()
def prune_task_results() -> int:
    """Forget finished tasks older than ``THIQA_TASK_RESULT_DAYS`` days, and heartbeats of
    workers that stopped a day ago."""
    now = timezone.now()
    cutoff = now - timedelta(days=settings.THIQA_TASK_RESULT_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    Heartbeat.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return deleted
