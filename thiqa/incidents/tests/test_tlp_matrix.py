"""The Traffic Light Protocol on incidents: every role x every label, on the page, through
the API (read and list) and for changes; ``readable_by`` agrees with the policy; a draft
stays within its owner whatever its label.

One incident per label is recorded by a member of A, shared with participant B and with a
group holding C, naming one person of D."""

import pytest
from django.test import Client

from thiqa.accounts import policy
from thiqa.incidents import services
from thiqa.incidents.models import Incident
from thiqa.incidents.tests.helpers import recorded
from thiqa.lib.tlp import TLP
from thiqa.messaging.tests.cast import Cast, cast, succeeds

pytestmark = pytest.mark.usefixtures("catalogue")

ALL = set(TLP.values)
BELOW_RED = ALL - {TLP.RED}
CLEAR = {TLP.CLEAR}
NONE: set[str] = set()
ACTIONS = ["page", "api", "list", "update"]
EXPECTED = {
    "recorder": {"page": ALL, "api": ALL, "list": ALL, "update": ALL},
    "colleague": {"page": BELOW_RED, "api": BELOW_RED, "list": BELOW_RED, "update": BELOW_RED},
    "named": {"page": ALL, "api": ALL, "list": ALL, "update": NONE},  # a member of D, named on it
    "member_b": {"page": BELOW_RED, "api": BELOW_RED, "list": BELOW_RED, "update": NONE},
    "observer_b": {"page": BELOW_RED, "api": BELOW_RED, "list": BELOW_RED, "update": NONE},
    "member_c": {"page": BELOW_RED, "api": BELOW_RED, "list": BELOW_RED, "update": NONE},  # via the group
    "member_d": {"page": CLEAR, "api": CLEAR, "list": CLEAR, "update": NONE},
    "secretariat": {"page": CLEAR, "api": CLEAR, "list": CLEAR, "update": NONE},
    "outsider": {"page": NONE, "api": NONE, "list": NONE, "update": NONE},
}


@pytest.fixture
def world(db) -> Cast:
    return cast(
        {
            "recorder": ("AA", "member"),
            "colleague": ("AA", "focal_point"),
            "named": ("DD", "member"),
            "member_b": ("BB", "member"),
            "observer_b": ("BB", "observer"),
            "member_c": ("CC", "member"),
            "member_d": ("DD", "member"),
        },
        states=4,
        group=["CC"],
    )


def _record(world: Cast, label: str, *, draft: bool = False) -> Incident:
    return recorded(
        world.people["recorder"],
        world.participants["AA"],
        title=f"Wiper quokka {label}",
        tlp=label,
        shared_participants=[world.participants["BB"]],
        shared_groups=[world.group],
        named_users=[world.people["named"].email],
        draft=draft,
    )


def _could(world: Cast, name: str, incident: Incident) -> dict[str, bool]:
    user = world.people[name]
    client = Client()
    client.force_login(user)
    page = client.get(f"/incidents/{incident.pk}/")
    api = client.get(f"/api/v1/incidents/{incident.pk}")
    listed = client.get("/api/v1/incidents")
    if page.status_code == 200:
        assert incident.title in page.content.decode()
    in_list = listed.status_code == 200 and incident.pk in [i["id"] for i in listed.json()["items"]]
    in_page_list = incident.title in client.get("/incidents/").content.decode()
    assert in_list == in_page_list, f"page and API lists disagree for {name}"
    return {
        "page": page.status_code == 200,
        "api": api.status_code == 200,
        "list": in_list,
        "update": succeeds(lambda: services.update(user, incident, text="Seen.")),
    }


@pytest.mark.parametrize("label", TLP.values)
def test_each_role_reads_and_changes_exactly_what_the_label_allows(world, label):
    incident = _record(world, label)
    table = {name: _could(world, name, incident) for name in EXPECTED}
    expected = {name: {a: label in EXPECTED[name][a] for a in ACTIONS} for name in EXPECTED}
    assert table == expected


@pytest.mark.parametrize("label", TLP.values)
@pytest.mark.parametrize("draft", [False, True])
def test_the_reading_query_and_the_policy_agree(world, label, draft):
    incident = _record(world, label, draft=draft)
    for name, user in world.people.items():
        listed = Incident.objects.readable_by(user).filter(pk=incident.pk).exists()
        assert listed == policy.can(user, "incidents.read", incident), name


@pytest.mark.parametrize("label", [TLP.CLEAR, TLP.AMBER, TLP.RED])
def test_a_draft_is_read_within_its_owner_only(world, label):
    incident = _record(world, label, draft=True)
    readers = {name for name, user in world.people.items() if policy.can(user, "incidents.read", incident)}
    assert readers == ({"recorder"} if label == TLP.RED else {"recorder", "colleague"})
