"""Arabic through the real pages: the language switch, translated navigation, mirrored layout;
the rooms' main pages over the demo data, in Arabic and right to left.

Needs the compiled Arabic catalog: ``make messages`` (or ``thiqa compilemessages`` in thiqa/).
With THIQA_SCREENSHOTS=1 it also refreshes the README screenshots in docs/screenshots/
(every image the README shows).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import VIEWPORT, sign_in
from thiqa.accounts.demo_data import DEMO_PASSWORD, load_groups, load_states
from thiqa.accounts.models import Participant, User
from thiqa.checks.models import CheckRound
from thiqa.messaging.models import Message
from thiqa.partnerships.models import Arrangement
from thiqa.reporting import compilation
from thiqa.reporting.models import Cycle

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


def demo_pages() -> dict[str, tuple[str, str, bool]]:
    """Each README screenshot of a room: who looks (a demo log-in), the page, whether the
    whole page is taken (else the first 900 pixels)."""
    secretariat = User.objects.get(email="secretariat@thiqa.example")
    gca = Cycle.objects.filter(instrument="gca-self-assessment").order_by("-opens_on", "-pk").first()
    compared = "&".join(f"p={s.participant.code}" for s in compilation.submissions(secretariat, gca)[:3])
    notification = Message.objects.filter(kind="incident_notification", tlp="green", thread=None).first()
    check = CheckRound.objects.filter(status=CheckRound.Status.CLOSED).order_by("-started_at").first()
    arrangement = Arrangement.objects.order_by("pk").first()
    sec, focal = "secretariat@thiqa.example", "focal.eg@thiqa.example"
    return {
        "catalogue-item-ar.png": (sec, "/catalogue/items/osce-cbm-8/", True),
        "directory-compliance-ar.png": (sec, "/directory/compliance/", False),
        "check-round-ar.png": (sec, f"/checks/rounds/{check.pk}/", False),
        "messages-inbox-ar.png": (focal, "/messages/", False),
        "message-thread-ar.png": (focal, f"/messages/threads/{notification.pk}/", True),
        "reporting-compilation-ar.png": (sec, f"/reporting/cycles/{gca.pk}/compilation/", False),
        "reporting-compare-ar.png": (sec, f"/reporting/cycles/{gca.pk}/compare/?{compared}", True),
        "partnership-ar.png": (sec, f"/partnerships/{arrangement.pk}/", False),
        "activities-ar.png": (sec, "/activities/", False),
    }


def test_the_rooms_pages_in_arabic_as_the_readme_shows_them(transactional_db, demo, browser, live_server):
    for who, pages in _by_person(demo_pages()).items():
        context = browser.new_context(
            base_url=live_server.url, locale="ar", viewport={"width": VIEWPORT["width"], "height": 900}
        )
        page = context.new_page()
        user = User.objects.get(email=who)
        user.language = "ar"
        user.save(update_fields=["language"])
        sign_in(page, user, password=DEMO_PASSWORD)
        for image, path, whole in pages:
            reply = page.goto(path)
            assert reply is not None and reply.status == 200, (path, reply and reply.status)
            expect_language(page, "ar", "rtl")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            if SCREENSHOTS:
                page.screenshot(path=SCREENSHOTS / image, full_page=whole)
        context.close()


def _by_person(pages: dict[str, tuple[str, str, bool]]) -> dict[str, list[tuple[str, str, bool]]]:
    found: dict[str, list[tuple[str, str, bool]]] = {}
    for image, (who, path, whole) in pages.items():
        found.setdefault(who, []).append((image, path, whole))
    return found


def test_every_screenshot_the_readme_shows_is_made_here():
    readme = (ROOT / "README.md").read_text()
    shown = set(re.findall(r"docs/screenshots/([\w.-]+\.png)", readme))
    made = set(re.findall(r'"([\w-]+\.png)"', Path(__file__).read_text()))
    assert shown <= made, shown - made
    assert shown == {p.name for p in (ROOT / "docs" / "screenshots").glob("*.png")}
