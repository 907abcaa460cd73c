"""In Arabic: a focal point submits a national term; the secretariat groups it into a concept
and agrees a definition; a visitor who is not signed in reads the agreed concept with the
term beside it."""

import pytest
from playwright.sync_api import Page, expect

from conftest import make_user
from tests.browser.conftest import VIEWPORT, arabic, sign_in, submit
from thiqa.glossary.models import Concept, GlossaryTerm

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]

TERM = "حادث سيبراني"
DEFINITION = "واقعة تمس سلامة نظام معلومات أو سرية بياناته أو توافر خدماته."


def test_a_term_is_submitted_grouped_agreed_and_read_by_a_visitor_in_arabic(
    page: Page, live_server, participant, secretariat_participant
):
    focal = make_user("focal.ar@thiqa.example", participant, "focal_point", totp=True, language="ar")
    sign_in(page, focal)
    page.goto("/glossary/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    with page.expect_navigation():
        page.get_by_role("link", name=arabic("Submit a national term")).click()
    page.locator("#id_term").fill(TERM)
    page.locator("#id_language").select_option("ar")
    page.locator("#id_definition").fill(DEFINITION)
    page.locator("#id_source_kind").select_option("law")
    page.locator("#id_source_title").fill("قانون مكافحة جرائم تقنية المعلومات")
    page.locator("#id_source_locator").fill("المادة 1")
    page.locator("#id_dated").fill("2018-08-14")
    page.locator("input[name=audience][value=public]").check()
    submit(page)
    expect(page.locator(".messages")).to_contain_text(
        arabic("The term was saved as a draft. Submit it when it is ready.")
    )
    with page.expect_navigation():
        page.get_by_role("button", name=arabic("Submit the term")).click()
    expect(page.locator(".messages")).to_contain_text(arabic("The term was submitted."))
    term = GlossaryTerm.objects.get()
    assert term.status == "submitted" and term.is_public

    staff_user = make_user(
        "staff.ar@thiqa.example", secretariat_participant, "secretariat", totp=True, language="ar"
    )
    staff_context = page.context.browser.new_context(
        base_url=live_server.url, locale="en-US", viewport=VIEWPORT
    )
    staff = staff_context.new_page()
    sign_in(staff, staff_user)
    staff.goto("/glossary/")
    with staff.expect_navigation():
        staff.get_by_role("link", name=arabic("New concept")).click()
    staff.locator("#id_slug").fill("incident")
    staff.locator("#id_name_ar").fill("حادث")
    staff.locator("#id_name_en").fill("Incident")
    staff.locator("#id_definition_ar").fill("حدث يضر بسلامة نظام معلومات أو بسرية بياناته أو بتوافر خدماته.")
    staff.locator("#id_definition_en").fill(
        "An event that harms the integrity, confidentiality or availability of a system."
    )
    submit(staff)
    expect(staff.locator(".messages")).to_contain_text(arabic("The concept was created."))
    staff.locator(f"input[name=term][value='{term.pk}']").check()
    with staff.expect_navigation():
        staff.get_by_role("button", name=arabic("Group the chosen terms")).click()
    expect(staff.locator(".language-block")).to_contain_text(TERM)
    with staff.expect_navigation():
        staff.get_by_role("link", name=arabic("Change the concept")).click()
    staff.locator("#id_status").select_option("agreed")
    submit(staff)
    expect(staff.locator(".messages")).to_contain_text(arabic("The concept was saved."))
    concept = Concept.objects.get()
    assert concept.is_agreed and concept.terms.get() == term
    staff_context.close()

    visitor = page.context.browser.new_context(base_url=live_server.url, locale="ar", viewport=VIEWPORT)
    public = visitor.new_page()
    public.goto("/glossary/")
    expect(public.locator("html")).to_have_attribute("dir", "rtl")
    with public.expect_navigation():
        public.get_by_role("link", name="حادث").click()
    expect(public.locator("main")).to_contain_text(arabic("Agreed definition"))
    expect(public.locator("main")).to_contain_text("حدث يضر بسلامة نظام معلومات")
    expect(public.locator(".language-block")).to_contain_text(TERM)
    expect(public.locator(".language-block")).to_contain_text(DEFINITION)
    visitor.close()
