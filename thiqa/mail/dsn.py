"""Delivery status notifications (RFC 3464), read with the standard library's ``email``.

A DSN is a ``multipart/report; report-type=delivery-status`` whose ``message/delivery-status``
part holds one block of fields about the reporting server, then one block per recipient
(``Final-Recipient``, ``Action``, ``Status``, ``Diagnostic-Code``...). Postfix, Exim, Sendmail
and Exchange all write it so; the checks and messaging rooms read their bounces through
:func:`delivery_reports`.
"""

from dataclasses import dataclass
from email.message import EmailMessage, Message

ACTIONS = {"failed", "delayed", "delivered", "relayed", "expanded"}


@dataclass(frozen=True)
class DeliveryReport:
    """What one reporting server says about one recipient."""

    recipient: str  # the Final-Recipient address, lower-cased
    action: str  # failed, delayed, delivered, relayed or expanded
    status: str = ""  # RFC 3463 enhanced status code, e.g. 5.1.1
    diagnostic: str = ""  # the remote server's words, e.g. "smtp; 550 5.1.1 User unknown"

    @property
    def failed(self) -> bool:
        return self.action == "failed"


def delivery_reports(parsed: EmailMessage) -> list[DeliveryReport] | None:
    """The per-recipient reports of a DSN, in their order; None if ``parsed`` holds no
    ``message/delivery-status`` part (a bounce in free text, or no bounce at all)."""
    reports: list[DeliveryReport] = []
    saw_report = False
    for part in parsed.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        saw_report = True
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else []
        for block in blocks[1:]:  # the first block describes the reporting server
            report = _report(block)
            if report is not None:
                reports.append(report)
    return reports if saw_report else None


def _report(block: Message) -> DeliveryReport | None:
    action = _field(block, "Action").lower()
    recipient = _address(_field(block, "Final-Recipient") or _field(block, "Original-Recipient"))
    if action not in ACTIONS or not recipient:
        return None
    return DeliveryReport(
        recipient=recipient,
        action=action,
        status=_field(block, "Status").split(" ")[0][:20],
        diagnostic=" ".join(_field(block, "Diagnostic-Code").split())[:500],
    )


def _field(block: Message, name: str) -> str:
    """A field's value with its comments and folding as the server wrote it, stripped."""
    return " ".join(str(block.get(name, "")).split())


def _address(value: str) -> str:
    """``rfc822; Cert@FR.example`` → ``cert@fr.example`` (the address type is optional)."""
    return value.split(";", 1)[-1].strip().strip("<>").lower()
