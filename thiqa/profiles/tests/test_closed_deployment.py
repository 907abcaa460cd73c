"""A closed deployment (``THIQA_PUBLIC_CATALOGUE=0``) has no reading outside the community at
all: agreed glossary concepts, public national terms, public profiles, positions and national
documents are closed to visitors (sent to sign in) and to people with no
role (403), like the catalogue and the library, and the visitor's navigation follows. An open
deployment shows them all. The policy decides (``policy.reads_public``)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from conftest import make_user
from thiqa.accounts import policy
from thiqa.glossary import services as glossary
from thiqa.glossary.models import Concept, GlossaryTerm
from thiqa.glossary.tests.helpers import concept_draft, term_draft
from thiqa.library.models import Document
from thiqa.profiles import services
from thiqa.profiles.models import Position
from thiqa.profiles.tests.helpers import bearer, document_draft, position_draft, signed_in, text_file

pytestmark = pytest.mark.usefixtures("catalogue")

PUBLIC_ACTIONS = ["glossary.view", "glossary.export", "profiles.view", "catalogue.view", "library.view"]


@pytest.fixture
def public(focal_point, member, participant, secretariat) -> dict[str, object]:
    """What a visitor of an open deployment reads: an agreed concept with a public national
    term, and a public position and national document."""
    concept = glossary.create_concept(secretariat, concept_draft(status="agreed"))
    term = glossary.submit(member, glossary.create(member, participant, term_draft(audience="public")))
    glossary.group(secretariat, concept, [term])
    position = services.record_position(focal_point, participant, position_draft(audience="public"))
    national = services.add_document(focal_point, participant, text_file(), document_draft(audience="public"))
    return {"concept": concept, "term": term, "position": position, "document": national.document}


def pages(found: dict) -> list[str]:
    return [
        "/glossary/",
        f"/glossary/concepts/{found['concept'].pk}/",
        f"/glossary/terms/{found['term'].pk}/",
        "/glossary/export.csv",
        "/profiles/",
        "/profiles/EG/",
        f"/profiles/positions/{found['position'].pk}/",
        f"/profiles/documents/{found['document'].slug}/",
    ]


def endpoints(found: dict) -> list[str]:
    """Read by visitors and with a token, even by someone with no role, in an open deployment."""
    return [
        "/api/v1/glossary/concepts",
        f"/api/v1/glossary/concepts/{found['concept'].pk}",
        f"/api/v1/glossary/terms/{found['term'].pk}",
        "/api/v1/profiles/EG",
        "/api/v1/profiles/EG/positions",
        f"/api/v1/profiles/documents/{found['document'].slug}",
    ]


def test_an_open_deployment_shows_visitors_what_was_made_public(public):
    client = Client()
    for url in pages(public):
        assert client.get(url).status_code == 200, url
    nav = client.get("/").content.decode()
    assert 'href="/glossary/"' in nav and 'href="/profiles/"' in nav
    token = bearer(make_user("nobody@thiqa.example", None, None), "read")
    for url in endpoints(public):
        assert client.get(url).status_code == 200, url
        assert token.get(url).status_code == 200, url


def test_a_closed_deployment_sends_visitors_to_sign_in_and_answers_401(public, settings):
    settings.THIQA_PUBLIC_CATALOGUE = False
    client = Client()
    for url in pages(public):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/signin/?next="), url
    for url in endpoints(public):
        assert client.get(url).status_code == 401, url
    nav = client.get("/").content.decode()
    for link in ("/glossary/", "/profiles/", "/catalogue/", "/library/", "/search/"):
        assert f'href="{link}"' not in nav, link


def test_a_closed_deployment_is_read_by_the_community_only(public, other_participant, settings):
    settings.THIQA_PUBLIC_CATALOGUE = False
    french = signed_in(make_user("member@fr.example", other_participant, "member"))
    for url in pages(public):
        assert french.get(url).status_code == 200, url
    assert 'href="/glossary/"' in french.get("/").content.decode()
    nobody = signed_in(make_user("nobody@thiqa.example", None, None))
    for url in pages(public):
        assert nobody.get(url).status_code == 403, url
    token = bearer(make_user("nobody2@thiqa.example", None, None), "read")
    for url in endpoints(public):
        assert token.get(url).status_code == 403, url


@pytest.mark.parametrize("open_deployment", [True, False])
def test_the_policy_and_the_queries_agree_both_ways(public, settings, open_deployment):
    settings.THIQA_PUBLIC_CATALOGUE = open_deployment
    outsider = make_user("nobody@thiqa.example", None, None)
    for visitor in (None, AnonymousUser(), outsider):
        for action in PUBLIC_ACTIONS:
            assert policy.can(visitor, action) is open_deployment, action
        assert policy.can(visitor, "glossary.view_concept", public["concept"]) is open_deployment
        assert policy.can(visitor, "glossary.view_term", public["term"]) is open_deployment
        assert policy.can(visitor, "profiles.view_position", public["position"]) is open_deployment
        assert policy.can(visitor, "library.view_document", public["document"]) is open_deployment
        if visitor is None:
            continue
        assert Concept.objects.visible_to(visitor).exists() is open_deployment
        assert GlossaryTerm.objects.visible_to(visitor).exists() is open_deployment
        assert Position.objects.visible_to(visitor).exists() is open_deployment
        assert Document.objects.visible_to(visitor).filter(owner__isnull=False).exists() is open_deployment
