"""The demo data: real reference data (States, groups), invented people, all marked sample."""

import re

import pytest
from django.core.management import call_command

from thiqa.accounts.demo_data import SAMPLE_PEOPLE
from thiqa.accounts.models import Membership, Participant, ParticipantGroup, User

ARABIC = re.compile(r"[\u0600-\u06FF]")
GROUP_SIZES = {
    "OSCE": 57,
    "OAS": 35,
    "AU": 55,
    "LAS": 22,
    "ARF": 26,
    "SCO": 10,
    "EU": 27,
    "GCC": 6,
    "ECOWAS": 12,
    "ASEAN": 11,
}


def test_the_193_un_member_states_with_iso_codes_and_both_names(demo):
    states = Participant.objects.filter(kind="state")
    assert states.filter(un_member=True).count() == 193
    assert set(states.filter(un_member=False).values_list("code", flat=True)) == {"VA", "PS", "EH"}
    for state in states:
        assert re.fullmatch(r"[A-Z]{2}", state.code) and re.fullmatch(r"[A-Z]{3}", state.iso_alpha3)
        assert re.fullmatch(r"\d{3}", state.iso_numeric)
        assert ARABIC.search(state.name_ar) and not ARABIC.search(state.name_en)
        assert state.is_sample
    assert len(set(states.values_list("iso_numeric", flat=True))) == states.count()
    assert Participant.objects.get(code="EG").name_ar == "مصر"


def test_groups_have_their_real_members(demo):
    sizes = {g.code: g.members.count() for g in ParticipantGroup.objects.all()}
    assert sizes == GROUP_SIZES
    gcc = set(ParticipantGroup.objects.get(code="GCC").members.values_list("code", flat=True))
    assert gcc == {"AE", "BH", "KW", "OM", "QA", "SA"}
    assert ParticipantGroup.objects.get(code="LAS").members.filter(code="PS").exists()


def test_sample_people_have_their_roles_and_second_factors(demo):
    for email, _name, _language, code, role, secret in SAMPLE_PEOPLE:
        user = User.objects.get(email=email)
        assert user.is_sample and user.has_second_factor == bool(secret)
        assert Membership.objects.get(user=user).participant.code == code
        assert Membership.objects.get(user=user).role == role


def test_loading_twice_changes_nothing(demo):
    counts = (Participant.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("demo", no_serve=True, verbosity=0)
    assert (Participant.objects.count(), User.objects.count(), Membership.objects.count()) == counts


def test_the_demo_refuses_to_run_in_production(db, settings):
    from django.core.management.base import CommandError

    settings.PROFILE = "production"
    with pytest.raises(CommandError):
        call_command("demo", no_serve=True)
    assert not Participant.objects.exists()
