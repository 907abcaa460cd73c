"""Real mail for tests of inbound handlers: the receiver running with the rooms' own handlers
on a free port, and delivery status notifications as Postfix and Exim write them."""

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from asgiref.sync import SyncToAsync
from django.db import connections

from conftest import free_port
from thiqa.mail import inbound

SPEAKS = {"postfix", "exim"}


@pytest.fixture
def live_receiver(transactional_db) -> Iterator[int]:
    """The inbound receiver with every registered handler; returns its port. It stores from
    its own thread, so the test sees committed rows (transactional_db)."""
    port = free_port()
    controller = inbound.controller("127.0.0.1", port)
    controller.start()
    yield port
    controller.stop()
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


def send_raw(port: int, raw: bytes, to: str, sender: str = "") -> None:
    """Hand ``raw`` to the receiver over SMTP; a DSN comes from the null sender ``<>``."""
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as smtp:
        smtp.sendmail(sender, [to], raw)


def send_message(port: int, message: EmailMessage, to: str, sender: str) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as smtp:
        smtp.send_message(message, from_addr=sender, to_addrs=[to])


def dsn(
    bounce_to: str,
    recipient: str,
    *,
    action: str = "failed",
    status: str = "5.1.1",
    mta: str = "postfix",
    original_subject: str = "[TLP:AMBER] Consultation request",
) -> bytes:
    """A delivery status notification (RFC 3464) for ``recipient``, sent back to the
    envelope sender ``bounce_to``, with the headers and layout of ``mta``."""
    assert mta in SPEAKS
    if mta == "exim":
        return _exim(bounce_to, recipient, action, status, original_subject)
    return _postfix(bounce_to, recipient, action, status, original_subject)


def _postfix(bounce_to: str, recipient: str, action: str, status: str, subject: str) -> bytes:
    boundary = "4XyZ2b1qQnz9sTd.1764669600/mx1.fr.example"
    delayed = action == "delayed"
    title = "Delayed Mail (still being retried)" if delayed else "Undelivered Mail Returned to Sender"
    said = (
        f"<{recipient}>: host mailstore.fr.example[192.0.2.25] said: 450 4.2.0 <{recipient}>: "
        "Mailbox temporarily unavailable"
        if delayed
        else f"<{recipient}>: host mailstore.fr.example[192.0.2.25] said: 550 5.1.1 <{recipient}>: "
        "Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"
    )
    code = "450 4.2.0" if delayed else "550 5.1.1"
    retry = "Will-Retry-Until: Wed,  9 Dec 2026 09:59:58 +0000 (UTC)\r\n" if delayed else ""
    text = f"""Return-Path: <>\r
Received: by mx1.fr.example (Postfix)\r
\tid 4XyZ2b1qQnz9sTd; Wed,  2 Dec 2026 10:00:00 +0000 (UTC)\r
Date: Wed,  2 Dec 2026 10:00:00 +0000 (UTC)\r
From: MAILER-DAEMON@mx1.fr.example (Mail Delivery System)\r
Subject: {title}\r
To: {bounce_to}\r
Auto-Submitted: auto-replied\r
MIME-Version: 1.0\r
Content-Type: multipart/report; report-type=delivery-status;\r
\tboundary="{boundary}"\r
Content-Transfer-Encoding: 8bit\r
Message-Id: <20261202100000.4XyZ2b1qQnz9sTd@mx1.fr.example>\r
\r
This is a MIME-encapsulated message.\r
\r
--{boundary}\r
Content-Description: Notification\r
Content-Type: text/plain; charset=us-ascii\r
\r
This is the mail system at host mx1.fr.example.\r
\r
I'm sorry to have to inform you that your message could not\r
be delivered to one or more recipients. It's attached below.\r
\r
                   The mail system\r
\r
{said}\r
\r
--{boundary}\r
Content-Description: Delivery report\r
Content-Type: message/delivery-status\r
\r
Reporting-MTA: dns; mx1.fr.example\r
X-Postfix-Queue-ID: 4XyZ2b1qQnz9sTd\r
X-Postfix-Sender: rfc822; {bounce_to}\r
Arrival-Date: Wed,  2 Dec 2026 09:59:58 +0000 (UTC)\r
\r
Final-Recipient: rfc822; {recipient}\r
Original-Recipient: rfc822;{recipient}\r
Action: {action}\r
Status: {status}\r
Remote-MTA: dns; mailstore.fr.example\r
Diagnostic-Code: smtp; {code} <{recipient}>: Recipient address rejected: User\r
    unknown in virtual mailbox table\r
{retry}\r
--{boundary}\r
Content-Description: Undelivered Message Headers\r
Content-Type: text/rfc822-headers\r
Content-Transfer-Encoding: 8bit\r
\r
Return-Path: <{bounce_to}>\r
From: Thiqa <noreply@thiqa.example>\r
To: {recipient}\r
Subject: {subject}\r
Auto-Submitted: auto-generated\r
\r
--{boundary}--\r
"""
    return text.encode()


def _exim(bounce_to: str, recipient: str, action: str, status: str, subject: str) -> bytes:
    boundary = "1764669600-eximdsn-1804289383"
    text = f"""Return-path: <>\r
Envelope-to: {bounce_to}\r
Delivery-date: Wed, 02 Dec 2026 10:00:00 +0000\r
Received: from Debian-exim by mail.fr.example with local (Exim 4.97)\r
\tid 1tI0xY-0001aB-2C\r
\tfor {bounce_to}; Wed, 02 Dec 2026 10:00:00 +0000\r
X-Failed-Recipients: {recipient}\r
Auto-Submitted: auto-replied\r
From: Mail Delivery System <Mailer-Daemon@mail.fr.example>\r
To: {bounce_to}\r
References: <original@thiqa.example>\r
Content-Type: multipart/report; report-type=delivery-status; boundary={boundary}\r
MIME-Version: 1.0\r
Subject: Mail delivery failed: returning message to sender\r
Message-Id: <E1tI0xY-0001aB-2C@mail.fr.example>\r
Date: Wed, 02 Dec 2026 10:00:00 +0000\r
\r
--{boundary}\r
Content-type: text/plain; charset=us-ascii\r
\r
This message was created automatically by mail delivery software.\r
\r
A message that you sent could not be delivered to one or more of its\r
recipients. This is a permanent error. The following address(es) failed:\r
\r
  {recipient}\r
    host mailstore.fr.example [192.0.2.25]\r
    SMTP error from remote mail server after RCPT TO:<{recipient}>:\r
    550 5.1.1 mailbox unavailable\r
\r
--{boundary}\r
Content-type: message/delivery-status\r
\r
Reporting-MTA: dns; mail.fr.example\r
\r
Action: {action}\r
Final-Recipient: rfc822;{recipient}\r
Status: {status}\r
Remote-MTA: dns; mailstore.fr.example\r
Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable\r
\r
--{boundary}\r
Content-type: message/rfc822\r
\r
From: Thiqa <noreply@thiqa.example>\r
To: {recipient}\r
Subject: {subject}\r
Message-ID: <original@thiqa.example>\r
\r
The original text.\r
\r
--{boundary}--\r
"""
    return text.encode()
