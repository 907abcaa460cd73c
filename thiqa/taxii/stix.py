"""Incidents as STIX 2.1: the mapping both ways, checked by the OASIS validator.

An incident becomes a bundle: the owner participant's ``identity``, the ``incident``, one
``indicator`` per indicator with its STIX pattern, one ``vulnerability`` per CVE, the
relationships between them (indicator *indicates* incident, incident *related-to*
vulnerability), one ``note`` per timeline entry, and the OASIS TLP 2.0 marking definition
of the incident's label on every object. Ids are derived (UUIDv5) from the incident's
uuid, so the same incident always exports under the same ids and a new export of it is a
new version of the same objects.

A bundle read back (as MISP or OpenCTI export it) gives the fields of a draft incident and
its indicators; patterns that are not one comparison of a supported observable are
reported, not guessed at. The validator's findings and unknown markings are errors.
"""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from stix2validator import ValidationOptions, validate_instance
from stix2validator.errors import ValidationError as ValidatorError

from thiqa.accounts.models import Participant
from thiqa.incidents.models import MAX_TITLE, Incident, IncidentUpdate
from thiqa.lib.tlp import TLP, stricter
from thiqa.messaging.kinds import classify_indicator

SPEC_VERSION = "2.1"
# The TLP 2.0 marking definitions published by OASIS (cti-stix-common-objects,
# extension-definition-specifications/tlp-2.0): fixed ids, fixed creation time.
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"
TLP2_MARKINGS: dict[str, str] = {
    TLP.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    TLP.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    TLP.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    TLP.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    TLP.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
# Read on import: the TLP 1.0 markings STIX 2.1 predefines (MISP and OpenCTI still write
# them; WHITE is CLEAR) and OpenCTI's own AMBER+STRICT.
TLP1_MARKINGS: dict[str, str] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLP.CLEAR,
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLP.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLP.AMBER,
    "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37": TLP.AMBER_STRICT,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLP.RED,
}
KNOWN_MARKINGS: dict[str, str] = {**{v: k for k, v in TLP2_MARKINGS.items()}, **TLP1_MARKINGS}
# The namespace of the ids Thiqa derives (a fixed, random UUID: never change it).
NAMESPACE = uuid.UUID("5b0f3b8e-8d7e-4d43-9f0e-2f4c1c6f7a21")

# indicator type -> (STIX observable path, pattern type name for the indicator)
PATTERNS: dict[str, str] = {
    "ipv4": "ipv4-addr:value",
    "ipv4-net": "ipv4-addr:value",
    "ipv6": "ipv6-addr:value",
    "ipv6-net": "ipv6-addr:value",
    "domain": "domain-name:value",
    "url": "url:value",
    "email": "email-addr:value",
    "md5": "file:hashes.MD5",
    "sha1": "file:hashes.'SHA-1'",
    "sha256": "file:hashes.'SHA-256'",
}
_PATH_TYPES: dict[str, tuple[str, ...]] = {}
for _type, _path in PATTERNS.items():
    _PATH_TYPES.setdefault(_path.replace("'", "").lower(), ())
    _PATH_TYPES[_path.replace("'", "").lower()] += (_type,)
# One comparison, ``[path = 'value']``, the only shape read back into an indicator.
_SIMPLE_PATTERN = re.compile(
    r"^\[\s*([a-z0-9-]+:[A-Za-z0-9_.'-]+)\s*(?:=|ISSUBSET)\s*'((?:[^'\\]|\\.)*)'\s*\]$"
)
_VALIDATOR_OPTIONS = ValidationOptions(version=SPEC_VERSION)


class StixError(Exception):
    """A bundle that cannot be read: its findings, each a short sentence."""

    def __init__(self, title: str, findings: list[str]) -> None:
        super().__init__(title)
        self.title = title
        self.findings = findings


# --- export ----------------------------------------------------------------------------


def timestamp(moment: datetime) -> str:
    """STIX timestamps: UTC, milliseconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (f"{moment.microsecond // 1000:03d}Z")


def derived_id(kind: str, *parts: object) -> str:
    """A stable id in the UUIDv4 form STIX asks of objects, derived from ``parts``."""
    digest = uuid.uuid5(NAMESPACE, "|".join(str(p) for p in parts))
    return f"{kind}--{uuid.UUID(bytes=digest.bytes, version=4)}"


def marking_definition(label: str) -> dict[str, Any]:
    """The OASIS TLP 2.0 marking definition of ``label``, exactly as published."""
    return {
        "type": "marking-definition",
        "spec_version": SPEC_VERSION,
        "id": TLP2_MARKINGS[label],
        "created": TLP2_CREATED,
        "name": f"TLP:{label}",
        "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": label.lower()}},
    }


def identity_id(participant: Participant) -> str:
    return derived_id("identity", "participant", participant.code)


def identity(participant: Participant, label: str) -> dict[str, Any]:
    return {
        "type": "identity",
        "spec_version": SPEC_VERSION,
        "id": identity_id(participant),
        "created": timestamp(participant.created_at),
        "modified": timestamp(participant.created_at),
        "name": participant.name_en,
        "identity_class": "organization",
        "object_marking_refs": [TLP2_MARKINGS[label]],
    }


def pattern(indicator: dict[str, str]) -> str:
    value = indicator["value"].replace("\\", "\\\\").replace("'", "\\'")
    path = PATTERNS[indicator["type"]]
    operator = "ISSUBSET" if indicator["type"].endswith("-net") else "="
    return f"[{path} {operator} '{value}']"


def _common(incident: Incident, kind: str, *parts: object) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": SPEC_VERSION,
        "id": derived_id(kind, incident.uuid, *parts),
        "created": timestamp(incident.created_at),
        "modified": timestamp(incident.updated_at),
        "created_by_ref": identity_id(incident.participant),
        "object_marking_refs": [TLP2_MARKINGS[incident.tlp]],
    }


def incident_object(incident: Incident) -> dict[str, Any]:
    body = {
        **_common(incident, "incident"),
        "id": incident.stix_id,
        "name": incident.title,
        "x_thiqa_status": incident.status,
        "x_thiqa_detected": timestamp(incident.detected_at),
        "x_thiqa_sectors": list(incident.sectors),
        "x_thiqa_cross_border": incident.cross_border,
    }
    if incident.summary:
        body["description"] = incident.summary
    if incident.common_level:
        body["x_thiqa_common_level"] = incident.common_level
    return body


def indicator_objects(incident: Incident) -> list[dict[str, Any]]:
    found = []
    for item in incident.indicators:
        if item.get("type") not in PATTERNS:
            continue
        indicator = {
            **_common(incident, "indicator", item["type"], item["value"]),
            "name": item["value"],
            "description": incident.title,
            "indicator_types": ["malicious-activity"],
            "pattern": pattern(item),
            "pattern_type": "stix",
            "pattern_version": SPEC_VERSION,
            "valid_from": timestamp(incident.detected_at),
        }
        found.append(indicator)
    return found


def vulnerability_objects(incident: Incident) -> list[dict[str, Any]]:
    return [
        {
            **_common(incident, "vulnerability", cve),
            "name": cve,
            "external_references": [{"source_name": "cve", "external_id": cve}],
        }
        for cve in incident.cves
    ]


def relationship(incident: Incident, source: str, kind: str, target: str) -> dict[str, Any]:
    return {
        **_common(incident, "relationship", source, kind, target),
        "relationship_type": kind,
        "source_ref": source,
        "target_ref": target,
    }


def note_objects(incident: Incident, updates: Iterable[IncidentUpdate]) -> list[dict[str, Any]]:
    notes = []
    for update in updates:
        text = update.text or _("Status: %(status)s") % {"status": update.get_status_display()}
        note = {
            **_common(incident, "note", "update", update.pk),
            "created": timestamp(update.at),
            "modified": timestamp(max(update.at, incident.updated_at)),
            "content": text,
            "object_refs": [incident.stix_id],
        }
        if update.status:
            note["abstract"] = update.get_status_display()
        notes.append(note)
    return notes


def incident_objects(incident: Incident) -> list[dict[str, Any]]:
    """Every object of the incident's bundle, its marking definition first."""
    indicators = indicator_objects(incident)
    vulnerabilities = vulnerability_objects(incident)
    relationships = [relationship(incident, i["id"], "indicates", incident.stix_id) for i in indicators]
    relationships += [
        relationship(incident, incident.stix_id, "related-to", v["id"]) for v in vulnerabilities
    ]
    return [
        marking_definition(incident.tlp),
        identity(incident.participant, incident.tlp),
        incident_object(incident),
        *indicators,
        *vulnerabilities,
        *relationships,
        *note_objects(incident, incident.updates.all()),
    ]


def bundle(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """A bundle of ``objects``, each object once (identities and markings are shared)."""
    unique: dict[tuple[str, str], dict[str, Any]] = {}
    for obj in objects:
        unique.setdefault((obj["id"], obj.get("modified", "")), obj)
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(unique.values())}


def export(incidents: Iterable[Incident]) -> dict[str, Any]:
    return bundle([obj for incident in incidents for obj in incident_objects(incident)])


# --- validation --------------------------------------------------------------------------


def findings(instance: dict[str, Any]) -> list[str]:
    """The OASIS validator's errors on a bundle or an object: ``"<id>: <message>"`` each."""
    try:
        result = validate_instance(instance, _VALIDATOR_OPTIONS)
    except ValidatorError as exc:
        return [str(exc)]
    results = result if isinstance(result, list) else [result]
    return [
        _finding(r.object_id or str(instance.get("id", "")), e.message) for r in results for e in r.errors
    ]


def _finding(object_id: str, message: str) -> str:
    return message if message.startswith(object_id) else f"{object_id}: {message}"


def object_findings(obj: Any) -> list[str]:
    """The validator's errors on one object, plus markings Thiqa does not know and another
    STIX version (the validator lets ``"spec_version": "2.0"`` through; the store and its
    media types are 2.1 only)."""
    if not isinstance(obj, dict):
        return [_("An object must be a JSON object.")]
    found = findings(obj)
    if obj.get("spec_version", SPEC_VERSION) != SPEC_VERSION:
        found.append(
            _("%(id)s: spec_version %(version)s is not kept here (this server stores STIX 2.1 only).")
            % {"id": obj.get("id", "?"), "version": obj["spec_version"]}
        )
    return found + marking_findings(obj)


def marking_findings(obj: dict[str, Any]) -> list[str]:
    refs = list(obj.get("object_marking_refs") or [])
    refs += [g.get("marking_ref") for g in obj.get("granular_markings") or [] if isinstance(g, dict)]
    if obj.get("type") == "marking-definition":
        refs.append(obj.get("id"))
    return [
        _("%(id)s: unknown marking definition %(ref)s (only the TLP markings are accepted).")
        % {"id": obj.get("id", "?"), "ref": ref}
        for ref in refs
        if ref not in KNOWN_MARKINGS
    ]


def label_of(obj: dict[str, Any], default: str | None = None) -> str | None:
    """The strictest TLP label among an object's markings (``default`` if it has none)."""
    labels = [KNOWN_MARKINGS[r] for r in obj.get("object_marking_refs") or [] if r in KNOWN_MARKINGS]
    return stricter(*labels) if labels else default


# --- import ------------------------------------------------------------------------------


@dataclass
class Imported:
    """What a bundle gives a draft incident."""

    title: str
    summary: str
    tlp: str
    detected_at: datetime
    indicators: list[dict[str, str]] = field(default_factory=list)
    cves: list[str] = field(default_factory=list)
    unsupported: list[dict[str, str]] = field(default_factory=list)


def check_bundle(data: Any) -> list[dict[str, Any]]:
    """The bundle's objects, or StixError with every finding of the validator and every
    unknown marking."""
    if (
        not isinstance(data, dict)
        or data.get("type") != "bundle"
        or not isinstance(data.get("objects"), list)
    ):
        raise StixError(_("This is not a STIX 2.1 bundle."), [_("Expected a bundle with a list of objects.")])
    problems = findings(data)
    for obj in data["objects"]:
        problems += marking_findings(obj) if isinstance(obj, dict) else []
    if problems:
        raise StixError(_("The STIX bundle is not valid."), problems)
    return data["objects"]


def indicator_from_pattern(text: str) -> dict[str, str] | None:
    """``{"type", "value"}`` from a one-comparison STIX pattern of a supported observable."""
    match = _SIMPLE_PATTERN.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    path = match.group(1).replace("'", "").lower()
    value = re.sub(r"\\(.)", r"\1", match.group(2))
    found = classify_indicator(value)
    if found is None or found["type"] not in _PATH_TYPES.get(path, ()):
        return None
    return found


def _main_object(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The incident, else the report or grouping (MISP's event), else an empty one."""
    for kind in ("incident", "report", "grouping"):
        for obj in objects:
            if obj.get("type") == kind:
                return obj
    return {}


def _cves(objects: list[dict[str, Any]]) -> list[str]:
    found = []
    for obj in objects:
        if obj.get("type") != "vulnerability":
            continue
        refs = [
            r.get("external_id", "")
            for r in obj.get("external_references") or []
            if r.get("source_name") == "cve"
        ]
        for name in [*refs, obj.get("name", "")]:
            if re.fullmatch(r"CVE-\d{4}-\d{4,}", name or "") and name not in found:
                found.append(name)
    return found


def read_bundle(data: Any) -> Imported:
    """A checked bundle read into the fields of a draft incident."""
    objects = check_bundle(data)
    main = _main_object(objects)
    labels = [label for obj in objects if obj.get("type") != "marking-definition" if (label := label_of(obj))]
    imported = Imported(
        title=(main.get("name") or _("Imported STIX bundle"))[:MAX_TITLE],
        summary=main.get("description", ""),
        tlp=stricter(*labels) if labels else TLP.AMBER,
        detected_at=_first_seen(main, objects),
        cves=_cves(objects),
    )
    for obj in objects:
        if obj.get("type") != "indicator":
            continue
        if obj.get("pattern_type") == "stix" and (found := indicator_from_pattern(obj.get("pattern", ""))):
            if found not in imported.indicators:
                imported.indicators.append(found)
        else:
            imported.unsupported.append({"id": obj["id"], "pattern": str(obj.get("pattern", ""))})
    return imported


def _first_seen(main: dict[str, Any], objects: list[dict[str, Any]]) -> datetime:
    for key in ("x_thiqa_detected", "first_seen", "published", "created"):
        if main.get(key) and (moment := parse_datetime(main[key])):
            return moment
    moments = [parse_datetime(o["valid_from"]) for o in objects if o.get("valid_from")]
    return min([m for m in moments if m], default=timezone.now())
