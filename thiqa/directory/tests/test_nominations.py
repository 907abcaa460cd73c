"""The nomination workflow: a focal point proposes, the secretariat publishes or returns."""

from datetime import timedelta

import pysequoia
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import make_contact
from thiqa.accounts.services import ServiceError
from thiqa.audit.models import AuditEvent
from thiqa.directory import services
from thiqa.directory.forms import ContactForm
from thiqa.directory.models import Contact, Nomination
from thiqa.mail.models import OutboundMessage

pytestmark = pytest.mark.usefixtures("catalogue")


def details(participant, **overrides) -> dict:
    data = {
        "role": "technical",
        "name": "Amal Hassan",
        "position": "Head of incident response",
        "emails": "duty@egcert.example.org, amal@egcert.example.org",
        "phones": "+20 2 1234 5678",
        "languages": "ar, en",
        "time_zone": "Africa/Cairo",
        "availability": "24x7",
        **overrides,
    }
    form = ContactForm(data, participant=participant)
    assert form.is_valid(), form.errors
    return form.cleaned_contact()


def test_a_focal_point_proposal_waits_for_the_secretariat(focal_point, secretariat, participant):
    nomination = services.propose(
        focal_point, participant, action="add", data=details(participant), effective_on=timezone.localdate()
    )
    assert nomination.status == Nomination.Status.PENDING
    assert not Contact.objects.published().exists()

    contact = services.publish(secretariat, nomination)

    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PUBLISHED and nomination.decided_by == secretariat
    assert contact.emails == ["duty@egcert.example.org", "amal@egcert.example.org"]
    assert contact.languages == ["ar", "en"]
    assert contact.confirmed_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="directory.published").count() == 1
    told = OutboundMessage.objects.get(purpose="directory.decision")
    assert told.recipients == [focal_point.email]


def test_a_returned_proposal_needs_a_reason_and_publishes_nothing(focal_point, secretariat, participant):
    nomination = services.propose(
        focal_point, participant, action="add", data=details(participant), effective_on=timezone.localdate()
    )
    with pytest.raises(ServiceError, match="why"):
        services.return_nomination(secretariat, nomination, "  ")
    services.return_nomination(secretariat, nomination, "Use the CERT's functional mailbox.")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.RETURNED
    assert nomination.reason == "Use the CERT's functional mailbox."
    assert not Contact.objects.exists()
    with pytest.raises(ServiceError, match="already decided"):
        services.publish(secretariat, nomination)


def test_change_and_removal_keep_the_history(focal_point, secretariat, participant):
    contact = make_contact(
        participant, "policy", name="Old name", confirmed_on=timezone.localdate() - timedelta(days=200)
    )
    change = services.propose(
        focal_point,
        participant,
        action="change",
        contact=contact,
        data=details(
            participant, role="policy", name="New name", availability="office_hours", office_hours="9-17"
        ),
        effective_on=timezone.localdate(),
    )
    with pytest.raises(ServiceError, match="already waiting"):
        services.propose(
            focal_point, participant, action="remove", contact=contact, effective_on=timezone.localdate()
        )
    services.publish(secretariat, change)
    contact.refresh_from_db()
    assert contact.name == "New name" and contact.confirmed_on == timezone.localdate()

    removal = services.propose(
        focal_point, participant, action="remove", contact=contact, effective_on=timezone.localdate()
    )
    services.publish(secretariat, removal)
    contact.refresh_from_db()
    assert contact.removed_at is not None
    assert not Contact.objects.published().exists()
    assert list(contact.nominations.values_list("action", flat=True)) == ["remove", "change"]


def test_a_change_notified_after_the_cbm8_period_is_flagged_late(focal_point, participant):
    limit = services.change_notice_days()
    assert limit == 30  # read from the catalogue's CBM 8 parameters
    on_time = services.propose(
        focal_point,
        participant,
        action="add",
        data=details(participant),
        effective_on=timezone.localdate() - timedelta(days=limit),
    )
    late = services.propose(
        focal_point,
        participant,
        action="add",
        data=details(participant, name="Other"),
        effective_on=timezone.localdate() - timedelta(days=limit + 1),
    )
    assert not on_time.is_late and late.is_late


def test_the_rules_follow_the_catalogue_parameters(focal_point, participant):
    from thiqa.catalogue.models import Item

    item = Item.objects.get(code="osce-cbm-8")
    item.parameters = {**item.parameters, "change_notice_days": 10, "reconfirm_months": 6}
    item.save()
    late = services.propose(
        focal_point,
        participant,
        action="add",
        data=details(participant),
        effective_on=timezone.localdate() - timedelta(days=11),
    )
    assert late.is_late
    contact = make_contact(participant, confirmed_on=timezone.localdate() - timedelta(days=190))
    assert services.participant_due_on(contact.participant) < timezone.localdate()


def test_nobody_nominates_for_another_participant(focal_point, member, other_participant, participant):
    with pytest.raises(PermissionDenied, match="not allowed"):
        services.propose(
            focal_point,
            other_participant,
            action="add",
            data=details(other_participant),
            effective_on=timezone.localdate(),
        )
    with pytest.raises(PermissionDenied, match="not allowed"):
        services.propose(
            member, participant, action="add", data=details(participant), effective_on=timezone.localdate()
        )
    assert not Nomination.objects.exists()


def test_only_the_secretariat_publishes(focal_point, participant):
    nomination = services.propose(
        focal_point, participant, action="add", data=details(participant), effective_on=timezone.localdate()
    )
    with pytest.raises(PermissionDenied, match="not allowed"):
        services.publish(focal_point, nomination)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING


def test_a_contact_of_another_participant_cannot_be_changed(focal_point, participant, other_participant):
    foreign = make_contact(other_participant)
    with pytest.raises(ServiceError, match="not a current contact"):
        services.propose(
            focal_point, participant, action="remove", contact=foreign, effective_on=timezone.localdate()
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("emails", "not-an-address", "not a valid e-mail address"),
        ("emails", "", "This field is required"),
        ("phones", "0123", "international format"),
        ("languages", "xx-klingon", "Unknown language code"),
        ("time_zone", "Mars/Olympus", "Select a valid choice"),
        ("pgp_key", "-----BEGIN PGP PRIVATE KEY BLOCK-----", "secret"),
        ("pgp_key", "garbage", "ASCII armor"),
    ],
)
def test_bad_contact_details_are_explained(participant, field, value, message):
    data = {
        "role": "technical",
        "name": "X",
        "emails": "x@example.org",
        "time_zone": "UTC",
        "availability": "24x7",
    }
    form = ContactForm({**data, field: value}, participant=participant)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_office_hours_are_needed_unless_available_around_the_clock(participant):
    data = {
        "role": "policy",
        "name": "X",
        "emails": "x@example.org",
        "time_zone": "UTC",
        "availability": "office_hours",
    }
    form = ContactForm(data, participant=participant)
    assert not form.is_valid() and "office_hours" in form.errors


def test_a_valid_key_is_stored_with_fingerprint_and_expiry(focal_point, secretariat, participant):
    secret = pysequoia.Tsk.generate("CERT <duty@egcert.example.org>", validity_seconds=86400 * 365)
    cert = secret.extract_certificate()
    nomination = services.propose(
        focal_point,
        participant,
        action="add",
        data=details(participant, pgp_key=str(cert)),
        effective_on=timezone.localdate(),
    )
    contact = services.publish(secretariat, nomination)
    assert contact.pgp_fingerprint == cert.fingerprint.upper()
    assert contact.pgp_expires_at is not None and contact.pgp_expires_at > timezone.now()
    assert "PUBLIC KEY BLOCK" in contact.pgp_key
