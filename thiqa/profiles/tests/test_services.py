"""Recording national documents and positions: what is stored, and bad input (duplicates,
unknown languages, texts past the limit, files the library refuses...) answered with a
clear, translated error, with nothing half-written."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from thiqa.audit.models import AuditEvent
from thiqa.library.models import Document, Passage
from thiqa.profiles import services
from thiqa.profiles.models import MAX_TEXT, NationalDocument, Position
from thiqa.profiles.tests.helpers import document_draft, position_draft, text_file

pytestmark = pytest.mark.usefixtures("catalogue")


def _errors(call, *args, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(services.InvalidProfileInput) as raised:
        call(*args, **kwargs)
    return raised.value.errors


def _nothing_written() -> None:
    assert not Document.objects.filter(owner__isnull=False).exists()
    assert not Passage.objects.exists()
    assert not NationalDocument.objects.exists() and not Position.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="profiles.").exists()


def test_a_national_document_enters_the_library_with_its_facts(focal_point, participant):
    national = services.add_document(
        focal_point, participant, text_file(), document_draft(items=["osce-cbm-7", "un-gge-2013-19"])
    )
    document = national.document
    assert (document.owner, document.kind, document.audience, document.language) == (
        participant,
        "strategy",
        "community",
        "en",
    )
    assert document.slug.startswith("eg-") and document.passages.count() == 2
    assert sorted(national.items.values_list("code", flat=True)) == ["osce-cbm-7", "un-gge-2013-19"]
    event = AuditEvent.objects.get(action="profiles.document_added")
    assert event.data["audience"] == "community" and event.data["participant"] == "EG"


def test_a_position_with_its_document_shares_the_audience(focal_point, participant, other_participant):
    draft = position_draft(audience="chosen", shared_with=["FR"], items=["un-gge-2015-13f"])
    position = services.record_position(focal_point, participant, draft, text_file("statement.txt"))
    assert position.document.kind == "position" and position.document.audience == "chosen"
    assert list(position.document.audience_participants.all()) == [other_participant]
    assert list(position.audience_participants.all()) == [other_participant]
    assert list(position.items.values_list("code", flat=True)) == ["un-gge-2015-13f"]


def test_a_threat_assessment_is_a_position_whose_document_says_so(focal_point, participant):
    draft = services.PositionDraft("threats", "Threats in 2026", "", position_draft().sharing)
    position = services.record_position(focal_point, participant, draft, text_file("threats.txt"))
    assert position.document.kind == "threat_assessment"


def test_the_same_position_twice_is_refused(focal_point, participant):
    services.record_position(focal_point, participant, position_draft())
    with translation.override("ar"):
        errors = _errors(services.record_position, focal_point, participant, position_draft())
    assert "سجّلت" in errors["title"][0]
    assert Position.objects.count() == 1


def test_the_same_file_twice_is_refused_and_nothing_else_is_written(focal_point, participant):
    services.add_document(focal_point, participant, text_file(), document_draft())
    errors = _errors(services.add_document, focal_point, participant, text_file(), document_draft())
    assert "already in the library" in errors["file"][0]
    assert (
        NationalDocument.objects.count() == 1
        and AuditEvent.objects.filter(action="profiles.document_added").count() == 1
    )


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"language": "xx"}, "language", "not a language"),
        ({"audience": "everybody"}, "audience", "Choose who may read it"),
        ({"audience": "chosen", "shared_with": []}, "shared_with", "Choose the participants"),
        ({"audience": "chosen", "shared_with": ["ZZ"]}, "shared_with", "ZZ"),
        ({"items": ["un-gge-2013-99"]}, "items", "un-gge-2013-99"),
        ({"issued_on": None}, "issued_on", "Give the date"),
        ({"issued_on": timezone.localdate() + timedelta(days=2)}, "issued_on", "future"),
    ],
)
def test_bad_sharing_is_refused_field_by_field(focal_point, participant, overrides, field, words):
    errors = _errors(
        services.add_document, focal_point, participant, text_file(), document_draft(**overrides)
    )
    assert words in " ".join(errors[field])
    _nothing_written()


def test_a_text_past_the_limit_is_refused(focal_point, participant):
    draft = position_draft(text="x" * (MAX_TEXT + 1))
    errors = _errors(services.record_position, focal_point, participant, draft)
    assert str(MAX_TEXT) in errors["text"][0]
    _nothing_written()


def test_a_position_needs_a_text_or_a_document(focal_point, participant):
    errors = _errors(services.record_position, focal_point, participant, position_draft(text=""))
    assert "attach its document" in errors["text"][0]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("strategy.exe", b"MZ\x90\x00", "only .txt"),
        ("strategy.txt", "نص".encode("cp1256"), "not UTF-8"),
        ("strategy.txt", b"   ", "empty"),
    ],
)
def test_a_file_the_library_refuses_is_refused_with_its_reason(
    focal_point, participant, name, content, words
):
    errors = _errors(
        services.add_document, focal_point, participant, ContentFile(content, name=name), document_draft()
    )
    assert words in errors["file"][0]
    _nothing_written()


def test_a_position_whose_document_is_refused_leaves_nothing(focal_point, participant):
    errors = _errors(
        services.record_position, focal_point, participant, position_draft(), text_file("statement.odt")
    )
    assert "only .txt" in errors["file"][0]
    _nothing_written()


def test_a_kind_that_is_not_a_national_document_is_refused(focal_point, participant):
    errors = _errors(
        services.add_document, focal_point, participant, text_file(), document_draft(kind="source")
    )
    assert "kind" in errors


def test_people_who_may_not_record_are_refused(member, participant):
    with pytest.raises(PermissionDenied):
        services.record_position(member, participant, position_draft())
    _nothing_written()
