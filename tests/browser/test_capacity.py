"""In Arabic: Egypt's focal point posts a need, France's focal point asks to engage with its
offer, Egypt accepts, marks the work in progress and completes it with its outcome, both sides
evaluate it, and the completed engagement shows on both participants' pages; then the
secretariat records a project that the engagement fed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from conftest import make_user
from tests.browser.conftest import TIMEOUT_MS, arabic, sign_in, submit
from thiqa.capacity import services
from thiqa.capacity.models import Engagement, Need, Project
from thiqa.capacity.tests.helpers import draft

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]


def other_page(browser: Browser, live_server) -> Page:
    """A second person's browser, in a context of its own (signed in, the person's language applies)."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def click(page: Page, role: str, name: str, within: Locator | None = None) -> None:
    """Click a link or button (inside ``within``, if given) and wait for the next page."""
    with page.expect_navigation():
        (within or page).get_by_role(role, name=name).click()


def test_an_engagement_from_need_to_both_evaluations_in_arabic(
    page: Page, browser: Browser, live_server, participant, other_participant, secretariat_participant
):
    egypt = make_user("focal.eg@thiqa.example", participant, "focal_point", totp=True, language="ar")
    france = make_user("focal.fr@thiqa.example", other_participant, "focal_point", totp=True, language="ar")
    office = make_user(
        "staff@thiqa.example", secretariat_participant, "secretariat", totp=True, language="ar"
    )
    offer = services.post_offer(france, other_participant, draft(title="برنامج إرشاد لفرق الاستجابة"))

    # Egypt posts a need through the form.
    sign_in(page, egypt)
    page.goto("/capacity/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    click(page, "link", arabic("Post a need"))
    page.locator("#id_title").fill("إنشاء فرق استجابة قطاعية للطاقة")
    page.locator("#id_description").fill("نحتاج إلى إجراءات وتدريب لمحللي الفرق القطاعية.")
    page.locator("input[name=pillars][value=organizational]").check()
    page.locator("input[name=kinds][value=experts]").check()
    page.locator("#id_items").select_option("un-gge-2013-32b")
    page.locator("input[name=regions][value=arab-states]").check()
    page.locator("input[name=languages][value=ar]").check()
    submit(page)
    expect(page.locator("h1")).to_have_text("إنشاء فرق استجابة قطاعية للطاقة")
    need = Need.objects.get()

    # France finds its offer among the matches and asks to engage.
    paris = other_page(browser, live_server)
    sign_in(paris, france)
    paris.goto(f"/capacity/needs/{need.pk}/")
    match = paris.locator(f"#match-{offer.pk}")
    expect(match).to_contain_text("برنامج إرشاد لفرق الاستجابة")
    match.get_by_text(arabic("Ask to engage")).click()
    match.locator("textarea[name=message]").fill("يسعدنا إرشاد فريقكم لمدة ستة أشهر.")
    click(paris, "button", arabic("Send the request"), match)
    expect(paris.locator(".messages")).to_contain_text(
        arabic("Your request was sent; the other side's focal points were told by e-mail.")
    )
    engagement = Engagement.objects.get()
    url = f"/capacity/engagements/{engagement.pk}/"

    # Egypt accepts, marks it in progress, completes it with the outcome and evaluates.
    page.goto(url)
    click(page, "button", arabic("Accept"))
    expect(page.locator(".status-accepted")).to_be_visible()
    click(page, "button", arabic("Mark in progress"))
    expect(page.locator(".messages")).to_contain_text(
        arabic("The engagement is in progress. The other side was told.")
    )
    expect(page.locator("#id_outcome")).to_have_attribute("required", "")  # the browser asks for it
    page.locator("#id_outcome").fill("تدرب فريقان قطاعيان وبدآ العمل.")
    click(page, "button", arabic("Complete the engagement"))
    expect(page.locator(".outcome")).to_have_text("تدرب فريقان قطاعيان وبدآ العمل.")
    egypt_side = page.locator("#evaluation-need")
    egypt_side.locator("input[name=rating][value='4']").check()
    egypt_side.locator("textarea[name=text]").fill("لبّى الإرشاد احتياجاتنا.")
    click(page, "button", arabic("Record the evaluation"), egypt_side)
    expect(page.locator("#evaluation-need")).to_contain_text(arabic("4 · Met all its aims"))
    expect(page.locator("#evaluation-offer")).to_contain_text(arabic("Not evaluated yet."))

    # France evaluates its side; both evaluations show.
    paris.goto(url)
    france_side = paris.locator("#evaluation-offer")
    france_side.locator("input[name=rating][value='5']").check()
    france_side.locator("textarea[name=text]").fill("فريق متحمس شارك حالاته.")
    click(paris, "button", arabic("Record the evaluation"), france_side)
    expect(paris.locator("#evaluation-need")).to_contain_text("لبّى الإرشاد احتياجاتنا.")
    expect(paris.locator("#evaluation-offer")).to_contain_text(arabic("5 · Went beyond its aims"))
    assert Engagement.objects.get().evaluations.count() == 2

    # The completed engagement on both participants' pages.
    for code, part in (("EG", "Received help"), ("FR", "Provided help")):
        page.goto(f"/participants/{code}/")
        table = page.locator("table.completed-engagements")
        expect(table).to_contain_text("إنشاء فرق استجابة قطاعية للطاقة")
        expect(table).to_contain_text(arabic(part))
        expect(table).to_contain_text("تدرب فريقان قطاعيان وبدآ العمل.")
    paris.context.close()

    # The secretariat records a project the engagement fed; a wrong end date is refused first.
    desk = other_page(browser, live_server)
    sign_in(desk, office)
    desk.goto("/capacity/projects/")
    click(desk, "link", arabic("Record a project"))
    today = timezone.localdate()
    desk.locator("#id_title_en").fill("Sector response teams for energy")
    desk.locator("#id_title_ar").fill("فرق الاستجابة القطاعية للطاقة")
    desk.locator("#id_description").fill("إنشاء فرق قطاعية تتبع الفريق الوطني.")
    desk.locator("#id_status").select_option("ongoing")
    desk.locator("#id_start_date").fill(today.isoformat())
    desk.locator("#id_end_date").fill((today - timedelta(days=1)).isoformat())
    desk.locator("input[name=pillars][value=organizational]").check()
    desk.locator("#id_funders").select_option("FR")
    desk.locator("#id_outside_funders").fill("صندوق تجريبي للتنمية")
    desk.locator("#id_beneficiaries").select_option("EG")
    desk.locator("#id_engagements").select_option(str(engagement.pk))
    submit(desk)
    expect(desk.locator("main")).to_contain_text(arabic("The end date must be after the start date."))
    desk.locator("#id_end_date").fill((today + timedelta(days=180)).isoformat())
    submit(desk)
    expect(desk.locator("h1")).to_have_text("فرق الاستجابة القطاعية للطاقة")
    expect(desk.locator("main")).to_contain_text("صندوق تجريبي للتنمية")
    project = Project.objects.get()
    assert list(project.engagements.all()) == [engagement]
    page.goto(f"/capacity/engagements/{engagement.pk}/")
    expect(page.locator("main")).to_contain_text("فرق الاستجابة القطاعية للطاقة")
    desk.context.close()
