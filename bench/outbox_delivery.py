"""Outbox delivery speed against a plain smtplib loop, in the same run.

    THIQA_DATABASE_URL=... .venv/bin/python bench/outbox_delivery.py [N]

Both send the same N messages to the same local aiosmtpd sink over one SMTP connection
per batch. The plain loop is the floor: Thiqa adds storage, claiming, per-message state
and auditing. Prints both times and the ratio plain/Thiqa (1.0 = as fast as the floor).
"""

import os
import smtplib
import socket
import sys
import tempfile
import time

os.environ.setdefault("THIQA_PROFILE", "test")
os.environ.setdefault("THIQA_DATA_DIR", tempfile.mkdtemp(prefix="thiqa-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thiqa.settings")

import django

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.mail import EmailMessage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from thiqa.mail import services  # noqa: E402
from thiqa.mail.models import OutboundMessage  # noqa: E402


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 OK"


def messages(n: int) -> list[EmailMessage]:
    return [
        EmailMessage(
            f"Communication check {i}",
            f"Please acknowledge check {i}.\n",
            "Thiqa <noreply@thiqa.example>",
            [f"contact{i}@cert{i % 193}.example"],
        )
        for i in range(n)
    ]


def plain_loop(port: int, batch: list[EmailMessage]) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for message in batch:
            smtp.sendmail("noreply@thiqa.example", message.to, message.message().as_bytes())
    return time.perf_counter() - start


def thiqa_outbox(batch: list[EmailMessage]) -> float:
    start = time.perf_counter()
    with transaction.atomic():
        for message in batch:
            services.enqueue(message, purpose="bench")
    sent = services.deliver_due("bench-worker")
    elapsed = time.perf_counter() - start
    assert sent == len(batch), (sent, OutboundMessage.objects.exclude(status="sent").values("last_error")[:3])
    return elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    old = setup_databases(verbosity=0, interactive=False)
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        call_command("check", verbosity=0)
        plain = plain_loop(port, messages(n))
        thiqa = thiqa_outbox(messages(n))
        assert sink.count == 2 * n
        print(f"database: {connection.vendor}; messages: {n}")
        print(f"plain smtplib loop: {plain:.2f} s ({n / plain:,.0f} msg/s)")
        print(f"Thiqa outbox (store + deliver): {thiqa:.2f} s ({n / thiqa:,.0f} msg/s)")
        print(f"ratio plain/Thiqa: {plain / thiqa:.2f}")
    finally:
        controller.stop()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
