"""What a person (or an operator) does in the fault tests, run as a separate Thiqa process:
``python -m tests.fault_scenes SCENE [ARGS]``, with ``THIQA_*`` in the environment.

Each scene prints one JSON line (what the person saw) and exits. The requests go through the
whole of Django (middleware, the API, the error handler) with Django's test client, in
this process: what the person gets back is what a browser or a CERT's tool would get.

- ``setup``: the catalogue, the secretariat, a sender with an API token, a group of
  participants with technical contacts, a reporting cycle with a complete draft, and the
  contacts of a check round.
- ``round``: the secretariat starts a check round (the worker prepares and delivers it).
- ``send``: the sender sends a message to the group, through the API.
- ``submit LANGUAGE``: the sender submits the participant's response, through the API.
- ``attach TOKEN LIMIT``: a message with an attachment larger than ``LIMIT`` bytes, sent by
  a process that may not write a file larger than ``LIMIT`` (RLIMIT_FSIZE; 0: no limit).
"""

import base64
import json
import os
import random
import resource
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

GROUP = "FAULTS"
GROUP_SIZE = 20  # participants, each with one technical contact
ROUND_CONTACTS = 300  # further technical contacts, of one participant outside the group
ATTACHMENT_BYTES = 120_000


def _setup() -> dict[str, Any]:
    from django.utils import timezone

    from conftest import make_contact, make_user
    from thiqa.accounts.models import Participant, ParticipantGroup
    from thiqa.accounts.services import create_token
    from thiqa.catalogue.loader import load_catalogue
    from thiqa.directory.models import Contact
    from thiqa.reporting import services as reporting
    from thiqa.reporting.instruments import instrument
    from thiqa.reporting.sample import sample_answers

    load_catalogue()
    secretariat_participant = Participant.objects.create(
        code="secretariat", kind="international_organization", name_en="Secretariat", name_ar="الأمانة",
        is_secretariat=True,
    )  # fmt: skip
    secretariat = make_user("sec@thiqa.example", secretariat_participant, "secretariat", totp=True)
    sender_participant = _participant("EG", "Egypt", "مصر")
    member = make_user("member@thiqa.example", sender_participant, "member")
    group = ParticipantGroup.objects.create(code=GROUP, kind="regional", name_en=GROUP, name_ar="مجموعة")
    group.members.add(sender_participant)
    for n in range(GROUP_SIZE):
        participant = _participant(f"P{n:02}", f"Participant {n}", f"مشارك {n}")
        group.members.add(participant)
        make_contact(participant, "technical", f"cert.p{n:02}@example.org")
    outside = _participant("RC", "Round contacts", "جهات الجولة")
    Contact.objects.bulk_create(
        Contact(participant=outside, role="technical", name=f"PoC {n}", emails=[f"poc{n:05}@example.org"],
                languages=["en"])
        for n in range(ROUND_CONTACTS)
    )  # fmt: skip
    today = timezone.localdate()
    cycle = reporting.open_cycle(
        secretariat, instrument="gca-self-assessment", title="GCA", period="2026",
        opens_on=today - timedelta(days=1), due_on=today + timedelta(days=30), group=group,
    )  # fmt: skip
    response = reporting.response_for(member, cycle, sender_participant)
    answers = sample_answers(instrument("gca-self-assessment"), random.Random(1), 1.0, "en")
    reporting.save_draft(member, response, answers=answers, language="en", audience="scope")
    _token, secret = create_token(member, name="faults", scope="write", days=30)
    return {"token": secret, "response": response.pk}


def _participant(code: str, name_en: str, name_ar: str) -> Any:
    from thiqa.accounts.models import Participant

    return Participant.objects.create(code=code, kind="state", name_en=name_en, name_ar=name_ar)


def _round() -> dict[str, Any]:
    from thiqa.accounts.models import User
    from thiqa.checks import services

    secretariat = User.objects.get(email="sec@thiqa.example")
    check = services.start_round(secretariat, title="Fault check", roles=["technical"])
    return {"round": check.pk}


def _client(token: str, language: str = "en") -> Any:
    from django.test import Client

    return Client(
        raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language
    )


def _timed(request: Callable[[], Any]) -> dict[str, Any]:
    """Make the request; what the person got back, and how long it took (seconds)."""
    started = time.monotonic()
    response = request()
    return {
        "seconds": round(time.monotonic() - started, 3),
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "content_type": response.get("Content-Type", ""),
        "body": response.content.decode(errors="replace")[:2000],
    }


def message(to: dict[str, Any], attachments: list[dict[str, str]] | None = None) -> dict[str, Any]:
    from thiqa.messaging.tests.test_api import payload

    return payload(to=to, attachments=attachments or [], acknowledge_within_hours=None)


def _send(token: str) -> dict[str, Any]:
    payload = message({"groups": [GROUP], "roles": ["technical"]})
    return _timed(lambda: _client(token).post("/api/v1/messages", payload, content_type="application/json"))


def _submit(token: str, response_id: str, language: str) -> dict[str, Any]:
    client = _client(token, language)
    return _timed(lambda: client.post(f"/api/v1/reporting/responses/{response_id}/submit"))


def _attach(token: str, recipient: str) -> dict[str, Any]:
    content = base64.b64encode(b"log line\n" * (ATTACHMENT_BYTES // 9)).decode()
    payload = message({"participants": [recipient], "roles": ["technical"]}, [
        {"filename": "hosts.txt", "content_base64": content}
    ])  # fmt: skip
    return _timed(lambda: _client(token).post("/api/v1/messages", payload, content_type="application/json"))


def main(scene: str, *args: str) -> None:
    if scene == "attach" and int(args[2]):
        limit = int(args[2])
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # Python ignores SIGXFSZ: EFBIG
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thiqa.settings")
    django.setup()
    scenes = {
        "setup": _setup,
        "round": _round,
        "send": lambda: _send(*args),
        "submit": lambda: _submit(*args),
        "attach": lambda: _attach(*args[:2]),
    }
    print(json.dumps(scenes[scene]()), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
