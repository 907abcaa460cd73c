"""National reporting: open and close cycles; draft, save, submit and withdraw a response;
evidence; questions and answers on a submission; JSON export and import; reminders.

Every write asks the policy, runs in one transaction and is audited. A submitted response
is locked: it is revised by withdrawing it (the submission stays in the history) and
submitting again.
"""

from datetime import date, timedelta
from typing import Any

import jsonschema
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.accounts.services import InvalidInput, ServiceError
from thiqa.audit.services import record
from thiqa.catalogue.parameters import MissingParameter, parameters
from thiqa.lib import files
from thiqa.lib.languages import LANGUAGES
from thiqa.lib.wordsearch import stored_terms
from thiqa.mail.services import notify_focal_points
from thiqa.reporting.instruments import AnswerErrors, Instrument, all_instruments, clean_answers
from thiqa.reporting.models import (
    Audience,
    Cycle,
    CycleReminder,
    Evidence,
    Response,
    ResponseVersion,
    SubmissionQuestion,
)

Status = Response.Status
MAX_QUESTION = 5_000


class InvalidResponse(InvalidInput):
    """Answers or settings of a response that cannot be saved."""

    title = gettext_lazy("The response cannot be saved.")


class DocumentTooLarge(InvalidResponse):
    """A document over the size limit (the API answers 413)."""

    title = gettext_lazy("The document is too large.")


# --- cycles ---------------------------------------------------------------------------------------


def default_due_on(definition: Instrument, opens_on: date) -> date | None:
    """The instrument's due date from the catalogue (the OSCE exchange: 31 October), the
    first one on or after the opening date."""
    if not definition.due_date_from:
        return None
    try:
        rule = parameters(definition.due_date_from)
    except MissingParameter:
        return None
    due = date(opens_on.year, rule["due_month"], rule["due_day"])
    return due if due >= opens_on else date(opens_on.year + 1, rule["due_month"], rule["due_day"])


def open_cycle(
    user: User,
    *,
    instrument: str,
    title: str,
    period: str,
    opens_on: date,
    due_on: date | None = None,
    group: ParticipantGroup | None = None,
    request: HttpRequest | None = None,
) -> Cycle:
    policy.require(user, "reporting.manage")
    definition = all_instruments().get(instrument)
    errors: dict[str, list[str]] = {}
    if definition is None:
        raise InvalidResponse({"instrument": [_("Choose an instrument.")]})
    due_on = due_on or default_due_on(definition, opens_on)
    if due_on is None:
        errors["due_on"] = [_("Give the due date.")]
    elif due_on < opens_on:
        errors["due_on"] = [_("The due date cannot be before the opening date.")]
    if not title.strip() or not period.strip():
        errors["title"] = [_("Give the cycle a title and the period it reports on.")]
    if errors:
        raise InvalidResponse(errors)
    with transaction.atomic():
        cycle = Cycle.objects.create(
            instrument=definition.code,
            instrument_version=definition.version,
            title=title.strip()[:200],
            period=period.strip()[:40],
            opens_on=opens_on,
            due_on=due_on,
            group=group,
            created_by=user,
        )
        record(
            "reporting.cycle_opened",
            actor=user,
            target=cycle,
            data={
                "instrument": cycle.instrument,
                "due_on": due_on.isoformat(),
                "group": group.code if group else None,
            },
            request=request,
        )
    return cycle


def close_cycle(user: User, cycle: Cycle, *, request: HttpRequest | None = None) -> None:
    policy.require(user, "reporting.manage")
    with transaction.atomic():
        if Cycle.objects.filter(pk=cycle.pk, closed_at__isnull=True).update(closed_at=timezone.now()):
            record("reporting.cycle_closed", actor=user, target=cycle, request=request)
    cycle.refresh_from_db()


# --- drafting -------------------------------------------------------------------------------------


def response_for(user: User, cycle: Cycle, participant: Participant) -> Response:
    """The participant's response to ``cycle``, started if it does not exist yet."""
    policy.require(user, "reporting.respond", (cycle, participant))
    try:
        with transaction.atomic():
            response, created = Response.objects.get_or_create(
                cycle=cycle, participant=participant, defaults={"language": user.language or "en"}
            )
    except IntegrityError:  # started at the same moment by a colleague
        response, created = Response.objects.get(cycle=cycle, participant=participant), False
    if created:
        record("reporting.started", actor=user, target=response)
    return response


def _require_editable(response: Response) -> None:
    cycle = response.cycle
    if not cycle.accepts_responses():
        raise ServiceError(
            _("This cycle is closed.")
            if cycle.closed_at
            else _("This cycle opens on %(date)s.") % {"date": formats.date_format(cycle.opens_on)}
        )
    if response.status == Status.SUBMITTED:
        raise ServiceError(
            _(
                "This response is submitted and locked. Withdraw it to revise it; the submitted "
                "version stays in the history."
            )
        )


def save_draft(
    user: User,
    response: Response,
    *,
    answers: dict[str, Any],
    language: str,
    audience: str,
    audience_participants: list[Participant] | None = None,
    revision: int | None = None,
    keep_version: bool = True,
    kind: str = ResponseVersion.Kind.SAVED,
    request: HttpRequest | None = None,
) -> Response:
    """Save the working copy (an autosave passes ``keep_version=False``). ``revision`` is
    the one the editor started from: a save over a colleague's newer one is refused."""
    policy.require(user, "reporting.respond", (response.cycle, response.participant))
    _require_editable(response)
    definition = response.cycle.definition
    errors: dict[str, list[str]] = {}
    cleaned = _clean(definition, answers, language, complete=False, errors=errors)
    _check_settings(response, language, audience, audience_participants or [], errors)
    _check_evidence(response, cleaned, errors)
    if errors:
        raise InvalidResponse(errors)
    with transaction.atomic():
        updated = Response.objects.filter(pk=response.pk, status__in=[Status.DRAFT, Status.WITHDRAWN])
        if revision is not None:
            updated = updated.filter(revision=revision)
        if not updated.update(
            answers=cleaned,
            language=language,
            audience=audience,
            revision=F("revision") + 1,
            updated_at=timezone.now(),
            updated_by=user,
        ):
            raise ServiceError(
                _("Someone saved this response after you opened it. Reload the page to see their changes.")
            )
        response.refresh_from_db()
        response.audience_participants.set(audience_participants if audience == Audience.CHOSEN else [])
        if keep_version:
            _version(response, kind, user)
            record("reporting.saved", actor=user, target=response, data={"kind": kind}, request=request)
    return response


def save_with_evidence(
    user: User,
    response: Response,
    *,
    documents: list[tuple[str, files.Upload]],
    request: HttpRequest | None = None,
    **draft: Any,
) -> Response:
    """The editor's save: the working copy (``draft``: the arguments of :func:`save_draft`)
    and the documents uploaded with it (question code, file), in one transaction: a
    document refused leaves the draft as it was."""
    with transaction.atomic():
        save_draft(user, response, request=request, **draft)
        for question, upload in documents:
            add_evidence(user, response, question, upload, request=request)
    return response


def _clean(
    definition: Instrument,
    answers: dict[str, Any],
    language: str,
    *,
    complete: bool,
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    try:
        return clean_answers(definition, answers, language=language, complete=complete)
    except AnswerErrors as exc:
        errors.update({f"answers.{code}": messages for code, messages in exc.errors.items()})
        return {}


def _check_settings(
    response: Response, language: str, audience: str, chosen: list[Participant], errors: dict[str, list[str]]
) -> None:
    if language not in dict(LANGUAGES):
        errors["language"] = [_("Choose the language the answers are written in.")]
    if audience not in Audience.values:
        errors["audience"] = [_("Choose who may see the submission.")]
    elif audience == Audience.CHOSEN and not [p for p in chosen if p.pk != response.participant_id]:
        errors["audience"] = [_("Choose the participants who may see the submission.")]


def _check_evidence(response: Response, answers: dict[str, Any], errors: dict[str, list[str]]) -> None:
    ids = {e for answer in answers.values() for e in answer.get("evidence", [])}
    own = set(Evidence.objects.filter(response=response, pk__in=ids).values_list("pk", flat=True))
    if ids - own:
        errors["evidence"] = [
            _("Documents %(ids)s do not belong to this response.")
            % {"ids": ", ".join(map(str, sorted(ids - own)))}
        ]


def _version(response: Response, kind: str, user: User) -> ResponseVersion:
    number = (response.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return ResponseVersion.objects.create(
        response=response,
        number=number,
        kind=kind,
        answers=response.answers,
        language=response.language,
        audience=response.audience,
        audience_codes=sorted(response.audience_participants.values_list("code", flat=True)),
        created_by=user,
    )


def submit(user: User, response: Response, *, request: HttpRequest | None = None) -> ResponseVersion:
    """Submit the working copy as the participant's consolidated response: every required
    question answered (and translated, where the instrument asks for English); locked."""
    policy.require(user, "reporting.respond", (response.cycle, response.participant))
    _require_editable(response)
    errors: dict[str, list[str]] = {}
    _clean(response.cycle.definition, response.answers, response.language, complete=True, errors=errors)
    if errors:
        raise InvalidResponse(errors)
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.status == Status.SUBMITTED:
            raise ServiceError(_("This response was already submitted."))
        version = _version(locked, ResponseVersion.Kind.SUBMITTED, user)
        late = timezone.localdate() > locked.cycle.due_on
        Response.objects.filter(pk=locked.pk).update(
            status=Status.SUBMITTED,
            submitted=version,
            is_late=late,
            revision=F("revision") + 1,
            search_terms=_terms(locked.cycle.definition, version.answers),
        )
        record(
            "reporting.submitted",
            actor=user,
            target=locked,
            data={"version": version.number, "late": late, "audience": locked.audience},
            request=request,
        )
    response.refresh_from_db()
    return version


def withdraw(user: User, response: Response, *, request: HttpRequest | None = None) -> None:
    """Take a submission back: nobody outside the participant sees it any more; its
    versions stay; the working copy can be revised and submitted again."""
    policy.require(user, "reporting.respond", (response.cycle, response.participant))
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.status != Status.SUBMITTED:
            raise ServiceError(_("Only a submitted response can be withdrawn."))
        version = _version(locked, ResponseVersion.Kind.WITHDRAWN, user)
        Response.objects.filter(pk=locked.pk).update(
            status=Status.WITHDRAWN, submitted=None, search_terms="", revision=F("revision") + 1
        )
        record(
            "reporting.withdrawn",
            actor=user,
            target=locked,
            data={"version": version.number},
            request=request,
        )
    response.refresh_from_db()


def _terms(definition: Instrument, answers: dict[str, Any]) -> str:
    """The analysed words of a submission's texts, for search among visible submissions."""
    texts = []
    for code, answer in answers.items():
        question = definition.questions_by_code.get(code)
        if question is not None and question.type == "text":
            texts.append(answer.get("value", ""))
        texts += [answer.get("comment", ""), answer.get("english", "")]
    return stored_terms(*texts)


# --- evidence -----------------------------------------------------------------------------------


def add_evidence(
    user: User, response: Response, question: str, upload: files.Upload, *, request: HttpRequest | None = None
) -> Evidence:
    """Attach a document to one answer (the answer then lists it)."""
    policy.require(user, "reporting.respond", (response.cycle, response.participant))
    _require_editable(response)
    spec = response.cycle.definition.questions_by_code.get(question)
    if spec is None or not spec.evidence:
        raise InvalidResponse({"evidence": [_("Documents cannot be attached to this question.")]})
    try:
        checked = files.check(upload)
    except files.TooLarge as exc:
        raise DocumentTooLarge({"evidence": [str(exc)]}) from None
    except ValueError as exc:
        raise InvalidResponse({"evidence": [str(exc)]}) from None
    with transaction.atomic():
        try:
            files.store(checked)
        except files.StorageFull as exc:
            raise InvalidResponse({"evidence": [str(exc)]}) from None
        evidence = Evidence.objects.create(
            response=response,
            question=question,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=user,
        )
        answers = dict(response.answers)
        answer = dict(answers.get(question) or {})
        answer["evidence"] = sorted({*answer.get("evidence", []), evidence.pk})
        answers[question] = answer
        Response.objects.filter(pk=response.pk).update(answers=answers, revision=F("revision") + 1)
        record(
            "reporting.evidence_added",
            actor=user,
            target=response,
            data={"sha256": checked.sha256},
            request=request,
        )
    response.refresh_from_db()
    return evidence


def visible_evidence(user: User, response: Response) -> QuerySet[Evidence]:
    """The documents of ``response`` that ``user`` may read: every one to the participant's
    own people; to others, those its submission cites (a document left out of the
    submission stays with the draft)."""
    policy.require(user, "reporting.view_response", response)
    documents = Evidence.objects.filter(response=response)
    if policy.can(user, "reporting.view_draft", response):
        return documents
    cited = {
        e
        for answer in (response.submitted.answers if response.submitted else {}).values()
        for e in answer.get("evidence", [])
    }
    return documents.filter(pk__in=cited)


def read_evidence(user: User, evidence: Evidence) -> bytes:
    """A document, to those :func:`visible_evidence` shows it to."""
    if not visible_evidence(user, evidence.response).filter(pk=evidence.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    return files.read(evidence.sha256)


# --- questions on a submission ------------------------------------------------------------------


def ask(
    user: User, response: Response, text: str, *, about: str = "", request: HttpRequest | None = None
) -> SubmissionQuestion:
    policy.require(user, "reporting.ask", response)
    text = text.strip()
    if not text or len(text) > MAX_QUESTION:
        raise InvalidResponse(
            {"text": [_("Write the question, at most %(limit)d characters.") % {"limit": MAX_QUESTION}]}
        )
    if about and about not in response.cycle.definition.questions_by_code:
        raise InvalidResponse(
            {"about": [_("This instrument has no question “%(code)s”.") % {"code": about[:60]}]}
        )
    asker = next(pid for pid in policy.written_for(user) if pid != response.participant_id)
    with transaction.atomic():
        question = SubmissionQuestion.objects.create(
            response=response, about=about, text=text, asked_by=user, asked_for_id=asker
        )
        record(
            "reporting.asked", actor=user, target=response, data={"question": question.pk}, request=request
        )
        _notify_question(response, question)
    return question


def answer(
    user: User, question: SubmissionQuestion, text: str, *, request: HttpRequest | None = None
) -> None:
    policy.require(user, "reporting.answer", question.response)
    text = text.strip()
    if not text or len(text) > MAX_QUESTION:
        raise InvalidResponse(
            {"answer": [_("Write the answer, at most %(limit)d characters.") % {"limit": MAX_QUESTION}]}
        )
    with transaction.atomic():
        if not SubmissionQuestion.objects.filter(pk=question.pk, answered_at__isnull=True).update(
            answer=text, answered_by=user, answered_at=timezone.now()
        ):
            raise ServiceError(_("This question was already answered."))
        record(
            "reporting.answered",
            actor=user,
            target=question.response,
            data={"question": question.pk},
            request=request,
        )
    question.refresh_from_db()


def _notify_question(response: Response, question: SubmissionQuestion) -> None:
    """Tell the submitting participant's focal points that a question waits for them."""
    url = settings.SITE_URL + reverse("reporting:response", args=[response.pk]) + f"#q{question.pk}"

    def compose() -> tuple[str, str]:
        subject = _("A question about your submission to %(cycle)s") % {"cycle": response.cycle.title}
        body = _("%(participant)s asked a question about your submission. Read and answer it here:") % {
            "participant": question.asked_for.name
        }
        return subject, f"{body}\n{url}\n"

    notify_focal_points(response.participant_id, compose, purpose="reporting.question")


# --- reminders ------------------------------------------------------------------------------------


def send_reminders(today: date | None = None) -> int:
    """Remind the focal points of participants in scope that have not submitted: once
    ``THIQA_REPORTING_REMINDER_DAYS`` before the due date, and once when it has passed."""
    today = today or timezone.localdate()
    sent = 0
    lead = timedelta(days=settings.THIQA_REPORTING_REMINDER_DAYS)
    for cycle in Cycle.objects.filter(closed_at__isnull=True, opens_on__lte=today, due_on__lte=today + lead):
        kind = CycleReminder.Kind.OVERDUE if today > cycle.due_on else CycleReminder.Kind.DUE_SOON
        done = Response.objects.filter(cycle=cycle, status=Status.SUBMITTED).values("participant_id")
        reminded = CycleReminder.objects.filter(cycle=cycle, kind=kind).values("participant_id")
        for participant in cycle.scope().exclude(pk__in=done).exclude(pk__in=reminded):
            with transaction.atomic():
                CycleReminder.objects.create(cycle=cycle, participant=participant, kind=kind)
                sent += _remind(cycle, participant, kind)
    return sent


def _remind(cycle: Cycle, participant: Participant, kind: str) -> int:
    url = settings.SITE_URL + reverse("reporting:cycle", args=[cycle.pk])

    def compose() -> tuple[str, str]:
        subject = (
            _("Overdue: %(cycle)s was due on %(date)s")
            if kind == CycleReminder.Kind.OVERDUE
            else _("Reminder: %(cycle)s is due on %(date)s")
        ) % {"cycle": cycle.title, "date": formats.date_format(cycle.due_on)}
        body = _("%(participant)s has not submitted its response yet. Prepare and submit it here:") % {
            "participant": participant.name
        }
        return subject, f"{body}\n{url}\n"

    sent = notify_focal_points(participant.pk, compose, purpose="reporting.reminder")
    record("reporting.reminded", target=cycle, data={"participant": participant.code, "kind": kind})
    return sent


# --- JSON export and import -------------------------------------------------------------------

EXPORT_SCHEMA = "thiqa.response/1"
IMPORT_SCHEMA = {
    "type": "object",
    "required": ["schema", "instrument", "participant", "language", "answers"],
    "properties": {
        "schema": {"const": EXPORT_SCHEMA},
        "instrument": {
            "type": "object",
            "required": ["code", "version"],
            "properties": {"code": {"type": "string"}, "version": {"type": "integer"}},
        },
        "participant": {"type": "string"},
        "language": {"type": "string"},
        "audience": {"type": "object"},
        "answers": {"type": "object"},
    },
}


def export_document(response: Response, version: ResponseVersion | None) -> dict[str, Any]:
    """A response as JSON (docs/api.md: "Response export"): a version, or the working copy."""
    cycle = response.cycle
    source: Any = version or response
    codes = (
        version.audience_codes
        if version
        else sorted(response.audience_participants.values_list("code", flat=True))
    )
    return {
        "schema": EXPORT_SCHEMA,
        "instrument": {"code": cycle.instrument, "version": cycle.instrument_version},
        "cycle": {
            "id": cycle.pk,
            "title": cycle.title,
            "period": cycle.period,
            "due_on": cycle.due_on.isoformat(),
        },
        "participant": response.participant.code,
        "status": response.status if version is None else version.kind,
        "version": version.number if version else None,
        "saved_at": (version.created_at if version else response.updated_at).isoformat(),
        "language": source.language,
        "audience": {"kind": source.audience, "participants": codes},
        "answers": source.answers,
    }


def import_document(
    user: User, response: Response, document: Any, *, request: HttpRequest | None = None
) -> Response:
    """Load an exported response into ``response``'s working copy (checked like a save)."""
    try:
        jsonschema.validate(document, IMPORT_SCHEMA)
    except jsonschema.ValidationError as exc:
        place = "/".join(map(str, exc.absolute_path)) or _("the file")
        raise InvalidResponse(
            {
                "file": [
                    _("The file is not a Thiqa response: %(place)s: %(problem)s")
                    % {"place": place, "problem": exc.message}
                ]
            }
        ) from None
    cycle = response.cycle
    errors: dict[str, list[str]] = {}
    if document["instrument"] != {"code": cycle.instrument, "version": cycle.instrument_version}:
        errors["file"] = [
            _("The file answers %(code)s version %(version)s, not this cycle's instrument.")
            % {"code": document["instrument"]["code"], "version": document["instrument"]["version"]}
        ]
    if document["participant"] != response.participant.code:
        errors["file"] = [
            _("The file is the response of %(code)s, not of %(participant)s.")
            % {"code": document["participant"], "participant": response.participant.name}
        ]
    if errors:
        raise InvalidResponse(errors)
    audience = document.get("audience") or {}
    chosen = list(Participant.objects.filter(code__in=audience.get("participants") or [], is_active=True))
    return save_draft(
        user,
        response,
        answers=document["answers"],
        language=document["language"],
        audience=audience.get("kind", Audience.SECRETARIAT),
        audience_participants=chosen,
        kind=ResponseVersion.Kind.IMPORTED,
        request=request,
    )
