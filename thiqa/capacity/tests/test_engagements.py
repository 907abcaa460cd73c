"""Requests to engage: proposed, then accepted, declined (with a reason) or withdrawn, once;
both sides and the secretariat see them, nobody else; every step audited and e-mailed to the
other side's focal points in their own language."""

from email import message_from_bytes
from email import policy as email_policy

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_user
from thiqa.accounts import policy
from thiqa.accounts.services import ServiceError
from thiqa.audit.models import AuditEvent
from thiqa.capacity import services
from thiqa.capacity.models import Engagement, Posting
from thiqa.capacity.tests.helpers import draft, state, writer
from thiqa.mail.models import OutboundMessage

pytestmark = pytest.mark.usefixtures("catalogue")
Status = Engagement.Status


@pytest.fixture
def france_focal(other_participant):
    return make_user("focal@fr.example", other_participant, "focal_point", totp=True, language="en")


@pytest.fixture
def egypt_focal(participant):
    return make_user("focal@eg.example", participant, "focal_point", totp=True, language="ar")


@pytest.fixture
def need(member, participant):
    return services.post_need(member, participant, draft(title="Sector CERTs"))


@pytest.fixture
def offer(other_participant):
    return services.post_offer(writer(other_participant), other_participant, draft(title="CERT mentoring"))


def mails(purpose: str) -> list:
    return [
        message_from_bytes(bytes(m.raw), policy=email_policy.default)
        for m in OutboundMessage.objects.filter(purpose=purpose).order_by("created_at")
    ]


def test_the_side_in_need_asks_and_the_offering_side_accepts(
    member, need, offer, france_focal, egypt_focal, other_participant
):
    asked = services.request_engagement(member, need, offer, "Could you mentor our teams?")
    assert asked.status == Status.PROPOSED and asked.side == Engagement.Side.NEED
    assert asked.asking == need.participant and asked.asked == other_participant
    (mail,) = mails("capacity.engagement_requested")
    assert mail["To"] == "focal@fr.example" and "Egypt asks to engage" in mail["Subject"]
    assert "/capacity/engagements/" in mail.get_body().get_content()
    services.accept(france_focal, asked, "Gladly.")
    asked.refresh_from_db()
    assert asked.status == Status.ACCEPTED and asked.answered_by == france_focal and asked.reason == "Gladly."
    (answer,) = mails("capacity.engagement_accepted")
    assert answer["To"] == "focal@eg.example" and "فرنسا" in answer["Subject"]  # in Arabic, her language
    events = AuditEvent.objects.filter(target_type="capacity.engagement").order_by("seq")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["capacity.engagement_requested", "capacity.engagement_accepted"]


def test_the_offering_side_may_ask_too_and_the_need_side_declines_with_a_reason(
    need, offer, other_participant, focal_point, egypt_focal
):
    asked = services.request_engagement(writer(other_participant), need, offer, "We can help.")
    assert asked.side == Engagement.Side.OFFER
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.decline(focal_point, asked, "  ")
    assert "reason" in caught.value.errors
    services.decline(focal_point, asked, "We found help nearer home.")
    asked.refresh_from_db()
    assert asked.status == Status.DECLINED and asked.reason == "We found help nearer home."
    assert {m["To"] for m in mails("capacity.engagement_requested")} == {
        "focal@eg.example",
        "focal@thiqa.example",
    }


def test_only_the_asking_side_withdraws_and_only_the_asked_side_answers(member, need, offer, france_focal):
    asked = services.request_engagement(member, need, offer, "Could you mentor our teams?")
    with pytest.raises(PermissionDenied):
        services.accept(member, asked)  # one does not accept one's own request
    with pytest.raises(PermissionDenied):
        services.withdraw(france_focal, asked)
    services.withdraw(member, asked, "Planned differently.")
    asked.refresh_from_db()
    assert asked.status == Status.WITHDRAWN
    assert [m["To"] for m in mails("capacity.engagement_withdrawn")] == ["focal@fr.example"]


@pytest.mark.parametrize("first", ["accept", "decline", "withdraw"])
def test_an_answered_request_is_never_answered_again(first, member, need, offer, france_focal):
    asked = services.request_engagement(member, need, offer, "Could you mentor our teams?")
    if first == "withdraw":
        services.withdraw(member, asked)
    else:
        getattr(services, first)(france_focal, asked, "Reason.")
    settled = Engagement.objects.get().status
    for again in (
        lambda: services.accept(france_focal, asked),
        lambda: services.decline(france_focal, asked, "No."),
        lambda: services.withdraw(member, asked),
    ):
        with pytest.raises(ServiceError, match="it can no longer be answered or withdrawn"):
            again()
    assert Engagement.objects.get().status == settled
    assert AuditEvent.objects.filter(target_type="capacity.engagement").count() == 2


def test_one_live_request_per_pair_and_a_new_one_after_a_refusal(member, need, offer, france_focal):
    first = services.request_engagement(member, need, offer, "Please.")
    with pytest.raises(ServiceError, match="already proposed or accepted"):
        services.request_engagement(member, need, offer, "Please, again.")
    services.decline(france_focal, first, "Not this year.")
    services.request_engagement(member, need, offer, "Next year, then?")
    assert Engagement.objects.filter(status=Status.PROPOSED).count() == 1


def test_bad_requests_are_refused(member, participant, need, offer, observer):
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.request_engagement(member, need, offer, "")
    assert "message" in caught.value.errors
    own_offer = services.post_offer(member, participant, draft())
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.request_engagement(member, need, own_offer, "Us with us.")
    assert caught.value.errors["offer"] == ["A participant cannot ask itself to engage."]
    services.close_posting(member, need)
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.request_engagement(member, need, offer, "Still?")
    assert caught.value.errors["status"] == ["Both the need and the offer must be open."]
    with pytest.raises(PermissionDenied):  # an observer of France never writes
        services.request_engagement(observer, need, offer, "Hello.")
    assert not Engagement.objects.exists()
    assert need.status == Posting.Status.CLOSED


def test_both_sides_and_the_secretariat_see_a_request_nobody_else(
    member, need, offer, observer, secretariat, france_focal
):
    asked = services.request_engagement(member, need, offer, "Please.")
    kenyan = writer(state("KE", "Kenya", "كينيا"))
    outsider = make_user("nobody@example.org", None, None)
    people = {
        "egypt member": (member, True),
        "france focal point": (france_focal, True),
        "france observer": (observer, True),
        "secretariat": (secretariat, True),
        "kenya": (kenyan, False),
        "outsider": (outsider, False),
    }
    for name, (person, sees) in people.items():
        by_policy = policy.can(person, "capacity.view_engagement", asked)
        by_query = Engagement.objects.visible_to(person).filter(pk=asked.pk).exists()
        assert by_policy == by_query == sees, name
