"""In Arabic, a full reporting cycle: a focal point drafts its State's response (the editor
saves by itself while she types), saves it, submits it; another State asks a question about
the submission and the first answers it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_user
from tests.browser.conftest import arabic, sign_in
from thiqa.accounts.models import ParticipantGroup
from thiqa.reporting import services
from thiqa.reporting.models import Response, SubmissionQuestion

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]


def test_draft_save_submit_question_and_answer_in_arabic(
    page: Page, live_server, participant, other_participant, secretariat
):
    group = ParticipantGroup.objects.create(
        code="LAS", kind="regional", name_en="LAS", name_ar="جامعة الدول العربية"
    )
    group.members.add(participant, other_participant)
    today = timezone.localdate()
    cycle = services.open_cycle(
        secretariat,
        instrument="un-gge-2013-implementation",
        title="تقرير التنفيذ الطوعي 2026",
        period="2026",
        opens_on=today - timedelta(days=1),
        due_on=today + timedelta(days=60),
        group=group,
    )
    focal = make_user("focal.ar@thiqa.example", participant, "focal_point", totp=True, language="ar")
    asker = make_user("member.fr@thiqa.example", other_participant, "member", language="ar")

    # The focal point opens her State's response and starts answering.
    sign_in(page, focal)
    page.goto(f"/reporting/cycles/{cycle.pk}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("مصر")).click()
    page.locator("input[name=audience][value=scope]").check()  # every State of the League may read it
    page.locator("input[name='a_norms-19'][value=partly]").check()
    page.locator("textarea[name='c_norms-19']").fill(
        "نعمل على مواءمة التشريعات الوطنية مع ميثاق الأمم المتحدة"
    )
    # The editor saves by itself a few seconds after the last keystroke.
    expect(page.locator(".autosave-status")).to_have_attribute("data-state", "saved", timeout=15_000)
    response = Response.objects.get()
    assert (
        response.answers["norms-19"]["comment"].startswith("نعمل على مواءمة")
        and not response.versions.exists()
    )

    # She saves the draft (a version), then answers everything and submits.
    with page.expect_navigation():
        page.get_by_role("button", name=arabic("Save draft")).click()
    expect(page.locator(".messages")).to_contain_text(arabic("Draft saved."))
    for radio in page.locator("input[type=radio][value=yes]").all():
        if not page.locator(f"input[name='{radio.get_attribute('name')}']:checked").count():
            radio.check()
    with page.expect_navigation():
        page.get_by_role("button", name=arabic("Submit")).click()
    expect(page.locator("main")).to_contain_text(arabic("Submitted"))
    response.refresh_from_db()
    assert response.status == "submitted" and response.submitted.number == 2
    assert response.answers["norms-19"]["value"] == "partly"

    # Another State reads the submission and asks a question.
    other = page.context.browser.new_context(base_url=live_server.url, locale="en-US")
    asker_page = other.new_page()
    sign_in(asker_page, asker)
    asker_page.goto(f"/reporting/responses/{response.pk}/")
    expect(asker_page.locator("main")).to_contain_text("نعمل على مواءمة التشريعات الوطنية")
    asker_page.locator("textarea[name=text]").fill("ما الجهة التي تقود هذا العمل؟")
    with asker_page.expect_navigation():
        asker_page.get_by_role("button", name=arabic("Ask")).click()
    expect(asker_page.locator(".messages")).to_contain_text(
        arabic("Your question was sent to the participant.")
    )

    # The focal point answers it; the asker sees the answer.
    page.goto(f"/reporting/responses/{response.pk}/")
    expect(page.locator("#questions ~ article")).to_contain_text("ما الجهة التي تقود هذا العمل؟")
    page.locator("textarea[name=answer]").fill("تقود وزارة الخارجية هذا العمل بالتنسيق مع الفريق الوطني")
    with page.expect_navigation():
        page.get_by_role("button", name=arabic("Answer")).click()
    asker_page.reload()
    expect(asker_page.locator("main blockquote")).to_contain_text("تقود وزارة الخارجية")
    other.close()
    question = SubmissionQuestion.objects.get()
    assert question.answered_by == focal and question.asked_for == other_participant
