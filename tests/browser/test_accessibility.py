"""WCAG 2.1 AA through axe-core (axe-playwright-python) in headless Chromium: every page of
the platform, in Arabic and in English, for a visitor and for each role, has no serious or
critical violation.

"Every page" is found, not listed: starting from the home page, the test follows the
platform's own links and visits one page of each URL route (so a new room's pages are
checked as soon as its navigation links to them). Accessibility depends on templates, not on
the database: the crawl runs in the SQLite pass of ``make test`` only.
"""

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.browser.conftest import sign_in
from thiqa.accounts.demo_data import DEMO_PASSWORD
from thiqa.accounts.models import User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="templates are checked once, in the SQLite pass",
    ),
]

AXE = Axe()
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING = {"serious", "critical"}
# Not pages: they answer with a file, change state on GET, or end the session.
NOT_PAGES = ("logout", "set_language", "export", "download", "feed", "ical", "csv", "vcard", "pdf", "key")
MAX_PAGES = 120  # per person and language: a bound, so a crawl cannot run away
ROLES = [
    None,  # a visitor who is not signed in
    "secretariat@thiqa.example",
    "focal.eg@thiqa.example",
    "member.eg@thiqa.example",
    "observer@thiqa.example",
]


def route_of(path: str) -> str | None:
    """The URL pattern a path belongs to (pages of one route share a template), or None
    when the path is not a page to check."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name is None or any(word in (match.view_name or "").lower() for word in NOT_PAGES):
        return None
    if path.startswith(("/api/", "/static/", settings.STATIC_URL)):
        return None
    return match.route


def links(page: Page, origin: str) -> Iterator[str]:
    for href in page.eval_on_selector_all("a[href]", "anchors => anchors.map(a => a.href)"):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" == origin and not parts.fragment:
            yield parts.path + (f"?{parts.query}" if parts.query else "")


def choose_language(page: Page, language: str) -> None:
    if page.locator("html").get_attribute("lang") != language:
        with page.expect_navigation():
            page.locator(f"form.language-switch button[value={language}]").click()
    assert page.locator("html").get_attribute("lang") == language


def violations(page: Page) -> list[str]:
    found = AXE.run(page, options=WCAG_AA).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in found
        if v["impact"] in BLOCKING
    ]


def crawl(page: Page, origin: str, language: str) -> dict[str, list[str]]:
    """Visit one page per route reachable from the home page; the violations of each."""
    seen: set[str] = set()
    queue = ["/"]
    report: dict[str, list[str]] = {}
    while queue and len(report) < MAX_PAGES:
        path = queue.pop(0)
        route = route_of(urlsplit(path).path)
        if route is None or route in seen:
            continue
        seen.add(route)
        try:
            response = page.goto(path)
        except PlaywrightError:  # a download, not a page
            continue
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        choose_language(page, language)
        report[f"{language} {path}"] = violations(page)
        queue.extend(p for p in links(page, origin) if p not in queue)
    return report


@pytest.fixture
def demo_site(demo) -> None:
    """The demo data set: every room has something to show."""


@pytest.mark.parametrize("email", ROLES, ids=lambda e: (e or "visitor").split("@")[0])
def test_every_page_meets_wcag_aa_in_both_languages(demo_site, page: Page, live_server, email):
    if email is not None:
        sign_in(page, User.objects.get(email=email), password=DEMO_PASSWORD)
    report: dict[str, list[str]] = {}
    for language in ("en", "ar"):
        report |= crawl(page, live_server.url, language)
    assert len(report) >= 4, f"the crawl found too few pages: {sorted(report)}"
    failing = {where: found for where, found in report.items() if found}
    assert not failing, "\n".join(f"{where}: {'; '.join(found)}" for where, found in sorted(failing.items()))


def test_axe_finds_what_the_platform_must_not_have(page: Page):
    """The check itself works: an image without a text alternative and an unlabelled field."""
    page.set_content('<html lang="en"><body><main><img src="x.png"><input type="text"></main></body></html>')
    found = " ".join(violations(page))
    assert "image-alt" in found and "label" in found
