"""The situation counts the open incidents the viewer may read, by severity, sector and
region, and the incidents per month; the page shows tables and charts."""

import pytest
from django.test import Client

from conftest import make_user
from thiqa.incidents.situation import situation
from thiqa.incidents.tests.helpers import recorded
from thiqa.lib.tlp import TLP

pytestmark = pytest.mark.usefixtures("catalogue")


def test_counts_only_what_the_viewer_may_read(participant, other_participant, focal_point, member):
    recorded(member, participant, common_level=4, sectors=["energy", "health"], affected=["FR"])
    recorded(member, participant, common_level=2, sectors=["health"], tlp=TLP.CLEAR)
    closed = recorded(member, participant, common_level=5)
    closed.status = "closed"
    closed.save()
    own = situation(focal_point)
    assert own.open_incidents == 2
    assert {r.code: r.count for r in own.by_severity if r.count} == {"4": 1, "2": 1}
    assert {r.code: r.count for r in own.by_sector} == {"energy": 1, "health": 2}
    assert {r.code: r.count for r in own.by_region} == {"arab-states": 2, "europe": 1}
    assert sum(r.count for r in own.by_month) == 3
    stranger = make_user("focal@fr.example", other_participant, "focal_point")
    assert situation(stranger).open_incidents == 1  # the CLEAR one


def test_the_page_is_for_the_points_of_contact_with_tables_and_charts(participant, focal_point, member):
    recorded(member, participant, sectors=["energy"])
    client = Client()
    client.force_login(member)
    assert client.get("/incidents/situation/").status_code == 403
    client.force_login(focal_point)
    page = client.get("/incidents/situation/").content.decode()
    assert page.count("<svg") == 4 and page.count('class="table-wrap"') == 4 and "Energy" in page
