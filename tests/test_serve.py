"""``thiqa serve`` as a real process: it answers, receives mail, and stops cleanly on SIGTERM."""

import contextlib
import os
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

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 60
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
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200 and response.read() == b'{"status": "ok"}'
    except (urllib.error.URLError, OSError):
        return False


def test_serve_answers_receives_mail_and_stops_cleanly_on_sigterm(
    transactional_db: None, process_env: Callable[..., dict[str, str]], tmp_path: Path
):
    web_port, smtp_port = free_port(), free_port()
    while smtp_port == web_port:
        smtp_port = free_port()
    env = process_env(SMTP_LISTEN=f"127.0.0.1:{smtp_port}")
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
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: nothing it starts can outlive the test
        )
    try:
        wait_for(lambda: healthy(web_port), START_SECONDS, "healthy /healthz", process, log)
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
