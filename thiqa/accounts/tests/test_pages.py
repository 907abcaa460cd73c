"""Every page answers each role as the policy says, in both languages."""

import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from thiqa.accounts.models import ApiToken, Membership, User

SECRETARIAT_PAGES = ["/audit/", "/mail/outbox/"]
COMMUNITY_PAGES = [
    "/participants/",
    "/participants/EG/",
    "/groups/",
    "/accounts/tokens/",
    "/accounts/profile/",
]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_secretariat_opens_every_page(client, secretariat, participant, language):
    client.force_login(secretariat)
    client.cookies["thiqa-language"] = language
    for url in SECRETARIAT_PAGES + COMMUNITY_PAGES + ["/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()


@pytest.mark.parametrize("fixture", ["focal_point", "member", "observer"])
def test_others_are_refused_secretariat_pages(client, request, fixture, participant):
    client.force_login(request.getfixturevalue(fixture))
    for url in SECRETARIAT_PAGES:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Not allowed" in response.content.decode()
    for url in COMMUNITY_PAGES:
        assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_sign_in(client, participant):
    for url in SECRETARIAT_PAGES + COMMUNITY_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/signin/"), url
    welcome = client.get("/")
    assert welcome.status_code == 200 and "Sign in" in welcome.content.decode()


def test_the_home_page_lists_what_the_person_has_to_do(client, secretariat, participant, focal_point):
    client.force_login(secretariat)
    todo = client.get("/").context["todo"]
    assert not any("second factor" in item["text"] for item in todo)
    Membership.objects.filter(user=focal_point).delete()
    todo = [item["text"] for item in client.get("/").context["todo"]]
    assert "1 State has no focal point yet." in todo


def test_the_home_page_of_a_lone_focal_point_suggests_inviting_colleagues(client, focal_point):
    client.force_login(focal_point)
    todo = [item["text"] for item in client.get("/").context["todo"]]
    assert "Invite colleagues to Egypt: you are its only member." in todo


def test_participants_can_be_filtered_by_name_in_either_language(
    client, member, participant, other_participant
):
    client.force_login(member)
    assert [p.code for p in client.get("/participants/?q=فرنسا").context["page"]] == ["FR"]
    assert [p.code for p in client.get("/participants/?q=egy").context["page"]] == ["EG"]
    assert client.get("/participants/?kind=nonsense").status_code == 200


def test_unknown_pages_get_the_translated_404_page(client, member):
    client.force_login(member)
    response = client.get("/participants/ZZ/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_tokens_are_created_and_revoked_in_the_page(client, member):
    client.force_login(member)
    page = client.post("/accounts/tokens/", {"name": "soc", "scope": "read", "days": 30})
    secret = page.context["new_secret"]
    token = ApiToken.objects.get(user=member)
    assert secret.startswith("thq_") and token.key_hint == secret[:8]
    assert secret not in client.get("/accounts/tokens/").content.decode()  # shown once
    client.post(reverse("accounts:revoke_token", args=[token.pk]))
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_token_forms_are_validated(client, member):
    client.force_login(member)
    for bad in (
        {"name": "", "scope": "read", "days": 30},
        {"name": "x", "scope": "admin", "days": 30},
        {"name": "x", "scope": "read", "days": 0},
        {"name": "x", "scope": "read", "days": 5000},
    ):
        response = client.post("/accounts/tokens/", bad)
        assert response.status_code == 200 and response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_nobody_revokes_another_persons_token(client, member, focal_point):
    client.force_login(focal_point)
    client.post("/accounts/tokens/", {"name": "mine", "scope": "read", "days": 30})
    token = ApiToken.objects.get(user=focal_point)
    client.force_login(member)
    assert client.post(reverse("accounts:revoke_token", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_switching_language_is_remembered_for_the_user(client, member):
    client.force_login(member)
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert User.objects.get(pk=member.pk).language == "ar"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert User.objects.get(pk=member.pk).language == "ar"


def test_createadmin_makes_a_secretariat_account(db, monkeypatch, capsys):
    monkeypatch.setitem(os.environ, "THIQA_ADMIN_PASSWORD", "a strong admin passphrase")
    call_command("createadmin", "Admin@Thiqa.example", name="Ada Admin")
    user = User.objects.get(email="admin@thiqa.example")
    assert Membership.objects.get(user=user).role == "secretariat"
    assert Membership.objects.get(user=user).participant.is_secretariat
    with pytest.raises(CommandError):
        call_command("createadmin", "admin@thiqa.example", name="Again")


def test_createadmin_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setitem(os.environ, "THIQA_ADMIN_PASSWORD", "12345")
    with pytest.raises(CommandError):
        call_command("createadmin", "weak@thiqa.example", name="Weak")
    assert not User.objects.exists()


def test_democode_works_only_in_the_demo(db, settings, focal_point, capsys):
    with pytest.raises(CommandError):
        call_command("democode", focal_point.email)
    settings.PROFILE = "demo"
    with pytest.raises(CommandError):  # not a sample account
        call_command("democode", focal_point.email)
    User.objects.filter(pk=focal_point.pk).update(is_sample=True)
    call_command("democode", focal_point.email)
    assert capsys.readouterr().out.strip().isdigit()
