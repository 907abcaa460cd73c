"""A national term's life (draft, submitted, withdrawn, with its history) and its bad input:
each refused with a clear, translated message, nothing half-written."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from thiqa.accounts.services import ServiceError
from thiqa.audit.models import AuditEvent
from thiqa.glossary import services
from thiqa.glossary.models import GlossaryTerm, TermVersion
from thiqa.glossary.services import InvalidTerm
from thiqa.glossary.tests.helpers import community, signed_in, submitted, term_draft
from thiqa.library.models import Document

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def world(db):
    return community()


def test_a_term_is_drafted_submitted_withdrawn_and_keeps_its_history(world):
    member = world["people"]["member"]
    term = services.create(member, world["a"], term_draft(items=["osce-cbm-9"]))
    assert term.status == "draft" and [i.code for i in term.items.all()] == ["osce-cbm-9"]
    services.submit(member, term)
    with pytest.raises(ServiceError, match="withdraw it before"):
        services.update(member, term, term_draft(definition="Changed."))
    services.withdraw(member, term)
    services.update(member, term, term_draft(definition="A better definition."))
    term.refresh_from_db()
    assert term.status == "draft" and term.definition == "A better definition."
    kinds = list(term.versions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["saved", "submitted", "withdrawn", "saved"]
    assert (
        TermVersion.objects.filter(term=term, kind="submitted")
        .get()
        .snapshot["definition"]
        .startswith("An event")
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"glossary.term_created", "glossary.term_submitted", "glossary.term_withdrawn"} <= actions


def test_only_a_draft_is_submitted_and_only_a_submission_withdrawn(world):
    member = world["people"]["member"]
    term = submitted(member, world["a"])
    with pytest.raises(ServiceError, match="Only a draft"):
        services.submit(member, term)
    services.withdraw(member, term)
    with pytest.raises(ServiceError, match="Only a submitted"):
        services.withdraw(member, term)


def test_bad_input_names_every_problem_and_writes_nothing(world):
    with pytest.raises(InvalidTerm) as caught:
        services.create(
            world["people"]["member"],
            world["a"],
            term_draft(
                term="",
                language="xx",
                definition="d" * 2001,
                source_kind="rumour",
                source_title="",
                source_url="ftp://example.org",
                dated="yesterday",
                items=["no-such-item"],
                audience="everyone",
                source_document="missing",
            ),
        )
    assert set(caught.value.errors) == {
        "term",
        "language",
        "definition",
        "source_kind",
        "source_title",
        "source_url",
        "dated",
        "items",
        "audience",
        "source_document",
    }
    assert "2001" in caught.value.errors["definition"][0]
    assert not GlossaryTerm.objects.exists()


def test_errors_are_translated(world):
    with translation.override("ar"), pytest.raises(InvalidTerm) as caught:
        services.create(world["people"]["member"], world["a"], term_draft(language="xx"))
    assert "ISO 639-1" in caught.value.errors["language"][0]
    assert "Unknown language" not in caught.value.errors["language"][0]


def test_a_duplicate_term_is_refused_whatever_its_case_and_spaces(world):
    member = world["people"]["member"]
    services.create(member, world["a"], term_draft(term="Cyber Incident"))
    with pytest.raises(InvalidTerm, match="already has the term"):
        services.create(member, world["a"], term_draft(term="  cyber   incident "))
    # Another language, another participant, or after a withdrawal: not a duplicate.
    services.create(member, world["a"], term_draft(term="cyber incident", language="fr"))
    services.create(world["people"]["chosen"], world["b"], term_draft(term="cyber incident"))
    assert GlossaryTerm.objects.count() == 3


def test_chosen_audience_needs_participants(world):
    with pytest.raises(InvalidTerm, match="Choose the participants"):
        services.create(world["people"]["member"], world["a"], term_draft(audience="chosen"))


def test_an_uploaded_source_joins_the_library(world):
    upload = io.BytesIO(b"Article 1\n\nIn this law, a cyber incident is an event harming a system.\n")
    upload.name = "cyber-law.txt"
    term = services.create(world["people"]["member"], world["a"], term_draft(upload=upload))
    assert term.source_document is not None and term.source_document.file_name == "cyber-law.txt"


def test_a_document_the_library_refuses_leaves_nothing(world):
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n not a text")
    upload.name = "law.png"
    with pytest.raises(InvalidTerm) as caught:
        services.create(world["people"]["member"], world["a"], term_draft(upload=upload))
    assert "upload" in caught.value.errors
    assert not GlossaryTerm.objects.exists() and not Document.objects.exists()


def test_an_uploaded_document_needs_an_audience_the_library_may_show(world):
    upload = io.BytesIO(b"Article 1\n\nA text.\n")
    upload.name = "law.txt"
    with pytest.raises(InvalidTerm, match="joins the library"):
        services.create(
            world["people"]["member"], world["a"], term_draft(upload=upload, audience="secretariat")
        )
    assert not Document.objects.exists()


def test_an_observer_cannot_change_a_term(world):
    term = services.create(world["people"]["member"], world["a"], term_draft())
    with pytest.raises(PermissionDenied):
        services.submit(world["people"]["observer"], term)


def test_the_form_shows_service_errors_beside_their_fields(world):
    client = signed_in(world["people"]["member"])
    page = client.post(
        "/glossary/terms/new/",
        {
            "participant": world["a"].pk,
            "term": "incident",
            "language": "en",
            "definition": "x" * 2001,
            "source_kind": "law",
            "source_title": "Act",
            "dated": "2020-01-01",
            "audience": "community",
        },
    )
    assert page.status_code == 200
    assert "too long" in page.content.decode()
    assert not GlossaryTerm.objects.exists()


def test_the_pages_draft_and_submit_a_term(world):
    client = signed_in(world["people"]["member"])
    page = client.post(
        "/glossary/terms/new/",
        {
            "participant": world["a"].pk,
            "term": "incident",
            "language": "en",
            "definition": "An event harming a system.",
            "source_kind": "law",
            "source_title": "Act 1",
            "dated": "2020-01-01",
            "audience": "public",
        },
    )
    term = GlossaryTerm.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/glossary/terms/{term.pk}/"
    client.post(f"/glossary/terms/{term.pk}/submit/")
    term.refresh_from_db()
    assert term.status == "submitted" and term.is_public
