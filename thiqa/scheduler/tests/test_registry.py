"""Periodic jobs: tick() enqueues a registered job when it is due, once per interval,
however many workers tick at the same moment."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from thiqa.scheduler import registry
from thiqa.scheduler.models import ScheduledJob

INTERVAL = timedelta(minutes=10)


@task()
def heartbeat() -> str:
    """A throwaway periodic job."""
    return "beat"


@pytest.fixture
def job(db) -> Iterator[registry.PeriodicJob]:
    registry.every(INTERVAL)(heartbeat)
    yield registry.JOBS[heartbeat.module_path]
    registry.JOBS.pop(heartbeat.module_path, None)


def runs() -> int:
    return DBTaskResult.objects.filter(task_path=heartbeat.module_path).count()


def test_every_registers_the_task_under_its_module_path(job):
    assert job.name == "thiqa.scheduler.tests.test_registry.heartbeat"
    assert job.task is heartbeat
    assert job.interval == INTERVAL


def test_a_new_job_is_enqueued_on_the_first_tick(job):
    now = timezone.now()
    assert job.name in registry.tick(now)
    assert runs() == 1
    row = ScheduledJob.objects.get(name=job.name)
    assert row.last_run_at == now
    assert row.next_run_at == now + INTERVAL
    task_row = DBTaskResult.objects.get(task_path=job.name)
    assert task_row.status == "READY"


def test_it_is_not_enqueued_again_within_its_interval(job):
    now = timezone.now()
    registry.tick(now)

    assert job.name not in registry.tick(now)
    assert job.name not in registry.tick(now + INTERVAL - timedelta(seconds=1))
    assert runs() == 1


def test_it_is_enqueued_again_once_the_interval_has_passed(job):
    now = timezone.now()
    registry.tick(now)

    assert job.name in registry.tick(now + INTERVAL)
    assert runs() == 2
    row = ScheduledJob.objects.get(name=job.name)
    assert row.next_run_at == now + 2 * INTERVAL


def test_a_job_that_is_not_due_yet_is_left_alone(job):
    now = timezone.now()
    ScheduledJob.objects.create(name=job.name, next_run_at=now + timedelta(minutes=1))
    assert job.name not in registry.tick(now)
    assert runs() == 0
    assert job.name in registry.tick(now + timedelta(minutes=1))
    assert runs() == 1


def test_a_missed_run_is_enqueued_once_not_once_per_missed_interval(job):
    now = timezone.now()
    ScheduledJob.objects.create(name=job.name, next_run_at=now - 5 * INTERVAL)

    assert job.name in registry.tick(now)
    assert job.name not in registry.tick(now)
    assert runs() == 1
    assert ScheduledJob.objects.get(name=job.name).next_run_at == now + INTERVAL


def test_two_ticks_racing_for_the_same_due_row_enqueue_it_once(job):
    """The first tick has read the due row when a second worker's tick runs in full;
    then the first carries on with what it read. Only one of them may enqueue."""
    now = timezone.now()
    row = ScheduledJob.objects.create(name=job.name, next_run_at=now - timedelta(seconds=1))
    other_worker: list[list[str]] = []

    def second_worker_ticks_first(execute, sql, params, many, context):
        claims_our_row = (
            sql.startswith("UPDATE") and ScheduledJob._meta.db_table in sql and row.pk in (params or ())
        )
        if claims_our_row and not other_worker:
            other_worker.append([])  # once only: the second tick runs through this hook too
            other_worker[0] = registry.tick(now)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(second_worker_ticks_first):
        first_worker = registry.tick(now)

    assert job.name in other_worker[0]
    assert job.name not in first_worker
    assert runs() == 1
    assert ScheduledJob.objects.get(name=job.name).next_run_at == now + INTERVAL


def test_ticks_with_the_same_now_enqueue_a_job_once(job):
    now = timezone.now()
    results = [registry.tick(now) for _ in range(3)]
    assert sum(job.name in r for r in results) == 1
    assert runs() == 1
