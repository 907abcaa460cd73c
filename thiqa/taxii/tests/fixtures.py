"""Bundles shaped as MISP and OpenCTI export them (written for these tests, not copied):
MISP's event as a ``report`` with TLP 1.0 markings and its own identity, OpenCTI's as an
``incident`` with ``x_opencti_*`` properties and TLP 2.0 markings."""

import copy
from typing import Any

GREEN_V1 = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
AMBER_V2 = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
ORG = "identity--0b3f1a52-8a3e-4c2b-9e7f-6d1c2a4b5e60"


def _indicator(uuid: str, pattern: str, marking: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid}",
        "created": "2026-11-28T10:00:00.000Z",
        "modified": "2026-11-28T10:00:00.000Z",
        "name": pattern,
        "description": "Seen in the phishing wave",
        "pattern": pattern,
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": "2026-11-28T10:00:00Z",
        "created_by_ref": ORG,
        "object_marking_refs": [marking],
        **extra,
    }


MISP_BUNDLE: dict[str, Any] = {
    "type": "bundle",
    "id": "bundle--9a1c6c52-2f1e-4c55-8a5e-3c8d8a0b7d11",
    "objects": [
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": ORG,
            "created": "2026-11-28T09:00:00.000Z",
            "modified": "2026-11-28T09:00:00.000Z",
            "name": "CERT-Example",
            "identity_class": "organization",
        },
        {
            "type": "report",
            "spec_version": "2.1",
            "id": "report--3e1f4b7a-5a52-4c0e-b3a4-7c2d9e1f0a21",
            "created": "2026-11-28T09:30:00.000Z",
            "modified": "2026-11-28T09:30:00.000Z",
            "name": "Phishing wave against ministries",
            "description": "MISP event 4242",
            "published": "2026-11-28T09:30:00Z",
            "report_types": ["misp-event"],
            "labels": ["Threat-Report", 'misp:tool="MISP-STIX-Converter"'],
            "created_by_ref": ORG,
            "object_marking_refs": [GREEN_V1],
            "object_refs": [
                "indicator--5e0b1f8d-1d4a-4b0c-9a57-1b7b6a1c2d01",
                "indicator--5e0b1f8d-1d4a-4b0c-9a57-1b7b6a1c2d02",
                "indicator--5e0b1f8d-1d4a-4b0c-9a57-1b7b6a1c2d03",
                "indicator--5e0b1f8d-1d4a-4b0c-9a57-1b7b6a1c2d04",
                "vulnerability--6a2c3d4e-5f60-4718-8a9b-0c1d2e3f4a05",
            ],
        },
        _indicator(
            "5e0b1f8d-1d4a-4b0c-9a57-1b7b6a1c2d01", "[domain-name:value = 'login-ministry.example']", GREEN_V1
        ),
        _indicator("5e0b1f8d-1d4a-4b0c-9a57-1b7b6a1c2d02", "[ipv4-addr:value = '198.51.100.23']", GREEN_V1),
        _indicator(
            "5e0b1f8d-1d4a-4b0c-9a57-1b7b6a1c2d03",
            "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
            GREEN_V1,
            labels=['misp:category="Payload delivery"', 'misp:type="md5"'],
        ),
        # Two comparisons: not one indicator, reported as unsupported.
        _indicator(
            "5e0b1f8d-1d4a-4b0c-9a57-1b7b6a1c2d04",
            "[email-message:from_ref.value = 'hr@ministry.example' AND email-message:subject = 'Salary']",
            GREEN_V1,
        ),
        {
            "type": "vulnerability",
            "spec_version": "2.1",
            "id": "vulnerability--6a2c3d4e-5f60-4718-8a9b-0c1d2e3f4a05",
            "created": "2026-11-28T09:30:00.000Z",
            "modified": "2026-11-28T09:30:00.000Z",
            "name": "CVE-2026-20001",
            "external_references": [{"source_name": "cve", "external_id": "CVE-2026-20001"}],
            "object_marking_refs": [GREEN_V1],
        },
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": GREEN_V1,
            "created": "2017-01-20T00:00:00.000Z",
            "definition_type": "tlp",
            "name": "TLP:GREEN",
            "definition": {"tlp": "green"},
        },
    ],
}

OPENCTI_BUNDLE: dict[str, Any] = {
    "type": "bundle",
    "id": "bundle--1f2e3d4c-5b6a-4978-8a1b-2c3d4e5f6a70",
    "objects": [
        {
            "type": "incident",
            "spec_version": "2.1",
            "id": "incident--7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d01",
            "created": "2026-11-29T07:00:00.000Z",
            "modified": "2026-11-29T08:00:00.000Z",
            "name": "Wiper on the port authority network",
            "description": "Destructive malware found on two servers.",
            "first_seen": "2026-11-29T06:40:00.000Z",
            "x_opencti_incident_type": "cybercrime",
            "x_opencti_severity": "high",
            "x_opencti_id": "2f2b2a55-7a9c-4a7e-9d2f-0c3b7d6e5f41",
            "object_marking_refs": [AMBER_V2],
        },
        _indicator(
            "8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e01",
            "[file:hashes.'SHA-256' = 'a3f5c1d2e4b6a7980a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071']",
            AMBER_V2,
            x_opencti_score=80,
            x_opencti_main_observable_type="StixFile",
        ),
        _indicator(
            "8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e02",
            "[url:value = 'http://update-check.example/payload.bin']",
            AMBER_V2,
            x_opencti_score=60,
        ),
        _indicator(
            "8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e03",
            "rule wiper { condition: true }",
            AMBER_V2,
            pattern_type="yara",
        ),
        {
            "type": "relationship",
            "spec_version": "2.1",
            "id": "relationship--9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f01",
            "created": "2026-11-29T08:00:00.000Z",
            "modified": "2026-11-29T08:00:00.000Z",
            "relationship_type": "indicates",
            "source_ref": "indicator--8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e01",
            "target_ref": "incident--7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d01",
            "object_marking_refs": [AMBER_V2],
        },
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": AMBER_V2,
            "created": "2022-10-01T00:00:00.000Z",
            "name": "TLP:AMBER",
            "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                    "extension_type": "property-extension",
                    "tlp_2_0": "amber",
                }
            },
        },
    ],
}


def copy_of(bundle: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(bundle)
