"""Joining: open arrangements at once, closed ones after the owner's decision, with a
recorded NDA acceptance where one is required; forged and repeated requests refused."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_contact, make_user
from thiqa.accounts.services import ServiceError
from thiqa.audit.models import AuditEvent
from thiqa.mail.models import OutboundMessage
from thiqa.partnerships import services
from thiqa.partnerships.models import Member
from thiqa.partnerships.tests.helpers import record

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def france(other_participant):
    return make_user("focal@fr.example", other_participant, "focal_point", totp=True)


def test_a_closed_arrangement_needs_the_nda_and_the_owner(
    focal_point, participant, other_participant, france
):
    arrangement = services.register(focal_point, participant, record())
    with pytest.raises(services.InvalidArrangement, match="Accept the non-disclosure agreement"):
        services.request_to_join(france, arrangement, other_participant)
    assert not Member.objects.filter(participant=other_participant).exists()
    member = services.request_to_join(
        france, arrangement, other_participant, nda_accepted=True, note="Cross-border alerts"
    )
    assert member.status == "requested" and member.nda_accepted_by == france
    assert member.nda_digest == hashlib.sha256(b"Members keep what is shared confidential.").hexdigest()
    assert OutboundMessage.objects.filter(
        purpose="partnerships.join_request", recipients=[focal_point.email]
    ).exists()
    with pytest.raises(ServiceError, match="already a member"):
        services.request_to_join(france, arrangement, other_participant, nda_accepted=True)
    with pytest.raises(services.InvalidArrangement, match="why"):
        services.decide(focal_point, member, accept=False)
    services.decide(focal_point, member, accept=True)
    member.refresh_from_db()
    assert member.status == "active" and member.decided_by == focal_point
    with pytest.raises(ServiceError, match="already decided"):
        services.decide(focal_point, member, accept=False, reason="changed my mind")
    assert AuditEvent.objects.filter(action="partnerships.join_decided").count() == 1


def test_an_open_arrangement_takes_members_at_once(focal_point, participant, other_participant, france):
    arrangement = services.register(
        focal_point, participant, record(membership="open", vetting="none", nda_text="")
    )
    member = services.request_to_join(france, arrangement, other_participant)
    assert member.status == "active"
    services.leave(france, member)
    member.refresh_from_db()
    assert member.status == "left"
    again = services.request_to_join(
        france, arrangement, other_participant
    )  # a participant that left may return
    assert again.status == "active"


def test_forged_requests_are_refused(focal_point, participant, other_participant, france, member):
    arrangement = services.register(focal_point, participant, record())
    with pytest.raises(PermissionDenied):  # the French focal point does not speak for Egypt
        services.request_to_join(france, arrangement, participant, nda_accepted=True)
    with pytest.raises(PermissionDenied):  # a member (not a focal point) does not commit its participant
        services.request_to_join(member, arrangement, participant, nda_accepted=True)
    request = services.request_to_join(france, arrangement, other_participant, nda_accepted=True)
    with pytest.raises(PermissionDenied):  # only the owner decides
        services.decide(france, request, accept=True)
    with pytest.raises(ServiceError, match="owner"):
        services.leave(focal_point, arrangement.members.get(participant=participant))
    assert arrangement.members.filter(status="active").count() == 1


def test_representatives_are_contacts_of_the_member(focal_point, participant, other_participant, france):
    arrangement = services.register(
        focal_point, participant, record(membership="open", vetting="none", nda_text="")
    )
    member = services.request_to_join(france, arrangement, other_participant)
    own = make_contact(other_participant, "technical", "cert@fr.example")
    foreign = make_contact(participant, "technical", "cert@eg.example")
    with pytest.raises(services.InvalidArrangement, match="Not current contacts"):
        services.set_representatives(france, member, [own, foreign])
    services.set_representatives(france, member, [own])
    assert list(member.representatives.all()) == [own]
