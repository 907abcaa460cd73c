"""Browser tests: headless Debian Chromium driven by Playwright against pytest-django's live server.

Each test gets a fresh browser context (no cookies) in English with a desktop viewport.
The live server needs ``transactional_db`` so the browser sees data the test creates.
"""

import os
from collections.abc import Iterator

import pytest
from django.utils import translation
from django.utils.translation import gettext

from conftest import PASSWORD, current_code
from thiqa.accounts.models import User

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# every ORM call made from that thread (fixtures, assertions on the database).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
TIMEOUT_MS = 15_000

from playwright.sync_api import (  # noqa: E402
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

expect.set_options(timeout=TIMEOUT_MS)

CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium; never a downloaded browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.access(CHROMIUM, os.X_OK):
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed"))


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server, transactional_db: None) -> Iterator[Page]:
    """A page in its own context; fails the test if the Content-Security-Policy blocked anything."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    blocked: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            blocked.append(f"{page.url}: {message.text}")

    page.on("console", watch)
    yield page
    context.close()
    assert not blocked, "the Content-Security-Policy blocked part of a page:\n" + "\n".join(blocked)


def arabic(text: str) -> str:
    """The Arabic catalog's translation, which must exist (an untranslated page fails)."""
    with translation.override("ar"):
        translated = gettext(text)
    assert translated != text, f"no Arabic translation for {text!r}"
    return translated


def submit(page: Page) -> None:
    """Press the submit button of the page's main form and wait for the next page."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def sign_in(page: Page, user: User, *, password: str = PASSWORD, code: str | None = None) -> None:
    """Sign in through the pages: e-mail and password, then the TOTP code when it is asked for.

    ``code`` defaults to the user's current code. Ends on whatever page the last step leads to.
    """
    page.goto("/accounts/signin/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(password)
    submit(page)
    if "/accounts/signin/code/" in page.url:
        page.get_by_label("Six-digit code from your authenticator app").fill(
            code if code is not None else current_code(user)
        )
        submit(page)
