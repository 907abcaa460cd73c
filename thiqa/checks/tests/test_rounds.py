"""Check rounds end to end over real SMTP: pings, acknowledgements by link, reply and web
inbox, bounces, reminders, closing."""

from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import make_contact, make_user
from thiqa.accounts.models import ParticipantGroup
from thiqa.accounts.services import ServiceError
from thiqa.audit.models import AuditEvent
from thiqa.checks import services
from thiqa.checks.models import CheckRound, Ping
from thiqa.mail import inbound
from thiqa.mail.services import deliver_due

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def contacts(participant, other_participant):
    return {
        "eg_policy": make_contact(participant, "policy", "policy@mfa.eg.example", languages=["ar", "en"]),
        "eg_tech": make_contact(participant, "technical", "cert@eg.example"),
        "fr_tech": make_contact(other_participant, "technical", "cert@fr.example", languages=["fr"]),
        "fr_le": make_contact(other_participant, "law_enforcement", "police@fr.example"),
    }


def start(secretariat, **kwargs) -> CheckRound:
    kwargs.setdefault("title", "Q4 check")
    kwargs.setdefault("roles", ["policy", "technical"])
    check = services.start_round(secretariat, **kwargs)
    services.prepare_round(check)
    check.refresh_from_db()
    return check


def test_each_contact_gets_its_own_ping_in_its_language(secretariat, contacts, smtp_sink):
    check = start(secretariat)
    assert check.status == CheckRound.Status.OPEN and check.planned == 3
    assert deliver_due() == 3
    received = {m["To"]: m for m in smtp_sink.messages()}
    assert set(received) == {"policy@mfa.eg.example", "cert@eg.example", "cert@fr.example"}
    arabic = received["policy@mfa.eg.example"]
    assert "اختبار" in arabic["Subject"] or "تحقق" in arabic["Subject"]
    for message in received.values():
        ping = Ping.objects.get(addresses=[message["To"]])
        assert services.acknowledgement_url(ping) in message.get_content()
        assert message["Reply-To"] == services.reply_address(ping)
        assert message["Auto-Submitted"] == "auto-generated"
    envelope_senders = {e.mail_from for e in smtp_sink.received}
    assert all(sender.startswith("bounce+") for sender in envelope_senders)


def test_a_round_can_be_limited_to_a_group_participants_and_roles(
    secretariat, contacts, participant, other_participant
):
    group = ParticipantGroup.objects.create(
        code="arab-league", kind="regional", name_en="LAS", name_ar="الجامعة"
    )
    group.members.add(participant)
    assert start(secretariat, group=group).planned == 2
    assert start(secretariat, participants=[other_participant], roles=["law_enforcement"]).planned == 1


def test_bad_rounds_are_refused_and_nothing_is_written(secretariat, focal_point, contacts, other_participant):
    with pytest.raises(ServiceError, match="at least 30 minutes"):
        services.start_round(secretariat, title="x", roles=["policy"], deadline=timezone.now())
    with pytest.raises(ServiceError, match="contact role"):
        services.start_round(secretariat, title="x", roles=["astronaut"])
    with pytest.raises(ServiceError, match="No published contact"):
        services.start_round(secretariat, title="x", roles=["alternate"])
    with pytest.raises(PermissionDenied):
        services.start_round(focal_point, title="x", roles=["policy"])
    assert not CheckRound.objects.exists()


def test_preparing_twice_pings_nobody_twice(secretariat, contacts):
    check = services.start_round(secretariat, title="x", roles=["policy", "technical"])
    services.prepare_round(check)
    CheckRound.objects.filter(pk=check.pk).update(status=CheckRound.Status.PREPARING)
    check.refresh_from_db()
    assert services.prepare_round(check) == 0
    assert check.pings.count() == 3


def test_the_link_acknowledges_once(client, secretariat, contacts, smtp_sink):
    check = start(secretariat)
    ping = check.pings.get(contact=contacts["eg_tech"])
    url = services.acknowledgement_url(ping).removeprefix("http://testserver")

    page = client.get(url)
    assert page.status_code == 200 and "I confirm" in page.content.decode()
    ping.refresh_from_db()
    assert ping.acknowledged_at is None  # opening the link (a mail scanner may) does not acknowledge

    assert "is recorded" in client.post(url).content.decode()
    ping.refresh_from_db()
    first = ping.acknowledged_at
    assert first is not None and ping.acknowledged_via == "link"

    assert "already acknowledged" in client.post(url).content.decode()
    ping.refresh_from_db()
    assert ping.acknowledged_at == first
    assert AuditEvent.objects.filter(action="checks.acknowledged").count() == 1


@pytest.mark.parametrize(
    "tamper", [lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"), lambda s: "x" + s, lambda s: "nope"]
)
def test_forged_links_are_refused(client, secretariat, contacts, tamper):
    check = start(secretariat)
    ping = check.pings.first()
    signed = services.acknowledgement_url(ping).rsplit("/", 2)[-2]
    response = client.post(f"/checks/ack/{tamper(signed)}/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not Ping.objects.filter(acknowledged_at__isnull=False).exists()


def reply_to(ping: Ping, *, headers: dict | None = None) -> None:
    message = EmailMessage()
    message["From"] = ping.addresses[0]
    message["To"] = services.reply_address(ping)
    message["Subject"] = "Re: Communication check"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content("Received, thanks.")
    inbound.accept(message.as_bytes(), ping.addresses[0], [services.reply_address(ping)])


def test_a_reply_acknowledges_but_an_out_of_office_does_not(secretariat, contacts):
    check = start(secretariat)
    eg, fr = check.pings.get(contact=contacts["eg_tech"]), check.pings.get(contact=contacts["fr_tech"])
    reply_to(fr, headers={"Auto-Submitted": "auto-replied"})
    reply_to(eg)
    reply_to(eg)
    eg.refresh_from_db(), fr.refresh_from_db()
    assert eg.acknowledged_via == "reply" and fr.acknowledged_at is None
    assert AuditEvent.objects.filter(action="checks.acknowledged").count() == 1


def test_the_web_inbox_acknowledges_for_the_addressee_only(client, secretariat, contacts, participant):
    check = start(secretariat)
    addressee = make_user("cert@eg.example", participant, "member")
    ping = check.pings.get(contact=contacts["eg_tech"])
    assert services.inbox(addressee) == [ping]
    other = make_user("someone@eg.example", participant, "member")
    assert services.inbox(other) == []
    with pytest.raises(PermissionDenied):
        services.acknowledge(ping, Ping.Via.WEB, user=other)

    client.force_login(addressee)
    assert "Q4 check" in client.get("/checks/inbox/").content.decode()
    client.post("/checks/inbox/", {"ping": ping.pk})
    ping.refresh_from_db()
    assert ping.acknowledged_via == "web"
    assert services.inbox(addressee) == []


def dsn(ping: Ping, recipient: str, action: str = "failed") -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example\r\n"
        f"To: {services.bounce_address(ping)}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nThe message could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: 5.1.1\r\n\r\n"
        "--b--\r\n"
    ).encode()


def test_bounces_mark_addresses_unreachable(secretariat, contacts, smtp_sink):
    check = start(secretariat)
    deliver_due()
    ping = check.pings.select_related("message").get(contact=contacts["fr_tech"])
    inbound.accept(dsn(ping, "cert@fr.example", action="delayed"), "", [services.bounce_address(ping)])
    ping.refresh_from_db()
    assert ping.status == "sent"
    inbound.accept(dsn(ping, "cert@fr.example"), "", [services.bounce_address(ping)])
    ping = Ping.objects.select_related("message").get(pk=ping.pk)
    assert ping.status == "unreachable" and ping.unreachable_addresses == ["cert@fr.example"]


def test_an_address_the_server_refuses_is_unreachable(secretariat, contacts, smtp_sink):
    smtp_sink.refuse_with = "550 5.1.1 no such user"
    check = start(secretariat)
    deliver_due()
    assert {p.status for p in check.pings.select_related("message")} == {"unreachable"}


def test_reminders_go_once_to_those_who_have_not_answered(secretariat, contacts, smtp_sink):
    check = start(secretariat)
    deliver_due()
    services.acknowledge(check.pings.get(contact=contacts["eg_tech"]), Ping.Via.LINK)
    before = check.deadline - timedelta(hours=13)
    assert services.send_reminders(before) == 0
    at = services.reminder_due_at(check) + timedelta(minutes=1)
    assert services.send_reminders(at) == 2
    assert services.send_reminders(at + timedelta(minutes=5)) == 0
    deliver_due()
    reminders = [m for m in smtp_sink.messages() if "Reminder" in m["Subject"] or "تذكير" in m["Subject"]]
    assert sorted(m["To"] for m in reminders) == ["cert@fr.example", "policy@mfa.eg.example"]


def test_a_closed_round_takes_no_more_acknowledgements(secretariat, contacts):
    check = start(secretariat)
    assert services.close_due(check.deadline + timedelta(seconds=1)) == 1
    ping = check.pings.first()
    ping.round.refresh_from_db()
    with pytest.raises(ServiceError, match="closed"):
        services.acknowledge(ping, Ping.Via.LINK)


def test_a_bounce_without_a_standard_report_marks_a_single_address(secretariat, contacts):
    check = start(secretariat)
    ping = check.pings.get(contact=contacts["fr_tech"])
    bounce = services.bounce_address(ping)
    raw = f"From: postmaster@mx.example\r\nTo: {bounce}\r\nSubject: failure\r\n\r\nUser unknown\r\n"
    inbound.accept(raw.encode(), "", [services.bounce_address(ping)])
    ping.refresh_from_db()
    assert ping.bounced == ["cert@fr.example"]
