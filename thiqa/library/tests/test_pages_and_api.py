"""The library pages and API, asked of the policy."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from thiqa.library.models import Document
from thiqa.library.services import ingest

pytestmark = pytest.mark.django_db

TEXT = "أولا - مقدمة\n1 - تؤكد الدول أهمية تبادل المعلومات.\n(أ) تسمية نقاط اتصال وطنية.\n"


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "sample.txt"
    path.write_text(TEXT, encoding="utf-8")
    return ingest(path, symbol="S/1", title_en="Sample", title_ar="عينة")


def test_members_read_the_library_but_cannot_upload(client, member, document):
    client.force_login(member)
    page = client.get("/library/")
    assert page.status_code == 200 and "Sample" in page.content.decode()
    detail = client.get(f"/library/{document.slug}/").content.decode()
    assert 'id="p-2"' in detail and 'dir="rtl" lang="ar"' in detail and "1(a)" in detail
    assert client.get("/library/ingest/").status_code == 403
    upload = SimpleUploadedFile("x.txt", TEXT.encode())
    assert client.post("/library/ingest/", {"file": upload}).status_code == 403
    assert Document.objects.count() == 1


def test_the_secretariat_uploads_and_sees_errors_in_the_form(client, secretariat):
    client.force_login(secretariat)
    assert client.get("/library/ingest/").status_code == 200
    bad = SimpleUploadedFile("old.txt", TEXT.encode("cp1256"))
    response = client.post("/library/ingest/", {"file": bad})
    assert response.status_code == 200 and "Windows-1256" in response.content.decode()
    wrong = SimpleUploadedFile("x.exe", b"MZ")
    assert client.post("/library/ingest/", {"file": wrong}).status_code == 200
    assert not Document.objects.exists()
    good = SimpleUploadedFile("good.txt", TEXT.encode())
    response = client.post("/library/ingest/", {"file": good, "symbol": "G/1"})
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/library/{document.slug}/"
    assert document.symbol == "G/1"


def test_the_api_lists_documents_and_returns_passages(client, member, document):
    client.force_login(member)
    listing = client.get("/api/v1/library/documents").json()
    assert listing["count"] == 1 and listing["items"][0]["slug"] == document.slug
    detail = client.get(f"/api/v1/library/documents/{document.slug}").json()
    assert [p["locator"] for p in detail["passage_list"]][-2:] == ["1", "1(a)"]
    assert client.get("/api/v1/library/documents/nope").status_code == 404


def test_in_a_closed_deployment_people_without_a_role_are_refused(client, document, settings):
    from thiqa.accounts.models import User

    settings.THIQA_PUBLIC_CATALOGUE = False
    client.force_login(User.objects.create_user("nobody@thiqa.example", "x" * 20))
    assert client.get("/library/").status_code == 403
    assert client.get("/api/v1/library/documents").status_code == 403


def test_an_empty_upload_is_explained(client, secretariat):
    client.force_login(secretariat)
    response = client.post("/library/ingest/", {})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
