"""Who sees an activity, by role and TLP label, everywhere it shows: its page, the API, the
list and the month calendar, the room's search, the shared search (/search/ and its API),
and the calendar feeds. Each test builds the whole table and compares it with the expected
one, so a failure shows every leak at once."""

import pytest
from django.test import Client

from thiqa.accounts import policy
from thiqa.activities import services
from thiqa.activities.models import Activity
from thiqa.activities.tests.helpers import community, draft, signed_in
from thiqa.lib.tlp import TLP

pytestmark = pytest.mark.usefixtures("catalogue")

ALL = set(TLP.values)
SHARED = {TLP.CLEAR, TLP.GREEN}
BELOW_RED = ALL - {TLP.RED}
NONE: set[str] = set()

# The labels each person sees, of an activity Avalon organizes for the group G.
SEES = {
    "organizer_focal": ALL,
    "organizer_member": ALL,
    "organizer_observer": ALL,
    "group_member": BELOW_RED,
    "group_observer": BELOW_RED,
    "other_member": SHARED,
    "secretariat": SHARED,  # not a party: sees no more than any other participant
    "outsider": NONE,  # signed in, but holds no role
}
WORD = {label: f"quokka{i}" for i, label in enumerate(TLP.values)}  # a word found in one activity only


@pytest.fixture
def world(db):
    world = community()
    author = world["people"]["organizer_member"]
    world["activities"] = {
        label: services.create(
            author,
            draft(
                tlp=label,
                title=f"Meeting {WORD[label]} {label}",
                organizer=world["a"],
                groups=[world["group"]],
            ),
        )
        for label in TLP.values
    }
    return world


def table(world, seen) -> dict[str, set[str]]:
    """{person: labels for which ``seen(client, user, activity)`` is true}."""
    found = {}
    for name, user in world["people"].items():
        client = signed_in(user)
        found[name] = {
            label for label, activity in world["activities"].items() if seen(client, user, activity)
        }
    return found


def test_the_query_and_the_policy_agree_for_every_role_and_label(world):
    template = world["activities"][TLP.AMBER]
    outside = Activity.objects.create(
        kind="workshop",
        title="Outside body meeting",
        starts_at=template.starts_at,
        ends_at=template.ends_at,
        organizer_name="GFCE",
        tlp=TLP.AMBER,
        created_by=world["people"]["secretariat"],
    )
    outside.groups.add(world["group"])
    for name, user in world["people"].items():
        for activity in [*world["activities"].values(), outside]:
            listed = Activity.objects.visible_to(user).filter(pk=activity.pk).exists()
            assert listed == policy.can(user, "activities.view_activity", activity), (name, activity.tlp)


def test_the_query_and_the_policy_agree_for_people_without_a_role_that_counts(world):
    from django.contrib.auth.models import AnonymousUser

    member = world["people"]["organizer_member"]
    member.memberships.update(is_active=False)
    policy.forget_roles(member)
    for activity in world["activities"].values():
        assert not Activity.objects.visible_to(member).filter(pk=activity.pk).exists()
        assert not policy.can(member, "activities.view_activity", activity)
        assert not Activity.objects.visible_to(AnonymousUser()).exists()
        assert not policy.can(AnonymousUser(), "activities.view_activity", activity)


def test_the_page_and_the_api_show_an_activity_to_those_who_may_see_it(world):
    def page(client, user, activity):
        return client.get(f"/activities/{activity.pk}/").status_code == 200

    def api(client, user, activity):
        return client.get(f"/api/v1/activities/{activity.pk}").status_code == 200

    assert table(world, page) == SEES
    assert table(world, api) == SEES


def test_lists_calendars_and_the_room_search_show_only_what_may_be_seen(world):
    month = world["activities"][TLP.CLEAR].first_day

    def listed(client, user, activity):
        html = client.get("/activities/", {"when": "all"}).content.decode()
        return activity.title in html

    def in_month(client, user, activity):
        html = client.get(
            "/activities/calendar/", {"year": month.year, "month": month.month}
        ).content.decode()
        return activity.title in html

    def found(client, user, activity):
        page = client.get("/activities/", {"when": "all", "q": WORD[activity.tlp]}).content.decode()
        api = client.get("/api/v1/activities", {"q": WORD[activity.tlp]})
        by_api = api.status_code == 200 and [a["id"] for a in api.json()["items"]] == [activity.pk]
        assert (activity.title in page) == by_api, "page and API search disagree"
        return by_api

    assert table(world, listed) == SEES
    assert table(world, in_month) == SEES
    assert table(world, found) == SEES


def test_the_shared_search_holds_clear_and_green_activities_only(world):
    def found(client, user, activity):
        page = client.get("/search/", {"q": WORD[activity.tlp]}).content.decode()
        api = client.get("/api/v1/search", {"q": WORD[activity.tlp]})
        by_api = api.status_code == 200 and [h["url"] for h in api.json()["hits"]] == [
            f"/activities/{activity.pk}/"
        ]
        assert (f'href="/activities/{activity.pk}/"' in page) == by_api, "page and API search disagree"
        return by_api

    expected = {name: labels & SHARED for name, labels in SEES.items()}
    assert table(world, found) == expected


def test_feeds_carry_clear_and_green_activities_only_even_for_the_organizer(world):
    def in_feed(client, user, activity):
        key = services.regenerate_feed_key(user) if policy.can(user, "activities.subscribe") else None
        if key is None:
            return False
        feed = Client().get(f"/activities/feed/{services.feed_token(key)}.ics").content.decode()
        group = Client().get(f"/activities/feed/{services.feed_token(key)}/groups/G.ics").content.decode()
        assert (str(activity.uid) in feed) == (str(activity.uid) in group)
        return str(activity.uid) in feed

    expected = {name: labels & SHARED for name, labels in SEES.items()}
    assert table(world, in_feed) == expected


def test_only_the_organizers_writers_and_the_secretariat_change_what_they_see(world):
    def may_manage(client, user, activity):
        return policy.can(user, "activities.manage", activity)

    writers = {"organizer_focal": ALL, "organizer_member": ALL, "secretariat": SHARED}
    assert table(world, may_manage) == {name: writers.get(name, NONE) for name in world["people"]}
