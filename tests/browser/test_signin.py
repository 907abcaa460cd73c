"""Signing in with a password and a TOTP code through the real pages."""

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD, current_code
from tests.browser.conftest import sign_in
from thiqa.accounts.models import User

pytestmark = pytest.mark.browser


def a_wrong_code(user: User) -> str:
    """Six digits that are none of the codes the server accepts around now."""
    totp, now = pyotp.TOTP(user.totp_secret), timezone.now().timestamp()
    valid = {totp.at(now + 30 * drift) for drift in range(-3, 4)}
    return next(code for code in ("000000", "123456", "999999", "246813") if code not in valid)


def test_signing_in_with_password_and_code_ends_on_the_home_page(page: Page, live_server, focal_point: User):
    focal_point.full_name = "Layla Nasser"
    focal_point.save(update_fields=["full_name"])

    page.goto("/")
    page.locator("header").get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail address").fill(focal_point.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/signin/code/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    expect(page.locator("header .user-link")).to_have_count(0)  # the password alone is not enough

    page.get_by_label("Six-digit code from your authenticator app").fill(current_code(focal_point))
    page.locator("main").get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Layla Nasser")
    expect(page.locator("header .user-link")).to_have_text("Layla Nasser")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Participants")


def test_a_wrong_code_shows_the_error_and_does_not_sign_in(page: Page, live_server, focal_point: User):
    sign_in(page, focal_point, code=a_wrong_code(focal_point))

    expect(page).to_have_url(f"{live_server.url}/accounts/signin/code/")
    expect(page.locator("main")).to_contain_text("This code is not valid. Wait for a new one and try again.")
    expect(page.locator("header .user-link")).to_have_count(0)
    expect(page.locator("header")).to_contain_text("Sign in")

    page.goto("/accounts/profile/")  # a page that needs a signed-in user
    expect(page).to_have_url(f"{live_server.url}/accounts/signin/?next=/accounts/profile/")
    page.goto("/")
    expect(page.locator("header .user-link")).to_have_count(0)
    expect(page.get_by_text("Welcome, ")).to_have_count(0)
