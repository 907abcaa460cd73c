"""What the rooms' file imports share: reading a CSV file into rows with clear, translated
errors, undoing the export's protection against spreadsheet formulas, carrying a checked
file from the check page to the confirmation signed by the server (never trusted as sent back
by the browser), and the page's check-then-confirm flow (:func:`import_page`). The
directory's contacts and the glossary's terms are imported this way: checked row by row
without writing anything, then applied whole in one transaction."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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


# The signed copy of a checked file is posted back as an ordinary form field, which Django
# refuses beyond DATA_UPLOAD_MAX_MEMORY_SIZE: leave room for the other fields.
_FORM_MARGIN = 16 * 1024


@dataclass(frozen=True)
class ImportFlow:
    """One room's import page: its check (``preview``, whose result has ``has_errors``,
    ``to_apply`` and ``content``), its confirmation (``apply`` then ``summary``), the signed
    copy of the checked file, and the page. The room's view authorizes first."""

    template: str
    done: str  # the page (URL name) after a confirmed import
    max_bytes: int
    preview: Callable[[Any, bytes], Any]
    apply: Callable[..., Any]  # (user, preview, request=...) -> result
    summary: Callable[[Any], str]
    sign: Callable[[Any, bytes], str]
    unsign: Callable[[Any, str], bytes]
    refused: type[Exception]  # what preview, apply and unsign raise with a translated message
    choose_file: str
    nothing_to_import: str
    context: Callable[[Any], dict[str, Any]]  # the page's own facts, for a preview or None

    @classmethod
    def of(cls, exchange: Any, **page: Any) -> "ImportFlow":
        """The flow of a room's exchange module (``preview``, ``apply``, ``summary``,
        ``sign_content``, ``unsign_content``, ``MAX_BYTES``) and its page's own settings."""
        return cls(
            max_bytes=exchange.MAX_BYTES,
            preview=exchange.preview,
            apply=exchange.apply,
            summary=exchange.summary,
            sign=exchange.sign_content,
            unsign=exchange.unsign_content,
            **page,
        )


def _token_limit() -> int | None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if limit is None else limit - _FORM_MARGIN


def _render(request: HttpRequest, flow: ImportFlow, preview: Any = None) -> HttpResponse:
    context: dict[str, Any] = {"preview": preview, "token": None, **flow.context(preview)}
    if preview is not None and not preview.has_errors and preview.to_apply:
        token = flow.sign(request.user, preview.content)
        limit = _token_limit()
        if limit is not None and len(token) > limit:
            messages.error(
                request,
                _("This file is too large to be imported in one step. Split it into smaller files."),
            )
        else:
            context["token"] = token
    return render(request, flow.template, context)


def _confirm(request: HttpRequest, flow: ImportFlow) -> HttpResponse:
    try:
        content = flow.unsign(request.user, request.POST.get("content", ""))
    except flow.refused as exc:
        messages.error(request, str(exc))
        return _render(request, flow)
    preview = flow.preview(request.user, content)
    try:
        result = flow.apply(request.user, preview, request=request)
    except flow.refused as exc:
        messages.error(request, str(exc))
        return _render(request, flow, preview)
    messages.success(request, flow.summary(result))
    return redirect(flow.done)


def import_page(request: HttpRequest, flow: ImportFlow) -> HttpResponse:
    """The import page: a form to choose a file; its check, row by row, with nothing written;
    and the confirmation of a file without errors, from the signed copy of what was checked."""
    if request.method != "POST":
        return _render(request, flow)
    if request.POST.get("step") == "confirm":
        return _confirm(request, flow)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, flow.choose_file)
        return _render(request, flow)
    if upload.size is not None and upload.size > flow.max_bytes:
        messages.error(request, too_large(flow.max_bytes))
        return _render(request, flow)
    preview = flow.preview(request.user, upload.read())
    if preview.has_errors:
        messages.error(request, _("The file has errors. Correct them and check it again."))
    elif not preview.to_apply:
        messages.info(request, flow.nothing_to_import)
    return _render(request, flow, preview)
