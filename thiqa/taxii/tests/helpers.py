"""Shared helpers of the TAXII tests: requests with a token and TAXII's media types, and
indicators to post."""

import json
from typing import Any

from django.test import Client

from thiqa.lib.tlp import TLP
from thiqa.taxii import stix
from thiqa.taxii.models import Collection
from thiqa.taxii.views import TAXII_MEDIA_TYPE

MOMENT = "2026-11-30T10:00:00.000Z"


def headers(secret: str, **extra: str) -> dict[str, str]:
    return {"authorization": f"Bearer {secret}", "accept": TAXII_MEDIA_TYPE, **extra}


def get(client: Client, secret: str, path: str, **extra: str):
    return client.get(path, headers=headers(secret, **extra))


def delete(client: Client, secret: str, path: str, **extra: str):
    return client.delete(path, headers=headers(secret, **extra))


def post_objects(client: Client, secret: str, collection: Collection, objects: list[dict[str, Any]]):
    return client.post(
        f"/taxii2/api/collections/{collection.uuid}/objects/",
        json.dumps({"objects": objects}),
        content_type=TAXII_MEDIA_TYPE,
        headers=headers(secret),
    )


def indicator(
    n: int, label: str = TLP.GREEN, modified: str = MOMENT, series: str = "posted"
) -> dict[str, Any]:
    """A valid STIX 2.1 indicator (one version of it: ``modified``) marked ``label``."""
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": stix.derived_id("indicator", series, n),
        "created": MOMENT,
        "modified": modified,
        "name": f"host {n}",
        "description": "load",
        "pattern": f"[ipv4-addr:value = '10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}']",
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": MOMENT,
        "object_marking_refs": [stix.TLP2_MARKINGS[label]],
    }
