"""Faults, with real processes: PostgreSQL restarted in the middle of a check round, of a
message sent to a group and of a reporting submission; the disk of the data directory full
while an attachment is stored. (The worker killed while an escalation runs is in
thiqa/messaging/tests/test_escalation_faults.py, on both databases.)

For each: nobody receives a message twice and nobody is left out (counted at a real SMTP
server on loopback), nothing is half-written, the person gets a clear error, and the work
resumes by itself once the fault ends. What each fault costs is printed (``-s`` shows it)
and recorded in docs/operations.md ("Faults").

PostgreSQL is restarted for real, so these tests run their own server (see
tests/private_postgres.py), never the shared one; they run in the PostgreSQL pass. The
database, the worker and the person's requests are separate processes, as in production:
the person's side is tests/fault_scenes.py, run with Django's test client in its own process.

The tests assert outcomes, never durations; they poll with generous timeouts.
"""

import json
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from conftest import SmtpSink, Workers, free_port, thiqa_environment
from tests.fault_scenes import GROUP_SIZE
from tests.private_postgres import PrivatePostgres, binaries

REPO = Path(__file__).resolve().parents[1]
WAIT = 120  # seconds: a limit for polling, never an expectation
OUTAGE = 3.0  # seconds the database stays down
LEASE = "2"  # seconds before a claim of a worker that lost the database is recovered

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="restarts PostgreSQL (a private server): runs in the PostgreSQL pass",
)


def wait_for(condition: Callable[[], bool], timeout: float = WAIT, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def cost(fault: str, **figures: object) -> None:
    """Print what a fault cost, one line per fault (docs/operations.md quotes them)."""
    print(f"\nFAULT COST {fault}: {json.dumps(figures)}")


@dataclass
class Platform:
    """A Thiqa database on the private server, its data folder, and the SMTP server."""

    pg: PrivatePostgres
    name: str
    data_dir: Path
    sink: SmtpSink
    setup: dict

    @property
    def url(self) -> str:
        return self.pg.url(self.name)

    def env(self, **thiqa: str) -> dict[str, str]:
        return thiqa_environment(
            str(self.data_dir), self.url, SMTP_URL=f"smtp://127.0.0.1:{self.sink.port}", **thiqa
        )

    def scene(self, *args: str) -> dict:
        return run_scene(self.env(), *args)

    def start_scene(self, *args: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "tests.fault_scenes", *args]
        return subprocess.Popen(
            command, cwd=REPO, env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )

    def query(self, sql: str, *params: object) -> list[tuple]:
        return self.pg.query(self.name, sql, *params)

    def count(self, sql: str, *params: object) -> int:
        return self.query(sql, *params)[0][0]


def run_scene(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.fault_scenes", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=WAIT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def scene_result(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=WAIT)
    assert process.returncode == 0, err.decode()[-3000:]
    return json.loads(out.decode().strip().splitlines()[-1])


@pytest.fixture(scope="module")
def private_pg() -> Iterator[PrivatePostgres]:
    found = binaries()
    if found is None:
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    pg = PrivatePostgres(found)
    pg.init()
    yield pg
    pg.destroy()


@pytest.fixture(scope="module")
def template(private_pg: PrivatePostgres, tmp_path_factory) -> tuple[str, Path, dict]:
    """A migrated database with the scenes' people and data, cloned for each test."""
    data_dir = tmp_path_factory.mktemp("faults-data")
    with private_pg.connect() as connection:
        connection.execute('CREATE DATABASE "thiqa_template"')
    env = thiqa_environment(str(data_dir), private_pg.url("thiqa_template"))
    migrated = subprocess.run(
        [sys.executable, "-m", "thiqa.cli", "migrate", "-v", "0"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    setup = run_scene(env, "setup")
    return "thiqa_template", data_dir, setup


@pytest.fixture
def platform(private_pg: PrivatePostgres, template) -> Iterator[Platform]:
    name, data_dir, setup = template
    clone = f"faults_{uuid.uuid4().hex[:8]}"
    private_pg.clone(name, clone)
    sink = SmtpSink(port=free_port())
    sink.start()
    yield Platform(private_pg, clone, data_dir, sink, setup)
    sink.stop()


@pytest.fixture
def start_worker(platform: Platform, workers: Workers) -> Callable[[], subprocess.Popen]:
    return lambda: workers.start(platform.env(MAIL_LEASE_SECONDS=LEASE))


def log_of(process: subprocess.Popen) -> str:
    return process.log.read_text(errors="replace")  # type: ignore[attr-defined]


def received(sink: SmtpSink, addresses: set[str]) -> Counter:
    """How many messages each of ``addresses`` received (other mail, such as the audit
    checkpoint the worker sends the secretariat, is left out)."""
    with sink.lock:
        return Counter(r for envelope in sink.received for r in envelope.rcpt_tos if r in addresses)


def waiting_on_lock(platform: Platform) -> bool:
    return bool(
        platform.count(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            platform.name,
        )
    )


def hold_audit_lock(platform: Platform):
    """Hold the audit log's table so that a write blocks on its last step (every write records
    an audit event last, in its transaction): the restart then lands in the middle of it."""
    connection = platform.pg.connect(platform.name)
    connection.execute("BEGIN")
    connection.execute("LOCK TABLE audit_auditevent IN EXCLUSIVE MODE")
    return connection


def assert_clear_503(answer: dict, language: str = "en") -> None:
    with translation.override(language):
        title = _("Briefly unavailable")
    assert answer["status"] == 503, answer
    assert answer["content_type"].startswith("application/problem+json")
    assert answer["retry_after"]
    problem = json.loads(answer["body"])
    assert problem["title"] == title and problem["status"] == 503
    assert problem["detail"]


# --- PostgreSQL restarted in the middle of a check round ------------------------------------


def test_postgres_restarted_mid_check_round_resumes_and_pings_nobody_twice(platform, start_worker):
    addresses = {
        email
        for (emails,) in platform.query("SELECT emails FROM directory_contact WHERE role = 'technical'")
        for email in emails
    }
    worker = start_worker()
    platform.sink.delay = 0.01  # the restart lands while the round is being delivered
    round_id = platform.scene("round")["round"]

    assert wait_for(
        lambda: sum(received(platform.sink, addresses).values()) >= 40 or worker.poll() is not None
    )
    _down, up = platform.pg.restart(OUTAGE)
    at_restart = sum(received(platform.sink, addresses).values())
    assert at_restart < len(addresses), "the restart did not land mid-round"

    assert wait_for(lambda: sum(received(platform.sink, addresses).values()) > at_restart)
    resumed = time.monotonic()
    platform.sink.delay = 0

    def settled() -> bool:
        statuses = platform.query(
            "SELECT m.status, count(*) FROM checks_ping p JOIN mail_outboundmessage m ON m.id = p.message_id"
            " WHERE p.round_id = %s GROUP BY m.status",
            round_id,
        )
        done = sum(n for status, n in statuses if status in {"sent", "uncertain"})
        return done == len(addresses)

    assert wait_for(settled), log_of(worker)
    finished = time.monotonic()
    assert worker.poll() is None, "the worker did not survive the restart:\n" + log_of(worker)

    got = received(platform.sink, addresses)
    assert max(got.values()) == 1, "an address received its ping twice"
    pings = platform.query(
        "SELECT p.addresses, m.status FROM checks_ping p JOIN mail_outboundmessage m ON m.id = p.message_id"
        " WHERE p.round_id = %s",
        round_id,
    )
    assert len(pings) == len(addresses)  # one ping per contact, none lost, none twice
    uncertain = {a for ping_addresses, status in pings if status == "uncertain" for a in ping_addresses}
    assert set(got) | uncertain == addresses, "a contact was left out"
    assert len(uncertain) <= 2  # the message on the wire when the connection went (never resent)
    assert platform.count(
        "SELECT count(*) FROM checks_checkround WHERE id = %s AND status = 'open'", round_id
    )
    cost(
        "postgres-restart-check-round",
        outage_s=OUTAGE,
        resumed_after_restart_s=round(resumed - up, 2),
        round_finished_after_restart_s=round(finished - up, 2),
        contacts=len(addresses),
        delivered_before_restart=at_restart,
        uncertain=len(uncertain),
        tasks_queued_again=log_of(worker).count("queued again"),
        worker_reconnections=log_of(worker).count("lost the database"),
    )


# --- PostgreSQL restarted in the middle of a message sent to a group ------------------------------


def test_postgres_restarted_mid_group_message_keeps_nothing_and_the_resend_goes_once(platform, start_worker):
    worker = start_worker()
    token = platform.setup["token"]
    lock = hold_audit_lock(platform)
    sending = platform.start_scene("send", token)
    assert wait_for(lambda: waiting_on_lock(platform) or sending.poll() is not None)
    platform.pg.restart(OUTAGE)
    lock.close()
    answer = scene_result(sending)

    assert_clear_503(answer)
    assert platform.count("SELECT count(*) FROM messaging_message") == 0  # nothing half-written
    assert platform.count("SELECT count(*) FROM messaging_recipient") == 0
    assert platform.count("SELECT count(*) FROM mail_outboundmessage WHERE purpose = 'messaging.copy'") == 0

    again = platform.scene("send", token)  # the person sends it again
    assert again["status"] == 201, again
    accepted = time.monotonic()
    copies = {f"cert.p{n:02}@example.org" for n in range(GROUP_SIZE)}
    assert wait_for(lambda: sum(received(platform.sink, copies).values()) >= len(copies)), log_of(worker)
    delivered = time.monotonic()
    time.sleep(1)  # a second copy, if any, would arrive now
    assert received(platform.sink, copies) == dict.fromkeys(copies, 1)
    assert platform.count("SELECT count(*) FROM messaging_message") == 1
    assert worker.poll() is None, log_of(worker)
    cost(
        "postgres-restart-group-message",
        outage_s=OUTAGE,
        first_attempt="503 with Retry-After, nothing stored",
        person_resends=1,
        copies=len(copies),
        delivered_after_resend_s=round(delivered - accepted, 2),
        worker_reconnections=log_of(worker).count("lost the database"),
    )


# --- PostgreSQL restarted in the middle of a reporting submission -----------------------------------


def test_postgres_restarted_mid_submission_keeps_the_draft_and_the_resubmission_counts_once(
    platform, start_worker
):
    response_id = str(platform.setup["response"])
    token = platform.setup["token"]
    versions = platform.count(
        "SELECT count(*) FROM reporting_responseversion WHERE response_id = %s", response_id
    )
    lock = hold_audit_lock(platform)
    submitting = platform.start_scene("submit", token, response_id, "ar")
    assert wait_for(lambda: waiting_on_lock(platform) or submitting.poll() is not None)
    platform.pg.restart(OUTAGE)
    lock.close()
    answer = scene_result(submitting)

    assert_clear_503(answer, "ar")  # in the person's language
    assert platform.query(
        "SELECT status, submitted_id FROM reporting_response WHERE id = %s", response_id
    ) == [("draft", None)]
    assert (
        platform.count("SELECT count(*) FROM reporting_responseversion WHERE response_id = %s", response_id)
        == versions
    )
    assert platform.count("SELECT count(*) FROM audit_auditevent WHERE action = 'reporting.submitted'") == 0

    again = platform.scene("submit", token, response_id, "en")
    assert again["status"] == 200 and json.loads(again["body"])["status"] == "submitted", again
    assert (
        platform.count(
            "SELECT count(*) FROM reporting_responseversion WHERE response_id = %s AND kind = 'submitted'",
            response_id,
        )
        == 1
    )
    assert platform.count("SELECT count(*) FROM audit_auditevent WHERE action = 'reporting.submitted'") == 1
    cost(
        "postgres-restart-submission",
        outage_s=OUTAGE,
        first_attempt="503 in Arabic with Retry-After, draft kept as it was",
        person_resubmits=1,
    )


# --- the disk of the data directory full while an attachment is stored ------------------------------


def test_a_full_disk_while_storing_an_attachment_keeps_nothing_and_says_so(platform, start_worker):
    """The disk is made "full" for the sending process only, with RLIMIT_FSIZE: the kernel then
    refuses to let that process's files grow past the limit with a real EFBIG from write(2),
    as a full disk refuses with ENOSPC, and Thiqa treats both alike (lib/files.py). A small
    tmpfs or loop mount would need root or user namespaces, which CI runners may not allow;
    RLIMIT_FSIZE needs neither. It limits every file the process writes, so it runs on
    PostgreSQL, whose files the server writes (on SQLite the database file itself would hit
    the limit)."""
    worker = start_worker()
    token = platform.setup["token"]
    attachments = platform.data_dir / "attachments"
    before = sorted(p.name for p in attachments.rglob("*")) if attachments.exists() else []

    answer = platform.scene("attach", token, "P00", "60000")

    assert answer["status"] == 422, answer
    problem = json.loads(answer["body"])
    assert "could not be stored" in json.dumps(problem, ensure_ascii=False), problem
    assert platform.count("SELECT count(*) FROM messaging_message") == 0
    assert platform.count("SELECT count(*) FROM messaging_attachment") == 0
    after = sorted(p.name for p in attachments.rglob("*")) if attachments.exists() else []
    assert [name for name in after if name not in before and "." in name] == [], "a partial file was left"
    assert [name for name in after if len(name) == 64] == [n for n in before if len(n) == 64]

    again = platform.scene("attach", token, "P00", "0")  # room again
    assert again["status"] == 201, again
    [(sha256, size)] = platform.query("SELECT sha256, size FROM messaging_attachment")
    stored = next(attachments.rglob(sha256))
    assert stored.stat().st_size == size
    assert wait_for(lambda: received(platform.sink, {"cert.p00@example.org"}) == {"cert.p00@example.org": 1})
    assert worker.poll() is None
    cost(
        "disk-full-attachment",
        first_attempt="422 naming the file, nothing stored, no partial file",
        person_resends=1,
    )
