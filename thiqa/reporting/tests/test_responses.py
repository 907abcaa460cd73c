"""Cycles and responses: the due date from the catalogue; drafts with versions and stale
saves refused; one consolidated submission, complete and translated, then locked; withdrawal
keeping the history; late flags; reminders; JSON export and import; bad input."""

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import make_user
from thiqa.accounts.models import ParticipantGroup
from thiqa.accounts.services import ServiceError
from thiqa.audit.models import AuditEvent
from thiqa.lib.files import Upload
from thiqa.mail.models import OutboundMessage
from thiqa.reporting import services
from thiqa.reporting.instruments import instrument
from thiqa.reporting.models import Audience, Cycle, CycleReminder, Response, ResponseVersion
from thiqa.reporting.sample import sample_answers

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def osce(participant, other_participant):
    group = ParticipantGroup.objects.create(
        code="OSCE", kind="regional", name_en="OSCE", name_ar="منظمة الأمن"
    )
    group.members.add(participant, other_participant)
    return group


@pytest.fixture
def cycle(secretariat, osce):
    today = timezone.localdate()
    return services.open_cycle(
        secretariat,
        instrument="osce-annual-exchange",
        title="OSCE exchange",
        period=str(today.year),
        opens_on=today - timedelta(days=10),
        due_on=today + timedelta(days=30),
        group=osce,
    )


def complete(language: str = "en") -> dict:
    return sample_answers(instrument("osce-annual-exchange"), random.Random(1), 0.7, language)


def save(user, response, answers, **kwargs):
    kwargs.setdefault("language", "en")
    kwargs.setdefault("audience", Audience.SCOPE)
    return services.save_draft(user, response, answers=answers, **kwargs)


def test_the_osce_due_date_comes_from_the_catalogue(secretariat, osce):
    cycle = services.open_cycle(
        secretariat,
        instrument="osce-annual-exchange",
        title="x",
        period="2027",
        opens_on=date(2027, 1, 10),
        group=osce,
    )
    assert cycle.due_on == date(2027, 10, 31) and cycle.instrument_version == 1
    later = services.open_cycle(
        secretariat,
        instrument="osce-annual-exchange",
        title="x",
        period="2027",
        opens_on=date(2027, 11, 2),
        group=osce,
    )
    assert later.due_on == date(2028, 10, 31)
    with pytest.raises(services.InvalidResponse, match="Give the due date"):
        services.open_cycle(
            secretariat, instrument="gca-self-assessment", title="x", period="2027", opens_on=date(2027, 1, 1)
        )
    with pytest.raises(services.InvalidResponse, match="before the opening"):
        services.open_cycle(
            secretariat,
            instrument="gca-self-assessment",
            title="x",
            period="y",
            opens_on=date(2027, 5, 1),
            due_on=date(2027, 1, 1),
        )


def test_only_the_secretariat_opens_cycles(focal_point, osce):
    with pytest.raises(PermissionDenied):
        services.open_cycle(
            focal_point, instrument="gca-self-assessment", title="x", period="y", opens_on=date(2027, 1, 1)
        )


def test_drafts_keep_versions_and_refuse_a_stale_save(cycle, focal_point, participant):
    response = services.response_for(focal_point, cycle, participant)
    assert services.response_for(focal_point, cycle, participant) == response  # one per cycle
    start = response.revision
    save(focal_point, response, {"cbm-1-status": "partly"}, revision=start)
    save(focal_point, response, {"cbm-1-status": "yes"}, keep_version=False)  # an autosave
    assert [v.kind for v in response.versions.all()] == ["saved"]
    with pytest.raises(ServiceError, match="Someone saved"):
        save(focal_point, response, {"cbm-1-status": "no"}, revision=start)
    response.refresh_from_db()
    assert response.answers == {"cbm-1-status": {"value": "yes"}}


@pytest.mark.parametrize(
    ("answers", "where", "text"),
    [
        ({"cbm-1-status": "maybe"}, "answers.cbm-1-status", "yes, partly or no"),
        ({"cbm-99": "yes"}, "answers.cbm-99", "no question"),
        ({"cbm-1-status": {"value": "yes", "colour": "red"}}, "answers.cbm-1-status", "Unknown parts"),
        ({"cbm-1-status": {"value": "yes", "evidence": [999]}}, "evidence", "do not belong"),
        ({"cbm-1-views": ["a list"]}, "answers.cbm-1-views", "at most"),
    ],
)
def test_answers_of_the_wrong_type_change_nothing(cycle, focal_point, participant, answers, where, text):
    response = services.response_for(focal_point, cycle, participant)
    save(focal_point, response, {"cbm-1-status": "partly"})
    with pytest.raises(services.InvalidResponse) as caught:
        save(focal_point, response, answers)
    assert text in " ".join(caught.value.errors[where])
    response.refresh_from_db()
    assert response.answers == {"cbm-1-status": {"value": "partly"}} and response.versions.count() == 1


def test_a_submission_needs_every_required_answer_and_its_translation(cycle, focal_point, participant):
    response = services.response_for(focal_point, cycle, participant)
    save(focal_point, response, {"cbm-1-status": "yes"})
    with pytest.raises(services.InvalidResponse) as caught:
        services.submit(focal_point, response)
    assert "answers.cbm-2-status" in caught.value.errors
    arabic = complete("ar")
    arabic["cbm-1-views"] = {"value": "نص بالعربية"}  # no English translation
    save(focal_point, response, arabic, language="ar")
    with pytest.raises(services.InvalidResponse, match="English translation"):
        services.submit(focal_point, response)
    arabic["cbm-1-views"]["english"] = "Text in English"
    save(focal_point, response, arabic, language="ar")
    version = services.submit(focal_point, response)
    response.refresh_from_db()
    assert response.status == "submitted" and response.submitted == version and not response.is_late
    assert version.answers["cbm-1-views"] == {"value": "نص بالعربية", "english": "Text in English"}
    assert AuditEvent.objects.filter(action="reporting.submitted").count() == 1


def test_a_submission_is_locked_and_withdrawal_keeps_the_history(cycle, focal_point, participant):
    response = services.response_for(focal_point, cycle, participant)
    save(focal_point, response, complete())
    first = services.submit(focal_point, response)
    with pytest.raises(ServiceError, match="locked"):
        save(focal_point, response, {"cbm-1-status": "no"})
    with pytest.raises(ServiceError, match="locked"):
        services.add_evidence(focal_point, response, "cbm-1-status", Upload("a.txt", b"x"))
    response.refresh_from_db()
    assert response.answers == first.answers
    services.withdraw(focal_point, response)
    response.refresh_from_db()
    assert response.status == "withdrawn" and response.submitted is None
    revised = dict(first.answers, **{"cbm-1-status": {"value": "no"}})
    save(focal_point, response, revised)
    second = services.submit(focal_point, response)
    kinds = list(response.versions.order_by("number").values_list("number", "kind"))
    assert kinds == [(1, "saved"), (2, "submitted"), (3, "withdrawn"), (4, "saved"), (5, "submitted")]
    assert ResponseVersion.objects.get(pk=first.pk).answers["cbm-1-status"] == {
        "value": first.answers["cbm-1-status"]["value"]
    }
    assert second.answers["cbm-1-status"] == {"value": "no"}


def test_a_response_for_another_participant_is_refused(cycle, focal_point, other_participant, participant):
    with pytest.raises(PermissionDenied):
        services.response_for(focal_point, cycle, other_participant)
    stranger = make_user("x@de.example", None, None)
    with pytest.raises(PermissionDenied):
        services.response_for(stranger, cycle, participant)
    assert not Response.objects.exists()


def test_a_late_submission_is_flagged(cycle, focal_point, participant):
    Cycle.objects.filter(pk=cycle.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    cycle.refresh_from_db()
    response = services.response_for(focal_point, cycle, participant)
    save(focal_point, response, complete())
    services.submit(focal_point, response)
    response.refresh_from_db()
    assert response.is_late


def test_a_closed_cycle_takes_nothing(cycle, focal_point, participant, secretariat):
    response = services.response_for(focal_point, cycle, participant)
    services.close_cycle(secretariat, cycle)
    response.refresh_from_db()
    with pytest.raises(ServiceError, match="closed"):
        save(focal_point, response, complete())


def test_reminders_go_once_before_and_once_after_the_due_date(
    cycle, focal_point, participant, other_participant, settings
):
    settings.THIQA_REPORTING_REMINDER_DAYS = 14
    france = make_user("focal@fr.example", other_participant, "focal_point", totp=True)
    response = services.response_for(france, cycle, other_participant)
    save(france, response, complete())
    services.submit(france, response)
    assert services.send_reminders(cycle.due_on - timedelta(days=20)) == 0
    assert services.send_reminders(cycle.due_on - timedelta(days=10)) == 1  # Egypt's focal point only
    assert services.send_reminders(cycle.due_on - timedelta(days=9)) == 0
    assert services.send_reminders(cycle.due_on + timedelta(days=1)) == 1
    assert list(CycleReminder.objects.values_list("participant__code", "kind")) == [
        ("EG", "due_soon"),
        ("EG", "overdue"),
    ]
    (reminder, overdue) = OutboundMessage.objects.filter(purpose="reporting.reminder").order_by("created_at")
    assert reminder.recipients == [focal_point.email] and "Overdue" in overdue.subject


def test_json_export_and_import_round_trip(cycle, focal_point, participant, other_participant):
    response = services.response_for(focal_point, cycle, participant)
    save(
        focal_point,
        response,
        complete("ar"),
        language="ar",
        audience=Audience.CHOSEN,
        audience_participants=[other_participant],
    )
    document = services.export_document(response, None)
    assert document["schema"] == "thiqa.response/1" and document["audience"] == {
        "kind": "chosen",
        "participants": ["FR"],
    }
    save(focal_point, response, {"cbm-1-status": "no"})
    services.import_document(focal_point, response, document)
    response.refresh_from_db()
    assert response.answers == document["answers"] and response.language == "ar"
    assert response.versions.first().kind == "imported"


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"schema": "something/else"}, "not a Thiqa response"),
        ({"answers": "not an object"}, "not a Thiqa response"),
        ({"participant": "FR"}, "response of FR"),
        ({"instrument": {"code": "gca-self-assessment", "version": 1}}, "not this cycle's instrument"),
        ({"answers": {"cbm-1-status": "perhaps"}}, "yes, partly or no"),
    ],
)
def test_a_malformed_import_changes_nothing(cycle, focal_point, participant, change, text):
    response = services.response_for(focal_point, cycle, participant)
    save(focal_point, response, {"cbm-1-status": "partly"})
    document = {**services.export_document(response, None), **change}
    with pytest.raises(services.InvalidResponse, match=text):
        services.import_document(focal_point, response, document)
    response.refresh_from_db()
    assert response.answers == {"cbm-1-status": {"value": "partly"}} and response.versions.count() == 1


def test_evidence_is_attached_to_its_answer(cycle, focal_point, participant):
    response = services.response_for(focal_point, cycle, participant)
    evidence_question = next(q.code for q in instrument("osce-annual-exchange").questions() if q.evidence)
    document = services.add_evidence(
        focal_point, response, evidence_question, Upload("strategy.pdf", b"%PDF-1.7\n")
    )
    response.refresh_from_db()
    assert response.answers[evidence_question]["evidence"] == [document.pk]
    with pytest.raises(services.InvalidResponse, match="does not contain"):
        services.add_evidence(focal_point, response, evidence_question, Upload("fake.pdf", b"MZ"))
    no_documents = next(q.code for q in instrument("osce-annual-exchange").questions() if not q.evidence)
    with pytest.raises(services.InvalidResponse, match="cannot be attached"):
        services.add_evidence(focal_point, response, no_documents, Upload("a.txt", b"x"))


def test_a_refused_document_leaves_the_draft_as_it_was(cycle, focal_point, participant):
    """The editor's save is one transaction: the answers and the documents sent with them."""
    response = services.response_for(focal_point, cycle, participant)
    question = next(q.code for q in instrument("osce-annual-exchange").questions() if q.evidence)
    save(focal_point, response, {question: {"value": "no"}})
    response.refresh_from_db()
    before = (response.answers, response.revision, response.versions.count())
    with pytest.raises(services.InvalidResponse, match="does not contain"):
        services.save_with_evidence(
            focal_point,
            response,
            documents=[(question, Upload("plan.pdf", b"%PDF-1.7\n")), (question, Upload("fake.pdf", b"MZ"))],
            answers={question: {"value": "yes", "comment": "Adopted in March."}},
            language="en",
            audience=Audience.SCOPE,
            revision=response.revision,
        )
    response.refresh_from_db()
    assert (response.answers, response.revision, response.versions.count()) == before
    assert not response.evidence.exists()
    services.save_with_evidence(
        focal_point,
        response,
        documents=[(question, Upload("plan.pdf", b"%PDF-1.7\n"))],
        answers={question: {"value": "yes"}},
        language="en",
        audience=Audience.SCOPE,
        revision=response.revision,
    )
    response.refresh_from_db()
    (document,) = response.evidence.all()
    assert response.answers[question] == {"value": "yes", "evidence": [document.pk]}
