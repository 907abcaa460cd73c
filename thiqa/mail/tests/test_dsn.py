"""The one reader of delivery status notifications (RFC 3464) for every room."""

import pytest

from thiqa.mail.dsn import DeliveryReport, delivery_reports
from thiqa.mail.inbound import is_automatic, parse, tagged_address, tagged_token
from thiqa.mail.tests.realmail import dsn

BOUNCE = "msg-bounce+AbCdEfGhIjKlMnOpQrStUvWx@thiqa.example"


@pytest.mark.parametrize("mta", ["postfix", "exim"])
def test_it_reads_a_failure_report(mta):
    (report,) = delivery_reports(parse(dsn(BOUNCE, "Cert@FR.example", mta=mta)))
    assert report.recipient == "cert@fr.example"
    assert report.failed and report.action == "failed" and report.status == "5.1.1"
    assert "550 5.1.1" in report.diagnostic and "\n" not in report.diagnostic


def test_it_reads_a_delay_report_as_not_failed():
    (report,) = delivery_reports(parse(dsn(BOUNCE, "cert@fr.example", action="delayed", status="4.2.0")))
    assert report == DeliveryReport(
        "cert@fr.example",
        "delayed",
        "4.2.0",
        "smtp; 450 4.2.0 <cert@fr.example>: Recipient address rejected: "
        "User unknown in virtual mailbox table",
    )
    assert not report.failed


def test_a_bounce_in_free_text_has_no_report():
    raw = b"From: postmaster@mx.example\r\nTo: x@thiqa.example\r\nSubject: failure\r\n\r\nUser unknown\r\n"
    assert delivery_reports(parse(raw)) is None


def test_a_report_block_without_an_action_or_recipient_is_skipped():
    raw = dsn(BOUNCE, "cert@fr.example").replace(b"Action: failed", b"Action: exploded")
    assert delivery_reports(parse(raw)) == []


def test_a_dsn_is_automatic():
    assert is_automatic(parse(dsn(BOUNCE, "cert@fr.example")))


def test_tagged_addresses_round_trip_in_our_domains_only(settings):
    settings.THIQA_INBOUND_DOMAINS = ["thiqa.example"]
    address = tagged_address("msg", "AbCdEfGhIjKlMnOpQrStUvWx")
    assert address == "msg+AbCdEfGhIjKlMnOpQrStUvWx@thiqa.example"
    assert tagged_token(
        [address.upper().replace("ABCDEFGHIJKLMNOPQRSTUVWX", "AbCdEfGhIjKlMnOpQrStUvWx")], "msg"
    )
    assert tagged_token(["<" + address + ">"], "msg") == "AbCdEfGhIjKlMnOpQrStUvWx"
    assert tagged_token([address], "ping") is None  # another tag
    assert tagged_token(["msg+AbCdEfGhIjKlMnOpQrStUvWx@elsewhere.example"], "msg") is None
    assert tagged_token(["msg+short@thiqa.example"], "msg") is None
