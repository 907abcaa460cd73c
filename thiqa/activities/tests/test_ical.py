"""Calendar feeds read back by a real iCalendar parser (vobject): UIDs, times in UTC and all-day
DATE values, escaping of commas, semicolons and line breaks, folding of long Arabic lines at
75 octets without cutting a character, cancelled activities, and the signed token that
authenticates a feed and stops working when the person regenerates or revokes it."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.test import Client

from thiqa.activities import services
from thiqa.activities.tests.helpers import all_day, community, draft, signed_in
from thiqa.lib.contentlines import escape_text, fold, serialize
from thiqa.lib.tlp import TLP

pytestmark = pytest.mark.usefixtures("catalogue")

ARABIC_TITLE = (
    "اجتماع خبراء جامعة الدول العربية حول تدابير بناء الثقة في مجال الأمن السيبراني وتبادل المعلومات"
)
TRICKY = "Agenda: CBMs, norms; and\nnext steps\\notes"


@pytest.fixture
def world(db):
    return community()


def feed_of(user) -> str:
    key = services.regenerate_feed_key(user)
    response = Client().get(f"/activities/feed/{services.feed_token(key)}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content.decode()


def events(text: str) -> dict[str, object]:
    calendar = next(vobject.readComponents(text))
    return {event.uid.value: event for event in calendar.vevent_list}


def test_a_timed_activity_reads_back_in_utc_with_its_texts(world):
    author = world["people"]["organizer_member"]
    start = datetime(2031, 3, 10, 9, 30)
    activity = services.create(
        author,
        draft(
            organizer=world["a"],
            groups=[world["group"]],
            title=ARABIC_TITLE,
            description=TRICKY,
            start=start,
            end=start + timedelta(hours=3),
            time_zone="Africa/Cairo",
            place="Cairo, Nile hall; 3rd floor",
            online=True,
            tlp=TLP.CLEAR,
        ),
    )
    text = feed_of(world["people"]["other_member"])
    for line in text.encode().split(b"\r\n"):
        assert len(line) <= 75
        line.decode()  # raises if a character was cut in two
    assert "\n" not in text.replace("\r\n", "")
    event = events(text)[str(activity.uid)]
    assert event.summary.value == ARABIC_TITLE
    cairo = datetime(2031, 3, 10, 9, 30, tzinfo=ZoneInfo("Africa/Cairo"))
    assert event.dtstart.value == cairo and event.dtstart.value.utcoffset() == timedelta(0)
    assert event.dtend.value - event.dtstart.value == timedelta(hours=3)
    assert "DTSTART:20310310T073000Z" in text
    assert TRICKY in event.description.value and "TLP:CLEAR" in event.description.value
    assert event.location.value == "Cairo, Nile hall; 3rd floor and online"
    assert event.url.value == f"http://testserver/activities/{activity.pk}/"
    assert event.categories.value == ["Expert meeting", "G"]
    assert event.status.value == "CONFIRMED" and event.contents["class"][0].value == "PUBLIC"
    assert event.sequence.value == "0"


def test_an_all_day_activity_is_written_as_dates_with_the_day_after_as_its_end(world):
    author = world["people"]["organizer_member"]
    activity = services.create(author, all_day(date(2031, 5, 4), date(2031, 5, 6), organizer=world["a"]))
    event = events(feed_of(author))[str(activity.uid)]
    assert event.dtstart.value == date(2031, 5, 4)
    assert event.dtend.value == date(2031, 5, 7)
    assert event.dtstart.params["VALUE"] == ["DATE"]
    assert event.contents["class"][0].value == "PRIVATE"  # GREEN: the community, not the public


def test_a_change_keeps_the_uid_and_a_cancellation_stays_as_cancelled(world):
    author = world["people"]["organizer_member"]
    activity = services.create(author, draft(organizer=world["a"]))
    uid = str(activity.uid)
    services.update(author, activity, draft(organizer=world["a"], title="Renamed meeting"))
    services.cancel(author, activity)
    event = events(feed_of(author))[uid]
    assert event.summary.value == "Renamed meeting"
    assert event.status.value == "CANCELLED"
    assert event.sequence.value == "2"


def test_the_group_feed_holds_that_groups_activities_only(world):
    author = world["people"]["organizer_member"]
    in_group = services.create(author, draft(organizer=world["a"], groups=[world["group"]]))
    elsewhere = services.create(author, draft(organizer=world["a"], title="No group"))
    key = services.regenerate_feed_key(world["people"]["other_member"])
    text = Client().get(f"/activities/feed/{services.feed_token(key)}/groups/G.ics").content.decode()
    assert set(events(text)) == {str(in_group.uid)}
    assert str(elsewhere.uid) in feed_of(world["people"]["other_member"])


def test_feeds_are_in_the_subscribers_language(world):
    author = world["people"]["organizer_member"]
    reader = world["people"]["group_member"]
    reader.language = "ar"
    reader.save()
    activity = services.create(author, draft(organizer=world["a"]))
    event = events(feed_of(reader))[str(activity.uid)]
    assert event.categories.value[0] == "اجتماع خبراء"


def test_a_token_stops_working_when_regenerated_or_revoked_and_cannot_be_forged(world):
    user = world["people"]["other_member"]
    old = services.feed_token(services.regenerate_feed_key(user))
    assert Client().get(f"/activities/feed/{old}.ics").status_code == 200
    new = services.feed_token(services.regenerate_feed_key(user))
    assert new != old
    assert Client().get(f"/activities/feed/{old}.ics").status_code == 404
    assert Client().get(f"/activities/feed/{new}.ics").status_code == 200
    user_id, secret = new.split(":")[0].split(".")
    forged = f"{world['people']['organizer_member'].pk}.{secret}:{new.split(':')[1]}"
    assert Client().get(f"/activities/feed/{forged}.ics").status_code == 404
    assert Client().get(f"/activities/feed/{user_id}.{secret}.ics").status_code == 404
    services.revoke_feed_key(user)
    assert Client().get(f"/activities/feed/{new}.ics").status_code == 404


def test_a_person_who_leaves_the_community_loses_the_feed(world):
    user = world["people"]["other_member"]
    token = services.feed_token(services.regenerate_feed_key(user))
    user.memberships.update(is_active=False)
    assert Client().get(f"/activities/feed/{token}.ics").status_code == 404


def test_the_feeds_page_gives_the_addresses_and_regenerates_them(world):
    user = world["people"]["group_member"]
    client = signed_in(user)
    assert "You have no calendar feed yet" in client.get("/activities/feeds/").content.decode()
    client.post("/activities/feeds/", {"action": "regenerate"})
    token = services.feed_token(services.feed_key(user))
    html = client.get("/activities/feeds/").content.decode()
    assert f"http://testserver/activities/feed/{token}.ics" in html
    assert f"http://testserver/activities/feed/{token}/groups/G.ics" in html
    client.post("/activities/feeds/", {"action": "revoke"})
    assert services.feed_key(user) is None
    outsider = signed_in(world["people"]["outsider"])
    assert outsider.post("/activities/feeds/", {"action": "regenerate"}).status_code == 403


def test_content_lines_escape_and_fold_as_the_standards_say():
    assert escape_text("a,b;c\\d\r\ne\rf\ng\x07") == "a\\,b\\;c\\\\d\\ne\\nf\\ng"
    assert fold("a" * 75) == "a" * 75
    assert fold("a" * 76) == "a" * 75 + "\r\n a"
    folded = fold("SUMMARY:" + "ع" * 100)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "ع" * 100
    assert serialize(["A:1", "B:2"]) == "A:1\r\nB:2\r\n"
