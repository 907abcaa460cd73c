"""The one authorization policy, role by role."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import make_user
from thiqa.accounts import policy
from thiqa.accounts.models import ApiToken, Membership

SECRETARIAT_ONLY = ["participant.create", "group.manage", "mail.view_outbox", "mail.requeue", "audit.view"]


@pytest.mark.parametrize("action", SECRETARIAT_ONLY)
def test_only_the_secretariat_may(action, secretariat, focal_point, member, observer):
    assert policy.can(secretariat, action)
    for user in (focal_point, member, observer):
        assert not policy.can(user, action)


def test_anonymous_and_inactive_users_may_do_nothing(member, participant):
    member.is_active = False
    for user in (AnonymousUser(), member, None):
        assert not policy.can(user, "participant.list")
        assert not policy.can(user, "participant.view", participant)


def test_people_without_a_role_cannot_see_the_directory(db):
    loner = make_user("loner@thiqa.example", None, None)
    assert policy.can(loner, "home.view")
    assert not policy.can(loner, "participant.list")


def test_a_focal_point_edits_its_own_participant_only(focal_point, participant, other_participant):
    assert policy.can(focal_point, "participant.edit", participant)
    assert not policy.can(focal_point, "participant.edit", other_participant)
    assert policy.can(focal_point, "participant.view_people", participant)
    assert not policy.can(focal_point, "participant.view_people", other_participant)


def test_members_and_observers_cannot_edit_their_participant(
    member, observer, participant, other_participant
):
    assert not policy.can(member, "participant.edit", participant)
    assert not policy.can(observer, "participant.edit", other_participant)
    assert policy.can(member, "participant.view", other_participant)


def test_a_focal_point_assigns_only_member_and_observer_roles(focal_point, participant, other_participant):
    assert policy.can(focal_point, "membership.assign", (participant, Membership.Role.MEMBER))
    assert policy.can(focal_point, "membership.assign", (participant, Membership.Role.OBSERVER))
    assert not policy.can(focal_point, "membership.assign", (participant, Membership.Role.FOCAL_POINT))
    assert not policy.can(focal_point, "membership.assign", (participant, Membership.Role.SECRETARIAT))
    assert not policy.can(focal_point, "membership.assign", (other_participant, Membership.Role.MEMBER))


def test_the_secretariat_role_exists_only_in_the_secretariat_participant(
    secretariat, participant, secretariat_participant
):
    assert not policy.can(secretariat, "membership.assign", (participant, Membership.Role.SECRETARIAT))
    assert policy.can(
        secretariat, "membership.assign", (secretariat_participant, Membership.Role.SECRETARIAT)
    )


def test_nobody_changes_their_own_membership(secretariat, focal_point):
    assert not policy.can(secretariat, "membership.change", secretariat.memberships.get())
    assert not policy.can(focal_point, "membership.change", focal_point.memberships.get())


def test_a_focal_point_cannot_demote_another_focal_point(focal_point, participant):
    other = make_user("other.focal@thiqa.example", participant, "focal_point", totp=True)
    assert not policy.can(focal_point, "membership.change", other.memberships.get())


def test_a_read_token_never_writes_whatever_the_role(secretariat, participant):
    token = ApiToken(user=secretariat, scope="read", expires_at=timezone.now() + timedelta(days=1))
    assert policy.can(secretariat, "participant.list", token=token)
    assert not policy.can(secretariat, "participant.edit", participant, token=token)
    token.scope = "write"
    assert policy.can(secretariat, "participant.edit", participant, token=token)


def test_an_ended_membership_gives_no_rights(focal_point, participant):
    Membership.objects.filter(user=focal_point).update(is_active=False)
    policy.forget_roles(focal_point)
    assert not policy.can(focal_point, "participant.edit", participant)


def test_require_raises_permission_denied(member):
    with pytest.raises(PermissionDenied):
        policy.require(member, "audit.view")


def test_an_unknown_action_is_an_error_not_a_yes(secretariat):
    with pytest.raises(KeyError):
        policy.can(secretariat, "everything.anything")


def test_every_view_and_endpoint_action_is_declared():
    """Views and API use action names; each must exist in the policy (no silent typos)."""
    import pathlib
    import re

    root = pathlib.Path(policy.__file__).parents[1]
    used = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        used |= set(
            re.findall(
                r"""(?:require|require_request|can)\([^"']*["']([a-z_]+\.[a-z_]+)["']""", path.read_text()
            )
        )
    assert used, "no policy calls found"
    assert used <= set(policy.ACTIONS), used - set(policy.ACTIONS)
