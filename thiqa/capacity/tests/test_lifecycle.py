"""Engagements past the answer: accepted → in progress → completed (with an outcome) or
stopped (with a reason) from accepted or in progress; each side evaluates a completed one
once. Every step by a party, audited and e-mailed to the other side; every other step
refused with a clear message."""

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_user
from thiqa.accounts.services import ServiceError
from thiqa.audit.models import AuditEvent
from thiqa.capacity import services
from thiqa.capacity.models import Engagement, Evaluation
from thiqa.capacity.tests.helpers import draft, state, writer
from thiqa.capacity.tests.test_engagements import mails

pytestmark = pytest.mark.usefixtures("catalogue")
Status = Engagement.Status


@pytest.fixture
def france_focal(other_participant):
    return make_user("focal@fr.example", other_participant, "focal_point", totp=True, language="en")


@pytest.fixture
def egypt_focal(participant):
    return make_user("focal@eg.example", participant, "focal_point", totp=True, language="ar")


@pytest.fixture
def accepted(member, participant, other_participant, france_focal, egypt_focal):
    need = services.post_need(member, participant, draft(title="Sector CERTs"))
    offer = services.post_offer(writer(other_participant), other_participant, draft(title="CERT mentoring"))
    asked = services.request_engagement(member, need, offer, "Could you mentor our teams?")
    services.accept(france_focal, asked, "Gladly.")
    asked.refresh_from_db()
    return asked


def in_status(engagement: Engagement, status: str, egypt: object) -> Engagement:
    """Take ``engagement`` (accepted) to ``status`` through the services, as Egypt."""
    if status in (Status.IN_PROGRESS, Status.COMPLETED):
        services.start(egypt, engagement)
    if status == Status.COMPLETED:
        services.complete(egypt, engagement, "Two teams trained.")
    if status == Status.STOPPED:
        services.stop(egypt, engagement, "Funding ended.")
    engagement.refresh_from_db()
    return engagement


def test_either_side_carries_it_to_completion_and_the_other_side_is_told(
    accepted, member, france_focal, egypt_focal
):
    services.start(member, accepted)
    accepted.refresh_from_db()
    assert accepted.status == Status.IN_PROGRESS and accepted.started_by == member
    (started,) = mails("capacity.engagement_in_progress")
    assert (
        started["To"] == "focal@fr.example"
        and "Egypt marked your engagement in progress" in started["Subject"]
    )
    services.complete(france_focal, accepted, "  Two sector teams trained and running.  ")
    accepted.refresh_from_db()
    assert accepted.status == Status.COMPLETED and accepted.outcome == "Two sector teams trained and running."
    assert accepted.ended_by == france_focal and accepted.ended_at is not None
    (completed,) = mails("capacity.engagement_completed")
    assert (
        completed["To"] == "focal@eg.example" and "فرنسا" in completed["Subject"]
    )  # Egypt's focal point reads Arabic
    assert f"/capacity/engagements/{accepted.pk}/" in completed.get_body().get_content()
    actions = list(
        AuditEvent.objects.filter(target_type="capacity.engagement")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["capacity.engagement_in_progress", "capacity.engagement_completed"]


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.IN_PROGRESS])
def test_it_stops_from_accepted_or_in_progress_with_a_reason(status, accepted, member, france_focal):
    engagement = in_status(accepted, status, member)
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.stop(france_focal, engagement, "   ")
    assert list(caught.value.errors) == ["reason"]
    services.stop(france_focal, engagement, "The experts are no longer available.")
    engagement.refresh_from_db()
    assert (
        engagement.status == Status.STOPPED
        and engagement.stop_reason == "The experts are no longer available."
    )
    assert [m["To"] for m in mails("capacity.engagement_stopped")] == ["focal@eg.example"]


def test_completing_needs_an_outcome(accepted, member):
    services.start(member, accepted)
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.complete(member, accepted, "")
    assert caught.value.errors == {"outcome": ["Describe the outcome, at most 5000 characters."]}
    with pytest.raises(services.InvalidCapacityInput):
        services.complete(member, accepted, "x" * 5001)
    accepted.refresh_from_db()
    assert accepted.status == Status.IN_PROGRESS


# Every step that is not in TRANSITIONS, from every status, is refused with its message.
ILLEGAL = [
    (
        "start",
        Status.PROPOSED,
        "Only an accepted engagement can be marked in progress; this one is proposed.",
    ),
    (
        "start",
        Status.IN_PROGRESS,
        "Only an accepted engagement can be marked in progress; this one is in progress.",
    ),
    (
        "start",
        Status.COMPLETED,
        "Only an accepted engagement can be marked in progress; this one is completed.",
    ),
    ("start", Status.STOPPED, "Only an accepted engagement can be marked in progress; this one is stopped."),
    (
        "start",
        Status.DECLINED,
        "Only an accepted engagement can be marked in progress; this one is declined.",
    ),
    ("complete", Status.PROPOSED, "Only an engagement in progress can be completed; this one is proposed."),
    ("complete", Status.ACCEPTED, "Only an engagement in progress can be completed; this one is accepted."),
    ("complete", Status.COMPLETED, "Only an engagement in progress can be completed; this one is completed."),
    ("complete", Status.STOPPED, "Only an engagement in progress can be completed; this one is stopped."),
    ("complete", Status.WITHDRAWN, "Only an engagement in progress can be completed; this one is withdrawn."),
    (
        "stop",
        Status.PROPOSED,
        "Only an accepted engagement or one in progress can be stopped; this one is proposed.",
    ),
    (
        "stop",
        Status.COMPLETED,
        "Only an accepted engagement or one in progress can be stopped; this one is completed.",
    ),
    (
        "stop",
        Status.STOPPED,
        "Only an accepted engagement or one in progress can be stopped; this one is stopped.",
    ),
    (
        "stop",
        Status.DECLINED,
        "Only an accepted engagement or one in progress can be stopped; this one is declined.",
    ),
]


@pytest.mark.parametrize("step,status,message", ILLEGAL)
def test_illegal_steps_are_refused_and_change_nothing(step, status, message, accepted, member, france_focal):
    if status in (Status.PROPOSED, Status.DECLINED, Status.WITHDRAWN):
        Engagement.objects.filter(pk=accepted.pk).update(status=status)  # as if never accepted
        accepted.refresh_from_db()
    else:
        in_status(accepted, status, member)
    events = AuditEvent.objects.count()
    steps = {
        "start": lambda: services.start(france_focal, accepted),
        "complete": lambda: services.complete(france_focal, accepted, "Done."),
        "stop": lambda: services.stop(france_focal, accepted, "Enough."),
    }
    with pytest.raises(ServiceError) as caught:
        steps[step]()
    assert str(caught.value) == message
    assert Engagement.objects.get(pk=accepted.pk).status == status
    assert AuditEvent.objects.count() == events


def test_an_accepted_request_can_no_longer_be_answered_or_withdrawn(accepted, member, france_focal):
    with pytest.raises(ServiceError, match="it can no longer be answered or withdrawn"):
        services.decline(france_focal, accepted, "Changed our mind.")
    with pytest.raises(ServiceError, match="it can no longer be answered or withdrawn"):
        services.withdraw(member, accepted)


def test_only_the_two_sides_take_the_steps(accepted, observer, secretariat, egypt_focal):
    kenyan = writer(state("KE", "Kenya", "كينيا"))
    egypt_observer = make_user("observer@eg.example", accepted.need.participant, "observer")
    for person in (kenyan, secretariat, observer, egypt_observer):  # outsiders, and observers of either side
        with pytest.raises(PermissionDenied):
            services.start(person, accepted)
        with pytest.raises(PermissionDenied):
            services.stop(person, accepted, "No.")
    services.start(egypt_focal, accepted)
    for person in (kenyan, secretariat, observer, egypt_observer):
        with pytest.raises(PermissionDenied):
            services.complete(person, accepted, "Done.")
    assert Engagement.objects.get(pk=accepted.pk).status == Status.IN_PROGRESS


# --- evaluations ----------------------------------------------------------------------------------


def test_each_side_evaluates_once_for_itself(accepted, member, france_focal, egypt_focal):
    in_status(accepted, Status.COMPLETED, member)
    mine = services.evaluate(member, accepted, 4, "The mentoring met our needs.")
    assert (mine.side, mine.rating, mine.evaluated_by) == ("need", 4, member)
    (told,) = mails("capacity.engagement_evaluated")
    assert told["To"] == "focal@fr.example" and "Egypt evaluated your engagement" in told["Subject"]
    with pytest.raises(ServiceError, match="Egypt has already evaluated this engagement"):
        services.evaluate(egypt_focal, accepted, 5, "Again.")
    theirs = services.evaluate(france_focal, accepted, 5, "A motivated team.")
    assert theirs.side == "offer"
    assert [(e.side, e.rating) for e in Evaluation.objects.filter(engagement=accepted)] == [
        ("need", 4),
        ("offer", 5),
    ]
    events = AuditEvent.objects.filter(action="capacity.engagement_evaluated").order_by("seq")
    assert [e.data for e in events] == [{"side": "need", "rating": 4}, {"side": "offer", "rating": 5}]


def test_an_evaluation_needs_a_rating_on_the_scale_and_a_text(accepted, member):
    in_status(accepted, Status.COMPLETED, member)
    for rating in (0, 6, "4", None, True):
        with pytest.raises(services.InvalidCapacityInput) as caught:
            services.evaluate(member, accepted, rating, "Fine.")
        assert caught.value.errors == {"rating": ["Choose a rating from 1 to 5."]}
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.evaluate(member, accepted, 3, " ")
    assert list(caught.value.errors) == ["text"]
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.IN_PROGRESS, Status.STOPPED])
def test_only_a_completed_engagement_is_evaluated(status, accepted, member):
    in_status(accepted, status, member)
    label = Engagement.Status(status).label.lower()
    with pytest.raises(
        ServiceError, match=f"Only a completed engagement can be evaluated; this one is {label}"
    ):
        services.evaluate(member, accepted, 3, "Too early.")


def test_nobody_evaluates_for_a_side_they_do_not_write_for(accepted, member, observer, secretariat):
    in_status(accepted, Status.COMPLETED, member)
    with pytest.raises(PermissionDenied):
        services.evaluate(member, accepted, 5, "For France.", side="offer")
    for person in (observer, secretariat):
        with pytest.raises(PermissionDenied):
            services.evaluate(person, accepted, 1, "Not ours.")
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.evaluate(member, accepted, 3, "Which side?", side="both")
    assert list(caught.value.errors) == ["side"]
    assert not Evaluation.objects.exists()
