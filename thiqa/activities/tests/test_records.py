"""Recording, changing and cancelling activities through the services, the pages and the API:
every problem of a draft named at once and translated, nothing half-written, the permissions
of each role, the audit trail, and times stored in UTC."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied

from thiqa.accounts.services import ServiceError, create_token
from thiqa.activities import services
from thiqa.activities.models import Activity
from thiqa.activities.tests.helpers import all_day, community, draft, signed_in
from thiqa.audit.models import AuditEvent
from thiqa.lib.tlp import TLP

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def world(db):
    return community()


def refused(user, bad: services.Draft) -> dict[str, list[str]]:
    with pytest.raises(services.InvalidActivity) as caught:
        services.create(user, bad)
    assert not Activity.objects.exists()
    return caught.value.errors


def test_it_stores_local_times_in_utc_and_all_day_activities_as_whole_days(world):
    author = world["people"]["organizer_member"]
    timed = services.create(
        author,
        draft(
            organizer=world["a"], start="2031-07-01T09:00", end="2031-07-01T17:30", time_zone="Asia/Riyadh"
        ),
    )
    assert timed.starts_at == datetime(2031, 7, 1, 6, 0, tzinfo=UTC)
    assert timed.ends_at == datetime(2031, 7, 1, 14, 30, tzinfo=UTC)
    days = services.create(author, all_day(date(2031, 7, 1), date(2031, 7, 3), organizer=world["a"]))
    assert (days.starts_at, days.ends_at) == (
        datetime(2031, 7, 1, tzinfo=UTC),
        datetime(2031, 7, 4, tzinfo=UTC),
    )
    assert (days.first_day, days.last_day) == (date(2031, 7, 1), date(2031, 7, 3))
    offset = services.create(
        author, draft(organizer=world["a"], start="2031-07-01T09:00+02:00", end="2031-07-01T10:00+02:00")
    )
    assert offset.starts_at == datetime(2031, 7, 1, 7, 0, tzinfo=UTC)


def test_every_problem_is_named_at_once(world):
    errors = refused(
        world["people"]["secretariat"],
        draft(
            kind="party",
            title=" ",
            start="2031-07-02T10:00",
            end="2031-07-01T10:00",
            time_zone="Mars/Olympus",
            place="",
            organizer=None,
            audience=["everyone"],
            pillars=["space"],
            items=["osce-cbm-99"],
            languages=["xx"],
            links=["javascript:alert(1)"],
            tlp="PURPLE",
        ),
    )
    assert set(errors) == set(
        "kind title time_zone place organizer audience pillars items languages links tlp".split()
    )
    assert errors["items"] == ["Unknown catalogue items: osce-cbm-99."]
    errors = refused(world["people"]["organizer_member"], draft(organizer=world["a"], end=draft().start))
    assert errors == {"end": ["The activity must end after it starts."]}
    errors = refused(
        world["people"]["organizer_member"], all_day(date(2031, 7, 3), date(2031, 7, 1), organizer=world["a"])
    )
    assert errors == {"end": ["The last day cannot be before the first."]}
    errors = refused(world["people"]["organizer_member"], draft(organizer=world["a"], start="tomorrow"))
    assert errors == {"start": ["Give a date and a time (YYYY-MM-DDTHH:MM)."]}


def test_an_outside_body_cannot_hold_a_red_activity_nor_an_amber_one_without_groups(world):
    office = world["people"]["secretariat"]
    assert "tlp" in refused(office, draft(organizer_name="GFCE", tlp=TLP.RED))
    assert "groups" in refused(office, draft(organizer_name="GFCE", tlp=TLP.AMBER))
    assert "organizer" in refused(office, draft(organizer=world["a"], organizer_name="GFCE"))
    # The secretariat would not see an AMBER activity of a group it is not in: refused.
    assert "tlp" in refused(office, draft(organizer_name="GFCE", tlp=TLP.AMBER, groups=[world["group"]]))
    assert not AuditEvent.objects.filter(action="activities.created").exists()
    services.create(office, draft(organizer_name="GFCE", tlp=TLP.GREEN))


def test_who_records_and_changes_what(world):
    people = world["people"]
    with pytest.raises(PermissionDenied):
        services.create(people["organizer_observer"], draft(organizer=world["a"]))
    with pytest.raises(PermissionDenied):
        services.create(people["group_member"], draft(organizer=world["a"]))
    with pytest.raises(PermissionDenied):  # only the secretariat records outside bodies
        services.create(people["organizer_focal"], draft(organizer_name="GFCE"))
    activity = services.create(people["organizer_focal"], draft(organizer=world["a"]))
    services.update(
        people["secretariat"], activity, draft(organizer=world["a"], title="Changed by the office")
    )
    with pytest.raises(PermissionDenied):
        services.update(people["group_member"], activity, draft(organizer=world["a"]))
    with pytest.raises(PermissionDenied):  # nor may a writer move it to a participant they do not write for
        services.update(people["organizer_member"], activity, draft(organizer=world["b"]))
    services.cancel(people["organizer_member"], activity)
    with pytest.raises(ServiceError):
        services.cancel(people["organizer_member"], activity)
    with pytest.raises(ServiceError):
        services.update(people["organizer_member"], activity, draft(organizer=world["a"]))
    actions = list(
        AuditEvent.objects.filter(target_id=str(activity.pk)).order_by("seq").values_list("action", "data")
    )
    assert [a for a, _d in actions] == ["activities.created", "activities.updated", "activities.cancelled"]
    assert actions[1][1]["changed"] == ["title"]
    assert "description" not in str(actions)


def test_the_form_records_an_activity_and_shows_errors_beside_fields(world):
    client = signed_in(world["people"]["organizer_member"])
    form = {
        "kind": "workshop",
        "title": "Workshop on norms",
        "first_day": "2031-09-01",
        "start_time": "09:00",
        "last_day": "2031-09-01",
        "end_time": "08:00",
        "time_zone": "Africa/Cairo",
        "place": "Cairo",
        "organizer": world["a"].pk,
        "tlp": "GREEN",
        "pillars": ["legal"],
        "items": "osce-cbm-11, un-gge-2015-13h",
        "links": "https://example.org/agenda",
        "languages": ["ar", "en"],
    }
    html = client.post("/activities/new/", form).content.decode()
    assert "The activity must end after it starts." in html and not Activity.objects.exists()
    response = client.post("/activities/new/", {**form, "end_time": "17:00"})
    activity = Activity.objects.get()
    assert response.url == f"/activities/{activity.pk}/"
    assert activity.starts_at == datetime(2031, 9, 1, 6, 0, tzinfo=UTC)
    assert activity.pillar_codes == ["legal"] and activity.languages == ["ar", "en"]
    page = client.get(response.url).content.decode()
    assert "Workshop on norms" in page and "TLP:GREEN" in page and "Change" in page
    edit = client.get(f"/activities/{activity.pk}/edit/").content.decode()
    assert 'value="Workshop on norms"' in edit and 'value="09:00"' in edit
    client.post(f"/activities/{activity.pk}/cancel/")
    assert Activity.objects.get().is_cancelled
    observer = signed_in(world["people"]["organizer_observer"])
    assert observer.get("/activities/new/").status_code == 403


def test_the_month_calendar_places_activities_on_their_local_days_in_arabic_too(world):
    author = world["people"]["organizer_member"]
    services.create(
        author, all_day(date(2031, 9, 29), date(2031, 10, 2), organizer=world["a"], title="Autumn drill")
    )
    # 00:30 on 15 October in Cairo is still the 14th in UTC: it shows on its local day, the 15th.
    services.create(author, draft(organizer=world["a"], title="Night call", start="2031-10-15T00:30",
                                  end="2031-10-15T01:30", time_zone="Africa/Cairo"))  # fmt: skip
    services.create(
        author, all_day(date(2031, 1, 1), date(2031, 12, 31), organizer=world["a"], title="Long project")
    )
    client = signed_in(author, "ar")
    html = client.get("/activities/calendar/", {"year": 2031, "month": 10}).content.decode()
    assert 'dir="rtl"' in html
    cells = [c for c in html.split("<td")[1:] if "other-month" not in c.split(">", 1)[0]]
    day = {int(c.split('<span class="day-number">', 1)[1].split("<", 1)[0]): c for c in cells}
    assert sorted(day) == list(range(1, 32))
    assert "Autumn drill" in day[1] and "Autumn drill" in day[2] and "Autumn drill" not in day[3]
    assert "Night call" in day[15] and "Night call" not in day[14]
    assert html.count("Long project") == 1  # beside the grid, not in every cell


def test_the_api_records_changes_and_cancels_with_a_write_token(world):
    member = world["people"]["organizer_member"]
    _token, secret = create_token(member, name="tooling", scope="write", days=30)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    from django.test import Client

    client = Client(**headers)
    body = {
        "kind": "training",
        "title": "CERT training",
        "start": "2031-04-01",
        "end": "2031-04-03",
        "all_day": True,
        "place": "Nairobi",
        "organizer": "AA",
        "groups": ["G"],
        "catalogue_items": ["osce-cbm-11"],
        "tlp": "AMBER",
    }
    created = client.post("/api/v1/activities", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["first_day"], data["last_day"], data["groups"]) == ("2031-04-01", "2031-04-03", ["G"])
    bad = client.put(
        f"/api/v1/activities/{data['id']}",
        {**body, "groups": ["NOPE"], "organizer": "ZZ", "kind": "party"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert {e["loc"][0] for e in bad.json()["errors"]} == {"groups", "organizer"}
    bad = client.put(
        f"/api/v1/activities/{data['id']}", {**body, "kind": "party"}, content_type="application/json"
    )
    assert bad.json()["errors"] == [{"loc": ["kind"], "msg": "Choose the kind of activity."}]
    changed = client.put(
        f"/api/v1/activities/{data['id']}",
        {**body, "title": "CERT training (2)"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["sequence"] == 1
    assert client.post(f"/api/v1/activities/{data['id']}/cancel").json()["cancelled_at"]
    assert client.post(f"/api/v1/activities/{data['id']}/cancel").status_code == 409
    _token, read_only = create_token(member, name="reader", scope="read", days=30)
    reader = Client(HTTP_AUTHORIZATION=f"Bearer {read_only}")
    assert reader.post("/api/v1/activities", body, content_type="application/json").status_code == 403
    assert reader.get(f"/api/v1/activities/{data['id']}").status_code == 200
    assert reader.post("/api/v1/activities/feeds").status_code == 403
    assert client.get("/api/v1/activities/feeds").json() == {"personal": None, "groups": {}}
    urls = client.post("/api/v1/activities/feeds").json()
    assert urls["personal"].startswith("http://testserver/activities/feed/") and "G" in urls["groups"]
    assert client.get(urls["personal"].removeprefix("http://testserver")).status_code == 200
    assert client.delete("/api/v1/activities/feeds").status_code == 204
