"""Inbound mail for checks: a reply to a ping acknowledges it; a delivery failure report
sent back to the ping's bounce address marks the address unreachable."""

from contextlib import suppress
from email.message import EmailMessage
from email.utils import getaddresses

from thiqa.accounts.services import ServiceError
from thiqa.checks import services
from thiqa.checks.models import Ping
from thiqa.mail.dsn import delivery_reports
from thiqa.mail.inbound import is_automatic, register, tagged_token
from thiqa.mail.models import InboundMessage


def _tagged(addresses: list[str], tag: str) -> Ping | None:
    token = tagged_token(addresses, tag)
    return Ping.objects.select_related("round").filter(token=token).first() if token else None


@register("checks.reply")
def take_reply(inbound: InboundMessage, parsed: EmailMessage) -> bool:
    ping = _tagged(inbound.envelope_to, services.REPLY_TAG)
    if ping is None:
        return False
    if is_automatic(parsed):
        return True  # ours, but not an acknowledgement: kept in the inbound store
    sender = ", ".join(address for _name, address in getaddresses([str(parsed.get("From", ""))]))
    with suppress(ServiceError):  # a reply after the round closed is kept but changes nothing
        services.acknowledge(ping, Ping.Via.REPLY, detail=f"reply from {sender}")
    return True


@register("checks.bounce")
def take_bounce(inbound: InboundMessage, parsed: EmailMessage) -> bool:
    ping = _tagged(inbound.envelope_to, services.BOUNCE_TAG)
    if ping is None:
        return False
    reports = delivery_reports(parsed)
    if reports is None:  # a bounce without a standard report: the ping went to its addresses
        reports_failed = [(a, "", "") for a in ping.addresses] if len(ping.addresses) == 1 else []
    else:  # delayed and delivered reports change nothing
        reports_failed = [(r.recipient, r.status, r.diagnostic) for r in reports if r.failed]
    for address, status, diagnostic in reports_failed:
        services.note_bounce(ping, address, status=status, diagnostic=diagnostic)
    return True
