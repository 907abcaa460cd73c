"""In Arabic, a full reporting cycle: a focal point drafts its State's response (the editor
saves by itself while she types), saves it, submits it; another State asks a question about
the submission and the first answers it. The compilation's PDF is prepared by the worker
while its page shows the status, then downloaded."""

import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_user
from tests.browser.conftest import arabic, sign_in
from tests.browser.test_accessibility import violations
from thiqa.accounts.models import ParticipantGroup
from thiqa.reporting import services
from thiqa.reporting.instruments import instrument
from thiqa.reporting.models import Audience, CompilationPdf, Response, SubmissionQuestion
from thiqa.reporting.sample import sample_answers

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


def test_the_compilation_pdf_is_prepared_in_the_background_and_downloaded(
    page: Page, participant, other_participant, secretariat, run_worker
):
    today = timezone.localdate()
    cycle = services.open_cycle(
        secretariat,
        instrument="gca-self-assessment",
        title="التقييم الذاتي 2026",
        period="2026",
        opens_on=today - timedelta(days=1),
        due_on=today + timedelta(days=30),
    )
    focal = make_user("focal.eg@thiqa.example", participant, "focal_point")
    response = services.response_for(focal, cycle, participant)
    answers = sample_answers(instrument("gca-self-assessment"), random.Random(5), 0.6, "ar")
    services.save_draft(focal, response, answers=answers, language="ar", audience=Audience.SCOPE)
    services.submit(focal, response)
    reader = make_user("member.fr@thiqa.example", other_participant, "member", language="ar")

    sign_in(page, reader)
    page.goto(f"/reporting/cycles/{cycle.pk}/compilation/")
    with page.expect_navigation():
        page.get_by_role("button", name=arabic("Prepare PDF")).click()
    status = page.locator("#pdf-status")
    expect(status).to_contain_text(arabic("Queued"))
    expect(status.locator("progress")).to_have_attribute("max", "1")
    assert not violations(page)  # WCAG 2.1 AA while the PDF is being prepared
    page.evaluate("window.stillThisPage = true")

    run_worker()  # the worker takes the job; the page's script follows it without a reload
    link = status.get_by_role("link", name=arabic("Download the PDF"))
    expect(link).to_be_visible()
    assert page.evaluate("window.stillThisPage === true") and not violations(page)
    with page.expect_download() as download:
        link.click()
    content = Path(download.value.path()).read_bytes()
    job = CompilationPdf.objects.get()
    assert content.startswith(b"%PDF-") and len(content) == job.size and job.renders == 1
