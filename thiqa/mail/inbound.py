"""The inbound SMTP receiver and the registry of handlers for received messages.

Every accepted message is stored first (:class:`InboundMessage`), then offered to
the registered handlers in order until one takes it. Rooms register handlers in
their ``AppConfig.ready``; the checks room, for instance, matches replies to pings.
"""

import email
import email.policy
import logging
import re
from collections.abc import Callable, Iterable
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, transaction

from thiqa.mail.models import InboundMessage

logger = logging.getLogger(__name__)

# A handler returns True when it took the message.
Handler = Callable[[InboundMessage, EmailMessage], bool]
HANDLERS: list[tuple[str, Handler]] = []


def register(name: str) -> Callable[[Handler], Handler]:
    def decorator(handler: Handler) -> Handler:
        if name not in dict(HANDLERS):
            HANDLERS.append((name, handler))
        return handler

    return decorator


# --- addresses that name what a message answers ----------------------------------------------
#
# Mail that Thiqa sends and expects an answer to carries a per-recipient token in its addresses:
# ``TAG+TOKEN@domain`` as Reply-To (a reply names what it answers) and as the envelope sender
# (a delivery failure report names the copy that failed). The token is the row's own random
# ``secrets.token_urlsafe(18)`` (144 bits): unguessable, so a reply is matched by its token and
# never by the sender's address alone.

TAGGED = re.compile(r"^([a-z][a-z-]*)\+([A-Za-z0-9_-]{10,40})@(.+)$", re.IGNORECASE)
AUTOMATIC = {"auto-replied", "auto-generated", "auto-notified"}


def tagged_address(tag: str, token: str) -> str:
    """The address ``tag+token@`` at Thiqa's first inbound domain."""
    return f"{tag}+{token}@{settings.THIQA_INBOUND_DOMAINS[0]}"


def tagged_token(addresses: Iterable[str], tag: str) -> str | None:
    """The token of the first of ``addresses`` tagged ``tag`` in one of Thiqa's domains."""
    for address in addresses:
        match = TAGGED.match(address.strip().strip("<>"))
        if (
            match
            and match.group(1).lower() == tag
            and match.group(3).lower() in settings.THIQA_INBOUND_DOMAINS
        ):
            return match.group(2)
    return None


def is_automatic(parsed: EmailMessage) -> bool:
    """Out-of-office answers and other machine replies (RFC 3834 ``Auto-Submitted``,
    ``Precedence: bulk/junk/list``) and delivery reports never count as a person's reply."""
    auto = str(parsed.get("Auto-Submitted", "no")).split(";")[0].strip().lower()
    precedence = str(parsed.get("Precedence", "")).strip().lower()
    return (
        auto in AUTOMATIC
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or "X-Autoreply" in parsed
        or parsed.get_content_type() == "multipart/report"
    )


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def accept(raw: bytes, envelope_from: str, envelope_to: list[str]) -> InboundMessage:
    """Store a received message and hand it to the handlers."""
    parsed = parse(raw)
    with transaction.atomic():
        inbound = InboundMessage.objects.create(
            envelope_from=envelope_from[:254],
            envelope_to=envelope_to,
            message_id=str(parsed.get("Message-ID", ""))[:255],
            in_reply_to=str(parsed.get("In-Reply-To", ""))[:998],
            subject=str(parsed.get("Subject", ""))[:998],
            raw=raw,
        )
    dispatch(inbound, parsed)
    return inbound


def dispatch(inbound: InboundMessage, parsed: EmailMessage) -> None:
    for name, handler in HANDLERS:
        try:
            with transaction.atomic():
                taken = handler(inbound, parsed)
        except Exception as exc:  # a faulty handler must not lose the message
            logger.exception("inbound handler %s failed on message %s", name, inbound.pk)
            InboundMessage.objects.filter(pk=inbound.pk).update(handler_error=f"{name}: {exc}"[:2000])
            continue
        if taken:
            InboundMessage.objects.filter(pk=inbound.pk).update(handled_by=name)
            return


class ReceiverHandler:
    """aiosmtpd handler: accepts mail for Thiqa's own domains only."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        domain = address.rpartition("@")[2].lower()
        if domain not in settings.THIQA_INBOUND_DOMAINS:
            return "550 5.1.1 Mailbox unknown: this server only receives mail for Thiqa"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            await sync_to_async(self._accept, thread_sensitive=True)(
                raw, envelope.mail_from or "", list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("could not store a received message")
            return "451 4.3.0 Temporary failure, please try again later"
        return "250 2.0.0 Message accepted"

    @staticmethod
    def _accept(raw: bytes, mail_from: str, rcpt_tos: list[str]) -> None:
        close_old_connections()
        accept(raw, mail_from, rcpt_tos)


def controller(host: str | None = None, port: int | None = None, **kwargs: Any) -> Controller:
    """An aiosmtpd controller (a thread running the receiver) for Thiqa's inbound mail."""
    return Controller(
        ReceiverHandler(),
        hostname=host or settings.THIQA_SMTP_LISTEN_HOST,
        port=port if port is not None else settings.THIQA_SMTP_LISTEN_PORT,
        data_size_limit=settings.THIQA_INBOUND_MAX_BYTES,
        decode_data=False,
        **kwargs,
    )
