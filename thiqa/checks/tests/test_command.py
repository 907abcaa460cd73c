"""`thiqa checks`: start a round from the command line and print its figures."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import make_contact
from thiqa.checks.models import CheckRound

pytestmark = pytest.mark.usefixtures("catalogue")


def test_it_starts_and_prepares_a_round(secretariat, participant, other_participant):
    make_contact(participant, "policy")
    make_contact(other_participant, "technical")
    out = io.StringIO()
    arguments = ["--as", secretariat.email, "--participant", "EG", "--role", "policy"]
    call_command("checks", "start", *arguments, stdout=out)
    check = CheckRound.objects.get()
    assert check.status == "open" and check.pings.count() == 1
    assert f"Round {check.pk} open: 1 contacts" in out.getvalue()

    out = io.StringIO()
    call_command("checks", "results", str(check.pk), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("participant") and lines[1].startswith("Egypt") and lines[-1].startswith("ALL")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--as", "nobody@example.org"], "no active user"),
        (["--participant", "XX"], "unknown participants: XX"),
        (["--group", "nope"], "no group nope"),
        (["--role", "alternate"], "No published contact"),
    ],
)
def test_bad_arguments_are_explained(secretariat, participant, arguments, message):
    make_contact(participant, "policy")
    if "--as" not in arguments:
        arguments = ["--as", secretariat.email, *arguments]
    with pytest.raises(CommandError, match=message):
        call_command("checks", "start", *arguments)
    assert not CheckRound.objects.exists()


def test_only_the_secretariat_may_start(focal_point, participant):
    make_contact(participant, "policy")
    with pytest.raises(CommandError, match="not allowed"):
        call_command("checks", "start", "--as", focal_point.email)
