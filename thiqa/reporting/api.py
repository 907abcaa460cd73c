"""API: instruments, cycles, the submissions a caller may see (as export documents), a
participant's draft written from a JSON document and its submission, compilations, search."""

import base64
import binascii
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Body, Router, Schema, Status
from ninja.errors import HttpError

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.lib import files, wordsearch
from thiqa.lib.problems import problem
from thiqa.reporting import compilation, compilation_pdfs, exports, services
from thiqa.reporting.instruments import Instrument, all_instruments, all_versions
from thiqa.reporting.models import CompilationPdf, Cycle, Evidence, Response

router = Router(tags=["reporting"])


class InstrumentOut(Schema):
    code: str
    version: int
    title_en: str
    title_ar: str
    framework: str
    scored: bool
    requires_english: bool
    questions: list[dict[str, Any]]


class CycleOut(Schema):
    id: int
    instrument: str
    instrument_version: int
    title: str
    period: str
    opens_on: date
    due_on: date
    scope: str | None
    closed: bool


class ResponseOut(Schema):
    id: int
    participant: str
    status: str
    late: bool
    audience: str
    updated_at: datetime


class EvidenceIn(Schema):
    question: str
    filename: str
    content_base64: str


class EvidenceOut(Schema):
    id: int
    question: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class CompilationPdfOut(Schema):
    id: int
    cycle: int
    language: str
    status: str
    failure: str | None
    compiled: int
    participants: int
    size: int | None
    created_at: datetime
    finished_at: datetime | None
    file: str | None


class SubmittedOut(Schema):
    version: int
    status: str


def _instrument(i: Instrument) -> dict[str, Any]:
    return {
        "code": i.code,
        "version": i.version,
        "title_en": i.titles["en"],
        "title_ar": i.titles["ar"],
        "framework": i.framework,
        "scored": i.scoring is not None,
        "requires_english": i.requires_english,
        "questions": [
            {
                "code": q.code,
                "section": s.code,
                "type": q.type,
                "required": q.required,
                "text_en": q.texts["en"],
                "text_ar": q.texts["ar"],
                "items": list(q.items),
                "choices": [c.value for c in q.choices],
                "evidence": q.evidence,
            }
            for s in i.sections
            for q in s.questions
        ],
    }


@router.get("/instruments", response=list[InstrumentOut])
def instruments(request: HttpRequest) -> list[dict[str, Any]]:
    """The latest version of each instrument (new cycles open with it)."""
    policy.require_request(request, "reporting.view")
    return [_instrument(i) for i in all_instruments().values()]


@router.get("/instruments/{code}/versions/{version}", response=InstrumentOut)
def instrument_version(request: HttpRequest, code: str, version: int) -> dict[str, Any]:
    """One version of an instrument, as the cycles opened with it ask their questions."""
    policy.require_request(request, "reporting.view")
    found = all_versions().get(code, {}).get(version)
    if found is None:
        raise Http404
    return _instrument(found)


@router.get("/cycles", response=list[CycleOut])
def cycles(request: HttpRequest) -> list[dict[str, Any]]:
    policy.require_request(request, "reporting.view")
    return [
        {
            "id": c.pk,
            "instrument": c.instrument,
            "instrument_version": c.instrument_version,
            "title": c.title,
            "period": c.period,
            "opens_on": c.opens_on,
            "due_on": c.due_on,
            "scope": c.group.code if c.group else None,
            "closed": c.closed_at is not None,
        }
        for c in Cycle.objects.select_related("group")[:200]
    ]


def _listed(response: Response) -> dict[str, Any]:
    return {
        "id": response.pk,
        "participant": response.participant.code,
        "status": response.status,
        "late": response.is_late,
        "audience": response.audience,
        "updated_at": response.updated_at,
    }


@router.get("/cycles/{cycle_id}/responses", response=list[ResponseOut])
def responses(request: HttpRequest, cycle_id: int) -> list[dict[str, Any]]:
    """The responses of a cycle the caller may see (submissions, and its own drafts)."""
    policy.require_request(request, "reporting.view")
    found = get_object_or_404(Cycle, pk=cycle_id)
    visible = Response.objects.visible_to(request.user).filter(cycle=found).select_related("participant")
    return [_listed(r) for r in visible.order_by("participant__code")]


@router.get("/responses/{response_id}", response=dict[str, Any])
def read(request: HttpRequest, response_id: int, draft: bool = False) -> dict[str, Any]:
    """A submission as its export document; ``draft=true`` gives a participant its own
    working copy."""
    found = get_object_or_404(
        Response.objects.select_related("cycle", "participant", "submitted"), pk=response_id
    )
    policy.require_request(request, "reporting.view_response", found)
    if draft:
        policy.require_request(request, "reporting.view_draft", found)
        return services.export_document(found, None)
    if found.submitted is None:
        raise HttpError(404, "This response has no submission.")
    return services.export_document(found, found.submitted)


@router.put("/cycles/{cycle_id}/responses/{code}/draft", response=dict[str, Any])
def write_draft(
    request: HttpRequest,
    cycle_id: int,
    code: str,
    document: dict[str, Any] = Body(...),  # noqa: B008
) -> dict[str, Any]:
    """Write the participant's working copy from an export document (``thiqa.response/1``),
    checked like a save from the page; 422 names every problem."""
    found = get_object_or_404(Cycle, pk=cycle_id)
    participant = get_object_or_404(Participant, code=code)
    policy.require_request(request, "reporting.respond", (found, participant))
    response = services.response_for(request.user, found, participant)
    services.import_document(request.user, response, document, request=request)
    return services.export_document(response, None)


@router.post("/responses/{response_id}/submit", response=SubmittedOut)
def submit(request: HttpRequest, response_id: int) -> dict[str, Any]:
    found = get_object_or_404(Response.objects.select_related("cycle", "participant"), pk=response_id)
    policy.require_request(request, "reporting.respond", (found.cycle, found.participant))
    version = services.submit(request.user, found, request=request)
    return {"version": version.number, "status": found.status}


def _document(evidence: Evidence) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "question": evidence.question,
        "filename": evidence.filename,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "uploaded_at": evidence.uploaded_at,
    }


def _response(response_id: int) -> Response:
    return get_object_or_404(
        Response.objects.select_related("cycle", "participant", "submitted"), pk=response_id
    )


@router.get("/responses/{response_id}/evidence", response=list[EvidenceOut])
def evidence(request: HttpRequest, response_id: int) -> list[dict[str, Any]]:
    """The documents of a response the caller may read (a participant's own people: every
    one; others: those its submission cites)."""
    found = _response(response_id)
    policy.require_request(request, "reporting.view_response", found)
    return [_document(e) for e in services.visible_evidence(request.user, found)]


@router.post("/responses/{response_id}/evidence", response={201: EvidenceOut})
def add_evidence(request: HttpRequest, response_id: int, payload: EvidenceIn) -> Any:
    """Attach a document (base64, as message attachments) to one answer of the working copy,
    checked as on the page: type by content, size (413 over the limit)."""
    found = _response(response_id)
    policy.require_request(request, "reporting.respond", (found.cycle, found.participant))
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise services.InvalidResponse(
            {"content_base64": [_("“%(name)s” is not valid base64.") % {"name": payload.filename[:100]}]}
        ) from None
    upload = files.Upload(payload.filename, content)
    try:
        added = services.add_evidence(request.user, found, payload.question, upload, request=request)
    except services.DocumentTooLarge as exc:
        return problem(413, str(exc.title), str(exc))
    return Status(201, _document(added))


@router.get("/responses/{response_id}/evidence/{evidence_id}")
def evidence_file(request: HttpRequest, response_id: int, evidence_id: int) -> HttpResponse:
    found = get_object_or_404(
        Evidence.objects.select_related("response"), pk=evidence_id, response_id=response_id
    )
    policy.require_request(request, "reporting.view_response", found.response)
    return files.download(services.read_evidence(request.user, found), found.filename, found.content_type)


@router.get("/cycles/{cycle_id}/compilation", response=dict[str, Any])
def compiled(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    """The matrix over the submissions the caller may see (``thiqa.compilation/1``)."""
    policy.require_request(request, "reporting.view")
    found = get_object_or_404(Cycle, pk=cycle_id)
    return exports.matrix_json(compilation.matrix(request.user, found))


def _pdf_job(job: CompilationPdf) -> dict[str, Any]:
    done = job.status == CompilationPdf.Status.DONE
    return {
        "id": job.pk,
        "cycle": job.cycle_id,
        "language": job.language,
        "status": job.status,
        "failure": job.failure or None,
        "compiled": job.compiled,
        "participants": job.participants,
        "size": job.size if done else None,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "file": f"/api/v1/reporting/cycles/{job.cycle_id}/compilation/pdf/file" if done else None,
    }


@router.post("/cycles/{cycle_id}/compilation/pdf", response={202: CompilationPdfOut})
def prepare_pdf(request: HttpRequest, cycle_id: int) -> Any:
    """Prepare the compilation PDF of what the caller sees, in the request's language (or
    join the job already made or being made for the same audience); poll the GET."""
    policy.require_request(request, "reporting.prepare_compilation_pdf")
    found = get_object_or_404(Cycle, pk=cycle_id)
    return Status(
        202, _pdf_job(compilation_pdfs.request_pdf(request.user, found, get_language(), request=request))
    )


def _current_pdf(request: HttpRequest, cycle_id: int) -> CompilationPdf:
    policy.require_request(request, "reporting.view")
    found = get_object_or_404(Cycle, pk=cycle_id)
    job = compilation_pdfs.current(request.user, found, get_language())
    if job is None:
        raise Http404
    return job


@router.get("/cycles/{cycle_id}/compilation/pdf", response=CompilationPdfOut)
def pdf_status(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    """The caller's compilation PDF job: queued, running (participants compiled of all),
    done (with the file's address) or failed (with why); 404 if none was asked for."""
    return _pdf_job(_current_pdf(request, cycle_id))


@router.get("/cycles/{cycle_id}/compilation/pdf/file")
def pdf_file(request: HttpRequest, cycle_id: int) -> HttpResponse:
    job = _current_pdf(request, cycle_id)
    if job.status != CompilationPdf.Status.DONE:
        raise Http404
    try:
        content = compilation_pdfs.read(request.user, job, request=request)
    except FileNotFoundError:
        raise Http404 from None
    return files.download(content, compilation_pdfs.file_name(job), "application/pdf")


@router.get("/search", response=list[ResponseOut])
def search(request: HttpRequest, q: str, cycle: int | None = None) -> list[dict[str, Any]]:
    policy.require_request(request, "reporting.view")
    found = get_object_or_404(Cycle, pk=cycle) if cycle else None
    try:
        hits = compilation.search(request.user, q, found)
    except wordsearch.QueryError as exc:
        raise HttpError(400, str(exc)) from None
    return [_listed(r) for r in hits[:100]]
