"""A profile lists the national terms its participant submitted to the glossary, each person
seeing only those the glossary's own rule lets them read: the public profile only the public
ones, a draft or a withdrawn term never."""

from datetime import date

import pytest
from django.test import Client

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.glossary import services as glossary
from thiqa.glossary.models import GlossaryTerm
from thiqa.profiles import standing
from thiqa.profiles.tests.helpers import READERS, bearer, people, signed_in

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def everyone(participant, other_participant, secretariat):
    return people(participant, other_participant, secretariat)


def _term(user, participant: Participant, word: str, audience: str, submit: bool = True) -> GlossaryTerm:
    draft = glossary.TermDraft(
        term=word,
        language="en",
        definition=f"The meaning of {word} in the national law.",
        source_kind="law",
        source_title="Cybersecurity Act",
        dated=date(2024, 1, 1),
        audience=audience,
        audience_participants=list(Participant.objects.filter(code="KE")),
    )
    term = glossary.create(user, participant, draft)
    return glossary.submit(user, term) if submit else term


@pytest.fixture
def terms(everyone, participant) -> dict[str, GlossaryTerm]:
    found = {a: _term(everyone.member, participant, f"term for {a}", a) for a in READERS}
    _term(everyone.member, participant, "term still a draft", "public", submit=False)
    withdrawn = _term(everyone.member, participant, "term withdrawn", "public")
    glossary.withdraw(everyone.member, withdrawn)
    return found


def test_every_role_sees_the_terms_the_glossary_lets_it_read(everyone, participant, terms):
    for name, user in everyone.all().items():
        listed = {t.term for t in standing.profile(user, participant).terms}
        expected = {f"term for {a}" for a, names in READERS.items() if name in names}
        assert listed == expected, name
        assert listed == {t.term for t in terms.values() if policy.can(user, "glossary.view_term", t)}, name


def test_the_public_profile_page_shows_only_the_public_terms(participant, terms):
    page = Client().get(f"/profiles/{participant.code}/").content.decode()
    assert "term for public" in page
    assert "term for community" not in page and "term still a draft" not in page
    assert "term withdrawn" not in page


def test_a_member_of_another_participant_reads_the_community_terms(everyone, participant, terms):
    page = signed_in(everyone.other).get(f"/profiles/{participant.code}/").content.decode()
    assert "term for community" in page and "term for public" in page
    assert "term for chosen" not in page and "term for secretariat" not in page


def test_the_api_lists_the_terms_the_caller_may_read(everyone, participant, terms):
    body = bearer(everyone.chosen, "read").get(f"/api/v1/profiles/{participant.code}").json()
    listed = sorted(t["term"] for t in body["terms"])
    assert listed == ["term for chosen", "term for community", "term for public"]
