"""Security headers on every page, HttpOnly cookies, and CSRF protection of the sign-in form."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from conftest import PASSWORD
from thiqa.accounts.models import ApiToken, Participant, ParticipantGroup, User


def plain_routes(patterns: list | None = None, prefix: str = "") -> list[str]:
    """Every URL of the project that takes no argument, so that new pages are covered too."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(entry.pattern, RoutePattern) or "<" in str(entry.pattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += plain_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append("/" + route)
    return sorted(set(found))


@pytest.fixture
def pages(participant: Participant, secretariat: User) -> list[str]:
    group = ParticipantGroup.objects.create(
        code="LAS", kind="regional", name_en="League of Arab States", name_ar="جامعة الدول العربية"
    )
    group.members.add(participant)
    return [
        *plain_routes(),
        f"/participants/{participant.code}/",
        f"/participants/{participant.code}/invite/",
        f"/groups/{group.code}/",
        f"/api/v1/participants/{participant.code}",
        "/no-such-page/",  # the 404 page
        "/static/thiqa/thiqa.css",
    ]


def assert_secure_headers(response, url: str) -> None:
    where = f"{url} ({response.status_code})"
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp, where
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    assert "frame-ancestors 'none'" in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    if not url.startswith("/static/"):
        assert response.headers.get("X-Frame-Options") == "DENY", where


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.I)
OTHER_ORIGIN = re.compile(r"""\b(?:src|href)=["']?(?:https?:)?//""", re.I)


def assert_works_under_the_csp(response, url: str) -> None:
    """An HTML page must not rely on what the policy blocks: inline code or other origins."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), f"{url} has an inline script"
    assert not INLINE_STYLE.search(html), f"{url} has inline style or an event handler attribute"
    scripts_and_styles = re.findall(r"<(?:script|link)\b[^>]*>|<img\b[^>]*>", html, re.I)
    assert not [tag for tag in scripts_and_styles if OTHER_ORIGIN.search(tag)], (
        f"{url} loads from another origin"
    )


def visit(client: Client, urls: list[str]) -> list[str]:
    seen = []
    for url in urls:
        response = client.get(url)
        assert_secure_headers(response, url)
        assert_works_under_the_csp(response, url)
        seen.append(f"{url} {response.status_code}")
    return seen


def test_every_page_carries_the_security_headers_when_signed_out(client: Client, pages: list[str]):
    seen = visit(client, pages)
    assert "/ 200" in seen and "/accounts/signin/ 200" in seen and "/no-such-page/ 404" in seen


def test_every_page_carries_the_security_headers_for_the_secretariat(
    client: Client, pages: list[str], secretariat: User
):
    client.force_login(secretariat)
    seen = visit(client, pages)
    assert "/audit/ 200" in seen and "/mail/outbox/ 200" in seen and "/api/v1/docs 200" in seen


def test_the_refusal_page_carries_the_security_headers(client: Client, member: User):
    client.force_login(member)
    seen = visit(client, ["/audit/", "/mail/outbox/"])
    assert seen == ["/audit/ 403", "/mail/outbox/ 403"]


def test_session_csrf_and_language_cookies_are_http_only(member: User):
    client = Client()
    page = client.get("/accounts/signin/")
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"

    signed_in = client.post("/accounts/signin/", {"email": member.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    assert session.value and session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert signed_in.cookies[settings.LANGUAGE_COOKIE_NAME]["httponly"] is True

    switched = client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert switched.status_code == 302
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME]["httponly"] is True


def test_signing_in_without_the_csrf_token_is_refused(member: User):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/signin/")  # has the CSRF cookie, but the form field is left out
    refused = client.post("/accounts/signin/", {"email": member.email, "password": PASSWORD})
    assert refused.status_code == 403
    assert_secure_headers(refused, "/accounts/signin/ without CSRF token")
    assert "_auth_user_id" not in client.session
    assert settings.SESSION_COOKIE_NAME not in refused.cookies

    # The same request with the token goes through: it was the token that was missing.
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = client.post(
        "/accounts/signin/", {"email": member.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_an_api_write_with_the_session_but_without_csrf_token_is_refused(
    focal_point: User, participant: Participant
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(focal_point)
    response = client.patch(
        f"/api/v1/participants/{participant.code}",
        {"website": "https://x.org"},
        content_type="application/json",
    )
    assert response.status_code in {401, 403}
    assert_secure_headers(response, "PATCH /api/v1/participants/EG")
    participant.refresh_from_db()
    assert participant.website == ""
    assert not ApiToken.objects.exists()
