"""Sign-in: password, second factor, lock-out and mandatory enrolment."""

import pyotp
import pytest
from django.urls import reverse

from conftest import PASSWORD, current_code, make_user
from thiqa.accounts.models import SignInThrottle, User
from thiqa.audit.models import AuditEvent


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"email": email, "password": password})


def test_member_without_second_factor_signs_in_with_password(client, member):
    response = sign_in(client, member.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == member
    assert AuditEvent.objects.filter(action="signin", actor=member).exists()


def test_it_rejects_wrong_password_with_the_same_message_as_unknown_account(client, member):
    wrong = sign_in(client, member.email, "not the password")
    unknown = sign_in(client, "nobody@thiqa.example", "whatever password")
    assert wrong.status_code == unknown.status_code == 200
    message = "The e-mail address or the password is not correct."
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="signin.failed").count() == 2


def test_it_locks_the_account_after_repeated_failures(client, member, settings):
    settings.THIQA_SIGNIN_MAX_FAILURES = 3
    for _ in range(3):
        sign_in(client, member.email, "wrong password!")
    response = sign_in(client, member.email)  # even the right password is refused now
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="signin.locked").count() == 1


def test_it_locks_unknown_account_names_too(client, db, settings):
    settings.THIQA_SIGNIN_MAX_FAILURES = 2
    for _ in range(2):
        sign_in(client, "ghost@thiqa.example", "wrong password!")
    assert SignInThrottle.objects.get(email="ghost@thiqa.example").locked_until is not None


def test_second_factor_is_asked_after_the_password(client, focal_point):
    response = sign_in(client, focal_point.email)
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert "_auth_user_id" not in client.session  # not signed in before the code
    response = client.post(reverse("accounts:verify"), {"code": current_code(focal_point)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(focal_point.pk)


def test_it_refuses_a_wrong_code_and_counts_it_as_a_failure(client, focal_point):
    sign_in(client, focal_point.email)
    code = current_code(focal_point)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:verify"), {"code": wrong})
    assert "This code is not valid" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SignInThrottle.objects.get(email=focal_point.email).failures == 1


def test_it_refuses_a_replayed_code(client, focal_point):
    code = current_code(focal_point)
    sign_in(client, focal_point.email)
    client.post(reverse("accounts:verify"), {"code": code})
    client.post(reverse("accounts:logout"))
    sign_in(client, focal_point.email)
    response = client.post(reverse("accounts:verify"), {"code": code})
    assert "_auth_user_id" not in client.session
    assert "This code is not valid" in response.content.decode()


def test_code_step_without_password_step_sends_back_to_sign_in(client, focal_point):
    response = client.post(reverse("accounts:verify"), {"code": current_code(focal_point)})
    assert response["Location"] == reverse("accounts:login")


def test_focal_point_without_second_factor_must_enrol_before_anything_else(client, participant):
    user = make_user("new.focal@thiqa.example", participant, "focal_point")
    sign_in(client, user.email)
    assert client.get(reverse("accounts:participants"))["Location"] == reverse("accounts:mfa_setup")
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api["Content-Type"] == "application/problem+json"
    page = client.get(reverse("accounts:mfa_setup"))
    secret = page.context["secret"]
    response = client.post(reverse("accounts:mfa_setup"), {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == reverse("home")
    user.refresh_from_db()
    assert user.totp_secret == secret
    assert client.get(reverse("accounts:participants")).status_code == 200


def test_enrolment_refuses_a_wrong_code(client, participant):
    user = make_user("new.focal@thiqa.example", participant, "focal_point")
    sign_in(client, user.email)
    client.get(reverse("accounts:mfa_setup"))
    response = client.post(reverse("accounts:mfa_setup"), {"code": "12345x"})
    assert response.status_code == 200
    assert not User.objects.get(pk=user.pk).totp_secret


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user("a@thiqa.example", PASSWORD, full_name="A")
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_it_refuses_an_open_redirect_after_sign_in(client, member):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"email": member.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("payload", [{}, {"email": "not-an-address", "password": "x"}])
def test_it_explains_invalid_sign_in_forms(client, db, payload):
    response = client.post(reverse("accounts:login"), payload)
    assert response.status_code == 200
    assert response.context["form"].errors
