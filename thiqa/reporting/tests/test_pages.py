"""The reporting pages in English and Arabic: opening a cycle, the editor (save, autosave,
evidence, submit with errors beside the questions), the diff, questions and answers, the
compilation with its charts, comparison, profile and trend, the demo's cycles."""

import random
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from conftest import make_user
from thiqa.accounts.models import ParticipantGroup
from thiqa.reporting import services
from thiqa.reporting.instruments import instrument
from thiqa.reporting.models import Audience, Cycle, Response, SubmissionQuestion
from thiqa.reporting.sample import sample_answers

pytestmark = pytest.mark.usefixtures("catalogue")


def signed_in(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["thiqa-language"] = language
    return client


@pytest.fixture
def cycle(secretariat, participant, other_participant):
    group = ParticipantGroup.objects.create(code="UN", kind="global", name_en="UN", name_ar="الأمم المتحدة")
    group.members.add(participant, other_participant)
    today = timezone.localdate()
    return services.open_cycle(
        secretariat,
        instrument="un-gge-2013-implementation",
        title="GGE report 2026",
        period="2026",
        opens_on=today - timedelta(days=1),
        due_on=today + timedelta(days=60),
        group=group,
    )


def form_data(response, answers: dict, **extra) -> dict:
    data = {"language": "en", "audience": Audience.SCOPE, "revision": response.revision}
    for code, answer in answers.items():
        data[f"a_{code}"] = answer["value"]
        if "comment" in answer:
            data[f"c_{code}"] = answer["comment"]
    data.update(extra)
    return data


def test_the_secretariat_opens_a_cycle_from_the_page(secretariat):
    client = signed_in(secretariat)
    assert client.get("/reporting/new/").status_code == 200
    reply = client.post(
        "/reporting/new/",
        {
            "instrument": "osce-annual-exchange",
            "title": "OSCE 2027",
            "period": "2027",
            "opens_on": "2027-01-10",
        },
    )
    cycle = Cycle.objects.get()
    assert reply["Location"] == f"/reporting/cycles/{cycle.pk}/" and cycle.due_on.isoformat() == "2027-10-31"
    bad = client.post(
        "/reporting/new/",
        {"instrument": "gca-self-assessment", "title": "x", "period": "y", "opens_on": "2027-01-10"},
    )
    assert bad.status_code == 200 and "Give the due date." in bad.content.decode()


def test_the_editor_in_arabic_saves_autosaves_and_submits(cycle, focal_point, participant):
    client = signed_in(focal_point, "ar")
    page = client.get(f"/reporting/cycles/{cycle.pk}/respond/EG/")
    html = page.content.decode()
    assert page.status_code == 200 and 'dir="rtl"' in html and "autosave.js" in html
    assert instrument("un-gge-2013-implementation").sections[0].titles["ar"] in html
    response = Response.objects.get()
    partial = {"norms-19": {"value": "yes", "comment": "نلتزم بميثاق الأمم المتحدة"}}
    autosaved = client.post(f"/reporting/responses/{response.pk}/autosave/", form_data(response, partial))
    assert autosaved.status_code == 200 and autosaved.json()["saved"] and not response.versions.exists()
    stale = client.post(f"/reporting/responses/{response.pk}/autosave/", form_data(response, partial))
    assert stale.status_code == 409  # the revision it started from was taken by the first save
    response.refresh_from_db()
    submit = client.post(
        f"/reporting/cycles/{cycle.pk}/respond/EG/", form_data(response, partial, action="submit")
    )
    assert submit.status_code == 400
    with translation.override("ar"):
        required = gettext("This question must be answered before submitting.")
    assert submit.context["form"].errors["a_norms-20"] == [required]  # in the page's language
    response.refresh_from_db()
    assert (
        response.status == "draft" and response.answers["norms-19"]["comment"] == "نلتزم بميثاق الأمم المتحدة"
    )
    everything = sample_answers(instrument("un-gge-2013-implementation"), random.Random(2), 0.6, "en")
    done = client.post(
        f"/reporting/cycles/{cycle.pk}/respond/EG/", form_data(response, everything, action="submit")
    )
    assert done.status_code == 302 and done["Location"] == f"/reporting/responses/{response.pk}/"
    response.refresh_from_db()
    assert response.status == "submitted"


def test_evidence_uploaded_with_the_form_is_cited(secretariat, focal_point, participant, cycle):
    from django.core.files.uploadedfile import SimpleUploadedFile

    osce = services.open_cycle(
        secretariat,
        instrument="osce-annual-exchange",
        title="OSCE",
        period="2026",
        opens_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=9),
    )
    client = signed_in(focal_point)
    client.get(f"/reporting/cycles/{osce.pk}/respond/EG/")
    response = Response.objects.get(cycle=osce)
    question = next(
        q.code for q in instrument("osce-annual-exchange").questions() if q.evidence and q.type == "status"
    )
    data = form_data(response, {question: {"value": "yes"}})
    data[f"e_{question}"] = SimpleUploadedFile("strategy.pdf", b"%PDF-1.7\n")
    assert client.post(f"/reporting/cycles/{osce.pk}/respond/EG/", data).status_code == 302
    response.refresh_from_db()
    (document,) = response.evidence.all()
    assert response.answers[question] == {"value": "yes", "evidence": [document.pk]}
    download = client.get(f"/reporting/evidence/{document.pk}/")
    assert download.status_code == 200 and download.content == b"%PDF-1.7\n"
    bad = form_data(response, {question: {"value": "no"}})
    bad[f"e_{question}"] = SimpleUploadedFile("virus.exe", b"MZ")
    assert client.post(f"/reporting/cycles/{osce.pk}/respond/EG/", bad).status_code == 400
    response.refresh_from_db()
    assert response.answers[question]["value"] == "yes" and response.evidence.count() == 1


def test_diff_questions_and_answers(cycle, focal_point, participant, other_participant):
    answers = sample_answers(instrument("un-gge-2013-implementation"), random.Random(2), 0.6, "en")
    response = services.response_for(focal_point, cycle, participant)
    services.save_draft(focal_point, response, answers=answers, language="en", audience=Audience.SCOPE)
    services.submit(focal_point, response)
    services.withdraw(focal_point, response)
    changed = dict(answers, **{"norms-comment": {"value": "We joined the Budapest Convention in 2025."}})
    services.save_draft(focal_point, response, answers=changed, language="en", audience=Audience.SCOPE)
    diff = signed_in(focal_point).get(f"/reporting/responses/{response.pk}/diff/").content.decode()
    assert "<ins>" in diff and "Budapest" in diff
    services.submit(focal_point, response)
    french = make_user("member@fr.example", other_participant, "member")
    asked = signed_in(french).post(
        f"/reporting/responses/{response.pk}/ask/", {"text": "Which agency leads this?", "about": "norms-19"}
    )
    assert asked.status_code == 302
    question = SubmissionQuestion.objects.get()
    assert question.asked_for == other_participant
    answered = signed_in(focal_point).post(
        f"/reporting/questions/{question.pk}/answer/", {"answer": "The national CERT."}
    )
    assert answered.status_code == 302
    page = signed_in(french).get(f"/reporting/responses/{response.pk}/").content.decode()
    assert "Which agency leads this?" in page and "The national CERT." in page
    again = signed_in(focal_point).post(f"/reporting/questions/{question.pk}/answer/", {"answer": "Changed"})
    assert again.status_code == 302
    question.refresh_from_db()
    assert question.answer == "The national CERT."


def test_compilation_compare_profile_and_trend_from_the_demo(demo):
    from thiqa.accounts.models import User

    secretariat = User.objects.get(email="secretariat@thiqa.example")
    client = signed_in(secretariat, "ar")
    latest = Cycle.objects.filter(instrument="gca-self-assessment").order_by("-opens_on").first()
    compiled = client.get(f"/reporting/cycles/{latest.pk}/compilation/").content.decode()
    assert "<svg" in compiled and "matrix" in compiled
    codes = list(Response.objects.filter(cycle=latest).values_list("participant__code", flat=True)[:2])
    compare = client.get(f"/reporting/cycles/{latest.pk}/compare/", {"p": codes}).content.decode()
    assert "chart-radar" in compare
    too_many = client.get(f"/reporting/cycles/{latest.pk}/compare/", {"p": ["A", "B", "C", "D"]})
    assert too_many.status_code == 200
    # The old page per participant is now its national profile.
    moved = client.get(f"/reporting/participants/{codes[0]}/")
    assert moved.status_code == 301 and moved["Location"] == f"/profiles/{codes[0]}/"
    profile = client.get(moved["Location"]).content.decode()
    assert "chart-line" in profile
    trend = client.get("/reporting/instruments/gca-self-assessment/trend/").content.decode()
    assert trend.count("<tr>") == 3  # the header and two cycles
    assert client.get("/reporting/").status_code == 200
    assert client.get(f"/reporting/cycles/{latest.pk}/").status_code == 200
