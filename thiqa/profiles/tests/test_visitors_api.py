"""A visitor who is not signed in reads the glossary's and the profiles' API exactly as their
pages: in an open deployment, an endpoint answers where its page does, with the same records
(the public ones), and refuses where the page refuses (403 where the page says 403, 401 where
the page sends the visitor to sign in); a closed deployment answers 401 everywhere. Writes
need a token or a session either way, and the other routers mounted beside the profiles'
stay closed to visitors."""

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from conftest import make_user
from thiqa.audit.models import AuditEvent
from thiqa.glossary import services as glossary
from thiqa.glossary.models import Concept, GlossaryTerm
from thiqa.glossary.tests.helpers import concept_draft, term_draft
from thiqa.profiles import services
from thiqa.profiles.models import NationalDocument, Position
from thiqa.profiles.tests.helpers import document_draft, position_draft, signed_in, text_file

pytestmark = pytest.mark.usefixtures("catalogue")

AUDIENCES = ("public", "community", "secretariat")
ITEM = "un-gge-2013-19"  # the catalogue item the positions are recorded on (helpers.sharing)


@pytest.fixture
def shared(focal_point, member, participant, secretariat) -> dict[str, Any]:
    """Egypt's positions, national documents and glossary terms, one per audience; an agreed
    concept holding the public term, and a concept under discussion holding a second public
    term (its name is the community's until it is agreed)."""
    found: dict[str, Any] = {"positions": {}, "documents": {}, "terms": {}}
    for audience in AUDIENCES:
        found["positions"][audience] = services.record_position(
            focal_point, participant, position_draft(title=f"Position {audience}", audience=audience)
        )
        sharing = document_draft(audience=audience).sharing
        found["documents"][audience] = services.add_document(
            focal_point,
            participant,
            text_file(f"{audience}.txt", f"1. The strategy for the {audience} audience.\n"),
            services.DocumentDraft("strategy", f"Strategy {audience}", "", sharing),
        ).document
        created = glossary.create(member, participant, term_draft(term=f"term {audience}", audience=audience))
        found["terms"][audience] = glossary.submit(member, created)
    found["agreed"] = glossary.create_concept(secretariat, concept_draft(status="agreed"))
    glossary.group(secretariat, found["agreed"], [found["terms"]["public"]])
    found["discussed"] = glossary.create_concept(
        secretariat, concept_draft(slug="threat", name_en="Cyber threat", status="discussion")
    )
    draft = term_draft(term="grouped in discussion", audience="public")
    found["in_discussion"] = glossary.submit(member, glossary.create(member, participant, draft))
    glossary.group(secretariat, found["discussed"], [found["in_discussion"]])
    return found


def pairs(found: dict[str, Any]) -> list[tuple[str, str]]:
    """Each reading endpoint beside the page that shows the same thing."""
    listed = [
        ("/profiles/", "/api/v1/profiles"),
        ("/profiles/EG/", "/api/v1/profiles/EG"),
        ("/profiles/EG/", "/api/v1/profiles/EG/documents"),
        ("/profiles/EG/", "/api/v1/profiles/EG/positions"),
        (f"/profiles/items/{ITEM}/", f"/api/v1/profiles/items/{ITEM}/positions"),
        ("/glossary/", "/api/v1/glossary/concepts"),
        ("/glossary/terms/", "/api/v1/glossary/terms"),
        ("/glossary/export.csv", "/api/v1/glossary/export?format=csv"),
        ("/glossary/export.tbx", "/api/v1/glossary/export?format=tbx"),
    ]
    for audience in AUDIENCES:
        slug, term = found["documents"][audience].slug, found["terms"][audience].pk
        listed.append((f"/profiles/documents/{slug}/", f"/api/v1/profiles/documents/{slug}"))
        listed.append((f"/glossary/terms/{term}/", f"/api/v1/glossary/terms/{term}"))
    for concept in (found["agreed"], found["discussed"]):
        listed.append((f"/glossary/concepts/{concept.pk}/", f"/api/v1/glossary/concepts/{concept.pk}"))
    return listed


def _page_answer(response: HttpResponse) -> str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/signin/"):
        return "sign in"
    return str(response.status_code)


def _api_answer(response: HttpResponse) -> str:
    if response.status_code == 401:
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"] == 'Bearer realm="thiqa"'
        return "sign in"
    return str(response.status_code)


@pytest.mark.parametrize("open_deployment", [True, False])
def test_each_endpoint_answers_a_visitor_as_its_page_does(shared, settings, open_deployment):
    settings.THIQA_PUBLIC_CATALOGUE = open_deployment
    visitor = Client()
    answers = {
        endpoint: (_page_answer(visitor.get(page)), _api_answer(visitor.get(endpoint)))
        for page, endpoint in pairs(shared)
    }
    disagree = {endpoint: answer for endpoint, answer in answers.items() if answer[0] != answer[1]}
    assert not disagree, disagree
    if not open_deployment:
        assert {page for page, _api in answers.values()} == {"sign in"}
        return
    read = {endpoint for endpoint, (page, _api) in answers.items() if page == "200"}
    slug, term = shared["documents"]["public"].slug, shared["terms"]["public"].pk
    assert {e for e in read if "/documents/" in e or "/terms/" in e} == {
        f"/api/v1/profiles/documents/{slug}",
        f"/api/v1/glossary/terms/{term}",
    }
    assert f"/api/v1/glossary/concepts/{shared['agreed'].pk}" in read
    assert answers[f"/api/v1/glossary/concepts/{shared['discussed'].pk}"] == ("403", "403")
    assert answers["/api/v1/glossary/terms"] == ("sign in", "sign in")  # a page for signed-in people


# Every name the records carry, and what a visitor of an open deployment reads of them.
NAMES = [f"{kind} {audience}" for kind in ("Position", "Strategy", "term") for audience in AUDIENCES]
PUBLIC = {"Position public", "Strategy public", "term public"}


def _named(text: str, names: list[str]) -> set[str]:
    return {name for name in names if name in text}


def test_a_visitor_reads_the_same_records_through_the_page_and_the_api(shared):
    visitor = Client()
    profile_page = visitor.get("/profiles/EG/").content.decode()
    profile = visitor.get("/api/v1/profiles/EG").json()
    assert _named(profile_page, NAMES) == PUBLIC
    assert _named(str(profile), NAMES) == PUBLIC
    assert profile["coverage"] is None and profile["cirt"] is None
    assert "Directory coverage" not in profile_page and "National CIRT" not in profile_page
    for listing in ("documents", "positions"):
        assert _named(visitor.get(f"/api/v1/profiles/EG/{listing}").content.decode(), NAMES) <= PUBLIC
    item_page = visitor.get(f"/profiles/items/{ITEM}/").content.decode()
    on_item = visitor.get(f"/api/v1/profiles/items/{ITEM}/positions").content.decode()
    positions = [name for name in NAMES if name.startswith("Position")]
    assert _named(item_page, positions) == _named(on_item, positions) == {"Position public"}
    concepts = ["Incident", "Cyber threat"]
    index = visitor.get("/glossary/").content.decode()
    listed = visitor.get("/api/v1/glossary/concepts").content.decode()
    assert _named(index, concepts) == _named(listed, concepts) == {"Incident"}
    concept_page = visitor.get(f"/glossary/concepts/{shared['agreed'].pk}/").content.decode()
    concept = visitor.get(f"/api/v1/glossary/concepts/{shared['agreed'].pk}").content.decode()
    assert _named(concept_page, NAMES) == _named(concept, NAMES) == {"term public"}
    export_page = visitor.get("/glossary/export.csv").content.decode("utf-8-sig")
    export = visitor.get("/api/v1/glossary/export?format=csv").content.decode()
    assert export_page == export
    assert _named(export, NAMES) == {"term public"}


def test_a_concept_under_discussion_is_named_to_the_community_only(shared, other_participant):
    """A public term may be grouped into a concept the community still discusses: its page and
    the API name the concept to those who may read it, as the exports do."""
    term = shared["in_discussion"]
    visitor = Client()
    assert "Cyber threat" not in visitor.get(f"/glossary/terms/{term.pk}/").content.decode()
    assert visitor.get(f"/api/v1/glossary/terms/{term.pk}").json()["concept"] is None
    profile_terms = visitor.get("/api/v1/profiles/EG").json()["terms"]
    assert {t["term"]: t["concept"] for t in profile_terms} == {
        "grouped in discussion": None,
        "term public": shared["agreed"].pk,
    }
    french = signed_in(make_user("member@fr.example", other_participant, "member"))
    assert "Cyber threat" in french.get(f"/glossary/terms/{term.pk}/").content.decode()
    assert french.get(f"/api/v1/glossary/terms/{term.pk}").json()["concept"] == "threat"
    named = {t["term"]: t["concept"] for t in french.get("/api/v1/profiles/EG").json()["terms"]}
    assert named["grouped in discussion"] == shared["discussed"].pk


def writes(found: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every writing endpoint of the glossary and the profiles, with a body that would do."""
    position, slug = found["positions"]["public"], found["documents"]["public"].slug
    term, concept = found["terms"]["public"], found["discussed"]
    sharing = {"issued_on": "2025-06-01", "language": "en", "audience": "public", "items": [ITEM]}
    withdrawn = {"reason": "Superseded."}
    return [
        ("post", "/api/v1/profiles/EG/positions", {"subject": "law", "title": "New", "text": "T", **sharing}),
        ("post", "/api/v1/profiles/EG/documents", {}),
        (
            "put",
            f"/api/v1/profiles/positions/{position.pk}",
            {"subject": "law", "title": "X", "text": "T", **sharing},
        ),
        ("post", f"/api/v1/profiles/positions/{position.pk}/withdraw", withdrawn),
        ("put", f"/api/v1/profiles/documents/{slug}", {"kind": "strategy", "title_en": "X", **sharing}),
        ("post", f"/api/v1/profiles/documents/{slug}/withdraw", withdrawn),
        ("post", "/api/v1/glossary/terms", {"participant": "EG", "term": "new", "language": "en"}),
        ("put", f"/api/v1/glossary/terms/{term.pk}", {"term": "changed"}),
        ("post", f"/api/v1/glossary/terms/{term.pk}/submit", {}),
        ("post", f"/api/v1/glossary/terms/{term.pk}/withdraw", {}),
        ("post", "/api/v1/glossary/concepts", {"slug": "new", "name_en": "New", "name_ar": "جديد"}),
        (
            "put",
            f"/api/v1/glossary/concepts/{concept.pk}",
            {"slug": "threat", "name_en": "X", "name_ar": "س"},
        ),
        ("post", f"/api/v1/glossary/concepts/{concept.pk}/terms", {"terms": [term.pk]}),
        ("post", f"/api/v1/glossary/concepts/{concept.pk}/comments", {"participant": "EG", "text": "No."}),
    ]


def _written() -> tuple[int, ...]:
    return (
        Position.objects.filter(withdrawn_at__isnull=True).count(),
        NationalDocument.objects.filter(document__withdrawn_at__isnull=True).count(),
        GlossaryTerm.objects.filter(status="submitted").count(),
        Concept.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("open_deployment", [True, False])
def test_a_visitor_writes_nothing(shared, settings, open_deployment):
    settings.THIQA_PUBLIC_CATALOGUE = open_deployment
    visitor, before = Client(), _written()
    for method, path, body in writes(shared):
        response = getattr(visitor, method)(path, body, content_type="application/json")
        assert _api_answer(response) == "sign in", f"{method.upper()} {path}: {response.status_code}"
    assert _written() == before


def test_the_routers_mounted_beside_the_profiles_stay_closed_to_visitors(shared):
    """The profiles' router shares the API's root with the participants' and others': only the
    profiles' reading endpoints open."""
    visitor = Client()
    for path in ("/api/v1/me", "/api/v1/participants", "/api/v1/participants/EG", "/api/v1/groups"):
        assert _api_answer(visitor.get(path)) == "sign in", path
    assert _api_answer(visitor.get("/api/v1/profiles/EG")) == "200"


def test_a_bad_token_is_refused_even_where_visitors_read(shared):
    stranger = Client(HTTP_AUTHORIZATION="Bearer thq_not-a-token")
    for path in ("/api/v1/profiles/EG", "/api/v1/glossary/concepts"):
        assert _api_answer(stranger.get(path)) == "sign in", path
