"""What a person wrote in a reply by e-mail: the new text only, without the quoted original
or the signature, from a text/plain or (failing that) a text/html body.

A PGP/MIME-encrypted reply (RFC 3156 ``multipart/encrypted``) is read when it was
encrypted to the platform's key, as a mail client does when it answers an encrypted copy
signed by that key; encrypted to other keys only, it is reported as unreadable.
"""

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser

from thiqa.lib.openpgp import platform_key

# A line that opens the quoted original: "On Mon, 1 Dec 2026, X wrote:", "Le ... a écrit :",
# "Am ... schrieb ...:", an Arabic client's "في ... كتب:", Outlook's "-----Original Message-----"
# and "From: ..." header block, or a line of underscores Outlook draws above it.
QUOTE_OPENERS = [
    re.compile(r"^\s*on\b.*\bwrote:?\s*$", re.IGNORECASE),
    re.compile(r"^\s*le\b.*\ba écrit\s*:?\s*$", re.IGNORECASE),
    re.compile(r"^\s*am\b.*\bschrieb\b.*:?\s*$", re.IGNORECASE),
    re.compile(r"^\s*(في|بتاريخ)\b.*\b(كتب|كتبت)\b.*:\s*$"),
    re.compile(
        r"^\s*-{2,}\s*(original message|message d'origine|الرسالة الأصلية)\s*-{2,}\s*$", re.IGNORECASE
    ),
    re.compile(r"^\s*(from|de|من)\s*:.*[@<].*$", re.IGNORECASE),
    re.compile(r"^\s*_{20,}\s*$"),
]
SIGNATURE = re.compile(r"^(-- ?|—|Sent from my .*|Envoyé de mon .*|أرسلت من .*)$", re.IGNORECASE)
QUOTED_HTML = re.compile(
    r"gmail_quote|moz-cite-prefix|divRplyFwdMsg|yahoo_quoted|OLK_SRC_BODY", re.IGNORECASE
)


@dataclass(frozen=True)
class ReplyText:
    text: str  # what the person wrote; empty when they only sent the quoted original back
    encrypted: bool = False  # encrypted to keys other than the platform's: not readable


def reply_text(parsed: EmailMessage) -> ReplyText:
    """The new text of a reply by e-mail."""
    if parsed.get_content_type() == "multipart/encrypted":
        inner = _decrypted(parsed)
        if inner is None:
            return ReplyText("", encrypted=True)
        parsed = inner
    body = parsed.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ReplyText("")
    content = body.get_content()
    if body.get_content_type() == "text/html":
        content = html_to_text(content)
    return ReplyText(strip_quoted(content))


def _decrypted(parsed: EmailMessage) -> EmailMessage | None:
    parts = parsed.get_payload()
    if not isinstance(parts, list) or len(parts) != 2:
        return None
    armored = parts[1].get_payload(decode=True) or b""
    data = platform_key().decrypt(armored)
    if data is None:
        return None
    return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


def strip_quoted(text: str) -> str:
    """``text`` up to the quoted original or the signature, without quoted (``>``) lines."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        bare = line.rstrip()
        if SIGNATURE.match(bare) or any(opener.match(bare) for opener in QUOTE_OPENERS):
            break
        if bare.lstrip().startswith(">"):
            continue
        kept.append(bare)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


class _TextOfHtml(HTMLParser):
    """The readable text of an HTML body: block elements become line breaks; scripts,
    styles, blockquotes and the quoting containers of common mail clients are left out."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    SKIPPED = {"script", "style", "head", "title", "blockquote"}
    VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "base", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, skipped) for each element still open

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = " ".join(f"{value or ''}" for name, value in attrs if name in ("class", "id"))
        if tag in self.BLOCKS and not self._skipping():
            self.parts.append("\n")
        if tag not in self.VOID:
            self.open.append((tag, tag in self.SKIPPED or bool(QUOTED_HTML.search(classes))))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break
        if tag in self.BLOCKS and not self._skipping():
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
