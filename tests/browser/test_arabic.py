"""Arabic through the real pages: the language switch, translated navigation, mirrored layout.

Needs the compiled Arabic catalog: ``make messages`` (or ``thiqa compilemessages`` in thiqa/).
With THIQA_SCREENSHOTS=1 it also refreshes the README screenshots in docs/screenshots/.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import VIEWPORT, sign_in
from thiqa.accounts.demo_data import load_groups, load_states
from thiqa.accounts.models import Participant, User

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "thiqa" / "locale" / "ar" / "LC_MESSAGES" / "django.mo"
# The README's screenshots are refreshed only on request (THIQA_SCREENSHOTS=1), so a test
# run never changes the working tree.
SCREENSHOTS = ROOT / "docs" / "screenshots" if os.environ.get("THIQA_SCREENSHOTS") == "1" else None
EDGE = 40  # px: how close to the edge of the header bar the brand must be


@pytest.fixture
def community(secretariat: User) -> User:
    """The real list of States and groups, signed in to by a secretariat member."""
    assert CATALOG.exists(), f"{CATALOG} is missing: compile the catalogs first (make messages)"
    load_states()
    load_groups()
    return secretariat


def name(user: User, full_name: str) -> None:
    user.full_name = full_name
    user.save(update_fields=["full_name"])


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not displayed"
    return found


def assert_brand_at(page: Page, side: str) -> None:
    """The brand sits at the ``side`` edge of the header bar; the navigation runs below it
    from the same edge (the header has two rows: brand and tools, then the rooms)."""
    bar, brand = box(page.locator("header .bar")), box(page.locator("header .brand"))
    nav = box(page.locator("header nav.main-nav"))
    first = box(page.locator("header nav.main-nav li").first)
    assert nav["y"] >= brand["y"] + brand["height"] - 1, (brand, nav)
    if side == "left":
        assert brand["x"] - bar["x"] < EDGE, (brand, bar)
        assert first["x"] - bar["x"] < EDGE, (first, bar)
        assert brand["x"] + brand["width"] / 2 < VIEWPORT["width"] / 2
    else:
        assert (bar["x"] + bar["width"]) - (brand["x"] + brand["width"]) < EDGE, (brand, bar)
        assert (bar["x"] + bar["width"]) - (first["x"] + first["width"]) < EDGE, (first, bar)
        assert brand["x"] + brand["width"] / 2 > VIEWPORT["width"] / 2


def language_button(page: Page, code: str) -> Locator:
    return page.locator(f"header form.language-switch button[name=language][value={code}]")


def expect_language(page: Page, lang: str, direction: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", direction)


def first_by(field: str) -> str:
    return getattr(Participant.objects.filter(is_active=True).order_by(field).first(), field)


def test_switching_to_arabic_translates_and_mirrors_the_pages(page: Page, live_server, community: User):
    name(community, "سارة حداد")
    sign_in(page, community)
    expect_language(page, "en", "ltr")
    nav = page.locator("header nav.main-nav")
    expect(nav.get_by_role("link", name="Participants")).to_be_visible()
    assert_brand_at(page, "left")

    arabic = language_button(page, "ar")
    expect(arabic).to_have_text(re.compile(r"^\s*العربي"))  # Django's name: العربيّة, with shadda
    with page.expect_navigation():
        arabic.click()

    expect_language(page, "ar", "rtl")
    expect(nav.get_by_role("link", name="الرئيسية")).to_be_visible()
    expect(nav.get_by_role("link", name="المشاركون")).to_be_visible()
    expect(nav).not_to_contain_text("Participants")
    expect(language_button(page, "en")).to_have_text("English")
    expect(language_button(page, "ar")).to_have_count(0)
    assert_brand_at(page, "right")
    if SCREENSHOTS:
        page.screenshot(path=SCREENSHOTS / "home-ar.png")

    # The choice holds on the next page, and is remembered for the person.
    nav.get_by_role("link", name="المشاركون").click()
    expect(page).to_have_url(f"{live_server.url}/participants/")
    expect_language(page, "ar", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("المشاركون")
    first_row = page.locator("main tbody tr").first
    expect(first_row.get_by_role("link")).to_have_text(first_by("name_ar"))
    expect(nav.get_by_role("link", name="المشاركون")).to_have_attribute("aria-current", "page")
    assert_brand_at(page, "right")
    community.refresh_from_db()
    assert community.language == "ar"

    # And back to English, mirrored back.
    with page.expect_navigation():
        language_button(page, "en").click()
    expect_language(page, "en", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Participants")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    assert_brand_at(page, "left")


def test_english_participants_page_screenshot(page: Page, community: User):
    name(community, "Sara Haddad")
    sign_in(page, community)
    page.locator("header nav.main-nav").get_by_role("link", name="Participants").click()
    expect_language(page, "en", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Participants")
    first_row = page.locator("main tbody tr").first
    expect(first_row.get_by_role("link")).to_have_text(first_by("name_en"))
    expect(page.locator("main tbody tr")).to_have_count(50)  # the first page of the States
    if SCREENSHOTS:
        page.screenshot(path=SCREENSHOTS / "participants-en.png")
