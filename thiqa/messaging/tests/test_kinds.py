"""Message types come from data: the file is valid, names real catalogue items, and each
type's fields are validated (choices, dates, numbers, indicators, CVEs)."""

import pytest

from thiqa.catalogue.models import Item
from thiqa.messaging import kinds
from thiqa.messaging.kinds import FieldErrors, classify_indicator, clean_fields, defang, kind


def test_every_type_acts_under_catalogue_items_that_exist(catalogue):
    codes = {code for k in kinds.all_kinds().values() for code in k.item_codes}
    assert codes and codes == set(
        Item.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True)
    )
    assert {k.code for k in kinds.sendable()} == {
        "consultation_request",
        "incident_notification",
        "early_warning",
        "assistance_request",
        "vulnerability_notification",
        "advance_notice",
        "information_sharing",
    }


def test_a_broken_kinds_file_is_refused_with_its_place():
    with pytest.raises(kinds.KindsError, match="kinds/0"):
        kinds.parse({"lists": {}, "kinds": [{"code": "x"}]})
    with pytest.raises(kinds.KindsError, match="no list named"):
        kinds.parse(
            {
                "lists": {},
                "kinds": [
                    {
                        "code": "reply",
                        "title": {"en": "R", "ar": "ر"},
                        "description": {"en": "R", "ar": "ر"},
                        "items": [],
                        "roles": [],
                        "acknowledge_within_hours": None,
                        "fields": [
                            {
                                "name": "s",
                                "type": "choice",
                                "required": True,
                                "label": {"en": "S", "ar": "س"},
                                "choices": "nope",
                            }
                        ],
                    }
                ],
            }
        )


def test_fields_are_normalized():
    cleaned = clean_fields(
        kind("incident_notification"),
        {
            "detected_at": "2026-11-30T10:15+03:00",
            "sectors": ["health", "energy", "health"],
            "severity": "4",
            "incident_status": "contained",
            "impact": "x",
            "indicators": "hxxps://evil[.]example/login\n192.0.2.1\n2001:db8::1\n198.51.100.0/24\n"
            "phish[@]bad.example\nD41D8CD98F00B204E9800998ECF8427E\n192.0.2.1",
        },
    )
    assert cleaned["detected_at"] == "2026-11-30T07:15+00:00"
    assert cleaned["sectors"] == ["energy", "health"]
    assert cleaned["indicators"] == [
        {"type": "url", "value": "https://evil.example/login"},
        {"type": "ipv4", "value": "192.0.2.1"},
        {"type": "ipv6", "value": "2001:db8::1"},
        {"type": "ipv4-net", "value": "198.51.100.0/24"},
        {"type": "email", "value": "phish@bad.example"},
        {"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"},
    ]
    assert defang({"type": "url", "value": "https://evil.example/login"}) == "hxxps://evil[.]example/login"


def test_every_problem_is_named_at_once():
    with pytest.raises(FieldErrors) as caught:
        clean_fields(
            kind("vulnerability_notification"),
            {"product": "x" * 201, "cves": "CVE-2026-1\nCVE-2026-12345", "cvss": "11", "remedy": "pray"},
        )
    errors = caught.value.errors
    assert set(errors) == {"product", "vendor", "cves", "cvss", "remedy"}
    assert "200" in errors["product"][0] and "Line 1" in errors["cves"][0]
    assert "0" in errors["cvss"][0] and "10" in errors["cvss"][0]


@pytest.mark.parametrize(
    "value", ["not an indicator", "example", "http://", "1.2.3", "a" * 63, "ftp:///x", "-bad-.example"]
)
def test_what_is_not_an_indicator(value):
    assert classify_indicator(value) is None


def test_an_activity_must_end_after_it_starts():
    with pytest.raises(FieldErrors, match="later than"):
        clean_fields(
            kind("advance_notice"),
            {
                "activity": "exercise",
                "starts_at": "2026-12-10T10:00",
                "ends_at": "2026-12-10T09:00",
                "observable_effects": "x",
            },
        )
    with pytest.raises(FieldErrors, match="date and time"):
        clean_fields(
            kind("advance_notice"),
            {
                "activity": "exercise",
                "starts_at": "next tuesday",
                "ends_at": "2026-12-10T09:00",
                "observable_effects": "x",
            },
        )


def test_labels_follow_the_language():
    from django.utils import translation

    spec = kind("incident_notification")
    with translation.override("ar"):
        assert spec.title == "إخطار بحادث"
        assert spec.fields[1].choice_label("energy") == "الطاقة"
    assert spec.title == "Incident notification"
