"""The Traffic Light Protocol, enforced: every role x every label x every action (read on
the page and through the API, search, export, attachment download, reply, forward inside
and outside the organization, acknowledge), through the real pages, API and services.

One message per label goes from a member of participant A to the technical contact of
participant B, with an attachment. Each test builds the whole table of what each person
could do and compares it with the expected one, so a failure shows every leak at once.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import make_contact
from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.services import ServiceError
from thiqa.lib.files import Upload
from thiqa.lib.tlp import TLP
from thiqa.messaging import services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Message
from thiqa.messaging.tests.cast import cast, succeeds
from thiqa.messaging.tests.helpers import incident

pytestmark = pytest.mark.usefixtures("catalogue")

PEOPLE = ["sender", "colleague", "addressed", "focal_b", "observer_b", "member_c", "secretariat", "outsider"]
ACTIONS = ["page", "api", "search", "export", "download", "reply", "forward", "forward_out", "acknowledge"]
ALL = set(TLP.values)
BELOW_RED = ALL - {TLP.RED}
NONE: set[str] = set()
EXPORTABLE = {TLP.CLEAR, TLP.GREEN, TLP.AMBER}
SHAREABLE = {TLP.CLEAR, TLP.GREEN}

# Who may do what, for each label.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "sender": {
        "page": ALL,
        "api": ALL,
        "search": ALL,
        "export": EXPORTABLE,
        "download": ALL,
        "reply": ALL,
        "forward": BELOW_RED,
        "forward_out": SHAREABLE,
        "acknowledge": NONE,
    },
    "colleague": {  # the sender's participant's focal point
        "page": BELOW_RED,
        "api": BELOW_RED,
        "search": BELOW_RED,
        "export": EXPORTABLE,
        "download": BELOW_RED,
        "reply": BELOW_RED,
        "forward": BELOW_RED,
        "forward_out": SHAREABLE,
        "acknowledge": NONE,
    },
    "addressed": {  # B's technical contact, a member of B
        "page": ALL,
        "api": ALL,
        "search": ALL,
        "export": EXPORTABLE,
        "download": ALL,
        "reply": ALL,
        "forward": BELOW_RED,
        "forward_out": SHAREABLE,
        "acknowledge": ALL,
    },
    "focal_b": {  # B's focal point, not addressed by name
        "page": BELOW_RED,
        "api": BELOW_RED,
        "search": BELOW_RED,
        "export": EXPORTABLE,
        "download": BELOW_RED,
        "reply": BELOW_RED,
        "forward": BELOW_RED,
        "forward_out": SHAREABLE,
        "acknowledge": BELOW_RED,
    },
    "observer_b": {  # reads what B's people read, never writes
        "page": BELOW_RED,
        "api": BELOW_RED,
        "search": BELOW_RED,
        "export": EXPORTABLE,
        "download": BELOW_RED,
        "reply": NONE,
        "forward": NONE,
        "forward_out": NONE,
        "acknowledge": NONE,
    },
    "member_c": {  # another participant of the community
        "page": {TLP.CLEAR},
        "api": {TLP.CLEAR},
        "search": {TLP.CLEAR},
        "export": {TLP.CLEAR},
        "download": {TLP.CLEAR},
        "reply": NONE,
        "forward": {TLP.CLEAR},
        "forward_out": {TLP.CLEAR},
        "acknowledge": NONE,
    },
    "secretariat": {  # not a party: the secretariat reads no more than any other participant
        "page": {TLP.CLEAR},
        "api": {TLP.CLEAR},
        "search": {TLP.CLEAR},
        "export": {TLP.CLEAR},
        "download": {TLP.CLEAR},
        "reply": NONE,
        "forward": {TLP.CLEAR},
        "forward_out": {TLP.CLEAR},
        "acknowledge": NONE,
    },
    "outsider": {action: NONE for action in ACTIONS},  # signed in, but holds no role
}


@pytest.fixture
def world(db):
    players = cast(
        {
            "sender": ("AA", "member"),
            "colleague": ("AA", "focal_point"),
            "addressed": ("BB", "member"),
            "focal_b": ("BB", "focal_point"),
            "observer_b": ("BB", "observer"),
            "member_c": ("CC", "member"),
        }
    )
    own = {
        p.pk: make_contact(p, "policy", f"policy@{p.code.lower()}.example")
        for p in players.participants.values()
    }
    contacts = {
        "own": own,
        "b_tech": make_contact(players.participants["BB"], "technical", players.people["addressed"].email),
        "c": own[players.participants["CC"].pk],
    }
    return {"people": players.people, "contacts": contacts, "a": players.participants["AA"]}


def _send(world, label: str) -> Message:
    draft = incident(
        Addressees(participants=[Participant.objects.get(code="BB")], roles=["technical"]),
        tlp=label,
        subject=f"Grid incident quokka {label}",
        uploads=[Upload("indicators.csv", b"type,value\nipv4,203.0.113.7\n")],
    )
    return services.send(world["people"]["sender"], world["a"], draft)


def _succeeds(action) -> bool:
    """Run a writing action and undo it: True if allowed (refused by the policy or by the
    service's own rules: False)."""
    return succeeds(action, (PermissionDenied, ServiceError))


def _own_contact(world, user):
    own = [pid for pid in policy.roles_of(user)]
    return world["contacts"]["own"][own[0]] if own else world["contacts"]["c"]


def _could(world, name: str, message: Message) -> dict[str, bool]:
    user = world["people"][name]
    client = Client()
    client.force_login(user)
    attachment = message.attachments.get()
    page = client.get(f"/messages/threads/{message.pk}/")
    api = client.get(f"/api/v1/messages/{message.pk}")
    search = client.get("/messages/all/", {"q": "quokka"})
    api_search = client.get("/api/v1/messages", {"box": "all", "q": "quokka"})
    export = client.get(f"/messages/{message.pk}/export.json")
    download = client.get(f"/messages/attachments/{attachment.pk}/")
    found_page = message.subject in search.content.decode()
    found_api = api_search.status_code == 200 and [m["id"] for m in api_search.json()["items"]] == [
        message.pk
    ]
    assert found_page == found_api, f"page and API search disagree for {name}"
    if page.status_code == 200:
        assert message.subject in page.content.decode()
    message.refresh_from_db()
    return {
        "page": page.status_code == 200,
        "api": api.status_code == 200,
        "search": found_page,
        "export": export.status_code == 200,
        "download": download.status_code == 200 and download.content.startswith(b"type,value"),
        "reply": _succeeds(lambda: services.reply(user, message, "Noted.")),
        "forward": _succeeds(
            lambda: services.forward(user, message, Addressees(contacts=[_own_contact(world, user)]))
        ),
        "forward_out": _succeeds(
            lambda: (
                services.forward(user, message, Addressees(contacts=[world["contacts"]["c"]]))
                if _own_contact(world, user) != world["contacts"]["c"]
                else services.forward(
                    user, message, Addressees(contacts=[world["contacts"]["own"][world["a"].pk]])
                )
            )
        ),
        "acknowledge": _succeeds(lambda: services.acknowledge(user, message) or None),
    }


@pytest.mark.parametrize("label", TLP.values)
def test_each_role_can_do_exactly_what_the_label_allows(world, label):
    message = _send(world, label)
    table = {name: _could(world, name, message) for name in PEOPLE}
    expected = {name: {a: label in EXPECTED[name][a] for a in ACTIONS} for name in PEOPLE}
    assert table == expected


@pytest.mark.parametrize("label", TLP.values)
def test_the_reading_query_and_the_policy_agree(world, label):
    message = _send(world, label)
    for name, user in world["people"].items():
        listed = Message.objects.readable_by(user).filter(pk=message.pk).exists()
        assert listed == policy.can(user, "messaging.read", message), name


def test_an_attachment_stricter_than_its_message_is_read_by_the_stricter_rule(world):
    draft = incident(
        Addressees(participants=[Participant.objects.get(code="BB")], roles=["technical"]),
        tlp=TLP.GREEN,
        uploads=[Upload("sample.txt", b"RED details")],
        attachment_tlp=TLP.RED,
    )
    message = services.send(world["people"]["sender"], world["a"], draft)
    attachment = message.attachments.get()
    assert attachment.tlp == TLP.RED
    allowed = {
        name for name, user in world["people"].items() if policy.can(user, "messaging.download", attachment)
    }
    assert allowed == {"sender", "addressed"}
    assert policy.can(world["people"]["focal_b"], "messaging.read", message)


def test_a_read_only_token_never_acknowledges(world):
    from thiqa.accounts.models import ApiToken

    message = _send(world, TLP.AMBER)
    user = world["people"]["addressed"]
    token = ApiToken(user=user, scope="read")
    with pytest.raises(PermissionDenied):
        services.acknowledge(user, message, token=token)
    assert not message.recipients.exclude(acknowledged_at=None).exists()
