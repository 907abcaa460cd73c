import logging
import os
import signal
import socket
import threading
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from thiqa.lib import shutdown
from thiqa.scheduler import registry

logger = logging.getLogger("thiqa.worker")

# The database went away (a restart, a failover, the network): a fault that ends by itself.
CONNECTION_LOST = (OperationalError, InterfaceError)
# A task interrupted by a lost connection is run again once the database is back, at most
# this many times in all (a task that always fails so is recorded as failed).
MAX_RUNS = 5


def run_scheduler(stop: threading.Event, every: float) -> None:
    """Enqueue due periodic jobs until ``stop`` is set."""
    while not stop.is_set():
        close_old_connections()
        try:
            registry.tick()
        except CONNECTION_LOST:
            logger.warning("database busy or unreachable; periodic jobs will be checked again shortly")
        stop.wait(every)
    close_old_connections()


class ThiqaWorker(Worker):
    """django-tasks-db's worker, which on SIGTERM also asks long loops to stop between steps.

    Between tasks, the library's handler exits at once with ``sys.exit``, raised wherever the
    main thread happens to be: in the middle of the COMMIT that claims the next task, that
    leaves the connection unusable and the worker exits with an error. Here the first signal
    only ends the loop, which checks it at every poll (within ``--interval``); a second one
    still stops at once."""

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        shutdown.request()
        if not self.running:
            super().shutdown(signum, frame)  # the second signal: stop now
            return
        logger.warning("received %s; stopping after the step in hand", signal.strsignal(signum))
        self.running = False

    def run(self) -> None:
        """Poll and run tasks; when the database goes away, wait for it and carry on (the
        library's loop would end the worker, and `thiqa serve` with it)."""
        while self.running:
            try:
                super().run()
                return
            except CONNECTION_LOST as exc:
                logger.warning("lost the database (%s); waiting for it", _first_line(exc))
                self.startup_delay = False  # a restart of the loop, not of the worker
                self.wait_for_database()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run the task; if the connection was lost meanwhile, run it again once the database
        is back. Thiqa's tasks are written to be run again (a worker may die at any point): a
        round's preparation skips who was pinged, delivery goes by the outbox's claims, the
        escalation sweep by each recipient's mark."""
        try:
            super().run_task(db_task_result)
        except CONNECTION_LOST:  # not even the failure could be recorded
            pass
        else:
            if db_task_result.status != TaskResultStatus.FAILED or not _lost_connection(db_task_result):
                return
        self.wait_for_database()
        if len(db_task_result.worker_ids) >= MAX_RUNS:
            logger.error("task %s lost the database %d times; left as failed", db_task_result.pk, MAX_RUNS)
            return
        DBTaskResult.objects.filter(pk=db_task_result.pk).update(
            status=TaskResultStatus.READY, started_at=None, finished_at=None
        )
        logger.warning("task %s was interrupted by the database; queued again", db_task_result.task_name)

    def wait_for_database(self) -> None:
        """Reconnect with a growing pause (0.2 s doubling to 5 s) until the database answers or
        the worker is asked to stop."""
        pause = 0.2
        while self.running:
            connections.close_all()
            try:
                connections["default"].ensure_connection()
                return
            except CONNECTION_LOST:
                time.sleep(pause)
                pause = min(pause * 2, 5.0)


def _lost_connection(result: DBTaskResult) -> bool:
    return result.exception_class_path in {
        f"{kind.__module__}.{kind.__qualname__}" for kind in CONNECTION_LOST
    }


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class Command(BaseCommand):
    help = (
        "Run background tasks and periodic jobs until SIGTERM (finishes the step in hand: the message"
        " being handed to the SMTP server, the batch of pings being prepared)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls when idle")
        parser.add_argument("--batch", action="store_true", help="exit when no task is left")
        parser.add_argument("--no-scheduler", action="store_true", help="do not enqueue periodic jobs")

    def handle(self, *args: Any, interval: float, batch: bool, no_scheduler: bool, **options: Any) -> None:
        worker_id = f"{socket.gethostname()}-{os.getpid()}"[:64]
        stop = threading.Event()
        if not no_scheduler:
            threading.Thread(target=run_scheduler, args=(stop, 1.0), daemon=True, name="scheduler").start()
        shutdown.clear()
        worker = ThiqaWorker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        started = time.monotonic()
        try:
            worker.run()
        finally:
            stop.set()
            logger.info("worker %s stopped after %.0f s", worker_id, time.monotonic() - started)
