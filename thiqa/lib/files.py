"""Stored files (message attachments, report evidence): which files are allowed, checked by their
content and not only their name; stored outside the web root under their SHA-256, written whole
or not at all."""

import errno
import hashlib
import io
import json
import os
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Upload:
    """A file as the sender gave it: its name and bytes."""

    name: str
    content: bytes


def _starts(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(signatures)


def _utf8_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


def _json(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    return True


def _office(folder: str) -> Callable[[bytes], bool]:
    def check(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return check


# Extension → (the Content-Type it is served with, the check its content must pass).
ALLOWED: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    ".pdf": ("application/pdf", _starts(b"%PDF-")),
    ".txt": ("text/plain; charset=utf-8", _utf8_text),
    ".csv": ("text/csv; charset=utf-8", _utf8_text),
    ".json": ("application/json", _json),
    ".png": ("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _office("word/")),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _office("xl/")),
}


@dataclass(frozen=True)
class Checked:
    filename: str
    content_type: str
    size: int
    sha256: str
    content: bytes


class TooLarge(ValueError):
    """A file over ``THIQA_ATTACHMENT_MAX_BYTES`` (the API answers 413)."""


def clean_filename(name: str) -> str:
    """The last part of ``name``, without control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return base[-200:]


def check(upload: Upload) -> Checked:
    """Validate one file; raises ValueError with a translated reason naming the file."""
    filename = clean_filename(upload.name)
    if not filename:
        raise ValueError(_("A file has no name."))
    extension = Path(filename).suffix.lower()
    if extension not in ALLOWED:
        raise ValueError(
            _("“%(name)s”: files of this type cannot be attached. Allowed: %(types)s.")
            % {"name": filename, "types": ", ".join(sorted(ALLOWED))}
        )
    size = len(upload.content)
    if size == 0:
        raise ValueError(_("“%(name)s” is empty.") % {"name": filename})
    if size > settings.THIQA_ATTACHMENT_MAX_BYTES:
        raise TooLarge(
            _("“%(name)s” is larger than %(limit)s.")
            % {"name": filename, "limit": filesizeformat(settings.THIQA_ATTACHMENT_MAX_BYTES)}
        )
    content_type, content_matches = ALLOWED[extension]
    if not content_matches(upload.content):
        raise ValueError(
            _("“%(name)s” does not contain what its name says (%(extension)s).")
            % {"name": filename, "extension": extension}
        )
    return Checked(filename, content_type, size, hashlib.sha256(upload.content).hexdigest(), upload.content)


def check_all(uploads: list[Upload]) -> list[Checked]:
    """Validate every file; raises ValueError listing every problem."""
    if len(uploads) > settings.THIQA_ATTACHMENT_MAX_COUNT:
        raise ValueError(
            _("Attach at most %(limit)d files.") % {"limit": settings.THIQA_ATTACHMENT_MAX_COUNT}
        )
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append(check(upload))
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise ValueError(" ".join(problems))
    return checked


class StorageFull(ValueError):
    """The data directory has no room for the file (ENOSPC, or EFBIG/EDQUOT: a size limit or
    quota): nothing of it is kept, and the person is told so."""


# What the operating system says when a file cannot grow: no space, over a size limit, over quota.
NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256")  # never a path built from anything else
    return Path(settings.THIQA_ATTACHMENT_DIR) / sha256[:2] / sha256


def store(file: Checked) -> None:
    """Write the file under its SHA-256 (a file already there is the same file): written
    to a temporary name, flushed, then renamed, so a reader never sees half of it. If the
    disk is full, the partial temporary file is removed and :class:`StorageFull` raised."""
    path = path_for(file.sha256)
    if path.exists():
        return
    try:
        write_whole(path, file.content)
    except OSError as exc:
        if exc.errno in NO_ROOM:
            raise StorageFull(
                _(
                    "“%(name)s” could not be stored: the server has no room for it at the moment. "
                    "Nothing was saved; try again later."
                )
                % {"name": file.filename}
            ) from exc
        raise


def write_whole(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary name, flushed, then renamed: a
    reader sees the whole file or none of it, and a failed write leaves nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        with open(temporary, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def store_all(checked: list[Checked]) -> None:
    """Store every file, before anything refers to them (a file stored for a message that is
    then not saved is harmless: stored files are named by their content)."""
    for file in checked:
        store(file)


def read(sha256: str) -> bytes:
    """The stored bytes; raises ValueError if they no longer match their SHA-256."""
    data = path_for(sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError("the stored attachment does not match its SHA-256")
    return data


def download(data: bytes, filename: str, content_type: str, label: str | None = None) -> HttpResponse:
    """A stored file as a download that a browser never renders in the page, under the type
    Thiqa checked (never the one the uploader claimed), with its TLP marking if it has one."""
    response = HttpResponse(data, content_type=content_type)
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or "attachment"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    if label:
        response["X-Thiqa-TLP"] = label
    return response
