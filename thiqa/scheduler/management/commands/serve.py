"""Run the production server: web (gunicorn), workers and inbound mail receiver together."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Thiqa: web server, background workers and inbound SMTP receiver; stops cleanly on SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=settings.THIQA_BIND)
        parser.add_argument("--web-workers", type=int, default=settings.THIQA_WEB_WORKERS)
        parser.add_argument("--workers", type=int, default=settings.THIQA_WORKERS, help="background workers")
        parser.add_argument("--no-mail-receiver", action="store_true")

    def handle(
        self, *args: Any, bind: str, web_workers: int, workers: int, no_mail_receiver: bool, **options: Any
    ) -> None:
        thiqa = [sys.executable, "-m", "thiqa.cli"]
        commands = {
            "web": [
                sys.executable,
                "-m",
                "gunicorn",
                "thiqa.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(web_workers),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "20",
                "--logger-class",
                "thiqa.lib.gunicorn_logging.RedactingLogger",
            ],
        }
        for n in range(1, workers + 1):
            commands["worker" if workers == 1 else f"worker {n}"] = [*thiqa, "worker"]
        if not no_mail_receiver:
            commands["mail receiver"] = [*thiqa, "receive_mail"]
        env = _environment()
        children = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}  # noqa: S603
        self.stdout.write(f"Thiqa is serving {settings.SITE_URL} (bound to {bind})", ending="\n")
        self.stdout.flush()
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} exited with status {child.returncode}; stopping")
                    stopping, exit_code = True, 1
            time.sleep(0.5)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        for name, child in children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop in time; killing it")
                child.kill()
        self.stdout.write("Thiqa stopped")
        sys.exit(exit_code)


def _environment() -> dict[str, str]:
    """The children's environment: the web processes count requests into one folder, emptied
    at each start, that a metrics scrape adds up (prometheus_client's multiprocess mode)."""
    metrics = Path(settings.DATA_DIR) / "metrics"
    shutil.rmtree(metrics, ignore_errors=True)
    metrics.mkdir()
    return {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
