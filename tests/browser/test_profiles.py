"""In Arabic, a member compares three national profiles: she picks the States in the three
lists, and reads their scores, tiers and national positions side by side, with the charts."""

import pytest
from playwright.sync_api import Page, expect

from conftest import make_user
from tests.browser.conftest import arabic, sign_in
from thiqa.capacity.tests.helpers import state
from thiqa.profiles import services
from thiqa.profiles.tests.helpers import position_draft
from thiqa.profiles.tests.test_pages import gca_cycle

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]


def test_three_profiles_compared_in_arabic(
    page: Page, live_server, participant, other_participant, secretariat
):
    state("KE", "Kenya", "كينيا")
    gca_cycle(secretariat, "public", {"EG", "FR", "KE"})
    focal = make_user("focal.eg@example.org", participant, "focal_point", totp=True)
    services.record_position(focal, participant, position_draft(title="موقفنا من السيادة", language="ar"))
    reader = make_user("member.fr@example.org", other_participant, "member", language="ar")

    sign_in(page, reader)
    page.goto("/profiles/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    for slot, name in enumerate(["مصر", "فرنسا", "كينيا"], start=1):
        page.locator(f"#p{slot}").select_option(label=name)
    with page.expect_navigation():
        page.get_by_role("button", name=arabic("Compare")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(arabic("Compare national profiles"))
    headers = page.locator("table.compare thead th")
    expect(headers).to_have_count(4)
    expect(headers.nth(1)).to_have_text("مصر")
    expect(headers.nth(3)).to_have_text("كينيا")
    positions = page.locator("table.compare tbody tr", has_text=arabic("National positions"))
    expect(positions.locator("td").nth(0)).to_have_text("1")
    expect(positions.locator("td").nth(1)).to_have_text("0")
    expect(page.locator("svg.chart-radar")).to_be_visible()

    with page.expect_navigation():
        page.locator("table.compare thead").get_by_role("link", name="مصر").click()
    expect(page.get_by_role("link", name="موقفنا من السيادة")).to_be_visible()
