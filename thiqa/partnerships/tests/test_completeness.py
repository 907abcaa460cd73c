"""The completeness check against the OSCE good-practice checklist, on hand-made records."""

import pytest

from conftest import make_user
from thiqa.catalogue.models import Item
from thiqa.partnerships import services
from thiqa.partnerships.completeness import checklist, completeness
from thiqa.partnerships.tests.helpers import record

pytestmark = pytest.mark.usefixtures("catalogue")


def test_the_checklist_names_the_catalogue_items_and_real_fields():
    codes = set(checklist())
    assert len(codes) == 19
    assert codes == set(
        Item.objects.filter(kind__code="checklist-item", code__in=codes).values_list("code", flat=True)
    )


def test_a_sparse_record_misses_what_it_does_not_say(focal_point, participant):
    arrangement = services.register(focal_point, participant, record(vetting="", nda_text=""))
    result = completeness(arrangement)
    met = {c.item.code for c in result.checks if c.met}
    # problem + purposes → purpose-3; membership chosen → people-2; nothing else is filled.
    assert met == {"osce-ppp-purpose-3", "osce-ppp-people-2"}
    assert result.met == 2 and result.percent == 11  # 2 of 19
    process_4 = next(c for c in result.checks if c.item.code == "osce-ppp-process-4")
    assert set(process_4.missing) == {"security, non-disclosure and cyber hygiene rules", "vetting"}


def test_filling_fields_meets_their_items_and_members_count(focal_point, participant, other_participant):
    arrangement = services.register(
        focal_point,
        participant,
        record(
            ecosystem="CERT, regulators, operators",
            lifespan="permanent",
            funding=["government"],
            security_rules="TLP and an NDA",
            responsibilities="The CERT chairs.",
        ),
    )
    checks = {c.item.code: c for c in completeness(arrangement).checks}
    assert (
        checks["osce-ppp-purpose-1"].met
        and checks["osce-ppp-process-3"].met
        and checks["osce-ppp-process-4"].met
    )
    people_1 = checks["osce-ppp-people-1"]
    assert not people_1.met and people_1.missing == ("at least one member besides the owner",)
    france = make_user("focal@fr.example", other_participant, "focal_point", totp=True)
    member = services.request_to_join(france, arrangement, other_participant, nda_accepted=True)
    services.decide(focal_point, member, accept=True)
    assert {c.item.code: c for c in completeness(arrangement).checks}["osce-ppp-people-1"].met


def test_a_full_record_is_complete(focal_point, participant, other_participant):
    texts = {
        name: "Described."
        for name in (
            "ecosystem assessment incentives coordinator legal_basis consultation transparency goals "
            "activities security_rules monitoring review communication responsibilities contributions "
            "dedicated_posts"
        ).split()
    }
    arrangement = services.register(
        focal_point,
        participant,
        record(**texts, lifespan="project", funding=["donors"], membership="open", vetting="none"),
    )
    france = make_user("focal@fr.example", other_participant, "focal_point", totp=True)
    services.request_to_join(france, arrangement, other_participant)
    result = completeness(arrangement)
    assert result.percent == 100 and all(c.met for c in result.checks)
    assert [h for h, _checks in result.by_heading()] == ["purpose", "policies", "process", "people"]
