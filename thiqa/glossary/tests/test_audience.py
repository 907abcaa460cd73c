"""Who reads a national term, by role, status and audience, everywhere it shows: the policy, the
query (``visible_to``), its page, the API and the room's search; and who may perform each
writing action. Each test builds the whole table and compares it with the expected one, so a
failure shows every leak at once."""

import pytest
from django.test import Client

from thiqa.accounts import policy
from thiqa.accounts.models import User
from thiqa.glossary import services
from thiqa.glossary.models import Concept, GlossaryTerm
from thiqa.glossary.tests.helpers import community, concept_draft, signed_in, term_draft

pytestmark = pytest.mark.usefixtures("catalogue")

CASES = ["draft", "secretariat", "community", "chosen", "public", "withdrawn"]
OWN = set(CASES)
# What each person reads of Avalon's terms (anonymous: a visitor not signed in).
READS = {
    "focal_point": OWN,
    "member": OWN,
    "observer": OWN,
    "secretariat": OWN - {"draft"},
    "chosen": {"community", "chosen", "public"},
    "other": {"community", "public"},
    "anonymous": {"public"},
}
WORD = {case: f"wombat{i}" for i, case in enumerate(CASES)}  # a word found in one term only


@pytest.fixture
def world(db):
    world = community()
    author = world["people"]["member"]
    terms = {}
    for case in CASES:
        audience = "community" if case in ("draft", "withdrawn") else case
        chosen = [world["b"]] if case == "chosen" else []
        term = services.create(
            author,
            world["a"],
            term_draft(
                term=f"term {case}",
                definition=f"A {WORD[case]} event.",
                audience=audience,
                audience_participants=chosen,
            ),
        )
        if case != "draft":
            term = services.submit(author, term)
        if case == "withdrawn":
            term = services.withdraw(author, term)
        terms[case] = term
    world["terms"] = terms
    world["people"]["anonymous"] = None
    return world


def _client(user: User | None) -> Client:
    return signed_in(user) if user is not None else Client()


def _table(world, seen) -> dict[str, set[str]]:
    found = {}
    for name, user in world["people"].items():
        client = _client(user)
        found[name] = {case for case, term in world["terms"].items() if seen(client, user, term)}
    return found


def _anon(user):
    from django.contrib.auth.models import AnonymousUser

    return user if user is not None else AnonymousUser()


def test_the_policy_follows_the_table(world):
    assert _table(world, lambda c, u, t: policy.can(_anon(u), "glossary.view_term", t)) == READS


def test_the_query_and_the_policy_agree(world):
    assert (
        _table(world, lambda c, u, t: GlossaryTerm.objects.visible_to(_anon(u)).filter(pk=t.pk).exists())
        == READS
    )


def test_the_term_page_follows_the_table(world):
    assert _table(world, lambda c, u, t: c.get(f"/glossary/terms/{t.pk}/").status_code == 200) == READS


def test_the_api_follows_the_table(world):
    """Visitors too: a term's endpoint, like its page, is open to them (an open deployment)."""
    assert _table(world, lambda c, u, t: c.get(f"/api/v1/glossary/terms/{t.pk}").status_code == 200) == READS


def test_the_rooms_search_finds_only_what_the_person_reads(world):
    def found(client, user, term):
        if user is None:
            return False  # the terms list is for signed-in people
        page = client.get("/glossary/terms/", {"q": WORD[_case(world, term)]})
        return term.term in page.content.decode()

    expected = {**READS, "anonymous": set()}
    assert _table(world, found) == expected


def _case(world, term) -> str:
    return next(case for case, t in world["terms"].items() if t.pk == term.pk)


def test_a_participants_terms_filter_keeps_to_what_the_person_reads(world):
    other = world["people"]["other"]
    mine = GlossaryTerm.objects.visible_to(other).of_participant(world["a"])
    assert {t.term for t in mine} == {"term community", "term public"}
    assert not GlossaryTerm.objects.visible_to(other).of_participant(world["b"]).exists()


# --- writing actions ------------------------------------------------------------------------------

WRITES = {
    "focal_point": {"submit", "edit", "comment", "import"},
    "member": {"submit", "edit", "comment", "import"},
    "observer": set(),
    "secretariat": {"submit", "manage", "comment", "import"},
    "chosen": {"submit", "comment", "import"},
    "other": {"submit", "comment", "import"},
    "anonymous": set(),
}


def test_every_writing_action_follows_the_table(world):
    concept = services.create_concept(world["people"]["secretariat"], concept_draft())
    term = world["terms"]["community"]
    checks = {
        "submit": lambda u: policy.can(u, "glossary.submit"),
        "edit": lambda u: policy.can(u, "glossary.edit_term", term),
        "manage": lambda u: policy.can(u, "glossary.manage"),
        "comment": lambda u: policy.can(u, "glossary.comment", concept),
        "import": lambda u: policy.can(u, "glossary.import"),
    }
    found = {
        name: {action for action, check in checks.items() if check(_anon(user))}
        for name, user in world["people"].items()
    }
    assert found == WRITES


def test_submitting_for_another_participant_is_refused(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create(world["people"]["other"], world["a"], term_draft(term="intrusion"))
    with pytest.raises(PermissionDenied):
        services.create(world["people"]["secretariat"], world["a"], term_draft(term="intrusion"))
    with pytest.raises(PermissionDenied):
        services.create(world["people"]["observer"], world["a"], term_draft(term="intrusion"))
    assert not GlossaryTerm.objects.filter(term="intrusion").exists()


def test_concepts_under_discussion_are_for_the_community_agreed_ones_for_everyone(world):
    staff = world["people"]["secretariat"]
    proposed = services.create_concept(staff, concept_draft(slug="proposed-one"))
    agreed = services.create_concept(staff, concept_draft(slug="agreed-one", status="agreed"))
    for name, user in world["people"].items():
        client = _client(user)
        visible = {c.slug for c in Concept.objects.visible_to(_anon(user))}
        pages = {
            c.slug for c in (proposed, agreed) if client.get(f"/glossary/concepts/{c.pk}/").status_code == 200
        }
        expected = {"agreed-one"} if name == "anonymous" else {"proposed-one", "agreed-one"}
        assert visible == pages == expected, name
    assert Client().get("/glossary/").status_code == 200
