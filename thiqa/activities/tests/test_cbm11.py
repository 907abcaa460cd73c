"""OSCE CBM 11: a group's expert meetings of the last and the current year against the
catalogue's ``min_meetings_per_year``, read from the catalogue (change it, the check follows);
cancelled meetings and other kinds do not count; a meeting someone may not see never counts
in what they are shown."""

from datetime import UTC, datetime, timedelta

import pytest

from thiqa.activities import cbm11, services
from thiqa.activities.tests.helpers import community, draft, signed_in
from thiqa.catalogue.models import Item
from thiqa.lib.tlp import TLP

pytestmark = pytest.mark.usefixtures("catalogue")

NOW = datetime(2031, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(db):
    return community()


def meeting(world, when: datetime, **overrides):
    values = {
        "organizer": world["a"],
        "groups": [world["group"]],
        "start": when,
        "end": when + timedelta(hours=4),
    }
    values.update(overrides)
    return services.create(world["people"]["organizer_member"], draft(**values))


def set_minimum(value: int) -> None:
    item = Item.objects.get(code="osce-cbm-11")
    item.parameters = {**item.parameters, "min_meetings_per_year": value}
    item.save()


def test_the_check_follows_the_catalogue_parameter(world):
    for month in (2, 4, 9):
        meeting(world, datetime(2030, month, 1, 9, 0))
    meeting(world, datetime(2031, 3, 1, 9, 0))
    meeting(world, datetime(2031, 10, 1, 9, 0))  # planned
    viewer = world["people"]["other_member"]
    last, current = cbm11.years(viewer, world["group"], NOW)
    assert cbm11.minimum() == 3
    assert (last.year, last.meetings, last.status) == (2030, 3, cbm11.MET)
    assert (current.held, current.planned, current.status) == (1, 1, cbm11.NOT_MET)
    set_minimum(2)
    last, current = cbm11.years(viewer, world["group"], NOW)
    assert (last.status, current.status) == (cbm11.MET, cbm11.ON_COURSE)
    set_minimum(4)
    last, current = cbm11.years(viewer, world["group"], NOW)
    assert (last.minimum, last.status, current.status) == (4, cbm11.NOT_MET, cbm11.NOT_MET)


def test_cancelled_meetings_other_kinds_and_other_groups_do_not_count(world):
    author = world["people"]["organizer_member"]
    cancelled = meeting(world, datetime(2030, 2, 1, 9, 0))
    services.cancel(author, cancelled)
    meeting(world, datetime(2030, 3, 1, 9, 0), kind="workshop")
    meeting(world, datetime(2030, 4, 1, 9, 0), groups=[])
    meeting(world, datetime(2030, 5, 1, 9, 0))
    last, _current = cbm11.years(world["people"]["secretariat"], world["group"], NOW)
    assert last.meetings == 1


def test_a_restricted_meeting_counts_only_for_those_who_may_see_it(world):
    meeting(world, datetime(2030, 2, 1, 9, 0), tlp=TLP.AMBER)
    meeting(world, datetime(2030, 3, 1, 9, 0), tlp=TLP.RED)
    counts = {
        name: cbm11.years(world["people"][name], world["group"], NOW)[0].meetings
        for name in ("organizer_member", "group_member", "other_member", "secretariat")
    }
    assert counts == {"organizer_member": 2, "group_member": 1, "other_member": 0, "secretariat": 0}


def test_the_group_page_shows_the_check_and_the_secretariat_sees_every_group(world):
    now = datetime.now(UTC)
    meeting(world, now - timedelta(days=1))
    html = signed_in(world["people"]["other_member"]).get("/activities/groups/G/").content.decode()
    assert "OSCE CBM 11 asks for at least 3 expert meetings a year." in html
    assert "not met" in html and "<svg" in html
    set_minimum(1)
    html = signed_in(world["people"]["other_member"]).get("/activities/groups/G/").content.decode()
    assert "at least 1 expert meeting a year" in html and "cbm11-met" in html
    table = signed_in(world["people"]["secretariat"]).get("/activities/cbm-11/")
    assert table.status_code == 200 and "Group G" in table.content.decode()
    assert signed_in(world["people"]["organizer_focal"]).get("/activities/cbm-11/").status_code == 403


def test_the_api_gives_a_groups_figures(world):
    meeting(world, datetime(2030, 2, 1, 9, 0))
    client = signed_in(world["people"]["group_member"])
    years = client.get("/api/v1/activities/groups/G/expert-meetings").json()
    assert [y["minimum"] for y in years] == [3, 3]
    assert years[-1]["year"] == datetime.now(UTC).year
