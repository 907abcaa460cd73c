"""The four instruments are valid data, name real catalogue items, and the GCA
self-assessment is scored per pillar with weights and tiers from its file."""

import pytest

from thiqa.catalogue.models import Item
from thiqa.reporting import instruments
from thiqa.reporting.instruments import PILLARS


def test_the_four_instruments_load():
    codes = set(instruments.all_instruments())
    assert codes == {
        "osce-annual-exchange",
        "un-gge-2013-implementation",
        "gca-self-assessment",
        "ppp-description",
    }


def test_every_catalogue_code_exists(catalogue):
    for definition in instruments.all_instruments().values():
        codes = definition.all_catalogue_codes()
        found = set(Item.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True))
        assert codes - found == set(), definition.code


def test_the_osce_exchange_has_a_section_per_cbm_and_its_due_date_from_the_catalogue(catalogue):
    osce = instruments.instrument("osce-annual-exchange")
    covered = {code for q in osce.questions() for code in q.items}
    assert {f"osce-cbm-{n}" for n in range(1, 17)} <= covered
    assert osce.requires_english and osce.due_date_from
    assert any(q.evidence for q in osce.questions())


def test_the_gge_report_covers_norms_cbms_and_capacity_building():
    gge = instruments.instrument("un-gge-2013-implementation")
    covered = {code for q in gge.questions() for code in q.items}
    assert {"un-gge-2013-26a", "un-gge-2013-26c", "un-gge-2013-30"} <= covered


def test_the_gca_self_assessment_is_scored_in_five_pillars():
    gca = instruments.instrument("gca-self-assessment")
    assert gca.scoring is not None
    assert {s.pillar for s in gca.sections} == set(PILLARS)
    assert [t.minimum for t in gca.scoring.tiers] == [95, 85, 55, 20, 0]
    assert all(q.type == "status" and q.weight > 0 for q in gca.questions())
    assert all(q.guidance for q in gca.questions())


def test_the_ppp_description_follows_the_four_headings():
    ppp = instruments.instrument("ppp-description")
    titles = " ".join(s.titles["en"] for s in ppp.sections)
    for heading in ("Purpose", "Policies", "Process", "People"):
        assert heading in titles
    covered = {code for q in ppp.questions() for code in q.items}
    assert {"osce-ppp-purpose-1", "osce-ppp-people-1"} <= covered


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"instrument": {"code": "Bad Code"}}, "instrument/code"),
        ({"sections": []}, "sections"),
    ],
)
def test_a_broken_file_is_refused_with_its_place(change, message):
    data = {
        "instrument": {
            "code": "x",
            "version": 1,
            "title": {"en": "X", "ar": "س"},
            "description": {"en": "X", "ar": "س"},
            "framework": "osce-cbm",
            "requires_english": False,
            "scoring": None,
        },
        "sections": [
            {
                "code": "s",
                "title": {"en": "S", "ar": "س"},
                "questions": [
                    {"code": "q", "type": "text", "required": True, "text": {"en": "Q", "ar": "س"}}
                ],
            }
        ],
    }
    for key, value in change.items():
        data[key] = {**data[key], **value} if isinstance(value, dict) else value
    with pytest.raises(instruments.InstrumentError, match=message):
        instruments.parse(data, "x.yaml")
