"""Inbound mail for messaging: a reply to a message's e-mail copy acknowledges it and, when
it carries text, adds that text to the thread; a delivery status notification sent back to
the copy's envelope sender marks the recipient not delivered (or records a delay).

Both are matched by the recipient row's token in ``msg+TOKEN@`` / ``msg-bounce+TOKEN@``,
never by the sender's address. A forged token, the copy of another message, a replay of a
reply already taken, an automatic answer: the message is kept in the inbound store and
nothing else changes."""

from email.message import EmailMessage

from thiqa.mail.dsn import delivery_reports
from thiqa.mail.inbound import is_automatic, register, tagged_token
from thiqa.mail.models import InboundMessage, OutboundMessage
from thiqa.mail.replytext import reply_text
from thiqa.messaging import services
from thiqa.messaging.copies import BOUNCE_TAG, REPLY_TAG
from thiqa.messaging.models import Recipient

HANDLER = "messaging.reply"


def _recipient(inbound: InboundMessage, tag: str) -> tuple[bool, Recipient | None]:
    """Whether the message is addressed to a ``tag+TOKEN@`` address, and the copy it names."""
    token = tagged_token(inbound.envelope_to, tag)
    if token is None:
        return False, None
    recipient = (
        Recipient.objects.select_related("message__sender", "participant", "contact", "user", "outbound")
        .filter(token=token)
        .first()
    )
    if recipient is None:
        services.refuse_email("unknown_token", inbound.pk)
    return True, recipient


@register(HANDLER)
def take_reply(inbound: InboundMessage, parsed: EmailMessage) -> bool:
    ours, recipient = _recipient(inbound, REPLY_TAG)
    if recipient is None or is_automatic(parsed):
        return ours  # an out-of-office or a forged address: kept, changes nothing
    if _answers_another_copy(parsed, recipient):
        services.refuse_email("another_message", inbound.pk)
        return True
    if _replayed(inbound):
        return True
    services.reply_by_email(recipient, reply_text(parsed), inbound=inbound.pk)
    return True


@register("messaging.bounce")
def take_bounce(inbound: InboundMessage, parsed: EmailMessage) -> bool:
    ours, recipient = _recipient(inbound, BOUNCE_TAG)
    if recipient is None:
        return ours
    # Only a standard report (RFC 3464) is read: free text sent back to the envelope sender
    # may as well be an out-of-office (RFC 3834 answers the envelope sender).
    for report in delivery_reports(parsed) or []:
        services.note_delivery(recipient, report)
    return True


def _answers_another_copy(parsed: EmailMessage, recipient: Recipient) -> bool:
    """The reply's In-Reply-To/References name copies of ours, none of them this token's: a
    token lifted from one message onto the answer to another."""
    named = " ".join(str(parsed.get(h, "")) for h in ("In-Reply-To", "References")).split()
    ours = set(
        OutboundMessage.objects.filter(message_id__in=named, purpose="messaging.copy").values_list(
            "pk", flat=True
        )
    )
    return bool(ours) and recipient.outbound_id not in ours


def _replayed(inbound: InboundMessage) -> bool:
    """The same reply (by its Message-ID) was already taken."""
    return bool(inbound.message_id) and (
        InboundMessage.objects.filter(message_id=inbound.message_id, handled_by=HANDLER)
        .exclude(pk=inbound.pk)
        .exists()
    )
