"""Directory pages answer each role as the policy says, in both languages."""

import pytest
from django.utils import timezone

from conftest import make_contact
from thiqa.accounts.models import ParticipantGroup
from thiqa.directory.models import Contact, Nomination

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def group(participant, other_participant):
    group = ParticipantGroup.objects.create(
        code="osce", kind="regional", name_en="OSCE", name_ar="منظمة الأمن"
    )
    group.members.add(participant, other_participant)
    return group


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_secretariat_sees_every_directory_page(client, secretariat, participant, group, language):
    contact = make_contact(participant, "policy", name="سامي", secretariat_only=True)
    client.force_login(secretariat)
    client.cookies["thiqa-language"] = language
    for url in [
        "/directory/",
        "/directory/participants/EG/",
        "/directory/nominations/",
        "/directory/compliance/",
        "/directory/compliance/?group=osce",
        "/directory/participants/EG/nominate/",
        f"/directory/participants/EG/contacts/{contact.pk}/change/",
        "/directory/participants/EG/structures/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()
    assert "سامي" in client.get("/directory/participants/EG/").content.decode()


def test_the_compliance_page_shows_coverage_as_figures_and_a_chart(client, secretariat, participant, group):
    make_contact(participant, "policy")
    make_contact(participant, "technical")
    client.force_login(secretariat)
    page = client.get("/directory/compliance/?group=osce").content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "50.0%" in page  # Egypt complete, France not


def test_other_participants_do_not_see_secretariat_only_contacts(client, observer, participant):
    make_contact(participant, "policy", name="Public Person")
    make_contact(participant, "technical", name="Hidden Person", secretariat_only=True)
    client.force_login(observer)
    page = client.get("/directory/participants/EG/").content.decode()
    assert "Public Person" in page and "Hidden Person" not in page
    assert "Nominate a contact" not in page


def test_people_outside_the_community_are_refused(client, participant):
    from conftest import make_user

    client.force_login(make_user("nobody@example.org", None, None))
    assert client.get("/directory/").status_code == 403
    assert client.get("/directory/participants/EG/").status_code == 403


def test_members_cannot_nominate_or_review(client, member, participant):
    client.force_login(member)
    assert client.get("/directory/participants/EG/nominate/").status_code == 403
    assert client.get("/directory/nominations/").status_code == 403
    assert client.get("/directory/compliance/").status_code == 403


def test_a_focal_point_nominates_through_the_page(client, focal_point, participant):
    client.force_login(focal_point)
    response = client.post(
        "/directory/participants/EG/nominate/",
        {
            "contact-role": "technical",
            "contact-name": "Amal Hassan",
            "contact-emails": "duty@egcert.example.org",
            "contact-time_zone": "Africa/Cairo",
            "contact-availability": "24x7",
            "nomination-effective_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.status == "pending" and nomination.data["emails"] == ["duty@egcert.example.org"]
    assert not Contact.objects.exists()


def test_bad_input_on_the_page_is_explained_and_nothing_is_written(client, focal_point, participant):
    client.force_login(focal_point)
    client.cookies["thiqa-language"] = "en"
    response = client.post(
        "/directory/participants/EG/nominate/",
        {
            "contact-role": "technical",
            "contact-name": "X",
            "contact-emails": "not-an-address",
            "contact-time_zone": "UTC",
            "contact-availability": "24x7",
            "contact-pgp_key": "garbage",
            "nomination-effective_on": "2001-01-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "not a valid e-mail address" in page and "ASCII armor" in page and "within a year" in page
    assert not Nomination.objects.exists()


def test_the_secretariat_publishes_from_the_review_page(client, focal_point, secretariat, participant):
    from thiqa.directory import services
    from thiqa.directory.tests.test_nominations import details

    nomination = services.propose(
        focal_point, participant, action="add", data=details(participant), effective_on=timezone.localdate()
    )
    client.force_login(secretariat)
    assert "Amal Hassan" in client.get(f"/directory/nominations/{nomination.pk}/").content.decode()
    client.post(f"/directory/nominations/{nomination.pk}/", {"decision": "publish"})
    assert Contact.objects.published().get().name == "Amal Hassan"


def test_pages_list_pending_and_decided_nominations(client, focal_point, secretariat, participant):
    from thiqa.directory import services
    from thiqa.directory.tests.test_nominations import details

    contact = make_contact(participant, "policy", name="Current Person")
    services.propose(
        focal_point, participant, action="add", data=details(participant), effective_on=timezone.localdate()
    )
    removal = services.propose(
        focal_point, participant, action="remove", contact=contact, effective_on=timezone.localdate()
    )
    services.return_nomination(secretariat, removal, "Keep this one until the new one starts.")
    for user, urls in (
        (focal_point, ["/directory/participants/EG/"]),
        (secretariat, ["/directory/participants/EG/", "/directory/nominations/"]),
    ):
        client.force_login(user)
        for url in urls:
            page = client.get(url).content.decode()
            assert "Amal Hassan" in page and "Current Person" in page, url


def test_structures_are_added_edited_and_retired(client, focal_point, participant, other_participant):
    from thiqa.directory.forms import ContactForm
    from thiqa.directory.models import Structure

    client.force_login(focal_point)
    client.post(
        "/directory/participants/EG/structures/",
        {"kind": "cert", "name_en": "EG-CERT", "name_ar": "", "website": "egcert.eg", "is_active": "on"},
    )
    structure = Structure.objects.get()
    assert structure.website == "https://egcert.eg" and structure.is_active
    assert (
        "EG-CERT"
        in client.get(f"/directory/participants/EG/structures/?edit={structure.pk}").content.decode()
    )
    client.post(
        f"/directory/participants/EG/structures/?edit={structure.pk}",
        {"kind": "cert", "name_en": "EG-CERT", "name_ar": "", "website": ""},
    )
    structure.refresh_from_db()
    assert not structure.is_active and Structure.objects.count() == 1
    assert structure not in ContactForm(participant=participant).fields["structure"].queryset
    foreign = Structure.objects.create(participant=other_participant, kind="cert", name_en="CERT-FR")
    assert client.get(f"/directory/participants/EG/structures/?edit={foreign.pk}").status_code == 404
