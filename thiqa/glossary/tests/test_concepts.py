"""Concept entries: the secretariat groups submitted terms, proposes and agrees a definition in
Arabic and English; participants comment; the page shows the terms side by side and where the
definitions diverge; agreed concepts are readable without signing in."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from thiqa.accounts.services import InvalidInput, ServiceError
from thiqa.glossary import listing, services
from thiqa.glossary.services import InvalidConcept
from thiqa.glossary.tests.helpers import community, concept_draft, signed_in, submitted, term_draft

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def world(db):
    world = community()
    world["staff"] = world["people"]["secretariat"]
    world["concept"] = services.create_concept(world["staff"], concept_draft())
    return world


def test_only_the_secretariat_creates_concepts(world):
    with pytest.raises(PermissionDenied):
        services.create_concept(world["people"]["focal_point"], concept_draft(slug="other"))


def test_a_concept_needs_a_good_code_names_and_both_definitions_to_be_agreed(world):
    with pytest.raises(InvalidConcept) as caught:
        services.create_concept(
            world["staff"], concept_draft(slug="Incident!", name_ar="", status="agreed", definition_ar="")
        )
    assert set(caught.value.errors) == {"slug", "name_ar", "status"}
    with pytest.raises(InvalidConcept, match="already a concept"):
        services.create_concept(world["staff"], concept_draft())


def test_submitted_terms_are_grouped_and_drafts_refused(world):
    term = submitted(world["people"]["member"], world["a"])
    draft = services.create(world["people"]["member"], world["a"], term_draft(term="incident"))
    assert services.group(world["staff"], world["concept"], [term]) == 1
    term.refresh_from_db()
    assert term.concept == world["concept"] and term.versions.filter(kind="grouped").exists()
    with pytest.raises(ServiceError, match="not submitted"):
        services.group(world["staff"], world["concept"], [draft])
    services.withdraw(world["people"]["member"], term)
    term.refresh_from_db()
    assert term.concept is None


def test_agreement_sets_the_date_and_retiring_clears_it(world):
    concept = services.update_concept(world["staff"], world["concept"], concept_draft(status="agreed"))
    assert concept.agreed_at is not None
    concept = services.update_concept(world["staff"], concept, concept_draft(status="retired"))
    assert concept.agreed_at is None


def test_the_side_by_side_view_marks_diverging_definitions(world):
    close = submitted(
        world["people"]["member"],
        world["a"],
        definition="An event that harms or threatens the security of a network or information system.",
    )
    far = submitted(
        world["people"]["chosen"], world["b"], term="cyberattack", definition="Any hostile act by a State."
    )
    arabic = submitted(
        world["people"]["other"],
        world["c"],
        term="حادث سيبراني",
        language="ar",
        definition="حدث يضر بأمن الشبكات",
    )
    services.group(world["staff"], world["concept"], [close, far, arabic])
    blocks = listing.side_by_side(world["concept"], world["staff"])
    assert [b.language for b in blocks] == ["ar", "en"]
    english = {row.term.pk: row for row in blocks[1].rows}
    assert english[close.pk].percent == 100 and not english[close.pk].diverges
    assert english[far.pk].diverges
    assert blocks[1].words == ["cyber incident", "cyberattack"]
    assert blocks[0].rows[0].agreement > 0.2  # Arabic analysis: normalized and stemmed words in common


def test_similarity_is_zero_without_common_words():
    assert listing.similarity("alpha beta", "gamma delta") == 0
    assert listing.similarity("", "gamma") == 0


def test_participants_comment_while_the_definition_is_discussed(world):
    focal = world["people"]["focal_point"]
    made = services.comment(focal, world["concept"], world["a"], "We read 'threatens' more narrowly.")
    assert made.participant == world["a"]
    with pytest.raises(ServiceError, match="do not write for"):
        services.comment(focal, world["concept"], world["b"], "Not ours.")
    with pytest.raises(InvalidInput):
        services.comment(focal, world["concept"], world["a"], "x" * 4001)
    with pytest.raises(PermissionDenied):
        services.comment(world["people"]["observer"], world["concept"], world["a"], "Observers read.")
    services.update_concept(world["staff"], world["concept"], concept_draft(status="agreed"))
    world["concept"].refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.comment(focal, world["concept"], world["a"], "Too late.")


def test_an_agreed_concept_is_public_with_its_public_terms_only(world):
    public = submitted(world["people"]["member"], world["a"], audience="public", term="incident")
    restricted = submitted(world["people"]["member"], world["a"], audience="community", term="cyber event")
    services.group(world["staff"], world["concept"], [public, restricted])
    url = f"/glossary/concepts/{world['concept'].pk}/"
    assert Client().get(url).status_code == 403
    services.update_concept(world["staff"], world["concept"], concept_draft(status="agreed"))
    page = Client().get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "حدث يضر بأمن شبكة" in page and "incident" in page and "cyber event" not in page
    listed = Client().get("/glossary/").content.decode()
    assert "Incident" in listed or "حادث" in listed


def test_the_secretariat_groups_from_the_concept_page(world):
    term = submitted(world["people"]["member"], world["a"])
    client = signed_in(world["staff"])
    assert str(term.term) in client.get(f"/glossary/concepts/{world['concept'].pk}/").content.decode()
    client.post(f"/glossary/concepts/{world['concept'].pk}/group/", {"term": [term.pk]})
    term.refresh_from_db()
    assert term.concept == world["concept"]
    member_page = signed_in(world["people"]["member"]).post(
        f"/glossary/concepts/{world['concept'].pk}/group/", {"term": [term.pk]}
    )
    assert member_page.status_code == 403
