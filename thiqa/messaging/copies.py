"""The e-mail copy of a message for one recipient, in the recipient's language, always
marked with its TLP label and signed by the platform's OpenPGP key (PGP/MIME, RFC 3156).

- A recipient with a usable OpenPGP key in the directory gets the whole message,
  signed and encrypted to that key (``multipart/encrypted``), whatever its label.
- Without a key, TLP:CLEAR and TLP:GREEN messages are sent whole, signed
  (``multipart/signed``); AMBER, AMBER+STRICT and RED only as a signed notice to sign
  in: their content never leaves the platform in clear e-mail.

The outer Subject of an encrypted copy or a notice names the type and the sender only;
the message's own subject travels inside the encryption (as a protected header).
"""

from email.charset import BASE64, Charset
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thiqa.lib import tlp
from thiqa.lib.openpgp import platform_key
from thiqa.mail.inbound import tagged_address
from thiqa.messaging.kinds import defang, display_values
from thiqa.messaging.models import Message, Recipient

ACK_SALT = "thiqa.messaging.acknowledge"
# Each copy answers to msg+TOKEN@ (Reply-To: a reply acknowledges it) and comes back, if it
# bounces, to msg-bounce+TOKEN@ (the envelope sender), TOKEN being the recipient row's own.
REPLY_TAG, BOUNCE_TAG = "msg", "msg-bounce"
_CRLF = compat32.clone(linesep="\r\n")  # the outbox writes messages out this way
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = BASE64  # base64 bodies survive every relay byte for byte, as signatures need


class PgpMimeEmail(EmailMessage):
    """A Django e-mail whose body is a PGP/MIME structure; the headers are Django's."""

    def __init__(self, subject: str, build: Any, **kwargs: Any) -> None:
        super().__init__(subject, "", **kwargs)
        self.build = build  # builds a fresh MIME body each time the message is written

    def message(self) -> Any:
        headers = super().message()
        outer = self.build()
        for name, value in headers.items():
            if name.lower() not in {"content-type", "content-transfer-encoding", "mime-version"}:
                outer[name] = value
        return outer


def acknowledgement_url(recipient: Recipient) -> str:
    signed = signing.TimestampSigner(salt=ACK_SALT).sign(recipient.token)
    return settings.SITE_URL + reverse("messaging:acknowledge", args=[signed])


def reply_address(recipient: Recipient) -> str:
    return tagged_address(REPLY_TAG, recipient.token)


def bounce_address(recipient: Recipient) -> str:
    return tagged_address(BOUNCE_TAG, recipient.token)


def thread_url(message: Message) -> str:
    return (
        settings.SITE_URL + reverse("messaging:thread", args=[message.thread_id_or_own]) + f"#m{message.pk}"
    )


def compose(recipient: Recipient, key: str | None) -> EmailMessage:
    """The copy of ``recipient.message`` for ``recipient``; ``key`` is the recipient's
    usable OpenPGP key, if any (then ``recipient.copy`` is ENCRYPTED)."""
    message = recipient.message
    with translation.override(recipient.language):
        subject = _subject(message, recipient)
        text = _text(message, recipient)
        marking = tlp.marking(message.tlp)
    if recipient.copy == Recipient.Copy.ENCRYPTED:
        assert key, "an encrypted copy needs the recipient's key"
        build = _encrypted_builder(text, message.subject, key)
    else:
        build = _signed_builder(text)
    return PgpMimeEmail(
        subject,
        build,
        from_email=bounce_address(recipient),  # the envelope sender: bounces come back to us
        to=recipient.addresses,
        reply_to=[reply_address(recipient)],
        headers={
            "From": settings.DEFAULT_FROM_EMAIL,
            "Auto-Submitted": "auto-generated",
            "X-Thiqa-TLP": marking,
        },
    )


def _subject(message: Message, recipient: Recipient) -> str:
    marking = f"[{tlp.marking(message.tlp)}]"
    kind = message.definition.title_in(recipient.language)
    sender = _participant_name(message.sender_participant, recipient.language)
    escalated = _("Escalated:") + " " if recipient.level else ""
    if recipient.copy == Recipient.Copy.CLEAR:
        return f"{marking} {escalated}{kind}: {message.subject}"
    return f"{marking} {escalated}" + _("%(kind)s from %(sender)s") % {"kind": kind, "sender": sender}


def _participant_name(participant: Any, language: str) -> str:
    return participant.name_ar if language == "ar" else participant.name_en


def _when(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") + " UTC"


def _text(message: Message, recipient: Recipient) -> str:
    """The copy's text in the active language."""
    full = recipient.copy != Recipient.Copy.NOTICE
    parts = [f"{tlp.marking(message.tlp)}\n{tlp.MEANINGS[message.tlp]}"]
    if recipient.level:
        parts.append(_escalation_note(recipient))
    parts.append(
        _("%(kind)s from %(sender)s (%(person)s), sent %(when)s.")
        % {
            "kind": message.definition.title_in(recipient.language),
            "sender": _participant_name(message.sender_participant, recipient.language),
            "person": message.author_name,
            "when": _when(message.created_at),
        }
    )
    if full:
        parts.append(_content(message))
    if items := list(message.items.all()):
        parts.append(_("Under:") + "\n" + "\n".join(f"- {item.title}" for item in items))
    if attachments := list(message.attachments.all()):
        parts.append(_attachments(attachments, full))
    if recipient.ack_due_at:
        parts.append(
            _("Please acknowledge receipt by %(deadline)s. Open this link and press the button:")
            % {"deadline": _when(recipient.ack_due_at)}
            + "\n"
            + acknowledgement_url(recipient)
        )
    if full:
        parts.append(
            _("Read the thread and reply in Thiqa:")
            + "\n"
            + thread_url(message)
            + "\n"
            + _("A reply to this e-mail acknowledges it, and what you write is added to the thread.")
        )
    else:
        parts.append(_notice(message) + "\n" + thread_url(message))
    parts.append(
        _("This e-mail is signed with the platform's OpenPGP key %(fingerprint)s.")
        % {"fingerprint": platform_key().fingerprint}
    )
    return "\n\n".join(parts) + "\n"


def _escalation_note(recipient: Recipient) -> str:
    who = _participant_name(recipient.participant, recipient.language)
    if recipient.level == Recipient.Level.POLICY:
        return _(
            "You receive this because %(participant)s's technical contact has not acknowledged it in time."
        ) % {"participant": who}
    return _(
        "You receive this as the secretariat because nobody of %(participant)s has acknowledged it in time."
    ) % {"participant": who}


def _content(message: Message) -> str:
    lines = [_("Subject: %(subject)s") % {"subject": message.subject}]
    for spec, value in display_values(message.definition, message.fields):
        if spec.type == "indicators":
            value = "\n".join(defang(i) for i in message.fields[spec.name])
        lines.append(f"{spec.label}:\n{value}" if "\n" in value else f"{spec.label}: {value}")
    return "\n".join(lines) + "\n\n" + message.body


def _attachments(attachments: list[Any], full: bool) -> str:
    if not full:
        return ngettext(
            "%(count)d attachment, to download after signing in.",
            "%(count)d attachments, to download after signing in.",
            len(attachments),
        ) % {"count": len(attachments)}
    lines = [_("Attachments, to download after signing in:")]
    for a in attachments:
        lines.append(f"- {a.filename} ({filesizeformat(a.size)}, {tlp.marking(a.tlp)}) SHA-256 {a.sha256}")
    return "\n".join(lines)


def _notice(message: Message) -> str:
    if message.tlp == tlp.TLP.RED:
        return _("TLP:RED content never leaves Thiqa in clear e-mail. Sign in to read it:")
    return _(
        "Its content is not sent by e-mail because of its TLP label and because the directory "
        "has no OpenPGP key for you. Sign in to read it:"
    )


# --- PGP/MIME ---------------------------------------------------------------------------------


def _text_part(text: str, protected_subject: str | None = None) -> MIMEText:
    part = MIMEText(text, "plain", _UTF8)
    del part["MIME-Version"]
    if protected_subject is not None:
        part.set_param("protected-headers", "v1")
        part["Subject"] = protected_subject
    return part


def _signed_builder(text: str) -> Any:
    signed_part = _text_part(text)
    data = signed_part.as_bytes(policy=_CRLF)
    signature, micalg = platform_key().sign_detached(data)

    def build() -> MIMEMultipart:
        outer = MIMEMultipart("signed", micalg=micalg, protocol="application/pgp-signature")
        outer.attach(signed_part)
        outer.attach(_armored("pgp-signature", signature.decode("ascii"), "signature.asc"))
        return outer

    return build


def _encrypted_builder(text: str, subject: str, key: str) -> Any:
    inner = _text_part(text, protected_subject=subject)
    ciphertext = platform_key().encrypt_and_sign(inner.as_bytes(policy=_CRLF), key).decode("ascii")

    def build() -> MIMEMultipart:
        outer = MIMEMultipart("encrypted", protocol="application/pgp-encrypted")
        control = MIMENonMultipart("application", "pgp-encrypted")
        control.set_payload("Version: 1\r\n")
        outer.attach(control)
        outer.attach(_armored("octet-stream", ciphertext, "encrypted.asc"))
        return outer

    return build


def _armored(subtype: str, text: str, filename: str) -> MIMEBase:
    part = MIMENonMultipart("application", subtype, name=filename)
    part.add_header(
        "Content-Disposition", "inline" if subtype == "octet-stream" else "attachment", filename=filename
    )
    part.set_payload(text)
    part["Content-Transfer-Encoding"] = "7bit"
    return part
