"""``thiqa serve`` as a real process: it answers, its worker runs tasks, it reaches the relay,
receives mail, counts requests across its web processes, and stops cleanly on SIGTERM."""

import contextlib
import json
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import free_port
from thiqa.accounts import services

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 180  # a bound, not a measure: web and worker processes start slowly on a loaded machine
STOP_SECONDS = 45  # serve gives its children 30 s, gunicorn's graceful timeout is 20 s


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_for(condition, seconds: float, what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode} before {what}:\n{log.read_text()}")
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"no {what} within {seconds} s:\n{log.read_text()}")


def healthy(port: int) -> bool:
    """Every check of /healthz passes: database, a worker's heartbeat, the outbox, the relay."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200 and json.load(response)["status"] == "ok"
    except (urllib.error.URLError, OSError):
        return False


def requests_counted(port: int, secret: str, view: str) -> float:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/operations/metrics", headers={"Authorization": f"Bearer {secret}"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        text = response.read().decode()
    pattern = rf'^thiqa_http_requests_total{{method="GET",status="2xx",view="{re.escape(view)}"}} (\S+)$'
    match = re.search(pattern, text, re.M)
    return float(match.group(1)) if match else 0.0


def test_serve_answers_receives_mail_and_stops_cleanly_on_sigterm(
    transactional_db: None, process_env: Callable[..., dict[str, str]], tmp_path: Path, smtp_sink, secretariat
):
    web_port, smtp_port = free_port(), free_port()
    while smtp_port in (web_port, smtp_sink.port):
        smtp_port = free_port()
    secret = services.create_token(secretariat, name="prometheus", scope="read", days=1)[1]
    env = process_env(SMTP_LISTEN=f"127.0.0.1:{smtp_port}", SMTP_URL=f"smtp://127.0.0.1:{smtp_sink.port}")
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "thiqa.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--web-workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: nothing it starts can outlive the test
        )
    try:
        wait_for(lambda: healthy(web_port), START_SECONDS, "healthy /healthz", process, log)
        # Two web processes answer; one scrape adds up the counts of every one of them.
        for _ in range(6):
            urllib.request.urlopen(f"http://127.0.0.1:{web_port}/healthz/live", timeout=5).close()
        assert requests_counted(web_port, secret, "healthz-live") == 6
        wait_for(lambda: port_open(smtp_port), START_SECONDS, "SMTP receiver", process, log)
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
            code, _ = smtp.ehlo()
            assert code == 250

        process.send_signal(signal.SIGTERM)
        try:
            returncode = process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"serve still runs {STOP_SECONDS} s after SIGTERM:\n{log.read_text()}")
        assert returncode == 0, log.read_text()
        assert not port_open(web_port), "the web port is still open"
        assert not port_open(smtp_port), "the SMTP port is still open"
        with pytest.raises(ProcessLookupError):  # no web server, worker or receiver left behind
            os.killpg(process.pid, 0)
        assert "Thiqa stopped" in log.read_text()
    finally:
        # Whatever happened, end the processes this test started: they are all in its group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
