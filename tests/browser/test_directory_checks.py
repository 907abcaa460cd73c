"""In Arabic, end to end: a focal point nominates a contact, the secretariat publishes it,
starts a check round, and the contact acknowledges it from the link in the received e-mail."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import make_user
from tests.browser.conftest import arabic, sign_in, submit
from thiqa.checks import services as checks
from thiqa.checks.models import CheckRound, Ping
from thiqa.directory.models import Contact, Nomination
from thiqa.mail.services import deliver_due

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]


def test_nominate_publish_ping_and_acknowledge_in_arabic(page: Page, live_server, participant, smtp_sink):
    focal = make_user("focal.ar@thiqa.example", participant, "focal_point", totp=True, language="ar")
    secretariat = make_user("sec.ar@thiqa.example", None, None, totp=True, language="ar")
    from thiqa.accounts.models import Membership, Participant

    office = Participant.objects.create(
        code="sec",
        kind="international_organization",
        name_en="Secretariat",
        name_ar="الأمانة",
        is_secretariat=True,
    )
    Membership.objects.create(user=secretariat, participant=office, role="secretariat")

    # The focal point nominates the national CERT's duty officer.
    sign_in(page, focal)
    page.goto("/directory/participants/EG/nominate/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text(arabic("Nominate a contact"))
    page.locator("#id_contact-role").select_option("technical")
    page.locator("#id_contact-name").fill("أمل حسن")
    page.locator("#id_contact-emails").fill("duty@egcert.example")
    page.locator("#id_contact-languages").fill("ar, en")
    page.locator("#id_contact-time_zone").select_option("Africa/Cairo")
    page.locator("#id_contact-availability").select_option("24x7")
    submit(page)
    expect(page.locator(".messages")).to_contain_text(
        arabic("Your proposal was sent to the secretariat for review.")
    )
    nomination = Nomination.objects.get()
    assert nomination.status == "pending"

    # The secretariat verifies and publishes it.
    page.context.clear_cookies()
    sign_in(page, secretariat)
    page.goto("/directory/nominations/")
    page.get_by_role("link", name=re.compile(r"\d")).first.click()
    expect(page.locator("main")).to_contain_text("أمل حسن")
    with page.expect_navigation():
        page.locator("button[value=publish]").click()
    assert Contact.objects.published().get().name == "أمل حسن"

    # ... and starts a check round for technical contacts.
    page.goto("/checks/start/")
    page.locator("#id_title").fill("اختبار الاتصال للربع الرابع")
    page.locator("input[name=roles][value=policy]").uncheck()
    page.locator("input[name=roles][value=technical]").check()
    submit(page)
    expect(page.locator("h1")).to_have_text("اختبار الاتصال للربع الرابع")
    check = CheckRound.objects.get()
    checks.prepare_round(check)  # what the worker does
    assert deliver_due() == 2  # the ping, and the focal point's notice that the nomination is published

    # The contact receives the ping in Arabic and acknowledges it from the link.
    (mail,) = [m for m in smtp_sink.messages() if m["To"] == "duty@egcert.example"]
    assert "اختبار الاتصال" in mail["Subject"]
    body = mail.get_content()
    assert "أمل حسن" in body
    link = re.search(r"http://testserver(/checks/ack/\S+/)", body).group(1)
    contact_browser = page.context.browser.new_context(base_url=live_server.url, locale="en-US")
    contact_page = contact_browser.new_page()
    contact_page.goto(link)
    expect(contact_page.locator("html")).to_have_attribute("lang", "ar")  # the e-mail's language
    with contact_page.expect_navigation():
        contact_page.locator("main form button[type=submit]").click()
    expect(contact_page.locator("main")).to_contain_text(
        arabic("Thank you: your acknowledgement is recorded.")
    )
    contact_browser.close()
    ping = Ping.objects.get()
    assert ping.acknowledged_via == "link"

    # The secretariat sees the round's results.
    page.goto(f"/checks/rounds/{check.pk}/")
    expect(page.locator(".figures")).to_contain_text(re.compile(r"100[.,]0%"))
    expect(page.locator("figure svg").first).to_be_visible()
