"""Changing and withdrawing national documents and positions: only their participant's focal
point and the secretariat, through the policy, for every role; a change is audited with each
field's previous and new value; a withdrawal needs its reason, is audited, and hides the record
from everyone (profile, catalogue item, library, search); bad input gets translated errors and
writes nothing; pages and API."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_user
from thiqa.accounts import policy
from thiqa.accounts.services import create_token
from thiqa.audit.models import AuditEvent
from thiqa.catalogue.models import Item
from thiqa.library.models import Document, SearchEntry
from thiqa.profiles import services, standing
from thiqa.profiles.models import NationalDocument, Position
from thiqa.profiles.tests.helpers import bearer, document_draft, people, position_draft, signed_in, text_file

pytestmark = pytest.mark.usefixtures("catalogue")

WRITERS = {"secretariat", "focal_point"}
CHANGES = ["profiles.edit_document", "profiles.withdraw_document"]
POSITION_CHANGES = ["profiles.edit_position", "profiles.withdraw_position"]


@pytest.fixture
def everyone(participant, other_participant, secretariat):
    return people(participant, other_participant, secretariat)


@pytest.fixture
def national(everyone, participant) -> NationalDocument:
    return services.add_document(
        everyone.focal_point, participant, text_file(), document_draft(audience="public")
    )


@pytest.fixture
def position(everyone, participant) -> Position:
    return services.record_position(everyone.focal_point, participant, position_draft(audience="public"))


def _passages_indexed(document: Document) -> int:
    return SearchEntry.objects.filter(kind=SearchEntry.Kind.PASSAGE, document=document.slug).count()


def test_only_the_focal_point_and_the_secretariat_change_or_withdraw(everyone, national, position):
    for action in CHANGES:
        allowed = {n for n, u in everyone.all().items() if policy.can(u, action, national.document)}
        assert allowed == WRITERS, action
    for action in POSITION_CHANGES:
        allowed = {n for n, u in everyone.all().items() if policy.can(u, action, position)}
        assert allowed == WRITERS, action
    token, _secret = create_token(everyone.focal_point, name="read", scope="read", days=1)
    assert not policy.can(everyone.focal_point, "profiles.edit_position", position, token)


def test_a_focal_point_of_another_participant_changes_nothing(national, position, other_participant):
    french = make_user("focal@fr.example", other_participant, "focal_point", totp=True)
    assert not policy.can(french, "profiles.edit_position", position)
    assert not policy.can(french, "profiles.withdraw_document", national.document)


def test_a_change_is_audited_with_the_previous_and_new_values(everyone, position):
    draft = position_draft(title="On sovereignty, revised", audience="secretariat", items=["un-gge-2015-13f"])
    services.edit_position(everyone.secretariat, position, draft)
    position.refresh_from_db()
    assert position.title == "On sovereignty, revised" and position.audience == "secretariat"
    event = AuditEvent.objects.get(action="profiles.position_changed")
    assert event.actor == everyone.secretariat
    assert event.data["changes"]["title"] == ["On sovereignty in cyberspace", "On sovereignty, revised"]
    assert event.data["changes"]["audience"] == ["public", "secretariat"]
    assert event.data["changes"]["items"] == [["un-gge-2013-19"], ["un-gge-2015-13f"]]
    assert "text" not in event.data["changes"]
    assert not Position.objects.visible_to(everyone.other).exists()
    services.edit_position(everyone.secretariat, position, draft)  # nothing changed: nothing audited
    assert AuditEvent.objects.filter(action="profiles.position_changed").count() == 1


def test_a_document_made_private_leaves_the_shared_search(everyone, national):
    document = national.document
    assert _passages_indexed(document) > 0
    draft = services.DocumentDraft(
        "policy", "Cyber policy", "سياسة", document_draft(audience="community").sharing
    )
    services.edit_document(everyone.focal_point, national, draft)
    document.refresh_from_db()
    assert (document.kind, document.title_ar, document.audience) == ("policy", "سياسة", "community")
    assert _passages_indexed(document) == 0
    changes = AuditEvent.objects.get(action="profiles.document_changed").data["changes"]
    assert changes["kind"] == ["strategy", "policy"] and changes["audience"] == ["public", "community"]


def test_bad_input_writes_nothing(everyone, position, national):
    future = position_draft(title="", issued_on=date(2999, 1, 1), items=["no-such-item"])
    with pytest.raises(services.InvalidProfileInput) as raised:
        services.edit_position(everyone.focal_point, position, future)
    assert set(raised.value.errors) == {"title", "issued_on", "items"}
    with pytest.raises(services.InvalidProfileInput) as raised:
        services.edit_document(everyone.focal_point, national, document_draft(kind="position"))
    assert set(raised.value.errors) == {"kind"}
    with pytest.raises(services.InvalidProfileInput) as raised:
        services.withdraw_position(everyone.focal_point, position, "   ")
    assert set(raised.value.errors) == {"reason"}
    position.refresh_from_db()
    assert position.title == "On sovereignty in cyberspace" and position.withdrawn_at is None
    assert not AuditEvent.objects.filter(
        action__in=["profiles.position_changed", "profiles.document_changed"]
    ).exists()


def test_a_withdrawn_position_is_shown_to_nobody_and_audited(everyone, participant, position):
    catalogue_item = Item.objects.get(code="un-gge-2013-19")
    position = services.withdraw_position(everyone.focal_point, position, "Superseded by our 2026 statement.")
    event = AuditEvent.objects.get(action="profiles.position_withdrawn")
    assert event.data["reason"] == "Superseded by our 2026 statement." and event.actor == everyone.focal_point
    for name, user in everyone.all().items():
        assert not policy.can(user, "profiles.view_position", position), name
        assert not standing.profile(user, participant).positions, name
        assert standing.on_item(user, catalogue_item) == ([], []), name
    assert not policy.can(everyone.secretariat, "profiles.withdraw_position", Position.objects.get())
    with pytest.raises(PermissionDenied):
        services.withdraw_position(everyone.secretariat, Position.objects.get(), "again")
    # the same title may be recorded again once withdrawn
    services.record_position(everyone.focal_point, participant, position_draft(audience="public"))


def test_a_withdrawn_document_leaves_the_library_and_its_search(everyone, participant, national):
    document = national.document
    services.withdraw_document(everyone.secretariat, national, "Repealed by the 2026 law.")
    document.refresh_from_db()
    assert document.withdrawn_at is not None and document.withdrawal_reason == "Repealed by the 2026 law."
    assert _passages_indexed(document) == 0
    for name, user in everyone.all().items():
        assert not Document.objects.visible_to(user).filter(pk=document.pk).exists(), name
        assert not standing.profile(user, participant).documents, name
    assert signed_in(everyone.secretariat).get(f"/profiles/documents/{document.slug}/").status_code == 403
    assert signed_in(everyone.secretariat).get(f"/library/{document.slug}/").status_code in {403, 404}


def test_a_withdrawn_position_takes_its_document_with_it(everyone, participant):
    draft = position_draft(title="Threat assessment", text="", audience="public")
    draft.subject = "threats"
    position = services.record_position(everyone.focal_point, participant, draft, text_file("threats.txt"))
    assert _passages_indexed(position.document) > 0
    services.withdraw_position(everyone.focal_point, position, "Replaced.")
    position.document.refresh_from_db()
    assert position.document.withdrawn_at is not None and _passages_indexed(position.document) == 0


def test_the_pages_change_and_withdraw_with_errors_in_arabic(everyone, position):
    client = signed_in(everyone.focal_point, "ar")
    page = client.get(f"/profiles/positions/{position.pk}/").content.decode()
    assert (
        f"/profiles/positions/{position.pk}/edit/" in page
        and f"/profiles/positions/{position.pk}/withdraw/" in page
    )
    form = {
        "subject": "law",
        "title": "موقف معدَّل",
        "text": "ينطبق الميثاق.",
        "issued_on": "2025-06-01",
        "language": "ar",
        "audience": "community",
        "items": "un-gge-2013-19",
    }
    assert client.get(f"/profiles/positions/{position.pk}/edit/").status_code == 200
    done = client.post(f"/profiles/positions/{position.pk}/edit/", form)
    assert done.status_code == 302 and done["Location"] == f"/profiles/positions/{position.pk}/"
    assert Position.objects.get().title == "موقف معدَّل"
    empty = client.post(f"/profiles/positions/{position.pk}/withdraw/", {"reason": ""}).content.decode()
    assert "هذا الحقل مطلوب" in empty and Position.objects.get().withdrawn_at is None
    done = client.post(f"/profiles/positions/{position.pk}/withdraw/", {"reason": "حل محله موقف أحدث."})
    assert done.status_code == 302 and Position.objects.get().withdrawn_at is not None
    member = signed_in(everyone.member)
    assert member.get(f"/profiles/positions/{position.pk}/edit/").status_code == 403


def test_the_document_pages_are_for_those_who_record(everyone, national):
    slug = national.document.slug
    assert signed_in(everyone.member).get(f"/profiles/documents/{slug}/edit/").status_code == 403
    assert signed_in(everyone.member).get(f"/profiles/documents/{slug}/withdraw/").status_code == 403
    client = signed_in(everyone.focal_point)
    assert (
        f"/profiles/documents/{slug}/withdraw/" in client.get(f"/profiles/documents/{slug}/").content.decode()
    )
    form = {
        "kind": "legislation",
        "title_en": "Renamed law",
        "issued_on": "2024-01-10",
        "language": "en",
        "audience": "public",
        "items": "osce-cbm-7",
    }
    assert client.post(f"/profiles/documents/{slug}/edit/", form).status_code == 302
    assert Document.objects.get(slug=slug).title_en == "Renamed law"
    assert client.post(f"/profiles/documents/{slug}/withdraw/", {"reason": "Repealed."}).status_code == 302
    assert Document.objects.get(slug=slug).withdrawn_at is not None


def test_the_api_changes_and_withdraws(everyone, position, national):
    body = {
        "subject": "norms",
        "title": "Revised",
        "text": "We refrain from harming critical infrastructure.",
        "issued_on": "2025-09-01",
        "language": "en",
        "audience": "community",
        "items": ["un-gge-2015-13f"],
    }
    url = f"/api/v1/profiles/positions/{position.pk}"
    assert bearer(everyone.member).put(url, body, content_type="application/json").status_code == 403
    assert (
        bearer(everyone.focal_point, "read").put(url, body, content_type="application/json").status_code
        == 403
    )
    bad = bearer(everyone.focal_point).put(url, {**body, "language": "xx"}, content_type="application/json")
    assert bad.status_code == 422 and ["language"] in [e["loc"] for e in bad.json()["errors"]]
    done = bearer(everyone.focal_point).put(url, body, content_type="application/json")
    assert done.status_code == 200 and done.json()["title"] == "Revised"
    empty = bearer(everyone.focal_point).post(
        f"{url}/withdraw", {"reason": ""}, content_type="application/json"
    )
    assert empty.status_code == 422 and ["reason"] in [e["loc"] for e in empty.json()["errors"]]
    gone = bearer(everyone.focal_point).post(
        f"{url}/withdraw", {"reason": "Old."}, content_type="application/json"
    )
    assert gone.status_code == 204
    doc = f"/api/v1/profiles/documents/{national.document.slug}"
    changed = {
        "kind": "policy",
        "title_en": "Policy",
        "issued_on": "2025-01-01",
        "language": "en",
        "audience": "public",
    }
    assert (
        bearer(everyone.secretariat).put(doc, changed, content_type="application/json").json()["kind"]
        == "policy"
    )
    assert (
        bearer(everyone.secretariat)
        .post(f"{doc}/withdraw", {"reason": "Repealed."}, content_type="application/json")
        .status_code
        == 204
    )
    assert bearer(everyone.secretariat).get(doc).status_code == 403
