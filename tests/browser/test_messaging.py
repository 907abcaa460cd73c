"""In Arabic, end to end: a focal point sends a request for consultation (TLP:AMBER, with an
acknowledgement deadline); the other State's policy contact receives the e-mail notice,
signs in, reads the request and acknowledges it; the sender sees it acknowledged."""

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import make_contact, make_user
from tests.browser.conftest import arabic, sign_in, submit
from thiqa.mail.services import deliver_due
from thiqa.messaging.models import Message

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]


def test_a_consultation_request_and_its_acknowledgement_in_arabic(
    page: Page, live_server, participant, other_participant, smtp_sink
):
    sender = make_user("focal.ar@thiqa.example", participant, "focal_point", totp=True, language="ar")
    make_contact(other_participant, "policy", "policy@fr.example", name="كلير مارتان", languages=["ar", "fr"])
    recipient = make_user("policy@fr.example", other_participant, "member", language="ar")

    # The focal point writes the request in Arabic.
    sign_in(page, sender)
    page.goto("/messages/new/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    with page.expect_navigation():
        page.get_by_role("link", name="طلب تشاور").click()
    expect(page.locator("h1")).to_have_text("طلب تشاور")
    expect(page.locator("input[name=tlp][value=AMBER]")).to_be_checked()
    page.locator("#id_participants").select_option(str(other_participant.pk))
    expect(page.locator("input[name=roles][value=policy]")).to_be_checked()
    page.locator("#id_subject").fill("طلب مشاورات بشأن عمليات مسح الشبكات الحكومية")
    page.locator("#id_body").fill("نقترح عقد مشاورات لتفادي أي سوء فهم بشأن النشاط الذي رصدناه.")
    page.locator("#id_f_concern").fill("عمليات مسح متكررة لشبكات الوزارات")
    page.locator("#id_f_level").select_option("policy")
    page.locator("#id_f_format").select_option("video")
    expect(page.locator("input[name=acknowledge]")).to_be_checked()
    submit(page)
    expect(page.locator("h1")).to_have_text("طلب مشاورات بشأن عمليات مسح الشبكات الحكومية")
    expect(page.locator(".tlp-banner").first).to_contain_text("TLP:AMBER")
    expect(page.locator("main")).to_contain_text(arabic("Sent"))
    message = Message.objects.get()
    assert message.ack_required and message.tlp == "AMBER"

    # The contact's e-mail is a signed notice in Arabic: the label, no content.
    assert deliver_due() == 1
    (mail,) = smtp_sink.messages()
    assert mail["To"] == "policy@fr.example" and mail["Subject"].startswith("[TLP:AMBER]")
    assert "طلب تشاور" in mail["Subject"]
    notice = mail.get_payload()[0].get_content()
    assert "عمليات مسح" not in notice and "/messages/ack/" in notice

    # The contact signs in, sees the unread message, reads and acknowledges it.
    other = page.context.browser.new_context(base_url=live_server.url, locale="en-US")
    contact_page = other.new_page()
    sign_in(contact_page, recipient)
    contact_page.goto("/messages/")
    expect(contact_page.locator(".main-nav .badge")).to_have_text(re.compile(r"^1"))
    with contact_page.expect_navigation():
        contact_page.get_by_role("link", name="طلب مشاورات بشأن عمليات مسح الشبكات الحكومية").click()
    expect(contact_page.locator("main")).to_contain_text("عمليات مسح متكررة لشبكات الوزارات")
    expect(contact_page.locator("main")).to_contain_text(
        "المسؤولون عن السياسات"
    )  # the template field, from data
    with contact_page.expect_navigation():
        contact_page.get_by_role("button", name=arabic("Acknowledge receipt")).click()
    expect(contact_page.locator(".messages")).to_contain_text(
        arabic("Thank you: your acknowledgement is recorded.")
    )
    expect(contact_page.get_by_role("button", name=arabic("Acknowledge receipt"))).to_have_count(0)
    other.close()

    # The sender sees the request acknowledged.
    page.reload()
    expect(page.locator(".recipients")).to_contain_text(arabic("Acknowledged"))
    row = message.recipients.get()
    assert row.acknowledged_via == "web" and row.acknowledged_by == recipient
