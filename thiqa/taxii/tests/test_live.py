"""The OASIS taxii2-client against a real server process (gunicorn) on the test database:
discovery, paging through 1,000 objects, POST and its status, deleting versions and the
object, match[spec_version]; what it fetches parses with the OASIS stix2 library. Runs on
SQLite and on PostgreSQL (THIQA_DATABASE_URL)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import requests
import stix2
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from conftest import free_port, make_user
from thiqa.accounts.services import create_token
from thiqa.lib.tlp import TLP
from thiqa.messaging.tests.helpers import state
from thiqa.taxii import stix, store
from thiqa.taxii.models import StixObject
from thiqa.taxii.tests.helpers import indicator

ROOT = Path(__file__).resolve().parents[3]
OBJECTS = 1000


class Bearer(requests.auth.AuthBase):
    def __init__(self, secret: str) -> None:
        self.secret = secret

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.secret}"
        return request


def _indicator(n: int) -> dict:
    return indicator(n, series="live")


@pytest.fixture
def server(transactional_db, process_env, tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "thiqa.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env={**process_env(), "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live", timeout=2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_taxii2_client_discovers_pages_through_1000_objects_posts_and_reads_status(server, catalogue):
    egypt = state("EG", "Egypt", "مصر")
    member = make_user("member@eg.example", egypt, "member")
    collection = store.collection_of(participant=egypt)
    StixObject.objects.bulk_create(
        StixObject(
            collection=collection,
            stix_id=o["id"],
            type="indicator",
            version=o["modified"],
            modified="2026-11-30T10:00:00Z",
            tlp=TLP.GREEN,
            body=o,
            owner=egypt,
            poster=member,
        )
        for o in map(_indicator, range(OBJECTS))
    )
    reader = Bearer(create_token(member, name="r", scope="read", days=1)[1])
    writer = Bearer(create_token(member, name="w", scope="write", days=1)[1])

    discovered = Server(f"{server}/taxii2/", auth=reader)
    assert discovered.title == "Thiqa TAXII server"
    root = discovered.default
    assert isinstance(root, ApiRoot) and "application/taxii+json;version=2.1" in root.versions
    mine = next(c for c in root.collections if c.id == str(collection.uuid))
    assert mine.can_read and not mine.can_write

    fetched = []
    for envelope in as_pages(mine.get_objects, per_request=100):
        fetched += envelope.get("objects", [])
    assert len(fetched) == OBJECTS and len({o["id"] for o in fetched}) == OBJECTS
    parsed = stix2.parse({"type": "bundle", "id": stix.derived_id("bundle", "x"), "objects": fetched[:50]})
    assert all(isinstance(o, stix2.v21.Indicator) for o in parsed.objects)

    writable = Collection(f"{server}/taxii2/api/collections/{collection.uuid}/", auth=writer)
    assert writable.can_write
    new = _indicator(OBJECTS + 1)
    status = writable.add_objects({"objects": [new]}, wait_for_completion=False)
    assert status.status == "complete" and status.success_count == 1
    status.refresh()
    assert status.total_count == 1
    again = writable.get_object(new["id"])
    assert stix2.parse(again["objects"][0]).id == new["id"]

    # The client will not even try with a read token; a raw POST gets the TAXII 403.
    refused = requests.post(
        f"{server}/taxii2/api/collections/{collection.uuid}/objects/",
        json={"objects": [_indicator(OBJECTS + 2)]},
        headers={
            "Content-Type": "application/taxii+json;version=2.1",
            "Accept": "application/taxii+json;version=2.1",
        },
        auth=reader,
        timeout=10,
    )
    assert refused.status_code == 403 and refused.json()["http_status"] == "403"

    # match[spec_version]: the store holds STIX 2.1 only
    assert mine.get_objects(spec_version="2.0") == {"more": False}
    assert len(mine.get_objects(spec_version="2.1", limit=10)["objects"]) == 10

    # Two newer versions; deleting the last leaves the one before as the object, then the
    # whole object goes. A read token's DELETE gets the TAXII 403.
    newer = [{**new, "modified": m} for m in ("2026-12-01T10:00:00.000Z", "2026-12-02T10:00:00.000Z")]
    writable.add_objects({"objects": newer}, wait_for_completion=False)
    writable.delete_object(new["id"], version="last")
    assert writable.object_versions(new["id"])["versions"] == [new["modified"], newer[0]["modified"]]
    assert [o["modified"] for o in writable.get_object(new["id"])["objects"]] == [newer[0]["modified"]]
    writable.delete_object(new["id"])
    with pytest.raises(requests.HTTPError) as gone:
        writable.get_object(new["id"])
    assert gone.value.response.status_code == 404
    kept = fetched[0]["id"]
    refused = requests.delete(
        f"{server}/taxii2/api/collections/{collection.uuid}/objects/{kept}/",
        headers={"Accept": "application/taxii+json;version=2.1"},
        auth=reader,
        timeout=10,
    )
    assert refused.status_code == 403 and StixObject.objects.filter(stix_id=kept).exists()
