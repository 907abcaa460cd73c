"""The engagement's course on its page and through the API: the buttons each side sees, the
steps, the evaluations shown once given; 409 for a step its status does not allow, 422 for
bad input, 403 for read-only tokens and outsiders."""

import pytest
from django.utils.html import escape

from conftest import make_user
from thiqa.capacity import services
from thiqa.capacity.models import Engagement
from thiqa.capacity.tests.helpers import bearer, draft, signed_in, state, writer

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def accepted(member, participant, other_participant):
    need = services.post_need(member, participant, draft(title="Sector CERTs"))
    offer = services.post_offer(writer(other_participant), other_participant, draft(title="CERT mentoring"))
    asked = services.request_engagement(member, need, offer, "Could you mentor our teams?")
    services.accept(writer(other_participant), asked)
    return asked


def test_each_side_takes_the_steps_on_the_page_and_evaluates(accepted, member, other_participant, observer):
    egypt, france = signed_in(member), signed_in(writer(other_participant), "ar")
    url = f"/capacity/engagements/{accepted.pk}/"
    page = egypt.get(url).content.decode()
    assert (
        "Mark in progress" in page and "Stop the engagement" in page and "Complete the engagement" not in page
    )
    assert "Mark in progress" not in signed_in(observer).get(url).content.decode()  # observers read only
    egypt.post(f"{url}step/", {"action": "start"})
    refused = egypt.post(f"{url}step/", {"action": "complete", "outcome": ""}, follow=True).content.decode()
    assert "Describe the outcome, at most 5000 characters." in refused
    egypt.post(f"{url}step/", {"action": "complete", "outcome": "Two teams trained."})
    assert Engagement.objects.get().status == "completed"
    page = egypt.get(url).content.decode()
    assert "Two teams trained." in page and page.count("Record the evaluation") == 1  # Egypt's own side only
    egypt.post(f"{url}evaluate/", {"rating": "4", "text": "Met our needs.", "side": "need"})
    france.post(f"{url}evaluate/", {"rating": "5", "text": "فريق متحمس.", "side": "offer"})
    shown = signed_in(observer).get(url).content.decode()
    assert "4 · Met all its aims" in shown and "5 · Went beyond its aims" in shown
    assert "Met our needs." in shown and "فريق متحمس." in shown and "Record the evaluation" not in shown


def test_a_step_the_status_forbids_is_refused_on_the_page(accepted, member):
    answer = signed_in(member).post(
        f"/capacity/engagements/{accepted.pk}/step/", {"action": "complete", "outcome": "Done."}, follow=True
    )
    assert "Only an engagement in progress can be completed; this one is accepted." in answer.content.decode()
    assert Engagement.objects.get().status == "accepted"


def test_outsiders_are_refused(accepted):
    kenyan = signed_in(writer(state("KE", "Kenya", "كينيا")))
    assert kenyan.post(f"/capacity/engagements/{accepted.pk}/step/", {"action": "start"}).status_code == 403
    assert kenyan.get(f"/capacity/engagements/{accepted.pk}/").status_code == 403
    assert Engagement.objects.get().status == "accepted"


def test_the_api_takes_each_step_and_answers_409_422_and_403(accepted, member, other_participant):
    base = f"/api/v1/capacity/engagements/{accepted.pk}"
    egypt = bearer(member)
    assert (
        bearer(member, "read").post(f"{base}/start", {}, content_type="application/json").status_code == 403
    )
    early = egypt.post(f"{base}/complete", {"outcome": "Done."}, content_type="application/json")
    assert early.status_code == 409 and "this one is accepted" in early.json()["detail"]
    started = egypt.post(f"{base}/start", {}, content_type="application/json")
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    empty = egypt.post(f"{base}/complete", {"outcome": " "}, content_type="application/json")
    assert empty.status_code == 422
    done = egypt.post(f"{base}/complete", {"outcome": "Two teams trained."}, content_type="application/json")
    assert done.json()["outcome"] == "Two teams trained." and done.json()["ended_at"]
    bad = egypt.post(f"{base}/evaluations", {"rating": 9, "text": "Hm."}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["rating"]
    given = egypt.post(f"{base}/evaluations", {"rating": 4, "text": "Good."}, content_type="application/json")
    assert given.status_code == 201
    assert given.json()["evaluations"] == [
        {
            "side": "need",
            "participant": "EG",
            "rating": 4,
            "text": "Good.",
            "evaluated_at": given.json()["evaluations"][0]["evaluated_at"],
        }
    ]
    again = egypt.post(
        f"{base}/evaluations", {"rating": 4, "text": "Again."}, content_type="application/json"
    )
    assert again.status_code == 409
    stop = egypt.post(f"{base}/stop", {"reason": "Late."}, content_type="application/json")
    assert stop.status_code == 409
    outsider = bearer(make_user("member@ke.example", state("KE", "Kenya", "كينيا"), "member"))
    assert (
        outsider.post(
            f"{base}/evaluations", {"rating": 4, "text": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_the_home_page_asks_each_side_for_its_evaluation_until_given(
    accepted, member, other_participant, observer
):
    services.start(member, accepted)
    services.complete(member, accepted, "Two teams trained.")
    asks = escape("1 completed engagement waits for your side's evaluation.")
    france = writer(other_participant)
    assert asks in signed_in(member).get("/").content.decode()
    assert asks in signed_in(france).get("/").content.decode()
    assert asks not in signed_in(observer).get("/").content.decode()  # observers do not evaluate
    services.evaluate(member, accepted, 3, "Most aims met.")
    assert asks not in signed_in(member).get("/").content.decode()
    assert asks in signed_in(france).get("/").content.decode()
