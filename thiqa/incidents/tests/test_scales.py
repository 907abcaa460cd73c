"""National severity scales (CBM 15): versions, validation, the pages and the API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import make_user
from thiqa.accounts.services import create_token
from thiqa.incidents import scales
from thiqa.incidents.models import Scale
from thiqa.incidents.tests.helpers import LEVELS, recorded

pytestmark = pytest.mark.usefixtures("catalogue")


def signed_in(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["thiqa-language"] = language
    return client


def levels(*mapping: int) -> list[dict]:
    return [
        {"rank": rank, "names": {"en": f"Level {rank}", "ar": f"المستوى {rank}"}, "common_level": common}
        for rank, common in enumerate(mapping, 1)
    ]


def test_a_change_makes_a_new_version_and_past_incidents_keep_their_level(participant, focal_point):
    first = scales.register_scale(focal_point, participant, "Scale", "", LEVELS)
    incident = recorded(
        focal_point, participant, national_level=first.levels.get(rank=2).pk, common_level=None
    )
    second = scales.register_scale(focal_point, participant, "Scale", "Revised.", levels(1, 2, 4, 5))
    assert (first.version, second.version) == (1, 2)
    assert scales.current_scale(participant) == second
    incident.refresh_from_db()
    assert incident.national_level.scale == first and incident.common_level == 3
    assert [row["scale"] for row in scales.compared()] == [second]


@pytest.mark.parametrize(
    ("given", "where"),
    [
        (
            [
                {"rank": 1, "names": {"en": "A"}, "common_level": 1},
                {"rank": 3, "names": {"en": "B"}, "common_level": 2},
            ],
            "levels",
        ),
        (levels(3, 2), "levels"),
        (levels(1, 6), "levels.1"),
        ([{"rank": 1, "names": {"xx": "A"}, "common_level": 1}, *levels(1, 2)[1:]], "levels.0"),
        ([{"rank": 1, "names": {"en": " "}, "common_level": 1}, *levels(1, 2)[1:]], "levels.0"),
        ([{"rank": 1, "names": {}, "common_level": 1}, *levels(1, 2)[1:]], "levels.0"),
        (levels(1), "levels"),
        ("not a list", "levels"),
    ],
    ids=[
        "gap",
        "decreasing",
        "common-out-of-range",
        "unknown-language",
        "empty-name",
        "no-name",
        "one-level",
        "junk",
    ],
)
def test_bad_scales_are_refused_and_nothing_is_written(participant, focal_point, given, where):
    with pytest.raises(scales.InvalidScale) as caught:
        scales.register_scale(focal_point, participant, "Scale", "", given)
    assert where in caught.value.errors
    assert not Scale.objects.exists()


def test_only_the_focal_point_or_the_secretariat_registers(
    participant, other_participant, member, focal_point
):
    with pytest.raises(PermissionDenied):
        scales.register_scale(member, participant, "Scale", "", LEVELS)
    with pytest.raises(PermissionDenied):
        scales.register_scale(focal_point, other_participant, "Scale", "", LEVELS)


def test_the_pages_register_show_versions_and_compare_citing_cbm_15(
    participant, other_participant, focal_point
):
    client = signed_in(focal_point, "ar")
    form = {"name": "المقياس الوطني", "description": ""}
    for row, (ar, en, common) in enumerate([("منخفض", "Low", "1"), ("مرتفع", "High", "4")], 1):
        form |= {f"level{row}_ar": ar, f"level{row}_en": en, f"level{row}_common": common}
    response = client.post(f"/incidents/scales/{participant.code}/new-version/", form)
    assert response.status_code == 302
    form["level2_common"] = ""
    form["level3_ar"], form["level3_common"] = "حرج", "2"
    again = client.post(f"/incidents/scales/{participant.code}/new-version/", form)
    assert again.status_code == 200 and "errorlist" in again.content.decode()
    page = client.get(f"/incidents/scales/{participant.code}/").content.decode()
    assert "مرتفع" in page and "/catalogue/items/osce-cbm-15/" in page
    other = make_user("focal@fr.example", other_participant, "focal_point")
    scales.register_scale(other, other_participant, "Échelle", "", levels(1, 3, 5))
    compared = client.get("/incidents/scales/").content.decode()
    assert "مرتفع" in compared and "المستوى 3" in compared and 'scope="row"' in compared


def test_the_api_lists_and_registers_with_problems_for_bad_input(participant, focal_point, member):
    _token, secret = create_token(focal_point, name="t", scope="write", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = {"name": "Scale", "levels": levels(1, 3, 5)}
    created = client.post(
        f"/api/v1/incidents/scales/{participant.code}", body, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert [lvl["common_level"] for lvl in created.json()["levels"]] == [1, 3, 5]
    bad = client.post(
        f"/api/v1/incidents/scales/{participant.code}",
        {"name": "S", "levels": levels(4, 2)},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["loc"] == ["levels"]
    assert client.get("/api/v1/incidents/scales").json()[0]["version"] == 1
    _token, read_only = create_token(focal_point, name="r", scope="read", days=1)
    refused = Client(HTTP_AUTHORIZATION=f"Bearer {read_only}").post(
        f"/api/v1/incidents/scales/{participant.code}", body, content_type="application/json"
    )
    assert refused.status_code == 403
