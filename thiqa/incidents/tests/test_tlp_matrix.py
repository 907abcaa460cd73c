"""The Traffic Light Protocol on incidents: every role x every label, on the page, through
the API (read and list) and for changes; ``readable_by`` agrees with the policy; a draft
stays within its owner whatever its label.

One incident per label is recorded by a member of A, shared with participant B and with a
group holding C, naming one person of D."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client

from conftest import make_user
from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.incidents import services
from thiqa.incidents.models import Incident
from thiqa.incidents.tests.helpers import recorded, state
from thiqa.lib.tlp import TLP

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
def world(db):
    a, b, c, d = (
        state("AA", "Avalon", "أفالون"),
        state("BB", "Borduria", "بوردوريا"),
        state("CC", "Carpania", "كاربانيا"),
        state("DD", "Dorne", "دورن"),
    )
    group = ParticipantGroup.objects.create(
        code="league", kind="regional", name_en="League", name_ar="الرابطة"
    )
    group.members.add(c)
    office = Participant.objects.create(
        code="sec",
        kind="international_organization",
        name_en="Secretariat",
        name_ar="الأمانة",
        is_secretariat=True,
    )
    people = {
        "recorder": make_user("rec@aa.example", a, "member"),
        "colleague": make_user("focal@aa.example", a, "focal_point", totp=True),
        "named": make_user("named@dd.example", d, "member"),
        "member_b": make_user("m@bb.example", b, "member"),
        "observer_b": make_user("o@bb.example", b, "observer"),
        "member_c": make_user("m@cc.example", c, "member"),
        "member_d": make_user("m@dd.example", d, "member"),
        "secretariat": make_user("staff@sec.example", office, "secretariat", totp=True),
        "outsider": make_user("nobody@example.org", None, None),
    }
    return {"people": people, "a": a, "b": b, "group": group}


def _record(world, label: str, *, draft: bool = False) -> Incident:
    return recorded(
        world["people"]["recorder"],
        world["a"],
        title=f"Wiper quokka {label}",
        tlp=label,
        shared_participants=[world["b"]],
        shared_groups=[world["group"]],
        named_users=["named@dd.example"],
        draft=draft,
    )


class Rollback(Exception):
    pass


def _succeeds(action) -> bool:
    try:
        with transaction.atomic():
            action()
            raise Rollback
    except Rollback:
        return True
    except PermissionDenied:
        return False


def _could(world, name: str, incident: Incident) -> dict[str, bool]:
    user = world["people"][name]
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
        "update": _succeeds(lambda: services.update(user, incident, text="Seen.")),
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
    for name, user in world["people"].items():
        listed = Incident.objects.readable_by(user).filter(pk=incident.pk).exists()
        assert listed == policy.can(user, "incidents.read", incident), name


@pytest.mark.parametrize("label", [TLP.CLEAR, TLP.AMBER, TLP.RED])
def test_a_draft_is_read_within_its_owner_only(world, label):
    incident = _record(world, label, draft=True)
    readers = {name for name, user in world["people"].items() if policy.can(user, "incidents.read", incident)}
    assert readers == ({"recorder"} if label == TLP.RED else {"recorder", "colleague"})
