"""A whole check round for 10,000 contacts against a plain smtplib loop, in the same run.

    .venv/bin/python bench/check_round.py [--database sqlite|postgres] [--contacts N] [--workers N]
    THIQA_DATABASE_URL=postgres://postgres@127.0.0.1:5432/thiqa .venv/bin/python bench/check_round.py

Creates N contacts (default 10,000) of a few hundred sample participants in a fresh
database (a temporary SQLite file, or a ``thiqa_bench`` database dropped and created on
the PostgreSQL server the URL names), then times a round for every role, started as a
secretariat user, from ``start_round`` until every message is with the sink:

- Thiqa, run as production runs it. With one worker (the default on SQLite, which serves
  one server and one worker), ``prepare_round`` (pings, composing and storing every
  message) then ``deliver_due`` (claiming, per-message status marks, SMTP), one after the
  other in this process, as the one worker process takes its tasks one after the other.
  With several (``--workers``, default 2 on PostgreSQL, where any number of workers can
  run), real ``thiqa worker`` processes started before the round: one takes the task
  that prepares the round, another the delivery task that each prepared batch queues, so
  messages are delivered while the rest of the round is prepared, and a worker that is
  done preparing delivers too. Timed until the sink took the last message.
- the floor, in the same run: a plain smtplib loop sending the same message bytes, with
  the same envelope senders and recipients, over one connection to the same sink.

Both go to one local aiosmtpd sink, a process of its own (its per-command logging
silenced). Prints both times and the ratio plain/Thiqa (1.0 = as fast as the floor);
exits non-zero unless the sink received exactly N messages from each side.
"""

import argparse
import atexit
import logging
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DATABASE = "thiqa_bench"
DEFAULT_POSTGRES = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        help="default: THIQA_DATABASE_URL if set, else SQLite",
    )
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument(
        "--workers",
        type=int,
        help="worker processes running the round: default 1 on SQLite (one server), 2 on PostgreSQL",
    )
    return parser.parse_args()


ARGS = arguments()
os.environ.setdefault("THIQA_PROFILE", "test")
if "THIQA_DATA_DIR" not in os.environ:
    os.environ["THIQA_DATA_DIR"] = tempfile.mkdtemp(prefix="thiqa-bench-")
    atexit.register(shutil.rmtree, os.environ["THIQA_DATA_DIR"], ignore_errors=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thiqa.settings")
if ARGS.database == "sqlite":
    os.environ.pop("THIQA_DATABASE_URL", None)  # the temporary data directory's file
elif ARGS.database == "postgres" and not os.environ.get("THIQA_DATABASE_URL", "").startswith("postgres"):
    os.environ["THIQA_DATABASE_URL"] = DEFAULT_POSTGRES

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from thiqa.accounts.models import Membership, Participant, User  # noqa: E402
from thiqa.checks import services  # noqa: E402
from thiqa.checks.models import CheckRound  # noqa: E402
from thiqa.directory.models import Contact, ContactRole  # noqa: E402
from thiqa.mail.models import OutboundMessage  # noqa: E402
from thiqa.mail.services import deliver_due  # noqa: E402

# The sink is a server process of its own, as an SMTP server is: it answers NOOP with the
# number of messages it has received and when it took the last one (time.monotonic(), a
# clock that every process on the machine shares).
SINK = """
import sys
from aiosmtpd.controller import Controller

import time

class Sink:
    count = 0
    last = 0.0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.last = time.monotonic()
        return "250 OK"

    async def handle_NOOP(self, server, session, envelope, arg):
        return f"250 {self.count} {self.last}"

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


def start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(  # noqa: S603  (our own interpreter running our own code)
        [sys.executable, "-c", SINK, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    return sink


def received(port: int) -> tuple[int, float]:
    """How many messages the sink has taken, and when it took the last one."""
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        _code, reply = smtp.noop()
    count, last = reply.split()
    return int(count), float(last)


def populate(contacts: int, participants: int) -> User:
    """Sample participants, their contacts (a quarter read Arabic, one in five has two
    addresses) and a secretariat user."""
    states = [
        Participant(
            code=f"p{n:03}",
            kind="state" if n % 5 else "international_organization",
            name_en=f"Sample participant {n}",
            name_ar=f"مشارك تجريبي {n}",
            is_sample=True,
        )
        for n in range(participants)
    ]
    secretariat = Participant(
        code="secretariat",
        kind="international_organization",
        name_en="Secretariat",
        name_ar="الأمانة",
        is_secretariat=True,
    )
    Participant.objects.bulk_create([*states, secretariat])
    states = list(Participant.objects.filter(is_sample=True).order_by("code"))
    roles = list(ContactRole.values)
    rows = []
    for n in range(contacts):
        participant, role = states[n % len(states)], roles[n // len(states) % len(roles)]
        emails = [f"{role}.{n}@{participant.code}.example"]
        if n % 5 == 0:
            emails.append(f"duty.{n}@{participant.code}.example")
        rows.append(
            Contact(
                participant=participant,
                role=role,
                name=f"Contact {n} of {participant.name_en}",
                emails=emails,
                languages=["ar", "en"] if n % 4 == 0 else ["en"],
                is_sample=True,
            )
        )
    Contact.objects.bulk_create(rows, batch_size=2000)
    user = User.objects.create_user("secretariat@thiqa.example", None, full_name="Bench Secretariat")
    Membership.objects.create(user=user, participant=secretariat, role=Membership.Role.SECRETARIAT)
    return user


def thiqa_round(user: User) -> tuple[CheckRound, float, float]:
    """One worker: start a round, then time its preparation and its delivery, one after the
    other, as a single worker process runs them (its delivery task waits for the
    preparation task)."""
    start = time.perf_counter()
    check = services.start_round(user, title="Benchmark round", roles=list(ContactRole.values))
    services.prepare_round(check)
    prepared = time.perf_counter()
    while deliver_due("bench-worker"):
        pass
    return check, prepared - start, time.perf_counter() - prepared


def thiqa_round_by_workers(
    user: User, workers: list[subprocess.Popen], port: int
) -> tuple[CheckRound, float]:
    """Several worker processes: start a round and time it until the sink has taken its last
    message. A worker takes the preparation task; the delivery task that each prepared batch
    queues is taken by another worker, which delivers while the preparation goes on."""
    start = time.monotonic()
    check = services.start_round(user, title="Benchmark round", roles=list(ContactRole.values))
    while (taken := received(port))[0] < ARGS.contacts:
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("a worker stopped; its log is in " + os.environ["THIQA_DATA_DIR"])
        time.sleep(0.1)
    # The last message's "sent" mark follows the sink's reply: wait for it, untimed.
    while OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT).count() < ARGS.contacts:
        time.sleep(0.1)
    check.refresh_from_db()
    return check, taken[1] - start


def start_workers(count: int, port: int) -> list[subprocess.Popen]:
    """``thiqa worker`` processes on the benchmark's database and sink, each started and
    polling for tasks before the round begins (the periodic jobs are left out: they are
    no part of a round)."""
    db = connection.settings_dict
    url = f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        url = urlsplit(os.environ["THIQA_DATABASE_URL"])._replace(path=f"/{db['NAME']}").geturl()
    env = {**os.environ, "THIQA_DATABASE_URL": url, "THIQA_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    logs = [Path(os.environ["THIQA_DATA_DIR"]) / f"worker-{n}.log" for n in range(count)]
    workers = []
    for log in logs:
        with log.open("wb") as output:
            command = [sys.executable, "-m", "thiqa.cli", "worker", "--no-scheduler"]
            workers.append(subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT))  # noqa: S603
    deadline = time.monotonic() + 60
    while not all("Starting worker" in log.read_text() for log in logs):
        if time.monotonic() > deadline or any(worker.poll() is not None for worker in workers):
            raise RuntimeError("the workers did not start; their logs are in " + os.environ["THIQA_DATA_DIR"])
        time.sleep(0.1)
    time.sleep(1.5)  # a worker waits up to a second before it first polls
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=60)


def plain_loop(port: int, envelopes: list[tuple[str, list[str], bytes]]) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, recipients, raw in envelopes:
            smtp.sendmail(sender, recipients, raw)
    return time.perf_counter() - start


def main() -> int:
    n = ARGS.contacts
    workers_wanted = ARGS.workers or (2 if connection.vendor == "postgresql" else 1)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = BENCH_DATABASE  # created afresh, dropped after
    old = setup_databases(verbosity=0, interactive=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = start_sink(port)
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    workers: list[subprocess.Popen] = []
    try:
        user = populate(n, ARGS.participants)
        if workers_wanted == 1:
            check, prepare, deliver = thiqa_round(user)
            thiqa, split = prepare + deliver, f" = prepare {prepare:.2f} s + deliver {deliver:.2f} s"
        else:
            connection.close()  # not shared with the workers
            workers = start_workers(workers_wanted, port)
            check, thiqa = thiqa_round_by_workers(user, workers, port)
            split = f", {workers_wanted} worker processes preparing and delivering at once"
        thiqa_received = received(port)[0]
        sent = OutboundMessage.objects.filter(purpose="checks.ping", status=OutboundMessage.Status.SENT)
        envelopes = [
            (parseaddr(sender)[1] or sender, recipients, bytes(raw))
            for sender, recipients, raw in sent.order_by("sent_at").values_list("sender", "recipients", "raw")
        ]
        plain = plain_loop(port, envelopes)
        plain_received = received(port)[0] - thiqa_received

        print(f"database: {connection.vendor}; contacts: {n}; participants: {ARGS.participants}")
        print(f"pings: {check.pings.count()}; messages sent by Thiqa: {len(envelopes)}")
        print(f"sink received: Thiqa {thiqa_received}, plain loop {plain_received}")
        print(f"plain smtplib loop: {plain:.2f} s ({plain_received / plain:,.0f} msg/s)")
        print(f"Thiqa round: {thiqa:.2f} s ({thiqa_received / thiqa:,.0f} msg/s){split}")
        print(f"ratio plain/Thiqa: {plain / thiqa:.2f} (target: at least 0.5)")
        if thiqa_received != n or plain_received != n or len(envelopes) != n:
            print(f"error: the sink should have received {n} messages from each side", file=sys.stderr)
            return 1
        return 0
    finally:
        stop_workers(workers)
        sink.communicate("")
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
