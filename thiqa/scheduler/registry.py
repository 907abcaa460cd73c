"""Periodic jobs: tasks that the worker enqueues on a fixed interval.

Several workers may run at once (on PostgreSQL): a job is enqueued by whichever
worker wins a conditional update of its ``next_run_at``, so it runs once per interval.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

JOBS: dict[str, "PeriodicJob"] = {}
TASKS: dict[str, Any] = {}  # every task a room's services start by name, periodic jobs included


@dataclass(frozen=True)
class PeriodicJob:
    task: Any  # a django_tasks Task
    interval: timedelta

    @property
    def name(self) -> str:
        return self.task.module_path


def every(interval: timedelta) -> Callable[[Any], Any]:
    """Register a task to be enqueued every ``interval``."""

    def register(task: Any) -> Any:
        job = PeriodicJob(task, interval)
        JOBS[job.name] = job
        return on_demand(task)

    return register


def on_demand(task: Any) -> Any:
    """Register a task that a room's services start by name with :func:`enqueue`: services
    are imported by their own ``tasks.py``, so they cannot import the task itself."""
    TASKS[task.module_path] = task
    return task


def enqueue(name: str, *args: Any) -> None:
    """Enqueue the registered task ``name`` (its module path) with ``args``."""
    TASKS[name].enqueue(*args)


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every job that is due; return the names of those this call enqueued."""
    from thiqa.scheduler.models import ScheduledJob

    now = now or timezone.now()
    enqueued = []
    for job in JOBS.values():
        row, _ = ScheduledJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
        if row.next_run_at > now:
            continue
        won = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=now + job.interval, last_run_at=now
        )
        if won:
            job.task.enqueue()
            enqueued.append(job.name)
    return enqueued
