"""In Arabic: a member records an activity through the form; it shows in the list and the
month calendar, and her iCalendar feed downloads and parses (with vobject); an AMBER activity
she records is not visible to another State's member, in the list, on its page or in feeds."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_user
from tests.browser.conftest import TIMEOUT_MS, arabic, sign_in, submit
from thiqa.activities.models import Activity

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("catalogue")]


def record(page: Page, title: str, label: str, day: str) -> Activity:
    """Fill the activity form: an expert meeting in Cairo on ``day``, from 10:00 to 16:00."""
    page.goto("/activities/")
    with page.expect_navigation():
        page.get_by_role("link", name=arabic("Record an activity")).click()
    page.locator("#id_kind").select_option("expert_meeting")
    page.locator("#id_title").fill(title)
    page.locator("#id_first_day").fill(day)
    page.locator("#id_start_time").fill("10:00")
    page.locator("#id_last_day").fill(day)
    page.locator("#id_end_time").fill("16:00")
    page.locator("#id_time_zone").select_option("Africa/Cairo")
    page.locator("#id_place").fill("القاهرة")
    page.locator(f"input[name=tlp][value='{label}']").check()
    submit(page)
    expect(page.locator("h1")).to_have_text(title)
    return Activity.objects.get(title=title)


def test_record_list_calendar_feed_and_amber_in_arabic(
    page: Page, live_server, participant, other_participant
):
    member = make_user("member.eg@thiqa.example", participant, "member", language="ar")
    sign_in(page, member)
    day = timezone.localdate() + timedelta(days=3)
    shared = record(page, "اجتماع خبراء بشأن نقاط الاتصال", "GREEN", day.isoformat())
    amber = record(page, "تمرين مغلق لفرق الاستجابة", "AMBER", day.isoformat())
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    page.goto("/activities/")
    rows = page.locator("table.activities-table")
    expect(rows).to_contain_text(shared.title)
    expect(rows).to_contain_text(amber.title)  # her own participant's people see it
    expect(rows).to_contain_text("TLP:AMBER")

    page.goto(f"/activities/calendar/?year={day.year}&month={day.month}")
    cell = page.locator("table.month td").filter(has=page.get_by_role("link", name=shared.title))
    expect(cell.locator(".day-number")).to_have_text(str(day.day))
    expect(cell.locator(".time").first).to_have_text("10:00")

    page.goto("/activities/feeds/")
    with page.expect_navigation():
        page.get_by_role("button", name=arabic("Make my feed addresses")).click()
    address = page.locator("a.feed-url").first.get_attribute("href")
    download = page.context.request.get(address)
    assert download.ok and download.headers["content-type"].startswith("text/calendar")
    calendar = vobject.readOne(download.text())
    summaries = {event.summary.value for event in calendar.vevent_list}
    assert summaries == {shared.title}  # AMBER never goes into a feed
    start = calendar.vevent_list[0].dtstart.value
    cairo = datetime.combine(day, time(10), tzinfo=ZoneInfo("Africa/Cairo"))
    assert start.utcoffset() == timedelta(0) and start == cairo  # 10:00 local, written in UTC

    # Another State's member sees the GREEN activity, not the AMBER one.
    other = page.context.browser.new_context(base_url=live_server.url, locale="en-US")
    other.set_default_timeout(TIMEOUT_MS)
    french = other.new_page()
    sign_in(french, make_user("member.fr@thiqa.example", other_participant, "member", language="ar"))
    french.goto("/activities/")
    expect(french.locator("table.activities-table")).to_contain_text(shared.title)
    expect(french.locator("main")).not_to_contain_text(amber.title)
    french.goto(f"/activities/calendar/?year={day.year}&month={day.month}")
    expect(french.locator("table.month")).to_contain_text(shared.title)
    expect(french.locator("main")).not_to_contain_text(amber.title)
    refused = french.goto(f"/activities/{amber.pk}/")
    assert refused.status == 403
    expect(french.locator("main")).not_to_contain_text(amber.title)
    other.close()
