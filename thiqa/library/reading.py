"""Reading a source file (UTF-8 text, PDF, DOCX) into text, with clear errors for bad input."""

import hashlib
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024
EXTENSIONS = {".txt": "text", ".pdf": "pdf", ".docx": "docx"}

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3\uFB50-\uFDFF\uFE70-\uFEFC]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")


class LibraryError(Exception):
    """A document that cannot be ingested; the message is translated and shown to the user."""


@dataclass(frozen=True)
class ReadResult:
    file_name: str
    format: str
    text: str
    language: str
    sha256: str


def detect_language(text: str) -> str:
    """ "ar" when at least half of the letters are Arabic, else "en"."""
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    return "ar" if arabic and arabic >= latin else "en"


def read_path(path: Path | str) -> ReadResult:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LibraryError(_too_big(path.name))
        data = path.read_bytes()
    except OSError as exc:
        raise LibraryError(
            _("%(name)s cannot be read (%(reason)s).") % {"name": path.name, "reason": exc.strerror or exc}
        ) from None
    return read_bytes(data, path.name)


def _too_big(name: str) -> str:
    return _("%(name)s is larger than %(size)d MB.") % {"name": name, "size": MAX_BYTES // (1024 * 1024)}


def read_bytes(data: bytes, name: str) -> ReadResult:
    """Extract the text of ``data``, a file called ``name``; raise LibraryError if it cannot be used."""
    name = Path(name).name
    kind = EXTENSIONS.get(Path(name).suffix.lower())
    if kind is None:
        raise LibraryError(
            _("%(name)s: only .txt (UTF-8), .pdf and .docx files can be added to the library.")
            % {"name": name}
        )
    if len(data) > MAX_BYTES:
        raise LibraryError(_too_big(name))
    if not data.strip():
        raise LibraryError(_("%(name)s is empty.") % {"name": name})
    text = {"text": _read_text, "pdf": _read_pdf, "docx": _read_docx}[kind](data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not re.search(r"\w", text):
        raise LibraryError(_("%(name)s contains no text.") % {"name": name})
    return ReadResult(name, kind, text, detect_language(text), hashlib.sha256(data).hexdigest())


def _guess_encoding(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\x00") > 20:
        return "UTF-16"
    try:
        decoded = data.decode("cp1256")
    except UnicodeDecodeError:
        decoded = ""
    if decoded and len(_ARABIC_LETTER.findall(decoded)) > len(decoded) * 0.2:
        return "Windows-1256 (Arabic)"
    return "Windows-1252 or Latin-1"


def _read_text(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LibraryError(
            _("%(name)s is not UTF-8 text (it looks like %(encoding)s). Save it as UTF-8 and try again.")
            % {"name": name, "encoding": _guess_encoding(data)}
        ) from None
    if "\x00" in text:
        raise LibraryError(_("%(name)s is not a text file (it holds binary data).") % {"name": name})
    return text


def _read_pdf(data: bytes, name: str) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted and not _unlock(reader):
            raise LibraryError(
                _("%(name)s is an encrypted (password-protected) PDF. Remove the password and try again.")
                % {"name": name}
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except LibraryError:
        raise
    except Exception:  # pypdf raises many kinds of errors for damaged files
        raise LibraryError(
            _("%(name)s cannot be read as a PDF (the file is damaged).") % {"name": name}
        ) from None
    text = "\n".join(p.strip("\n") for p in pages)
    if not re.search(r"\w", text):
        raise LibraryError(
            _("%(name)s has no extractable text (it may be a scanned image); add a text version instead.")
            % {"name": name}
        )
    return text


def _unlock(reader: object) -> bool:
    """Open a PDF that is encrypted with an empty user password only (permissions, no secret)."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:
        return False


def _read_docx(data: bytes, name: str) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(BytesIO(data))
        lines: list[str] = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                for row in Table(child, document).rows:
                    lines.append("\t".join(cell.text.replace("\n", " ") for cell in row.cells))
    except Exception:
        raise LibraryError(
            _("%(name)s cannot be read as a Word (DOCX) document (the file is damaged).") % {"name": name}
        ) from None
    return "\n".join(lines)
