import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from thiqa.mail.inbound import controller


class Command(BaseCommand):
    help = "Run the inbound SMTP receiver until SIGTERM or Ctrl+C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.THIQA_SMTP_LISTEN_HOST)
        parser.add_argument("--port", type=int, default=settings.THIQA_SMTP_LISTEN_PORT)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        receiver = controller(host, port)
        receiver.start()
        self.stdout.write(f"Receiving mail on {host}:{port}")
        stop.wait()
        receiver.stop()
        self.stdout.write("Mail receiver stopped")
