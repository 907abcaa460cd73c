"""Who sees which contact: the policy and the query that lists contacts agree."""

import pytest

from conftest import make_contact, make_user
from thiqa.accounts import policy
from thiqa.directory.models import Contact


@pytest.fixture
def contacts(participant, other_participant):
    return [
        make_contact(participant, "policy"),
        make_contact(participant, "technical", secretariat_only=True),
        make_contact(other_participant, "technical", secretariat_only=True),
        make_contact(other_participant, "policy"),
    ]


@pytest.mark.parametrize("who", ["secretariat", "focal_point", "member", "observer", "outsider"])
def test_the_listing_and_the_policy_agree(request, contacts, who):
    user = make_user("nobody@example.org", None, None) if who == "outsider" else request.getfixturevalue(who)
    listed = set(Contact.objects.visible_to(user))
    allowed = {c for c in Contact.objects.all() if policy.can(user, "directory.view_contact", c)}
    assert listed == allowed


def test_secretariat_only_contacts_are_hidden_from_other_participants(
    contacts, member, observer, secretariat
):
    egypt_private, france_private = contacts[1], contacts[2]
    assert egypt_private in Contact.objects.visible_to(member)  # its own participant's people see it
    assert france_private not in Contact.objects.visible_to(member)
    assert egypt_private not in Contact.objects.visible_to(observer)
    assert set(Contact.objects.visible_to(secretariat)) == set(contacts)


def test_people_without_a_role_see_nothing(contacts):
    outsider = make_user("nobody@example.org", None, None)
    assert not Contact.objects.visible_to(outsider).exists()
