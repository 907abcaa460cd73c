"""The profile pages: what each visitor sees (the public profile, coverage figures that never
reveal a hidden contact), three profiles compared, the positions on a catalogue item linked
from the item's page, and the forms that record documents and positions."""

import random
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_contact, make_user
from thiqa.capacity.models import CirtStatus
from thiqa.library.models import Document
from thiqa.profiles import services
from thiqa.profiles.models import Position
from thiqa.profiles.tests.helpers import document_draft, position_draft, signed_in, state, text_file
from thiqa.reporting import services as reporting
from thiqa.reporting.models import Cycle
from thiqa.reporting.sample import fill_cycle

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def shared(focal_point, participant):
    """Egypt's positions and documents, one per audience that matters here."""
    for audience in ("public", "community", "secretariat"):
        services.record_position(
            focal_point, participant, position_draft(title=f"Position {audience}", audience=audience)
        )
        services.add_document(
            focal_point,
            participant,
            text_file(f"{audience}.txt", f"1. The strategy for the {audience} audience.\n"),
            services.DocumentDraft(
                "strategy", f"Strategy {audience}", "", document_draft(audience=audience).sharing
            ),
        )


def gca_cycle(secretariat, audience: str, codes: set[str]) -> Cycle:
    today = timezone.localdate()
    cycle = reporting.open_cycle(
        secretariat,
        instrument="gca-self-assessment",
        title="GCA 2026",
        period="2026",
        opens_on=today - timedelta(days=1),
        due_on=today + timedelta(days=30),
    )
    others = set(cycle.scope().values_list("code", flat=True)) - codes
    fill_cycle(cycle, secretariat, random.Random(7), audience=audience, skip=others)
    return cycle


def test_the_public_profile_holds_only_what_was_made_public(shared, participant, secretariat):
    gca_cycle(secretariat, "public", {"EG"})
    CirtStatus.objects.create(participant=participant, status="established")
    page = Client().get("/profiles/EG/").content.decode()
    assert "Position public" in page and "Strategy public" in page and "GCA 2026" in page
    assert "Position community" not in page and "Strategy community" not in page
    assert "Position secretariat" not in page and "Strategy secretariat" not in page
    assert "Directory coverage" not in page and "National CIRT" not in page


def test_a_signed_in_participant_sees_its_audiences_and_the_community_parts(
    shared, participant, other_participant
):
    CirtStatus.objects.create(participant=participant, status="established")
    french = make_user("member@fr.example", other_participant, "member")
    page = signed_in(french).get("/profiles/EG/").content.decode()
    assert "Position community" in page and "Strategy community" in page
    assert "Position secretariat" not in page
    assert "National CIRT" in page and "Established" in page


def test_coverage_figures_never_reveal_a_hidden_contact(participant, other_participant, member):
    make_contact(participant, "policy", name="Visible Policy Officer")
    make_contact(participant, "technical", name="Hidden Technical Officer", secretariat_only=True)
    french = make_user("member@fr.example", other_participant, "member")

    outside = signed_in(french).get("/profiles/EG/").context["profile"].coverage
    assert (outside.contacts, outside.by_role["technical"], outside.complete) == (1, 0, False)
    inside = signed_in(member).get("/profiles/EG/").context["profile"].coverage
    assert (inside.contacts, inside.by_role["technical"], inside.complete) == (2, 1, True)
    for viewer in (french, member):
        page = signed_in(viewer).get("/profiles/EG/").content.decode()
        assert "Officer" not in page  # figures only, never the contacts themselves


def test_three_profiles_compared_with_their_scores(secretariat, participant, other_participant):
    state("KE", "Kenya", "كينيا")
    gca_cycle(secretariat, "public", {"EG", "FR", "KE"})
    client = signed_in(secretariat)
    page = client.get("/profiles/compare/", {"p": ["EG", "FR", "KE"]})
    assert [p.participant.code for p in page.context["profiles"]] == ["EG", "FR", "KE"]
    body = page.content.decode()
    assert "chart-radar" in body and "Tier" in body
    too_many = client.get("/profiles/compare/", {"p": ["EG", "FR", "KE", "ZZ"]}, follow=True)
    assert len(too_many.context["profiles"]) == 3 and "at most 3" in too_many.content.decode()


def test_a_catalogue_item_links_to_the_positions_recorded_on_it(focal_point, participant, other_participant):
    services.record_position(focal_point, participant, position_draft(items=["un-gge-2013-19"]))
    services.record_position(
        focal_point, participant, position_draft(title="Kept to the secretariat", audience="secretariat")
    )
    french = make_user("member@fr.example", other_participant, "member")
    item_page = signed_in(french).get("/catalogue/items/un-gge-2013-19/").content.decode()
    assert "/profiles/items/un-gge-2013-19/" in item_page and "National positions (1)" in item_page
    listed = signed_in(french).get("/profiles/items/un-gge-2013-19/").content.decode()
    assert "On sovereignty in cyberspace" in listed and "Kept to the secretariat" not in listed
    quiet = signed_in(french).get("/catalogue/items/un-gge-2013-20/").content.decode()
    assert "/profiles/items/" not in quiet


def test_a_participant_page_links_to_its_profile(member, participant):
    assert "/profiles/EG/" in signed_in(member).get("/participants/EG/").content.decode()


def test_a_national_document_page_is_for_its_audience_only(shared, other_participant):
    french = make_user("member@fr.example", other_participant, "member")
    kept = Document.objects.get(title_en="Strategy secretariat")
    public = Document.objects.get(title_en="Strategy public")
    assert signed_in(french).get(f"/profiles/documents/{kept.slug}/").status_code == 403
    assert signed_in(french).get(f"/library/{kept.slug}/").status_code == 403
    assert Client().get(f"/profiles/documents/{public.slug}/").status_code == 200


def test_the_focal_point_records_a_position_and_reads_errors_in_arabic(focal_point, participant):
    client = signed_in(focal_point, "ar")
    form = {
        "subject": "law",
        "title": "موقفنا من القانون الدولي",
        "text": "ينطبق ميثاق الأمم المتحدة.",
        "issued_on": "2025-05-01",
        "language": "ar",
        "audience": "public",
        "items": "un-gge-2013-19, un-gge-2013-20",
    }
    done = client.post("/profiles/EG/positions/new/", form)
    position = Position.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/profiles/positions/{position.pk}/"
    again = client.post("/profiles/EG/positions/new/", form).content.decode()
    assert "سجّلت" in again and Position.objects.count() == 1
    unknown = client.post("/profiles/EG/positions/new/", {**form, "title": "آخر", "items": "no-such-item"})
    assert "ليس في الفهرس" in unknown.content.decode()


def test_the_focal_point_uploads_a_national_document(focal_point, participant):
    client = signed_in(focal_point)
    form = {
        "kind": "legislation",
        "title_en": "Cybercrime law",
        "issued_on": "2024-01-10",
        "language": "en",
        "audience": "community",
        "items": "osce-cbm-7",
        "file": text_file("law.txt"),
    }
    done = client.post("/profiles/EG/documents/new/", form)
    assert done.status_code == 302 and done["Location"] == "/profiles/EG/"
    page = client.get("/profiles/EG/").content.decode()
    assert "Cybercrime law" in page and "Legislation" in page


def test_people_who_do_not_record_cannot_open_the_forms(member, participant):
    assert signed_in(member).get("/profiles/EG/positions/new/").status_code == 403
    assert signed_in(member).get("/profiles/EG/documents/new/").status_code == 403
