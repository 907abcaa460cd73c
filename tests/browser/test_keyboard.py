"""Forms work by keyboard alone: from the top of the page, Tab reaches every field in order,
keys fill and choose, and Enter sends. Sign-in with its second factor, composing a message,
and the reporting editor."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD, current_code, make_contact, make_user
from thiqa.messaging.models import Message
from thiqa.reporting import services
from thiqa.reporting.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]
MAX_TABS = 400  # the reporting editor has a few hundred fields


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until ``selector`` has the focus; fail if the keyboard cannot reach it."""
    target = page.locator(selector)
    expect(target).to_have_count(1)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in_by_keyboard(page: Page, user) -> None:
    page.goto("/accounts/signin/")
    type_into(page, "#id_email", user.email)
    type_into(page, "#id_password", PASSWORD)
    press_enter_and_wait(page)
    if "/accounts/signin/code/" in page.url:
        type_into(page, "input[name=code]", current_code(user))
        press_enter_and_wait(page)


def test_sign_in_with_the_second_factor_by_keyboard(page: Page, participant):
    user = make_user("focal.kb@thiqa.example", participant, "focal_point", totp=True)
    sign_in_by_keyboard(page, user)
    expect(page.locator("header .user-link")).to_be_visible()


def test_compose_and_send_a_message_by_keyboard(page: Page, participant, other_participant):
    sender = make_user("member.kb@thiqa.example", participant, "member")
    make_contact(other_participant, "policy", "policy@fr.example")
    sign_in_by_keyboard(page, sender)
    page.goto("/messages/new/consultation_request/")
    tab_to(page, "#id_participants")
    page.keyboard.type("France")  # a list box takes the first option that starts with the typed name
    expect(page.locator("#id_participants")).to_have_values([str(other_participant.pk)])
    type_into(page, "#id_subject", "Consultation on scanning")
    type_into(page, "#id_body", "We propose consultations.")
    type_into(page, "#id_f_concern", "Repeated scans")
    tab_to(page, "#id_f_level")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_f_format")
    page.keyboard.press("ArrowDown")
    tab_to(page, "main form button[type=submit]")
    press_enter_and_wait(page)
    expect(page.locator("h1")).to_have_text("Consultation on scanning")
    message = Message.objects.get()
    assert message.subject == "Consultation on scanning"
    assert set(message.recipients.values_list("participant_id", flat=True)) == {other_participant.pk}


def test_the_reporting_editor_by_keyboard(page: Page, participant, secretariat):
    today = timezone.localdate()
    cycle = services.open_cycle(
        secretariat,
        instrument="un-gge-2013-implementation",
        title="Implementation report 2026",
        period="2026",
        opens_on=today - timedelta(days=1),
        due_on=today + timedelta(days=60),
        group=None,
    )
    focal = make_user("focal.rep@thiqa.example", participant, "focal_point", totp=True)
    sign_in_by_keyboard(page, focal)
    page.goto(f"/reporting/cycles/{cycle.pk}/respond/{participant.code}/")
    # A group of radio buttons is one stop of the Tab key; the arrow keys choose within it.
    tab_to(page, "input[name='a_norms-19'] >> nth=0")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    chosen = page.locator("input[name='a_norms-19']:checked")
    expect(chosen).to_have_count(1)
    value = chosen.get_attribute("value")
    assert value != page.locator("input[name='a_norms-19']").first.get_attribute(
        "value"
    )  # the arrow moved it
    type_into(page, "textarea[name='c_norms-19']", "Legislation is being aligned")
    tab_to(page, "main form button[name=action][value=save]")
    press_enter_and_wait(page)
    expect(page.locator(".messages")).to_contain_text("Draft saved.")
    answer = Response.objects.get().answers["norms-19"]
    assert answer["comment"] == "Legislation is being aligned" and answer["value"] == value
