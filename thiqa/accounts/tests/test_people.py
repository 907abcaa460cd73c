"""Inviting people, changing and ending roles, through the pages and the services."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import PASSWORD
from thiqa.accounts import services
from thiqa.accounts.models import Membership, User
from thiqa.audit.models import AuditEvent
from thiqa.mail.models import OutboundMessage
from thiqa.mail.services import deliver_due


def test_a_focal_point_invites_a_colleague_who_sets_a_password(client, focal_point, participant, smtp_sink):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:invite", args=["EG"]),
        {"email": "Analyst@EGCERT.example", "full_name": "Mona Adel", "role": "member", "language": "ar"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="analyst@egcert.example")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == "member"
    assert OutboundMessage.objects.get(recipients=["analyst@egcert.example"]).purpose == "invitation"
    assert deliver_due() == 1
    [mail] = smtp_sink.messages()
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.get_content()).group(1)
    client.logout()
    form_page = client.get(link, follow=True)
    new_password = "a long new passphrase 2026"
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert User.objects.get(pk=user.pk).check_password(new_password)
    grant = AuditEvent.objects.get(action="membership.granted")
    assert grant.actor == focal_point and grant.data["role"] == "member"


def test_a_focal_point_cannot_make_another_focal_point(client, focal_point, participant):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:invite", args=["EG"]),
        {"email": "boss@egcert.example", "full_name": "Boss", "role": "focal_point", "language": "en"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="boss@egcert.example").exists()
    assert not OutboundMessage.objects.exists()


def test_inviting_someone_twice_is_explained_and_changes_nothing(client, focal_point, member, participant):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:invite", args=["EG"]),
        {"email": member.email, "full_name": "Again", "role": "observer", "language": "en"},
    )
    assert response.status_code == 200
    assert "already has a role" in response.content.decode()
    assert Membership.objects.get(user=member).role == "member"


def test_role_change_is_audited_and_takes_effect(client, secretariat, member, participant):
    client.force_login(secretariat)
    membership = member.memberships.get()
    client.post(reverse("accounts:membership", args=[membership.pk]), {"action": "role", "role": "observer"})
    assert Membership.objects.get(pk=membership.pk).role == "observer"
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.data == {"user": member.email, "before": "member", "after": "observer"}


def test_ending_a_membership_removes_the_rights(client, focal_point, member, participant):
    client.force_login(focal_point)
    client.post(reverse("accounts:membership", args=[member.memberships.get().pk]), {"action": "end"})
    client.force_login(member)
    assert client.get(reverse("accounts:participants")).status_code == 403


def test_a_member_cannot_change_roles(member, focal_point):
    with pytest.raises(PermissionDenied):
        services.change_role(focal_point.memberships.get(), "member", actor=member)
    assert Membership.objects.get(user=focal_point).role == "focal_point"


def test_a_focal_point_edits_its_participant_in_both_languages(client, focal_point, participant):
    client.force_login(focal_point)
    response = client.post(
        reverse("accounts:participant", args=["EG"]),
        {
            "name_en": "Arab Republic of Egypt",
            "name_ar": "جمهورية مصر العربية",
            "website": "https://eg.example",
        },
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.name_ar == "جمهورية مصر العربية"
    assert AuditEvent.objects.filter(action="participant.changed", actor=focal_point).exists()


def test_a_member_cannot_post_edits(client, member, participant):
    client.force_login(member)
    response = client.post(reverse("accounts:participant", args=["EG"]), {"name_en": "Hacked"})
    assert response.status_code == 403
    assert participant.__class__.objects.get(pk=participant.pk).name_en == "Egypt"


def test_people_are_listed_only_for_those_who_manage_the_participant(
    client, member, focal_point, participant
):
    client.force_login(member)
    assert client.get(reverse("accounts:participant", args=["EG"])).context["people"] is None
    client.force_login(focal_point)
    people = client.get(reverse("accounts:participant", args=["EG"])).context["people"]
    assert {m.user for m in people} == {member, focal_point}


def test_password_reset_goes_through_the_outbox_and_lifts_a_lockout(client, member, smtp_sink, settings):
    settings.THIQA_SIGNIN_MAX_FAILURES = 2
    for _ in range(2):
        client.post(reverse("accounts:login"), {"email": member.email, "password": "wrong password"})
    client.post(reverse("accounts:password_reset"), {"email": member.email})
    client.post(reverse("accounts:password_reset"), {"email": "unknown@thiqa.example"})
    assert OutboundMessage.objects.count() == 1  # nothing reveals whether an address exists
    deliver_due()
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+)", smtp_sink.messages()[0].get_content()
    ).group(1)
    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "brand new passphrase 9", "new_password2": "brand new passphrase 9"},
    )
    response = client.post(
        reverse("accounts:login"), {"email": member.email, "password": "brand new passphrase 9"}
    )
    assert response.status_code == 302
    assert client.get(link, follow=True).context["validlink"] is False  # a link works once


def test_the_password_change_page_checks_the_old_password(client, member):
    client.force_login(member)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "another passphrase 1",
            "new_password2": "another passphrase 1",
        },
    )
    assert response.status_code == 200
    assert User.objects.get(pk=member.pk).check_password(PASSWORD)
