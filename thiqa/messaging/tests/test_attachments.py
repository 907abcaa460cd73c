"""Attachments: allowed types checked by content, size limits, SHA-256 recorded, stored
outside the web root, served only through the policy, never half-written."""

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.test import Client

from conftest import make_contact, make_user
from thiqa.audit.models import AuditEvent
from thiqa.lib import files as attachments
from thiqa.lib.files import Upload
from thiqa.messaging import services
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.models import Attachment, Message
from thiqa.messaging.tests.helpers import incident

pytestmark = pytest.mark.usefixtures("catalogue")
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _own_store(settings, tmp_path):
    settings.THIQA_ATTACHMENT_DIR = tmp_path / "attachments"


@pytest.fixture
def to(other_participant):
    make_contact(other_participant, "technical", "cert@fr.example")
    return Addressees(participants=[other_participant], roles=["technical"])


def test_files_are_stored_by_hash_outside_the_web_root(focal_point, participant, to, settings):
    uploads = [
        Upload("report.pdf", PDF),
        Upload("../../etc/تقرير.docx", docx()),
        Upload("iocs.json", b"[1, 2]"),
    ]
    message = services.send(focal_point, participant, incident(to, uploads=uploads))
    stored = list(message.attachments.order_by("pk"))
    assert [a.filename for a in stored] == ["report.pdf", "تقرير.docx", "iocs.json"]
    assert stored[0].sha256 == hashlib.sha256(PDF).hexdigest() and stored[0].size == len(PDF)
    assert stored[0].content_type == "application/pdf"
    path = attachments.path_for(stored[0].sha256)
    assert path.read_bytes() == PDF
    assert settings.STATIC_ROOT not in path.parents and settings.MEDIA_ROOT not in path.parents


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (Upload("run.exe", b"MZ\x90\x00"), "cannot be attached"),
        (Upload("report.pdf", b"MZ pretending"), "does not contain what its name says"),
        (Upload("data.json", b"{not json"), "does not contain"),
        (Upload("notes.txt", b"\xff\xfe\x00binary"), "does not contain"),
        (Upload("empty.txt", b""), "is empty"),
        (Upload("slides.docx", b"PK\x03\x04 not a zip"), "does not contain"),
        (Upload("", b"x"), "no name"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(focal_point, participant, to, upload, reason, settings):
    with pytest.raises(services.InvalidMessage, match=reason):
        services.send(focal_point, participant, incident(to, uploads=[Upload("fine.txt", b"ok"), upload]))
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert not (settings.THIQA_ATTACHMENT_DIR.exists() and any(settings.THIQA_ATTACHMENT_DIR.rglob("*")))


def test_size_and_count_limits(focal_point, participant, to, settings):
    settings.THIQA_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(services.InvalidMessage, match="larger than 10"):
        services.send(focal_point, participant, incident(to, uploads=[Upload("big.txt", b"x" * 11)]))
    settings.THIQA_ATTACHMENT_MAX_COUNT = 1
    with pytest.raises(services.InvalidMessage, match="at most 1 files"):
        services.send(
            focal_point, participant, incident(to, uploads=[Upload("a.txt", b"a"), Upload("b.txt", b"b")])
        )


def test_downloads_go_through_the_policy_and_are_audited(focal_point, participant, other_participant, to):
    message = services.send(focal_point, participant, incident(to, uploads=[Upload("report.pdf", PDF)]))
    attachment = message.attachments.get()
    reader = Client()
    reader.force_login(make_user("cert@fr.example", other_participant, "member"))
    response = reader.get(f"/messages/attachments/{attachment.pk}/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="report.pdf"')
    assert (
        "sandbox" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"
    )
    assert response["X-Thiqa-TLP"] == "TLP:AMBER"
    stranger = Client()
    stranger.force_login(make_user("x@de.example", None, None))
    assert stranger.get(f"/messages/attachments/{attachment.pk}/").status_code == 403
    assert AuditEvent.objects.filter(action="messaging.downloaded").count() == 1


def test_a_file_changed_on_disk_is_not_served(focal_point, participant, to):
    message = services.send(focal_point, participant, incident(to, uploads=[Upload("report.pdf", PDF)]))
    attachment = message.attachments.get()
    attachments.path_for(attachment.sha256).write_bytes(b"%PDF-tampered")
    with pytest.raises(ValueError, match="does not match"):
        services.download(focal_point, attachment)


def test_a_full_disk_keeps_nothing_of_the_message_and_says_so(focal_point, participant, to, settings):
    """A real ENOSPC from the kernel: the file's temporary name leads to /dev/full, on which
    every write fails with "no space left on device" (the multi-process version of this
    fault, on a real size limit, is in tests/test_faults.py)."""
    from thiqa.mail.models import OutboundMessage

    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    content = b"ip\n198.51.100.9\n"
    sha256 = hashlib.sha256(content).hexdigest()
    final = attachments.path_for(sha256)
    final.parent.mkdir(parents=True)
    temporary = final.with_name(f".{sha256}.{os.getpid()}")
    temporary.symlink_to("/dev/full")

    with pytest.raises(services.InvalidMessage) as refused:
        services.send(focal_point, participant, incident(to, uploads=[Upload("hosts.csv", content)]))

    assert "“hosts.csv” could not be stored" in " ".join(refused.value.errors["attachments"])
    assert not temporary.is_symlink() and not temporary.exists(), "the partial file was left behind"
    assert not final.exists()
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert not OutboundMessage.objects.exists()

    message = services.send(focal_point, participant, incident(to, uploads=[Upload("hosts.csv", content)]))
    assert message.attachments.get().sha256 == sha256 and final.read_bytes() == content
