"""The provider chooses each submission's audience, and a participant outside it sees
nothing: not the page, the export, the compilation, the comparison, the search or the API.
Drafts are seen by the participant's own people only."""

import random
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.reporting import compilation, services
from thiqa.reporting.instruments import instrument
from thiqa.reporting.models import Audience, Response
from thiqa.reporting.sample import sample_answers

pytestmark = pytest.mark.usefixtures("catalogue")
WORD = "zanzibarite"  # a word only the submission's text holds


def state(code: str, name: str) -> Participant:
    return Participant.objects.create(code=code, kind="state", name_en=name, name_ar=name)


@pytest.fixture
def world(secretariat):
    egypt, jordan, oman, chile = (
        state("EG", "Egypt"),
        state("JO", "Jordan"),
        state("OM", "Oman"),
        state("CL", "Chile"),
    )
    group = ParticipantGroup.objects.create(code="LAS", kind="regional", name_en="LAS", name_ar="الجامعة")
    group.members.add(egypt, jordan, oman)
    today = timezone.localdate()
    cycle = services.open_cycle(
        secretariat,
        instrument="gca-self-assessment",
        title="GCA",
        period="2026",
        opens_on=today - timedelta(days=1),
        due_on=today + timedelta(days=30),
        group=group,
    )
    people = {
        "author": make_user("focal@eg.example", egypt, "focal_point", totp=True),
        "colleague": make_user("observer@eg.example", egypt, "observer"),
        "in_scope": make_user("member@jo.example", jordan, "member"),
        "chosen": make_user("member@om.example", oman, "member"),
        "outside_scope": make_user("member@cl.example", chile, "member"),
        "secretariat": secretariat,
        "no_role": make_user("nobody@example.org", None, None),
    }
    return {"cycle": cycle, "people": people, "oman": oman}


def submitted(world, audience: str) -> Response:
    author = world["people"]["author"]
    response = services.response_for(author, world["cycle"], Participant.objects.get(code="EG"))
    answers = sample_answers(instrument("gca-self-assessment"), random.Random(3), 0.5, "en")
    first = next(iter(answers))
    answers[first]["comment"] = f"Our {WORD} programme"
    services.save_draft(
        author,
        response,
        answers=answers,
        language="en",
        audience=audience,
        audience_participants=[world["oman"]] if audience == Audience.CHOSEN else [],
    )
    services.submit(author, response)
    response.refresh_from_db()
    return response


def sees(client: Client, user, response: Response, cycle) -> dict[str, bool]:
    if user is not None:
        client.force_login(user)
    page = client.get(f"/reporting/responses/{response.pk}/")
    pdf = client.get(f"/reporting/responses/{response.pk}/export.json")
    compiled = client.get(f"/reporting/cycles/{cycle.pk}/compilation.json")
    compare = client.get(f"/reporting/cycles/{cycle.pk}/compare/", {"p": "EG"})
    search = client.get(f"/reporting/cycles/{cycle.pk}/", {"q": WORD})
    api = client.get(f"/api/v1/reporting/responses/{response.pk}")
    api_search = client.get("/api/v1/reporting/search", {"q": WORD})
    found = {
        "page": page.status_code == 200 and WORD in page.content.decode(),
        "export": pdf.status_code == 200,
        "compilation": compiled.status_code == 200
        and any(p["participant"] == "EG" for p in compiled.json()["participants"]),
        "compare": compare.status_code == 200
        and WORD not in compare.content.decode()
        and "Egypt" in _compared(compare),
        "search": search.status_code == 200
        and f"/reporting/responses/{response.pk}/" in search.content.decode(),
        "api": api.status_code == 200 and WORD in api.content.decode(),
        "api_search": api_search.status_code == 200 and [r["id"] for r in api_search.json()] == [response.pk],
    }
    return found


def _compared(reply) -> str:
    content = reply.content.decode()
    return content.split('<table class="compare">', 1)[1] if '<table class="compare">' in content else ""


EVERYTHING = {"page", "export", "compilation", "compare", "search", "api", "api_search"}
SIGNED_IN_ONLY = {"compilation", "compare", "search", "api", "api_search"}

EXPECTED = {
    Audience.SECRETARIAT: {"author", "colleague", "secretariat"},
    Audience.SCOPE: {"author", "colleague", "secretariat", "in_scope", "chosen"},
    Audience.CHOSEN: {"author", "colleague", "secretariat", "chosen"},
    Audience.PUBLIC: {"author", "colleague", "secretariat", "in_scope", "chosen", "outside_scope", "no_role"},
}


@pytest.mark.parametrize("audience", Audience.values)
def test_only_the_audience_sees_a_submission_anywhere(world, audience):
    response = submitted(world, audience)
    for name, user in world["people"].items():
        seen = sees(Client(), user, response, world["cycle"])
        expected = EVERYTHING if name in EXPECTED[audience] else set()
        if name == "no_role" and audience == Audience.PUBLIC:
            expected = {"page", "export", "api"}  # public; compilations and search are for the community
        assert {k for k, v in seen.items() if v} == expected, name


def test_the_public_sees_a_public_submission_without_signing_in(world):
    response = submitted(world, Audience.PUBLIC)
    seen = sees(Client(), None, response, world["cycle"])
    assert seen["page"] and seen["export"] and not seen["api"]
    private = submitted_again(world, Audience.SCOPE)
    assert Client().get(f"/reporting/responses/{private.pk}/").status_code in (302, 403)


def submitted_again(world, audience: str) -> Response:
    author = world["people"]["author"]
    response = Response.objects.get(participant__code="EG")
    services.withdraw(author, response)
    services.save_draft(author, response, answers=response.answers, language="en", audience=audience)
    services.submit(author, response)
    response.refresh_from_db()
    return response


def test_a_draft_is_seen_by_its_own_people_only(world):
    author = world["people"]["author"]
    response = services.response_for(author, world["cycle"], Participant.objects.get(code="EG"))
    services.save_draft(author, response, answers={}, language="en", audience=Audience.PUBLIC)
    allowed = {n for n, u in world["people"].items() if policy.can(u, "reporting.view_response", response)}
    assert allowed == {"author", "colleague"}
    assert not compilation.submissions(world["people"]["secretariat"], world["cycle"])


def test_a_withdrawn_submission_disappears_but_the_secretariat_keeps_the_record(world):
    response = submitted(world, Audience.SCOPE)
    services.withdraw(world["people"]["author"], response)
    response.refresh_from_db()
    allowed = {n for n, u in world["people"].items() if policy.can(u, "reporting.view_response", response)}
    assert allowed == {"author", "colleague", "secretariat"}
    assert not compilation.search(world["people"]["in_scope"], WORD).exists()


@pytest.mark.parametrize("audience", Audience.values)
def test_the_query_and_the_policy_agree(world, audience):
    response = submitted(world, audience)
    for name, user in world["people"].items():
        listed = Response.objects.visible_to(user).filter(pk=response.pk).exists()
        assert listed == policy.can(user, "reporting.view_response", response), name


def test_a_document_left_out_of_the_submission_stays_with_the_draft(world):
    from thiqa.lib.files import Upload
    from thiqa.reporting.models import Evidence

    author = world["people"]["author"]
    response = services.response_for(author, world["cycle"], Participant.objects.get(code="EG"))
    question = next(q.code for q in instrument("gca-self-assessment").questions() if q.evidence)
    kept = services.add_evidence(author, response, question, Upload("kept.pdf", b"%PDF-1.7 kept"))
    dropped = services.add_evidence(author, response, question, Upload("dropped.pdf", b"%PDF-1.7 dropped"))
    response.refresh_from_db()
    answers = sample_answers(instrument("gca-self-assessment"), random.Random(3), 0.5, "en")
    answers[question]["evidence"] = [kept.pk]
    services.save_draft(author, response, answers=answers, language="en", audience=Audience.PUBLIC)
    services.submit(author, response)
    visitor = Client()
    assert visitor.get(f"/reporting/evidence/{kept.pk}/").content == b"%PDF-1.7 kept"
    assert visitor.get(f"/reporting/evidence/{dropped.pk}/").status_code in (302, 403)
    colleague = Client()
    colleague.force_login(world["people"]["colleague"])
    assert colleague.get(f"/reporting/evidence/{dropped.pk}/").status_code == 200
    assert Evidence.objects.count() == 2
