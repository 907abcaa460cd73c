"""Posting, editing and closing needs and offers: one validation naming every problem in
translated words, nothing half-written, the policy deciding who posts for whom, audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from conftest import make_user
from thiqa.accounts import policy
from thiqa.accounts.services import ServiceError
from thiqa.audit.models import AuditEvent
from thiqa.capacity import services
from thiqa.capacity.models import Need, Offer, Posting
from thiqa.capacity.tests.helpers import draft, writer

pytestmark = pytest.mark.usefixtures("catalogue")


def test_a_member_posts_a_need_for_its_participant_and_it_is_audited(member, participant):
    need = services.post_need(member, participant, draft(pillars=["technical", "organizational"]))
    assert need.participant == participant and need.posted_by == member and need.status == Posting.Status.OPEN
    assert need.pillars == ["technical", "organizational"]  # the catalogue's order
    assert [i.code for i in need.items.all()] == ["un-gge-2013-32b"]
    assert " cert " in need.search_terms
    event = AuditEvent.objects.get(action="capacity.need_posted")
    assert event.target_id == str(need.pk) and event.data["items"] == ["un-gge-2013-32b"]
    assert event.data["participant"] == "EG" and "description" not in event.data


def test_a_focal_point_posts_an_offer(focal_point, participant):
    offer = services.post_offer(focal_point, participant, draft(regions=["worldwide"], languages=["fr"]))
    assert Offer.objects.get() == offer and offer.regions == ["worldwide"]


def test_every_problem_is_named_and_nothing_is_written(member, participant):
    bad = draft(
        title="x",
        description=" ",
        pillars=["technical", "diplomacy"],
        items=["un-gge-2013-32b", "un-gge-2013-99z"],
        regions=["atlantis"],
        languages=["xx", "ar"],
        kinds=[],
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.post_need(member, participant, bad)
    errors = caught.value.errors
    assert errors["title"] == ["Give a title of 3 to 200 characters."]
    assert errors["description"] == ["Describe it in at most 10000 characters."]
    assert errors["pillars"][0].startswith("Unknown GCA pillars: diplomacy. Choose from: legal, technical")
    assert errors["items"] == ["Unknown catalogue items: un-gge-2013-99z."]
    assert errors["regions"][0].startswith("Unknown regions: atlantis.")
    assert errors["languages"][0].startswith(
        "Unknown languages: xx. Use ISO 639-1 codes from this list: ar, en"
    )
    assert errors["kinds"] == ["Choose at least one kind of support."]
    assert errors["valid_until"] == ["The end date cannot be in the past."]
    assert (
        not Need.objects.exists() and not AuditEvent.objects.filter(action__startswith="capacity.").exists()
    )


def test_missing_choices_are_asked_for(member, participant):
    with pytest.raises(services.InvalidCapacityInput) as caught:
        services.post_offer(member, participant, draft(pillars=[], regions=[], languages=[]))
    assert caught.value.errors == {
        "pillars": ["Choose at least one GCA pillar."],
        "regions": ["Choose at least one region."],
        "languages": ["Choose at least one language."],
    }


def test_errors_are_translated(member, participant):
    with translation.override("ar"), pytest.raises(services.InvalidCapacityInput) as caught:
        services.post_need(member, participant, draft(languages=["xx"]))
    assert "xx" in caught.value.errors["languages"][0]


def test_observers_and_outsiders_cannot_post(observer, other_participant, participant):
    outsider = make_user("nobody@example.org", None, None)
    for person, who in ((observer, other_participant), (outsider, participant)):
        with pytest.raises(PermissionDenied):
            services.post_need(person, who, draft())
        with pytest.raises(PermissionDenied):
            services.post_offer(person, who, draft())
        assert not policy.can(person, "capacity.post")
    assert not Need.objects.exists() and not Offer.objects.exists()


def test_a_participant_cannot_post_for_another(member, other_participant, secretariat):
    with pytest.raises(PermissionDenied):
        services.post_need(member, other_participant, draft())
    with pytest.raises(PermissionDenied):  # the secretariat writes for its own participant only
        services.post_offer(secretariat, other_participant, draft())


def test_edit_replaces_the_content_and_only_the_owner_edits(member, participant, other_participant):
    need = services.post_need(member, participant, draft())
    with pytest.raises(PermissionDenied):
        services.update_posting(writer(other_participant), need, draft(title="Taken over"))
    services.update_posting(member, need, draft(title="Sector CERTs", items=["gca-guideline-4-8a"]))
    need.refresh_from_db()
    assert need.title == "Sector CERTs" and [i.code for i in need.items.all()] == ["gca-guideline-4-8a"]
    with pytest.raises(services.InvalidCapacityInput):
        services.update_posting(member, need, draft(items=["nope"]))
    need.refresh_from_db()
    assert need.title == "Sector CERTs" and [i.code for i in need.items.all()] == ["gca-guideline-4-8a"]
    assert AuditEvent.objects.filter(action="capacity.need_updated").count() == 1


def test_closing_once_by_the_owner_or_the_secretariat(member, participant, other_participant, secretariat):
    offer = services.post_offer(member, participant, draft())
    with pytest.raises(PermissionDenied):
        services.close_posting(writer(other_participant), offer)
    services.close_posting(secretariat, offer)
    assert offer.status == Posting.Status.CLOSED and offer.closed_at is not None
    with pytest.raises(ServiceError, match="already closed"):
        services.close_posting(member, offer)
    assert AuditEvent.objects.filter(action="capacity.offer_closed").count() == 1
