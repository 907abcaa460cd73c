"""Shared fixtures: people with roles, a real SMTP server on loopback, database checks."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from thiqa.accounts.models import Membership, Participant, User

PASSWORD = "correct horse battery staple"


# --- PostgreSQL availability -----------------------------------------------------------


def _postgres_unreachable() -> str | None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return None
    import psycopg

    try:
        psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        return f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']}: {exc}"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _postgres_unreachable()
    if reason:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_report_header(config: pytest.Config) -> str:
    return f"thiqa database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


@pytest.fixture(autouse=True)
def _outbox_backend(settings) -> None:
    """Django's test set-up swaps in an in-memory mail backend; Thiqa tests use the real
    path: every e-mail goes into the outbox, and delivery goes over real SMTP."""
    settings.EMAIL_BACKEND = "thiqa.mail.backends.OutboxBackend"


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a page requested in Arabic leaves Arabic
    active in the thread (LocaleMiddleware activates, nothing deactivates)."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _audit_guard(request: pytest.FixtureRequest, django_db_blocker) -> Iterator[None]:
    """Keep the audit log's append-only triggers in place for every database test.

    Tests that commit (transactional_db, live_server) end with Django emptying every
    table, which the triggers forbid: they are lifted for that moment only."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if not (marker or {"db", "transactional_db", "live_server"} & names):
        yield
        return
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))
    transactional = transactional or bool({"transactional_db", "live_server"} & names)
    from thiqa.audit import guard

    request.getfixturevalue("_django_db_helper")  # set up first, so it is flushed after us
    with django_db_blocker.unblock():
        guard.install(connection)
    yield
    if transactional:
        with django_db_blocker.unblock():
            guard.remove(connection)


# --- people ----------------------------------------------------------------------------


@pytest.fixture
def participant(db: None) -> Participant:
    return Participant.objects.create(
        code="EG",
        kind="state",
        name_en="Egypt",
        name_ar="مصر",
        iso_alpha3="EGY",
        iso_numeric="818",
        un_member=True,
    )


@pytest.fixture
def other_participant(db: None) -> Participant:
    return Participant.objects.create(
        code="FR",
        kind="state",
        name_en="France",
        name_ar="فرنسا",
        iso_alpha3="FRA",
        iso_numeric="250",
        un_member=True,
    )


@pytest.fixture
def secretariat_participant(db: None) -> Participant:
    return Participant.objects.create(
        code="secretariat",
        kind="international_organization",
        name_en="Secretariat",
        name_ar="الأمانة",
        is_secretariat=True,
    )


def make_user(
    email: str, participant: Participant | None, role: str | None, *, totp: bool = False, language: str = "en"
) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0].title(), language=language)
    if totp:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    if participant is not None and role is not None:
        Membership.objects.create(user=user, participant=participant, role=role)
    return user


@pytest.fixture
def secretariat(secretariat_participant: Participant) -> User:
    return make_user("sec@thiqa.example", secretariat_participant, "secretariat", totp=True)


@pytest.fixture
def focal_point(participant: Participant) -> User:
    return make_user("focal@thiqa.example", participant, "focal_point", totp=True)


@pytest.fixture
def member(participant: Participant) -> User:
    return make_user("member@thiqa.example", participant, "member")


@pytest.fixture
def observer(other_participant: Participant) -> User:
    return make_user("observer@thiqa.example", other_participant, "observer")


def current_code(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).now()


# --- a real SMTP server on loopback --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class SmtpSink:
    """An aiosmtpd server that records what it receives; it can be told to refuse or stall."""

    port: int
    received: list = field(default_factory=list)
    refuse_with: str | None = None  # e.g. "451 4.3.0 try later" or "550 5.1.1 no such user"
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            time.sleep(self.delay)
        if self.refuse_with:
            return self.refuse_with
        with self.lock:
            self.received.append(envelope)
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self) -> list:
        from email import message_from_bytes, policy

        with self.lock:
            return [
                message_from_bytes(e.original_content or e.content, policy=policy.default)
                for e in self.received
            ]


@pytest.fixture
def smtp_sink(settings) -> Iterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    sink.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.stop()


@pytest.fixture
def database_url() -> str:
    """A URL for the test database, for subprocesses (workers, servers) the tests start."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def thiqa_environment(data_dir: str, database_url: str, **thiqa: str) -> dict[str, str]:
    """The environment of a Thiqa process: the test profile on ``database_url`` with its data in
    ``data_dir``, plus ``THIQA_*`` overrides given as keywords."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("THIQA_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        THIQA_PROFILE="test",
        THIQA_DATA_DIR=data_dir,
        THIQA_DATABASE_URL=database_url,
        THIQA_SITE_URL="http://testserver",
        DJANGO_SETTINGS_MODULE="thiqa.settings",
    )
    env.update({f"THIQA_{name}": value for name, value in thiqa.items()})
    return env


class Workers:
    """``thiqa worker`` processes a test starts, each logging into its own file of ``folder``
    (``process.log``); whatever is still running at the end is killed."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.started = folder, []

    def start(self, env: dict[str, str], *args: str) -> subprocess.Popen:
        log_path = self.folder / f"worker-{len(self.started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603  (our own interpreter running Thiqa)
                [sys.executable, "-m", "thiqa.cli", "worker", *args],
                cwd=Path(__file__).resolve().parent,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        process.log = log_path  # type: ignore[attr-defined]
        self.started.append(process)
        return process

    def kill_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    started = Workers(tmp_path)
    yield started
    started.kill_all()


@pytest.fixture
def process_env(database_url: str) -> Callable[..., dict[str, str]]:
    """The environment for a Thiqa process a test starts (worker, server, receiver): the
    test profile on the test database, plus ``THIQA_*`` overrides given as keywords."""

    def build(**thiqa: str) -> dict[str, str]:
        return thiqa_environment(str(settings.DATA_DIR), database_url, **thiqa)

    return build


# --- catalogue, directory and demo ---------------------------------------------------------


@pytest.fixture
def demo(db: None, settings) -> None:
    """The whole demo data set, loaded as `thiqa demo` loads it."""
    from django.core.management import call_command

    settings.PROFILE = "demo"
    call_command("demo", no_serve=True, verbosity=0)


@pytest.fixture
def catalogue(db: None) -> None:
    """The catalogue, whose parameters (CBM 8 re-confirmation, change notice...) rooms read."""
    from thiqa.catalogue.loader import load_catalogue

    load_catalogue()


def make_contact(participant: Participant, role: str = "technical", email: str | None = None, **fields):
    """A published contact (tests that are not about nominations start from one)."""
    from thiqa.directory.models import Contact

    email = email or f"{role}.{participant.code.lower()}.{Contact.objects.count()}@example.org"
    fields.setdefault("name", f"{role.title()} contact of {participant.name_en}")
    fields.setdefault("languages", ["en"])
    return Contact.objects.create(participant=participant, role=role, emails=[email], **fields)


# --- the worker in the test's process -----------------------------------------------------


@pytest.fixture
def signals_restored() -> Iterator[None]:
    """The worker installs its own SIGINT/SIGTERM handlers: give pytest its own back."""
    names = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {sig: signal.getsignal(sig) for sig in names}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def run_worker(signals_restored: None) -> Callable[[], None]:
    """Run the worker here until no task is left (the periodic jobs are not enqueued)."""
    return lambda: call_command("worker", batch=True, no_scheduler=True)
