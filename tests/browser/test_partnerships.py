"""In Arabic: a focal point registers her State's partnership under the four headings, sees
what the checklist still misses, publishes the disclosure page, and a visitor who is not
signed in reads it (without its discussion)."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import make_user
from tests.browser.conftest import arabic, sign_in, submit
from thiqa.partnerships.models import Arrangement

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]


def test_register_an_arrangement_and_publish_its_disclosure_page_in_arabic(
    page: Page, live_server, participant
):
    focal = make_user("focal.ar@thiqa.example", participant, "focal_point", totp=True, language="ar")
    sign_in(page, focal)
    page.goto("/partnerships/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    with page.expect_navigation():
        page.get_by_role("link", name=arabic("Register an arrangement")).click()
    page.locator("#id_name").fill("المنتدى الوطني للشراكة في الأمن السيبراني")
    page.locator("#id_model").select_option("ppp")
    page.locator("input[name=sectors][value=energy]").check()
    page.locator("input[name=purposes][value=information-sharing]").check()
    page.locator("#id_problem").fill("تتأخر مشاركة المعلومات عن الحوادث بين المشغلين والجهات الحكومية")
    page.locator("#id_membership").select_option("open")
    page.locator("#id_vetting").select_option("none")
    submit(page)
    expect(page.locator("h1")).to_have_text("المنتدى الوطني للشراكة في الأمن السيبراني")
    expect(page.locator(".messages")).to_contain_text(arabic("The arrangement is registered."))
    expect(page.locator(".checklist")).to_contain_text(arabic("missing:"))
    arrangement = Arrangement.objects.get()
    assert arrangement.owner == participant and arrangement.sectors == ["energy"]

    with page.expect_navigation():
        page.get_by_role("button", name=arabic("Publish the disclosure page")).click()
    expect(page.locator(".messages")).to_contain_text(arabic("The disclosure page is published."))

    visitor = page.context.browser.new_context(base_url=live_server.url, locale="ar")
    public = visitor.new_page()
    public.goto(f"/partnerships/{arrangement.pk}/public/")
    expect(public.locator("h1")).to_have_text("المنتدى الوطني للشراكة في الأمن السيبراني")
    expect(public.locator("main")).to_contain_text("تتأخر مشاركة المعلومات")
    expect(public.locator("main")).not_to_contain_text(re.compile(arabic("Discussion")))
    visitor.close()
