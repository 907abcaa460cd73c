"""Load: 50 simulated users for 2 minutes against `thiqa serve` on PostgreSQL, beside bare views.

    THIQA_DATABASE_URL=postgres://postgres@127.0.0.1:5432/thiqa .venv/bin/python bench/load/run.py
    make bench-load                       # the same
    ... run.py --users 10 --seconds 20   # a dry run

Creates a ``thiqa_bench_load`` database on the PostgreSQL server the URL names (dropped
first, dropped again at the end), loads the demo data into it (`thiqa demo --no-serve`),
then starts `thiqa serve` as production runs it (the production profile, its default web
and background workers, behind a "proxy" that says HTTPS), on loopback only, with the
benchmark's settings (bench_settings.py), which add bare views beside Thiqa's routes.

Locust (headless, locustfile.py) then runs USERS signed-in focal points for SECONDS: the
inbox and directory pages, and the API's inbox, catalogue search, reporting compilation and
the objects of the focal point's TAXII collection, each beside a bare Django view reading the same
rows, in the same run, on the same server. Bounded: USERS users, SECONDS seconds, then it
stops by itself (and is killed if it has not stopped within a minute more).

Printed: per request, its count, throughput, p50/p95/p99 and error rate, with the bare
twin's p95 and the ratio of the two p95s. Target: no error, p95 within 3x of the bare view.
Exits non-zero if a request failed.
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATABASE = "thiqa_bench_load"
PAIRS = {
    "page: inbox": "bare: inbox",
    "api: inbox": "bare: inbox",
    "page: directory": "bare: directory",
    "api: catalogue search": "bare: catalogue search",
    "api: compilation": "bare: compilation",
    "api: taxii objects": "bare: taxii objects",
}


def prepare() -> None:
    """In the benchmark's database: a session and a read token of a demo focal point, the
    cycle whose compilation is requested and its participant's TAXII collection. Printed as
    JSON."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from thiqa.accounts.models import User
    from thiqa.accounts.services import create_token
    from thiqa.reporting.models import Cycle
    from thiqa.taxii.models import Collection

    user = User.objects.get(email="focal.eg@thiqa.example")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    _token, secret = create_token(user, name="load benchmark", scope="read", days=1)
    cycle = Cycle.objects.filter(responses__status="submitted").order_by("pk").first()
    collection = Collection.objects.get(
        participant__memberships__user=user, participant__memberships__is_active=True
    )
    print(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "session": session.session_key,
                      "token": secret, "cycle": cycle.pk, "collection": str(collection.uuid)}))  # fmt: skip


def _admin(url: str, statement: str) -> None:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    server = {k: v for k, v in conninfo_to_dict(url).items() if k in {"host", "port", "user", "password"}}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        connection.execute(statement)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(command: list[str], env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(  # noqa: S603  (our own interpreter running our own code)
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-4000:]}")
    return done.stdout


def _wait_until_serving(port: int, server: subprocess.Popen, limit: float = 600) -> None:
    """Until the web processes answer (each loads Django on its first request: slow on a
    busy machine)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz/live", headers={"X-Forwarded-Proto": "https"}
    )
    deadline, last = time.monotonic() + limit, ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("thiqa serve exited before it answered")
        try:
            with urllib.request.urlopen(request, timeout=5):  # noqa: S310 (loopback)
                return
        except OSError as exc:
            last = str(exc)
            time.sleep(1)
    sys.exit(f"thiqa serve did not answer within {limit:.0f} s: {last}")


def _stats(path: Path) -> dict[str, dict[str, float]]:
    with path.open() as f:
        return {row["Name"]: row for row in csv.DictReader(f) if row["Type"] == "GET"}


def report(stats: dict[str, dict], seconds: int, users: int) -> bool:
    print(f"\nLoad: {users} users for {seconds} s against thiqa serve (PostgreSQL), beside bare views\n")
    header = f"{'request':<24}{'count':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>8}"
    print(header + f"{'bare p95':>10}{'p95 ratio':>11}")
    clean, within = True, True
    for name in sorted(stats):
        row = stats[name]
        count, failures = int(row["Request Count"]), int(row["Failure Count"])
        clean = clean and failures == 0
        twin = stats.get(PAIRS.get(name) or "")
        ratio = ""
        if twin:
            value = float(row["95%"]) / max(float(twin["95%"]), 1.0)
            within = within and value <= 3
            ratio = f"{value:.2f}"
        print(
            f"{name:<24}{count:>7}{float(row['Requests/s']):>8.1f}{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
            f"{failures / max(count, 1):>8.1%}{(twin or {}).get('95%', ''):>10}{ratio:>11}"
        )
    verdict = f"no error: {'yes' if clean else 'NO'}; every p95 within 3x of its bare view: "
    print(f"\n{verdict}{'yes' if within else 'NO'}")
    return clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.prepare:
        prepare()
        return
    base_url = os.environ.get("THIQA_DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit("THIQA_DATABASE_URL must name a PostgreSQL server (the benchmark creates its own database)")
    url = base_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    data_dir = Path(tempfile.mkdtemp(prefix="thiqa-bench-load-"))
    port = _free_port()
    pythonpath = os.pathsep.join(filter(None, [str(HERE), str(REPO), os.environ.get("PYTHONPATH")]))
    common = {k: v for k, v in os.environ.items() if not k.startswith("THIQA_")}
    common.update(THIQA_DATA_DIR=str(data_dir), THIQA_DATABASE_URL=url, PYTHONPATH=pythonpath,
                  THIQA_SMTP_URL=f"smtp://127.0.0.1:{_free_port()}", THIQA_LOG_LEVEL="WARNING")  # fmt: skip
    production = {**common, "THIQA_PROFILE": "production", "DJANGO_SETTINGS_MODULE": "bench_settings",
                  "THIQA_SITE_URL": f"https://127.0.0.1:{port}", "THIQA_BEHIND_PROXY": "1"}  # fmt: skip
    thiqa = [sys.executable, "-m", "thiqa.cli"]
    _admin(url, f'DROP DATABASE IF EXISTS "{DATABASE}"')
    _admin(url, f'CREATE DATABASE "{DATABASE}"')
    server = None
    try:
        print("loading the demo data...", flush=True)
        _run([*thiqa, "demo", "--no-serve"], {**common, "THIQA_PROFILE": "demo"}, 900)
        _run([*thiqa, "collectstatic", "--noinput", "-v", "0"], production, 300)
        prepared = json.loads(_run([sys.executable, str(HERE / "run.py"), "--prepare"], production, 120))
        serve = [*thiqa, "serve", "--bind", f"127.0.0.1:{port}", "--no-mail-receiver"]
        server = subprocess.Popen(serve, cwd=REPO, env=production, stdout=subprocess.DEVNULL)  # noqa: S603
        _wait_until_serving(port, server)
        stats_prefix = data_dir / "locust"
        users = {**common, "THIQA_LOAD_COOKIE": prepared["cookie"], "THIQA_LOAD_SESSION": prepared["session"],
                 "THIQA_LOAD_TOKEN": prepared["token"], "THIQA_LOAD_CYCLE": str(prepared["cycle"]),
                 "THIQA_LOAD_COLLECTION": prepared["collection"]}  # fmt: skip
        print(f"running {options.users} users for {options.seconds} s...", flush=True)
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
             "-u", str(options.users), "-r", str(max(1, options.users // 10)), "-t", f"{options.seconds}s",
             "--stop-timeout", "10", "--host", f"http://127.0.0.1:{port}", "--csv", str(stats_prefix),
             "--only-summary", "--loglevel", "WARNING"],
            cwd=REPO, env=users, timeout=options.seconds + 60, check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        clean = report(_stats(Path(f"{stats_prefix}_stats.csv")), options.seconds, options.users)
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
        _admin(url, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    sys.exit(0 if clean else 1)


if __name__ == "__main__":
    main()
