"""Inbound mail for checks: a reply to a ping acknowledges it; a delivery failure report
sent back to the ping's bounce address marks the address unreachable."""

import re
from contextlib import suppress
from email.message import EmailMessage
from email.utils import getaddresses

from thiqa.accounts.services import ServiceError
from thiqa.checks import services
from thiqa.checks.models import Ping
from thiqa.mail.inbound import register
from thiqa.mail.models import InboundMessage

TAGGED = re.compile(r"^(ping|bounce)\+([A-Za-z0-9_-]{10,40})@", re.IGNORECASE)
AUTOMATIC = {"auto-replied", "auto-generated", "auto-notified"}


def _tagged(addresses: list[str], kind: str) -> Ping | None:
    for address in addresses:
        match = TAGGED.match(address.strip())
        if match and match.group(1).lower() == kind:
            return Ping.objects.select_related("round").filter(token=match.group(2)).first()
    return None


def is_automatic(parsed: EmailMessage) -> bool:
    """Out-of-office answers and other machine replies (RFC 3834) never acknowledge."""
    auto = str(parsed.get("Auto-Submitted", "no")).split(";")[0].strip().lower()
    precedence = str(parsed.get("Precedence", "")).strip().lower()
    return (
        auto in AUTOMATIC or precedence in {"bulk", "junk", "list", "auto_reply"} or "X-Autoreply" in parsed
    )


@register("checks.reply")
def take_reply(inbound: InboundMessage, parsed: EmailMessage) -> bool:
    ping = _tagged(inbound.envelope_to, "ping")
    if ping is None:
        return False
    if is_automatic(parsed) or parsed.get_content_type() == "multipart/report":
        return True  # ours, but not an acknowledgement: kept in the inbound store
    sender = ", ".join(address for _name, address in getaddresses([str(parsed.get("From", ""))]))
    with suppress(ServiceError):  # a reply after the round closed is kept but changes nothing
        services.acknowledge(ping, Ping.Via.REPLY, detail=f"reply from {sender}")
    return True


@register("checks.bounce")
def take_bounce(inbound: InboundMessage, parsed: EmailMessage) -> bool:
    ping = _tagged(inbound.envelope_to, "bounce")
    if ping is None:
        return False
    failed = failed_recipients(parsed)
    if failed is None:  # a bounce without a standard report: the ping went to its addresses
        failed = ping.addresses if len(ping.addresses) == 1 else []
    for address in failed:
        services.note_bounce(ping, address)
    return True


def failed_recipients(parsed: EmailMessage) -> list[str] | None:
    """Final-Recipient addresses with Action: failed from a delivery status notification
    (RFC 3464); delayed and delivered reports are ignored. None if there is no report."""
    failed: list[str] = []
    saw_report = False
    for part in parsed.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        saw_report = True
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else []
        for block in blocks[1:]:  # the first block describes the reporting server
            action = str(block.get("Action", "")).strip().lower()
            recipient = str(block.get("Final-Recipient", "")).split(";")[-1].strip()
            if action == "failed" and recipient:
                failed.append(recipient.lower())
    return failed if saw_report else None
