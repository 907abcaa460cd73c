"""What a role shows and refuses, seen in the browser."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from thiqa.accounts.models import User

pytestmark = pytest.mark.browser

SECRETARIAT_PAGES = {"/audit/": "Audit log", "/mail/outbox/": "Outbox"}


def test_a_member_is_refused_the_secretariat_pages_and_does_not_see_them(page: Page, member: User):
    sign_in(page, member)
    nav = page.locator("header nav.main-nav")
    expect(nav.get_by_role("link", name="Participants")).to_be_visible()
    for url, label in SECRETARIAT_PAGES.items():
        expect(nav.get_by_role("link", name=label)).to_have_count(0)
        expect(nav.locator(f'a[href="{url}"]')).to_have_count(0)

    for url, label in SECRETARIAT_PAGES.items():
        response = page.goto(url)
        assert response is not None and response.status == 403, url
        expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
        expect(page.locator("main")).to_contain_text("Your role does not allow you to open this")
        expect(page).to_have_title("Not allowed · Thiqa")
        expect(nav.get_by_role("link", name=label)).to_have_count(0)
        expect(page.locator("header .user-link")).to_have_text(member.full_name)  # still signed in


def test_the_secretariat_sees_and_opens_both_pages(page: Page, secretariat: User):
    sign_in(page, secretariat)
    nav = page.locator("header nav.main-nav")
    for url, label in SECRETARIAT_PAGES.items():
        link = nav.get_by_role("link", name=label)
        expect(link).to_have_attribute("href", url)
        with page.expect_response(lambda r, url=url: r.url.endswith(url)) as opened:
            link.click()
        assert opened.value.status == 200, url
        expect(page.get_by_role("heading", level=1)).not_to_have_text("Not allowed")
        expect(link).to_have_attribute("aria-current", "page")
