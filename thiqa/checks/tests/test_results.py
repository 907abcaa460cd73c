"""Round figures: response rate, median and 90th percentile, per participant and group,
trend, CSV; each participant sees its own results, the secretariat sees all."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_contact
from thiqa.accounts.models import ParticipantGroup
from thiqa.checks import results, services
from thiqa.checks.models import CheckRound, Ping
from thiqa.mail.models import OutboundMessage

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [
        ([], 0.5, None),
        ([4.0], 0.9, 4.0),
        ([1, 2, 3, 4], 0.5, 2),
        ([1, 2, 3, 4, 5], 0.5, 3),
        (list(range(1, 11)), 0.9, 9),
        (list(range(1, 12)), 0.9, 10),
        ([5, 1, 3], 0.9, 5),
    ],
)
def test_percentiles_use_the_nearest_rank(values, share, expected):
    assert results.percentile(values, share) == expected


@pytest.fixture
def answered_round(secretariat, participant, other_participant):
    """Egypt: two contacts, answered after 1 h and 3 h. France: one answered after 10 h,
    one unreachable, one silent."""
    contacts = [
        make_contact(participant, "policy"),
        make_contact(participant, "technical"),
        make_contact(other_participant, "policy"),
        make_contact(other_participant, "technical"),
        make_contact(other_participant, "technical"),
    ]
    check = services.start_round(secretariat, title="R1", roles=["policy", "technical"])
    services.prepare_round(check)
    sent = timezone.now() - timedelta(hours=12)
    OutboundMessage.objects.update(status="sent", sent_at=sent)
    for contact, hours in zip(contacts[:3], [1, 3, 10], strict=True):
        Ping.objects.filter(contact=contact).update(
            acknowledged_at=sent + timedelta(hours=hours), acknowledged_via="link"
        )
    Ping.objects.filter(contact=contacts[3]).update(bounced=contacts[3].emails)
    return check


def pings_of(check):
    return check.pings.select_related("message", "participant", "round")


def test_round_figures(answered_round, participant, other_participant):
    outcome = results.round_results(pings_of(answered_round))
    overall = outcome.overall
    assert (overall.pinged, overall.acknowledged, overall.unreachable, overall.waiting) == (5, 3, 1, 1)
    assert overall.rate == 60.0
    assert overall.median_hours == 3.0 and overall.p90_hours == 10.0
    by = {p.code: f for p, f in outcome.by_participant}
    assert by["EG"].rate == 100.0 and by["EG"].median_hours == 1.0
    assert by["FR"].rate == pytest.approx(33.3) and by["FR"].unreachable == 1
    assert [p.participant.code for p in outcome.unreachable] == ["FR"]


def test_group_figures_add_up_their_members(answered_round, participant, other_participant):
    group = ParticipantGroup.objects.create(code="g", kind="regional", name_en="G", name_ar="ج")
    group.members.add(participant, other_participant)
    only_eg = ParticipantGroup.objects.create(code="h", kind="regional", name_en="H", name_ar="ح")
    only_eg.members.add(participant)
    outcome = results.round_results(pings_of(answered_round))
    by_group = {g.code: f for g, f in outcome.by_group}
    assert by_group["g"].pinged == 5 and by_group["g"].rate == 60.0
    assert by_group["h"].pinged == 2 and by_group["h"].rate == 100.0


def test_acknowledgements_after_the_deadline_do_not_count(answered_round):
    Ping.objects.filter(acknowledged_at__isnull=False).update(
        acknowledged_at=answered_round.deadline + timedelta(hours=1)
    )
    assert results.round_results(pings_of(answered_round)).overall.acknowledged == 0


def test_participants_see_only_their_own_results(client, answered_round, member, observer, secretariat):
    assert {p.participant.code for p in results.visible_pings(member, answered_round)} == {"EG"}
    assert {p.participant.code for p in results.visible_pings(observer, answered_round)} == {"FR"}
    assert results.visible_pings(secretariat, answered_round).count() == 5

    client.force_login(member)
    page = client.get(f"/checks/rounds/{answered_round.pk}/").content.decode()
    assert "Egypt" in page and "France" not in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/checks/rounds/{answered_round.pk}/results.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert {r["participant"] for r in rows} == {"EG"} and len(rows) == 2


def test_the_csv_export_holds_every_ping(client, answered_round, secretariat):
    client.force_login(secretariat)
    response = client.get(f"/checks/rounds/{answered_round.pk}/results.csv")
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 5
    assert sorted(r["status"] for r in rows) == ["acknowledged"] * 3 + ["sent", "unreachable"]
    assert sorted(float(r["hours_to_acknowledge"]) for r in rows if r["hours_to_acknowledge"]) == [
        1.0,
        3.0,
        10.0,
    ]


def test_the_trend_follows_rounds_in_order(client, answered_round, secretariat, participant):
    second = services.start_round(secretariat, title="R2", roles=["policy"])
    services.prepare_round(second)
    CheckRound.objects.filter(pk=second.pk).update(started_at=timezone.now() + timedelta(minutes=1))
    Ping.objects.filter(round=second).update(acknowledged_at=timezone.now(), acknowledged_via="web")
    rows = results.trend(secretariat)
    assert [c.title for c, _ in rows] == ["R1", "R2"]
    assert [f.rate for _, f in rows] == [60.0, 100.0]
    client.force_login(secretariat)
    for language in ["en", "ar"]:
        client.cookies["thiqa-language"] = language
        page = client.get("/checks/trend/").content.decode()
        assert "<svg" in page and "R2" in page


@pytest.mark.parametrize("language", ["en", "ar"])
def test_check_pages_render_for_the_secretariat(client, answered_round, secretariat, language):
    client.force_login(secretariat)
    client.cookies["thiqa-language"] = language
    for url in ["/checks/", "/checks/start/", f"/checks/rounds/{answered_round.pk}/", "/checks/inbox/"]:
        assert client.get(url).status_code == 200, url


def test_only_the_secretariat_starts_rounds(client, focal_point, member):
    for user in (focal_point, member):
        client.force_login(user)
        assert client.get("/checks/start/").status_code == 403
        assert client.post("/checks/start/", {"title": "x", "roles": ["policy"]}).status_code == 403
    assert not CheckRound.objects.exists()


def test_a_round_started_from_the_page(client, secretariat, participant):
    make_contact(participant, "policy")
    client.force_login(secretariat)
    deadline = (timezone.localtime() + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/checks/start/", {"title": "Page round", "roles": ["policy"], "deadline": deadline}
    )
    check = CheckRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/checks/rounds/{check.pk}/"
    assert check.planned == 1


def test_a_round_being_prepared_shows_its_progress(client, secretariat, participant):
    make_contact(participant, "policy")
    make_contact(participant, "technical")
    check = services.start_round(secretariat, title="Big round", roles=["policy", "technical"])
    client.force_login(secretariat)
    page = client.get(f"/checks/rounds/{check.pk}/").content.decode()
    assert '<progress max="2" value="0">' in page and 'http-equiv="refresh"' in page
    services.prepare_round(check)
    page = client.get(f"/checks/rounds/{check.pk}/").content.decode()
    assert "<progress" not in page and 'http-equiv="refresh"' not in page


def test_the_secretariat_resends_uncertain_pings_from_the_round(client, answered_round, secretariat, member):
    OutboundMessage.objects.filter(ping__round=answered_round, ping__acknowledged_at__isnull=True).update(
        status="uncertain"
    )
    client.force_login(member)
    assert client.post(f"/checks/rounds/{answered_round.pk}/resend/").status_code == 403
    assert not OutboundMessage.objects.filter(status="queued").exists()
    client.force_login(secretariat)
    page = client.get(f"/checks/rounds/{answered_round.pk}/").content.decode()
    assert "Resend the pings whose delivery is uncertain" in page
    client.post(f"/checks/rounds/{answered_round.pk}/resend/")
    assert OutboundMessage.objects.filter(status="queued").count() == 2
    assert not OutboundMessage.objects.filter(status="uncertain").exists()
