"""Django e-mail backend that puts every message into the outbox instead of sending it."""

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from thiqa.mail import services


class OutboxBackend(BaseEmailBackend):
    """``send_mail`` and friends anywhere in Thiqa store the message; the worker sends it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            services.enqueue(message, purpose=getattr(message, "purpose", ""))
        return len(email_messages)
