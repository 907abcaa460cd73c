import logging
import os
import signal
import socket
import threading
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Worker

from thiqa.lib import shutdown
from thiqa.scheduler import registry

logger = logging.getLogger("thiqa.worker")


def run_scheduler(stop: threading.Event, every: float) -> None:
    """Enqueue due periodic jobs until ``stop`` is set."""
    while not stop.is_set():
        close_old_connections()
        try:
            registry.tick()
        except OperationalError:
            logger.warning("database busy; periodic jobs will be checked again shortly")
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
