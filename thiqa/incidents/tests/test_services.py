"""Recording and changing incidents: one validation, one transaction, a timeline, an audit trail."""

import pytest
from django.core.exceptions import PermissionDenied

from thiqa.audit.models import AuditEvent
from thiqa.incidents import services
from thiqa.incidents.models import Incident, IncidentUpdate
from thiqa.incidents.tests.helpers import make_user, recorded, scale, state
from thiqa.lib.tlp import TLP

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def egypt():
    return state("EG", "Egypt", "مصر")


@pytest.fixture
def focal(egypt):
    return make_user("focal@eg.example", egypt, "focal_point")


def test_record_stores_everything_validated_with_a_timeline_and_an_audit_event(egypt, focal):
    incident = recorded(focal, egypt, items=["osce-cbm-15"], summary="  Billing down. ")
    assert incident.participant == egypt and incident.created_by == focal
    assert incident.summary == "Billing down."
    assert incident.indicators == [
        {"type": "ipv4", "value": "203.0.113.7"},
        {"type": "domain", "value": "evil.example"},
    ]
    assert incident.cves == ["CVE-2026-12345"]
    assert incident.common_level == 4 and incident.national_level is None
    assert [i.code for i in incident.items.all()] == ["osce-cbm-15"]
    assert list(incident.updates.values_list("status", flat=True)) == ["reported"]
    event = AuditEvent.objects.get(action="incidents.recorded")
    assert event.data["participant"] == "EG" and "Ransomware" not in str(event.data)


def test_the_common_level_follows_from_the_national_level(egypt, focal):
    levels = list(scale(egypt, focal).levels.all())
    incident = recorded(focal, egypt, national_level=levels[1].pk, common_level=None)
    assert incident.national_level == levels[1] and incident.common_level == 3


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(egypt, focal):
    other = state("FR", "France", "فرنسا")
    foreign = scale(other, make_user("focal@fr.example", other, "focal_point")).levels.first()
    with pytest.raises(services.InvalidIncident) as caught:
        recorded(
            focal,
            egypt,
            title="",
            tlp="PURPLE",
            detected_at="yesterday",
            sectors=["moon"],
            national_level=foreign.pk,
            indicators=["not an indicator"],
            cves=["CVE-26-1"],
            affected=["XX"],
            items=["no-such-item"],
        )
    assert set(caught.value.errors) == {
        "title",
        "tlp",
        "detected_at",
        "sectors",
        "national_level",
        "indicators",
        "cves",
        "affected",
        "items",
    }
    assert not Incident.objects.exists() and not IncidentUpdate.objects.exists()


def test_a_forged_participant_is_refused(egypt, focal):
    other = state("FR", "France", "فرنسا")
    with pytest.raises(PermissionDenied):
        recorded(focal, other)


def test_a_common_level_that_contradicts_the_mapping_is_refused(egypt, focal):
    level = scale(egypt, focal).levels.get(rank=1)
    with pytest.raises(services.InvalidIncident) as caught:
        recorded(focal, egypt, national_level=level.pk, common_level=5)
    assert set(caught.value.errors) == {"common_level"}


def test_statuses_go_forward_and_reopen_only_from_resolved(egypt, focal):
    incident = recorded(focal, egypt)
    services.update(focal, incident, status="contained", text="Isolated.")
    with pytest.raises(services.InvalidIncident):
        services.update(focal, incident, status="confirmed")
    services.update(focal, incident, status="resolved")
    services.update(focal, incident, status="confirmed", text="It came back.")
    services.update(focal, incident, status="closed")
    with pytest.raises(services.InvalidIncident):
        services.update(focal, incident, status="resolved")
    statuses = [u.status for u in incident.updates.all() if u.status]
    assert statuses == ["reported", "contained", "resolved", "confirmed", "closed"]


def test_each_change_is_one_timeline_entry(egypt, focal):
    incident = recorded(focal, egypt)
    entries = services.update(focal, incident, title="Ransomware, two operators", cves=["CVE-2026-1111"])
    assert sorted(e.field for e in entries) == ["cves", "title"]
    assert services.update(focal, incident, title="Ransomware, two operators") == []
    incident.refresh_from_db()
    assert incident.cves == ["CVE-2026-1111"]


def test_a_draft_needs_no_severity_until_published(egypt, focal):
    incident = recorded(focal, egypt, common_level=None, draft=True)
    assert incident.is_draft
    with pytest.raises(services.InvalidIncident):
        services.publish_draft(focal, incident)
    services.publish_draft(focal, incident, common_level=2)
    incident.refresh_from_db()
    assert not incident.is_draft and incident.common_level == 2


def test_readable_by_hides_what_a_stranger_may_not_read(egypt, focal):
    other = state("FR", "France", "فرنسا")
    stranger = make_user("m@fr.example", other, "member")
    amber = recorded(focal, egypt, tlp=TLP.AMBER)
    clear = recorded(focal, egypt, tlp=TLP.CLEAR)
    assert set(Incident.objects.readable_by(stranger)) == {clear}
    assert set(Incident.objects.readable_by(focal)) == {amber, clear}


def test_named_people_are_found_by_address_in_any_case_and_must_be_of_the_community(egypt, focal):
    colleague = make_user("cert@eg.example", egypt, "member")
    incident = recorded(focal, egypt, named_users=[" CERT@eg.example "])
    assert list(incident.named_users.all()) == [colleague]
    make_user("former@eg.example", None, None)
    with pytest.raises(services.InvalidIncident) as caught:
        recorded(focal, egypt, named_users=["former@eg.example", "nobody@eg.example"])
    assert caught.value.errors["named_users"] == [
        "Unknown: nobody@eg.example.",
        "Only people of the community can be named; these hold no role in it: former@eg.example.",
    ]
    assert Incident.objects.count() == 1
