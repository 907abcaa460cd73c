"""TAXII GET of 10,000 objects in pages of 1,000, and a STIX import of a 10,000-indicator
bundle, each against a baseline in the same run.

    .venv/bin/python bench/taxii_exchange.py [--database sqlite|postgres] [--objects N] [--repeat N]

- paging: the whole TAXII stack in process (Django's test client: token, policy, TLP
  filter, cursor, envelope) reading every page of a participant's collection, against a
  bare ORM read of the same rows in pages of 1,000 serialized with ``json.dumps``.
  Target (issue 13): within 3x.
- import: ``taxii.services.import_bundle`` (validation, marking checks, patterns read back,
  the draft incident written through the incidents room) against ``stix2-validator``
  alone on the same bundle.

Times are medians of ``--repeat`` runs (default 5; the import ``--import-repeat``, default 1,
without a warm-up unless ``--import-warm-up``: the validator alone takes minutes on 10,000
patterns); ratios are Thiqa / baseline.
"""

import argparse
import atexit
import json
import os
import shutil
import sys
import tempfile

from timing import timed_pair

BENCH_DATABASE = "thiqa_bench_taxii"
DEFAULT_POSTGRES = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
PAGE = 1000


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument(
        "--database", choices=["sqlite", "postgres"], help="default: THIQA_DATABASE_URL, else SQLite"
    )
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-import", action="store_true", help="measure the paging only")
    parser.add_argument(
        "--import-repeat",
        type=int,
        default=1,
        help="runs of the import (each takes minutes at 10,000 indicators)",
    )
    parser.add_argument(
        "--import-warm-up", action="store_true", help="run each side of the import once before timing it"
    )
    return parser.parse_args()


ARGS = arguments()
os.environ.setdefault("THIQA_PROFILE", "test")
if "THIQA_DATA_DIR" not in os.environ:
    os.environ["THIQA_DATA_DIR"] = tempfile.mkdtemp(prefix="thiqa-bench-")
    atexit.register(shutil.rmtree, os.environ["THIQA_DATA_DIR"], ignore_errors=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thiqa.settings")
if ARGS.database == "sqlite":
    os.environ.pop("THIQA_DATABASE_URL", None)
elif ARGS.database == "postgres" and not os.environ.get("THIQA_DATABASE_URL", "").startswith("postgres"):
    os.environ["THIQA_DATABASE_URL"] = DEFAULT_POSTGRES

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from stix2validator import ValidationOptions, validate_instance  # noqa: E402

from thiqa.accounts.models import Membership, Participant, User  # noqa: E402
from thiqa.accounts.services import create_token  # noqa: E402
from thiqa.catalogue.loader import load_catalogue  # noqa: E402
from thiqa.lib.tlp import TLP  # noqa: E402
from thiqa.taxii import services, stix, store  # noqa: E402
from thiqa.taxii.models import StixObject  # noqa: E402
from thiqa.taxii.tests.helpers import MOMENT, indicator  # noqa: E402
from thiqa.taxii.views import TAXII_MEDIA_TYPE  # noqa: E402


def bench_indicator(n: int) -> dict:
    """The n-th GREEN indicator of the benchmark (the TAXII tests' indicator, its own series)."""
    return indicator(n, series="bench")


def populate(count: int) -> tuple[User, Participant]:
    egypt = Participant.objects.create(code="EG", kind="state", name_en="Egypt", name_ar="مصر")
    user = User.objects.create_user("member@eg.example", None, full_name="Bench Member")
    Membership.objects.create(user=user, participant=egypt, role=Membership.Role.MEMBER)
    collection = store.collection_of(participant=egypt)
    StixObject.objects.bulk_create(
        (
            StixObject(
                collection=collection,
                stix_id=o["id"],
                type="indicator",
                version=o["modified"],
                modified=MOMENT.replace(".000Z", "Z"),
                tlp=TLP.GREEN,
                body=o,
                owner=egypt,
                poster=user,
            )
            for o in (bench_indicator(n) for n in range(count))
        ),
        batch_size=2000,
    )
    return user, egypt


def taxii_pages(client: Client, secret: str, url: str) -> int:
    headers = {"authorization": f"Bearer {secret}", "accept": TAXII_MEDIA_TYPE}
    count, query = 0, f"?limit={PAGE}"
    while True:
        page = json.loads(client.get(url + query, headers=headers).content)
        count += len(page.get("objects", []))
        if not page.get("more"):
            return count
        query = f"?limit={PAGE}&next={page['next']}"


def orm_pages(collection_id: int) -> int:
    count, last = 0, 0
    while True:
        rows = list(
            StixObject.objects.filter(collection_id=collection_id, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "body")[:PAGE]
        )
        if not rows:
            return count
        json.dumps({"objects": [body for _pk, body in rows]})
        count, last = count + len(rows), rows[-1][0]


def import_once(user: User, egypt: Participant, bundle: dict) -> None:
    with transaction.atomic():
        services.import_bundle(user, egypt, bundle)
        transaction.set_rollback(True)


def row(measure: str, base: float, what: str, thiqa: float) -> None:
    print(f"| {measure} | {base:.3f} s ({what}) | {thiqa:.3f} s | {thiqa / base:.2f} |")


def main() -> int:
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = BENCH_DATABASE
    settings.ALLOWED_HOSTS = ["*"]
    old = setup_databases(verbosity=0, interactive=False)
    try:
        load_catalogue()
        user, egypt = populate(ARGS.objects)
        collection = store.collection_of(participant=egypt)
        secret = create_token(user, name="bench", scope="read", days=1)[1]
        client = Client()
        url = f"/taxii2/api/collections/{collection.uuid}/objects/"
        assert taxii_pages(client, secret, url) == orm_pages(collection.pk) == ARGS.objects
        base, thiqa = timed_pair(
            lambda: orm_pages(collection.pk), lambda: taxii_pages(client, secret, url), ARGS.repeat
        )
        print(f"database: {connection.vendor}; objects: {ARGS.objects}; repeat: {ARGS.repeat} (medians)")
        print("| measure | baseline | Thiqa | ratio Thiqa/baseline |")
        print("|---|---|---|---|")
        row("TAXII GET, pages of 1,000", base, "ORM + json.dumps", thiqa)
        if ARGS.no_import:
            return 0
        bundle = {
            "type": "bundle",
            "id": stix.derived_id("bundle", "bench"),
            "objects": [bench_indicator(n) for n in range(ARGS.objects)],
        }
        options = ValidationOptions(version="2.1")
        base, thiqa = timed_pair(
            lambda: validate_instance(bundle, options),
            lambda: import_once(user, egypt, bundle),
            ARGS.import_repeat,
            warm_up=ARGS.import_warm_up,
        )
        row(f"STIX import, {ARGS.objects} indicators", base, "stix2-validator", thiqa)
    finally:
        teardown_databases(old, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
