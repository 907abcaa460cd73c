"""What a person wrote in a reply by e-mail, without the quoted original or the signature."""

from email.message import EmailMessage

import pysequoia

from thiqa.lib.openpgp import platform_key
from thiqa.mail.replytext import html_to_text, reply_text, strip_quoted


def test_quoted_lines_and_the_attribution_are_left_out():
    text = (
        "We confirm the indicators.\n\nBest regards\n\n"
        "On Wed, 2 Dec 2026 at 10:00, Thiqa <noreply@thiqa.example> wrote:\n"
        "> [TLP:AMBER] Consultation request\n> The original text.\n"
    )
    assert strip_quoted(text) == "We confirm the indicators.\n\nBest regards"


def test_the_signature_and_outlook_headers_are_left_out():
    assert strip_quoted("Noted.\n-- \nJane Doe\nCERT-FR\n") == "Noted."
    assert (
        strip_quoted("Received.\n\nFrom: Thiqa <noreply@thiqa.example>\nSent: today\nold text") == "Received."
    )
    assert strip_quoted("تم الاستلام.\n\nفي 2 ديسمبر 2026، كتب Thiqa:\n> نص") == "تم الاستلام."


def test_only_the_quoted_original_leaves_nothing():
    assert strip_quoted("> [TLP:GREEN] Notice\n> text\n\n") == ""


def test_html_keeps_the_text_and_drops_quotes_and_styles():
    html = (
        "<html><head><style>p{color:red}</style></head><body><p>We see it too.</p><p>Second&nbsp;line</p>"
        '<div class="gmail_quote">On Wed, Thiqa wrote:<blockquote>original</blockquote></div></body></html>'
    )
    assert html_to_text(html) == "We see it too.\n\nSecond line"


def _mail(**parts: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "Re: x"
    if "plain" in parts:
        message.set_content(parts["plain"])
    if "html" in parts:
        if "plain" in parts:
            message.add_alternative(parts["html"], subtype="html")
        else:
            message.set_content(parts["html"], subtype="html")
    return message


def test_plain_text_is_preferred_over_html():
    parsed = _mail(plain="Plain answer\n> quoted", html="<p>HTML answer</p>")
    assert reply_text(parsed).text == "Plain answer"
    assert reply_text(_mail(html="<p>HTML answer</p><blockquote>quoted</blockquote>")).text == "HTML answer"


def _encrypted(inner: EmailMessage, to: pysequoia.Cert) -> EmailMessage:
    outer = EmailMessage()
    outer["Subject"] = "..."
    outer.set_type("multipart/encrypted")
    outer.set_param("protocol", "application/pgp-encrypted")
    control = EmailMessage()
    control.set_content(b"Version: 1\n", maintype="application", subtype="pgp-encrypted")
    data = EmailMessage()
    armored = pysequoia.encrypt(inner.as_bytes(), recipients=[to]).decode()
    data.set_content(armored.encode(), maintype="application", subtype="octet-stream", cte="7bit")
    outer.attach(control)
    outer.attach(data)
    return outer


def test_a_reply_encrypted_to_the_platform_key_is_read():
    platform = pysequoia.Cert.from_bytes(platform_key().public.encode())
    reply = reply_text(_encrypted(_mail(plain="Secret answer\n> quoted"), platform))
    assert (reply.text, reply.encrypted) == ("Secret answer", False)


def test_a_reply_encrypted_to_another_key_is_unreadable():
    other = pysequoia.Tsk.generate("Other <other@example.org>").extract_certificate()
    reply = reply_text(_encrypted(_mail(plain="Secret answer"), other))
    assert (reply.text, reply.encrypted) == ("", True)
