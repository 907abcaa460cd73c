"""CBM 8 currency: re-confirmation dates, reminders once per due date, compliance figures."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import make_contact, make_user
from thiqa.directory import services
from thiqa.directory.models import Contact, Reminder, due_on
from thiqa.mail.models import OutboundMessage

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.mark.parametrize(
    ("confirmed", "months", "due"),
    [
        (date(2025, 3, 15), 12, date(2026, 3, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 12, 1), 1, date(2026, 1, 1)),
    ],
)
def test_due_dates_add_calendar_months(confirmed, months, due):
    assert due_on(confirmed, months) == due


def test_the_oldest_confirmation_sets_the_due_date(participant):
    today = timezone.localdate()
    make_contact(participant, "policy", confirmed_on=today - timedelta(days=10))
    make_contact(participant, "technical", confirmed_on=today - timedelta(days=100))
    assert services.participant_due_on(participant) == due_on(today - timedelta(days=100), 12)


def test_confirming_renews_every_contact(focal_point, participant):
    old = timezone.localdate() - timedelta(days=400)
    make_contact(participant, "policy", confirmed_on=old)
    make_contact(participant, "technical", confirmed_on=old)
    assert services.confirm_current(focal_point, participant) == 2
    assert set(Contact.objects.values_list("confirmed_on", flat=True)) == {timezone.localdate()}


def test_reminders_go_once_before_the_due_date_and_once_when_overdue(
    focal_point, participant, other_participant
):
    today = timezone.localdate()
    confirmed = today - timedelta(days=365 - 10)  # due in about ten days
    make_contact(participant, "policy", confirmed_on=confirmed)
    make_contact(other_participant, "policy", confirmed_on=today)  # not due for a year
    make_user("fp.fr@thiqa.example", other_participant, "focal_point")

    assert services.send_reminders(today) == 1
    assert services.send_reminders(today) == 0  # once per due date
    message = OutboundMessage.objects.get(purpose="directory.reminder")
    assert message.recipients == [focal_point.email]
    assert "re-confirm" in message.subject

    due = services.participant_due_on(participant)
    assert services.send_reminders(due + timedelta(days=1)) == 1
    assert services.send_reminders(due + timedelta(days=5)) == 0
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"due_soon", "overdue"}
    overdue = OutboundMessage.objects.filter(purpose="directory.reminder").latest("created_at")
    assert "overdue" in overdue.subject


def test_reminders_are_written_in_the_focal_points_language(participant):
    make_user("fp.ar@thiqa.example", participant, "focal_point", language="ar")
    make_contact(participant, "policy", confirmed_on=timezone.localdate() - timedelta(days=400))
    services.send_reminders()
    message = OutboundMessage.objects.get(purpose="directory.reminder")
    assert "تأكيد" in message.subject


def test_compliance_counts_policy_and_technical_contacts(participant, other_participant):
    today = timezone.localdate()
    make_contact(participant, "policy")
    make_contact(participant, "technical", confirmed_on=today - timedelta(days=400))
    make_contact(other_participant, "policy")
    egypt, france = services.currency([participant, other_participant])
    assert egypt.complete and egypt.is_overdue(today)
    assert not france.complete and not france.is_overdue(today)
    assert (egypt.contacts, france.contacts) == (2, 1)
