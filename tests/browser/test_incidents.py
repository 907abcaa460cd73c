"""In Arabic, end to end: a focal point records an incident with a level of its registered
national scale, naming another State's technical contact, raises an early warning to that
State, whose contact signs in, acknowledges it and reads the incident it is named on; the
incident page shows the warning acknowledged."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_contact, make_user
from tests.browser.conftest import arabic, sign_in, submit
from thiqa.incidents.models import Incident
from thiqa.incidents.scales import register_scale
from thiqa.incidents.tests.helpers import LEVELS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]


def test_an_incident_its_early_warning_and_the_acknowledgement_in_arabic(
    page: Page, live_server, participant, other_participant
):
    focal = make_user("focal.ar@thiqa.example", participant, "focal_point", totp=True, language="ar")
    serious = register_scale(focal, participant, "المقياس الوطني", "", LEVELS).levels.get(rank=2)
    make_contact(other_participant, "technical", "cert@fr.example", name="فريق الاستجابة", languages=["ar"])
    recipient = make_user("cert@fr.example", other_participant, "member", language="ar")

    # The focal point records the incident with its national level.
    sign_in(page, focal)
    page.goto("/incidents/new/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text(arabic("Record an incident"))
    page.locator("#id_title").fill("هجوم فدية على مشغل شبكة الكهرباء")
    detected = timezone.now() - timedelta(hours=3)
    page.locator("#id_detected_at").fill(detected.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_national_level").select_option(str(serious.pk))
    page.locator("input[name=sectors][value=energy]").check()
    page.locator("#id_indicators").fill("203.0.113.7\nevil[.]example")
    page.locator("#id_named_users").fill("cert@fr.example")
    submit(page)
    expect(page.locator("h1")).to_have_text("هجوم فدية على مشغل شبكة الكهرباء")
    expect(page.locator("main")).to_contain_text("جسيم")  # the national level, in Arabic
    expect(page.locator("main")).to_contain_text("evil[.]example")
    incident = Incident.objects.get()
    assert incident.national_level == serious and incident.common_level == 3
    assert list(incident.named_users.all()) == [recipient]
    expect(page.locator("main")).to_contain_text(recipient.full_name)  # among the people named

    # It raises an early warning to France.
    with page.expect_navigation():
        page.get_by_role("link", name=arabic("Raise an early warning")).click()
    page.locator("#id_participants").select_option(str(other_participant.pk))
    page.locator("#id_text").fill("احجبوا النطاق والعنوان المرفقين فورًا.")
    submit(page)
    expect(page.locator(".messages")).to_contain_text("1")
    expect(page.locator("main")).to_contain_text(arabic("%(done)s of %(total)s") % {"done": 0, "total": 1})
    alert = incident.alerts.get()
    assert alert.kind == "early_warning" and alert.ack_required

    # France's technical contact signs in, opens the warning and acknowledges it.
    other = page.context.browser.new_context(base_url=live_server.url, locale="en-US")
    contact_page = other.new_page()
    sign_in(contact_page, recipient)
    contact_page.goto("/messages/")
    with contact_page.expect_navigation():
        contact_page.get_by_role("link", name=alert.subject).click()
    expect(contact_page.locator("main")).to_contain_text("إنذار مبكر")
    with contact_page.expect_navigation():
        contact_page.get_by_role("button", name=arabic("Acknowledge receipt")).click()
    expect(contact_page.locator(".messages")).to_contain_text(
        arabic("Thank you: your acknowledgement is recorded.")
    )
    # Named on the incident, the contact reads it, though it is not shared with France.
    contact_page.goto(f"/incidents/{incident.pk}/")
    expect(contact_page.locator("h1")).to_have_text("هجوم فدية على مشغل شبكة الكهرباء")
    other.close()

    # The focal point sees it acknowledged on the incident.
    page.reload()
    expect(page.locator("main")).to_contain_text(arabic("%(done)s of %(total)s") % {"done": 1, "total": 1})
    expect(page.locator("main")).to_contain_text(arabic("Acknowledged"))
