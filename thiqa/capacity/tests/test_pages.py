"""The capacity pages in English and Arabic: lists with filters, posting with the errors
beside the fields, a need with its ranked offers and the reasons, asking to engage and
answering, the home page's to-do, and who may see what."""

import pytest

from conftest import make_user
from thiqa.capacity import services
from thiqa.capacity.models import Engagement, Need
from thiqa.capacity.tests.helpers import draft, signed_in, writer

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def pair(member, participant, other_participant):
    need = services.post_need(member, participant, draft(title="Sector CERTs"))
    offer = services.post_offer(writer(other_participant), other_participant, draft(title="CERT mentoring"))
    return need, offer


def test_the_lists_filter_and_link_in_english_and_arabic(member, pair):
    need, _offer = pair
    html = signed_in(member).get("/capacity/").content.decode()
    assert f'href="/capacity/needs/{need.pk}/"' in html and "Post a need" in html
    assert "Organizational structures" in html and "Arab States" in html
    assert "Sector CERTs" not in signed_in(member).get("/capacity/?pillar=legal").content.decode()
    offers = signed_in(member, "ar").get("/capacity/offers/").content.decode()
    assert '<html lang="ar" dir="rtl">' in offers and "CERT mentoring" in offers
    assert "الدول العربية" in offers


def test_posting_shows_errors_beside_the_fields_then_posts(member, participant):
    client = signed_in(member)
    assert client.get("/capacity/needs/new/").status_code == 200
    form = {
        "participant": participant.pk,
        "title": "Forensics training",
        "description": "Hands-on training.",
        "pillars": ["technical"],
        "kinds": ["training"],
        "regions": ["africa"],
        "languages": ["en"],
        "valid_until": "2001-01-01",
    }
    bad = client.post("/capacity/needs/new/", form)
    assert bad.status_code == 400 and "The end date cannot be in the past." in bad.content.decode()
    assert not Need.objects.exists()
    done = client.post("/capacity/needs/new/", {**form, "valid_until": "", "items": ["un-gge-2013-32d"]})
    need = Need.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/capacity/needs/{need.pk}/"
    assert [i.code for i in need.items.all()] == ["un-gge-2013-32d"]


def test_a_need_shows_its_matches_with_reasons_and_the_other_side_engages(member, pair, other_participant):
    need, offer = pair
    html = signed_in(member).get(f"/capacity/needs/{need.pk}/").content.decode()
    assert f'id="match-{offer.pk}"' in html and "Matches because: both name A/68/98 32(b)" in html
    assert "Ranked by score: 30 points per catalogue item both name, 10 per related item" in html
    assert "+30" in html and f'action="/capacity/needs/{need.pk}/offers/{offer.pk}/engage/"' in html
    france = writer(other_participant)
    reply = signed_in(france).post(
        f"/capacity/needs/{need.pk}/offers/{offer.pk}/engage/",
        {"message": "We can mentor you.", "from": "offer"},
    )
    engagement = Engagement.objects.get()
    assert reply["Location"] == f"/capacity/engagements/{engagement.pk}/" and engagement.side == "offer"
    again = signed_in(member).get(f"/capacity/needs/{need.pk}/").content.decode()
    assert f'href="/capacity/engagements/{engagement.pk}/"' in again and "engage/" not in again


def test_the_asked_side_sees_a_to_do_and_answers_on_the_page(member, focal_point, pair, other_participant):
    need, offer = pair
    engagement = services.request_engagement(writer(other_participant), need, offer, "We can mentor you.")
    home = signed_in(focal_point).get("/").content.decode()
    assert "1 request to engage on capacity building waits for your answer." in home
    page = signed_in(member).get(f"/capacity/engagements/{engagement.pk}/").content.decode()
    assert 'value="accept"' in page and 'value="decline"' in page and "We can mentor you." in page
    refused = signed_in(member).post(f"/capacity/engagements/{engagement.pk}/answer/", {"action": "decline"})
    assert refused.status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == "proposed"  # a reason is required to decline
    signed_in(member).post(
        f"/capacity/engagements/{engagement.pk}/answer/", {"action": "accept", "reason": "Welcome."}
    )
    engagement.refresh_from_db()
    assert engagement.status == "accepted" and engagement.reason == "Welcome."
    assert "waits for your answer" not in signed_in(focal_point).get("/").content.decode()
    listed = signed_in(member, "ar").get("/capacity/engagements/").content.decode()
    assert 'dir="rtl"' in listed and f"/capacity/engagements/{engagement.pk}/" in listed


def test_who_may_see_what(observer, pair, member):
    need, offer = pair
    watcher = signed_in(observer)
    assert watcher.get(f"/capacity/needs/{need.pk}/").status_code == 200
    assert "Post a need" not in watcher.get("/capacity/").content.decode()
    assert watcher.get("/capacity/needs/new/").status_code == 403
    assert watcher.get(f"/capacity/needs/{need.pk}/edit/").status_code == 403
    outsider = signed_in(make_user("nobody@example.org", None, None))
    assert outsider.get("/capacity/").status_code == 403
    engagement = services.request_engagement(member, need, offer, "Please.")
    kenyan = signed_in(make_user("ke@example.org", None, None))
    assert kenyan.get(f"/capacity/engagements/{engagement.pk}/").status_code == 403
    assert watcher.get(f"/capacity/engagements/{engagement.pk}/").status_code == 200  # France's observer


def test_the_owner_edits_and_closes(member, pair):
    need, _offer = pair
    client = signed_in(member)
    form = client.get(f"/capacity/needs/{need.pk}/edit/").content.decode()
    assert 'value="Sector CERTs"' in form and '<option value="un-gge-2013-32b" selected>' in form
    client.post(
        f"/capacity/needs/{need.pk}/edit/",
        {
            "title": "Sector CERTs for energy",
            "description": "Procedures.",
            "pillars": ["organizational"],
            "kinds": ["experts"],
            "regions": ["arab-states"],
            "languages": ["ar"],
        },
    )
    need.refresh_from_db()
    assert need.title == "Sector CERTs for energy" and list(need.items.all()) == []
    client.post(f"/capacity/needs/{need.pk}/close/")
    need.refresh_from_db()
    assert need.status == "closed"
