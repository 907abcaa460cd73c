"""Ingesting PDF, DOCX and text; bad input gets clear errors and leaves the library as it was."""

import io
import zlib

import docx
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader, PdfWriter

from thiqa.audit.models import AuditEvent
from thiqa.library.models import Document, Passage
from thiqa.library.services import DuplicateDocument, LibraryError, ingest

pytestmark = pytest.mark.django_db

ARABIC = [
    "أولا - مقدمة",
    "1 - تؤكد الدول أهمية تبادل المعلومات بشأن الحوادث السيبرانية.",
    "(أ) تسمية نقاط اتصال وطنية وتحديثها سنويا.",
    "(ب) إبلاغ التغييرات خلال ثلاثين يوما.",
]


def make_pdf(lines: list[str]) -> bytes:
    """A real one-page PDF with an English text stream, written by hand."""
    ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    stream = zlib.compress("\n".join(ops).encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


PDF_LINES = [
    "The following CBMs were adopted:",
    "1. States will voluntarily provide their national views on threats.",
    "2. States will nominate a contact point and update it annually.",
]


def test_a_pdf_is_read_and_split(tmp_path):
    path = tmp_path / "decision.pdf"
    path.write_bytes(make_pdf(PDF_LINES))
    document = ingest(path, symbol="TEST/1")
    assert document.format == "pdf" and document.language == "en"
    assert "nominate a contact point" in document.original
    assert {"CBM 1", "CBM 2"} <= set(document.passages.values_list("locator", flat=True))
    assert AuditEvent.objects.filter(action="library.ingested", target_id=str(document.pk)).exists()


def test_a_docx_in_arabic_is_read_in_order(tmp_path):
    word = docx.Document()
    for line in ARABIC:
        word.add_paragraph(line)
    path = tmp_path / "report.docx"
    word.save(path)
    document = ingest(path)
    assert document.format == "docx" and document.language == "ar"
    assert document.original.split("\n")[: len(ARABIC)] == ARABIC
    passages = {p.locator: p for p in document.passages.all()}
    assert {"1", "1(a)", "1(b)"} <= set(passages)
    assert passages["1(b)"].first_line == 4 and passages["1(b)"].language == "ar"


def nothing_written() -> bool:
    return not Document.objects.exists() and not Passage.objects.exists()


def test_an_encrypted_pdf_is_refused(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(PDF_LINES))))
    writer.encrypt("secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(LibraryError, match="encrypted"):
        ingest(path)
    assert nothing_written()


def test_a_damaged_pdf_and_a_pdf_without_text_are_refused(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not a pdf at all")
    with pytest.raises(LibraryError, match="cannot be read as a PDF"):
        ingest(broken)
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(make_pdf([]))
    with pytest.raises(LibraryError, match="no extractable text"):
        ingest(blank)
    assert nothing_written()


def test_windows_1256_text_is_refused_with_its_encoding(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("\n".join(ARABIC).encode("cp1256"))
    with pytest.raises(LibraryError, match=r"not UTF-8 text.*Windows-1256"):
        ingest(path)
    assert nothing_written()


def test_empty_and_unknown_files_are_refused(tmp_path):
    for name, data, message in [
        ("empty.txt", b"", "is empty"),
        ("spaces.txt", b"  \n\n ", "is empty"),
        ("dots.txt", "... — ...".encode(), "contains no text"),
        ("notes.rtf", b"{\\rtf1 hello}", "only .txt"),
        ("damaged.docx", b"PK not a zip", "cannot be read as a Word"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(LibraryError, match=message):
            ingest(path)
    assert nothing_written()


def test_the_same_file_twice_is_refused_and_names_the_first(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("\n".join(ARABIC), encoding="utf-8")
    first = ingest(path)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(path.read_bytes())
    with pytest.raises(DuplicateDocument) as caught:
        ingest(copy)
    assert caught.value.document == first
    assert Document.objects.count() == 1


def test_the_command_reports_each_file_and_fails_if_any_failed(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("\n".join(ARABIC), encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes("\n".join(ARABIC).encode("cp1256"))
    with pytest.raises(CommandError):
        call_command("library", "ingest", str(good), str(bad))
    out = capsys.readouterr()
    assert "good.txt: good" in out.out and "bad.txt: error: " in out.err
    assert Document.objects.count() == 1
    call_command("library", "ingest", str(good))  # already there: skipped, not a failure
    assert "skipped" in capsys.readouterr().out
    call_command("library", "resolve")
    assert "resolved: 0, unresolved: 0" in capsys.readouterr().out
