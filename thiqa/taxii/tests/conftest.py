"""The TAXII tests' world: the TLP tests' cast (States AA, BB and CC, the secretariat's office,
an outsider) and an incident of AA's per TLP label, shared with BB and naming a person of CC."""

import pytest

from thiqa.accounts.services import create_token
from thiqa.incidents.tests.helpers import recorded
from thiqa.lib.tlp import TLP
from thiqa.messaging.tests.cast import cast


@pytest.fixture
def world(db):
    players = cast(
        {
            "recorder": ("AA", "member"),
            "colleague": ("AA", "member"),
            "observer_a": ("AA", "observer"),
            "focal_b": ("BB", "focal_point"),
            "observer_b": ("BB", "observer"),
            "named_c": ("CC", "member"),  # named on every incident
            "member_c": ("CC", "member"),
        }
    )
    people, a, b = players.people, players.participants["AA"], players.participants["BB"]
    incidents = {
        label: recorded(
            people["recorder"],
            a,
            tlp=label,
            title=f"Incident {label}",
            shared_participants=[b],
            named_users=[people["named_c"]],
        )
        for label in TLP.values
    }
    tokens = {name: create_token(user, name="t", scope="read", days=1)[1] for name, user in people.items()}
    return people, incidents, tokens
