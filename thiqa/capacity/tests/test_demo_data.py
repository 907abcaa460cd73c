"""The demo's capacity building: sample needs and offers that match, a request waiting for
France's answer, completed engagements evaluated by both sides and one in progress, sample
projects, and invented CIRT statuses that the page says are samples."""

import re

from django.test import Client

from thiqa.accounts.models import User
from thiqa.capacity import matching
from thiqa.capacity.demo_data import load
from thiqa.capacity.models import CirtStatus, Engagement, Evaluation, Need, Offer, Project


def test_the_demo_loads_matching_samples_once(demo):
    assert Need.objects.filter(is_sample=True).count() == 3
    assert Offer.objects.filter(is_sample=True).count() == 4
    egypt = Need.objects.get(participant__code="EG")
    best = matching.offers_for(egypt)[0]
    assert best.posting.participant.code == "FR" and "A/68/98 32(b)" in best.explanation
    statuses = sorted(Engagement.objects.filter(is_sample=True).values_list("status", flat=True))
    assert statuses == ["completed", "completed", "in_progress", "proposed"]
    assert Evaluation.objects.filter(is_sample=True).count() == 4  # both sides of both completed
    assert Project.objects.filter(is_sample=True).count() == 4
    assert set(Project.objects.values_list("status", flat=True)) == {"planned", "ongoing", "completed"}
    statuses = CirtStatus.objects.all()
    assert statuses.count() > 100 and all(s.is_sample for s in statuses)
    assert not statuses.filter(participant__code="EG").exists()  # left for Egypt's focal point
    assert load() == ["Capacity: sample needs, offers and CIRT statuses already loaded."]


def test_the_demo_focal_point_of_france_has_a_request_to_answer(demo):
    client = Client()
    client.force_login(User.objects.get(email="focal.fr@thiqa.example"))
    assert "request to engage on capacity building waits for your answer" in client.get("/").content.decode()
    assert "Sample data." in client.get("/capacity/cirt/").content.decode()


def test_the_demo_projects_figures_and_participant_pages_read_in_both_languages(demo):
    client = Client()
    client.force_login(User.objects.get(email="observer@thiqa.example"))
    for language in ("en", "ar"):
        client.cookies["thiqa-language"] = language
        for project in Project.objects.all():
            page = client.get(f"/capacity/projects/{project.pk}/")
            assert page.status_code == 200 and project.title in page.content.decode()
        figures = client.get("/capacity/figures/").content.decode()
        assert '<strong id="completed-total">2</strong>' in figures
        kenya = client.get("/participants/KE/").content.decode()
        assert 'table class="completed-engagements"' in kenya and kenya.count("<tr>") >= 3
    listed = client.get("/capacity/projects/?status=completed").content.decode()
    assert len(re.findall(r'href="/capacity/projects/\d+/"', listed)) == 2
