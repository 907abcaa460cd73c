"""What the rooms' file imports share: reading a CSV file into rows with clear, translated
errors, undoing the export's protection against spreadsheet formulas, and carrying a checked
file from the check page to the confirmation signed by the server (never trusted as sent back
by the browser). The directory's contacts and the glossary's terms are imported this way:
checked row by row without writing anything, then applied whole in one transaction."""

import csv
import io

from django.core import signing
from django.utils.formats import number_format
from django.utils.translation import gettext as _

SIGNED_MAX_AGE = 2 * 60 * 60  # seconds between the check and the confirmation
# Cells starting with these are run as formulas by spreadsheet programs: exports prefix them
# with an apostrophe, which imports take off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


class FileError(Exception):
    """A file that cannot be checked row by row, or a signed copy that cannot be trusted; the
    message is translated."""


def too_large(max_bytes: int) -> str:
    return _("The file is larger than %(size)s. Split it into smaller files.") % {
        "size": f"{max_bytes // 2**20} MB"
    }


def decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(
            _(
                "The file is not UTF-8 text (byte %(position)d cannot be read). "
                "Save it as “CSV UTF-8” and try again."
            )
            % {"position": exc.start + 1}
        ) from None


def unescape_cell(cell: str) -> str:
    """Undo the export's protection against spreadsheet formulas."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_START:
        return cell[1:]
    return cell


def escape_cell(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def read_csv(content: bytes, max_bytes: int, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lower-cased) and the non-blank data rows with the file line each starts on."""
    if len(content) > max_bytes:
        raise FileError(too_large(max_bytes))
    text = decode(content)
    if "\x00" in text:
        raise FileError(_("The file contains NUL characters: it is not a CSV text file."))
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise FileError(_("The file is empty: the first line must name the columns."))
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == max_rows:
                raise FileError(
                    _("The file has more than %(count)s rows. Split it into smaller files.")
                    % {"count": number_format(max_rows, force_grouping=True)}
                )
            rows.append((start, cells))
    except csv.Error as exc:
        raise FileError(
            _("The file cannot be read as CSV near line %(line)d: %(reason)s.")
            % {"line": reader.line_num, "reason": exc}
        ) from None
    return [cell.strip().lower() for cell in header], rows


def sign_content(user_id: int, content: bytes, salt: str) -> str:
    """A tamper-proof copy of a checked file, bound to the user, for the confirm form."""
    return signing.dumps({"user": user_id, "content": content.decode("utf-8-sig")}, compress=True, salt=salt)


def unsign_content(user_id: int, token: str, salt: str) -> bytes:
    """The file :func:`sign_content` signed for this user; :class:`FileError` otherwise."""
    try:
        payload = signing.loads(token, salt=salt, max_age=SIGNED_MAX_AGE)
    except signing.SignatureExpired:
        raise FileError(_("The check of this file is too old. Choose the file and check it again.")) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise FileError(
            _("The checked file was altered or damaged on the way. Choose the file and check it again.")
        ) from None
    if (
        not isinstance(payload, dict)
        or payload.get("user") != user_id
        or not isinstance(payload.get("content"), str)
    ):
        raise FileError(_("This check was made by someone else. Choose the file and check it again."))
    return payload["content"].encode()
