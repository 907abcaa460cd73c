"""Reporting pages: cycles, the response editor (autosave, versions, diff), submissions with
their questions and answers, the compilation (matrix, scores, radar, gaps), comparison,
trends, and the PDF, JSON and CSV exports. A participant's submissions across cycles are
shown on its national profile (the profiles room)."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.services import ServiceError
from thiqa.catalogue.models import Item
from thiqa.lib import wordsearch
from thiqa.lib.bilingual import join_list
from thiqa.lib.charts import line_chart
from thiqa.lib.files import Upload, download
from thiqa.lib.http import posted
from thiqa.reporting import compilation, compilation_pdfs, exports, services
from thiqa.reporting.diff import compare_answers
from thiqa.reporting.forms import AnswerForm, CycleForm, ImportForm, QuestionForm, ResponseForm
from thiqa.reporting.instruments import PILLARS, all_instruments
from thiqa.reporting.models import Cycle, Evidence, Response, ResponseVersion, SubmissionQuestion
from thiqa.reporting.scoring import score


@login_required
def cycles(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "reporting.view")
    return render(
        request,
        "reporting/cycles.html",
        {
            "cycles": Cycle.objects.select_related("group")[:200],
            "instruments": all_instruments().values(),
            "can_manage": policy.can(request.user, "reporting.manage"),
        },
    )


@login_required
def open_cycle(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "reporting.manage")
    form = CycleForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.open_cycle(request.user, **form.cleaned_data, request=request)
        except services.InvalidResponse as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("The cycle is open."))
            return redirect("reporting:cycle", cycle.pk)
    return render(request, "reporting/open_cycle.html", {"form": form})


def _writable_participants(request: HttpRequest, cycle: Cycle) -> list[Participant]:
    return [p for p in cycle.scope() if policy.can(request.user, "reporting.respond", (cycle, p))]


@login_required
def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "reporting.view")
    found = get_object_or_404(Cycle.objects.select_related("group"), pk=pk)
    query = request.GET.get("q", "")
    try:
        hits = list(compilation.search(request.user, query, found)) if query else []
    except wordsearch.QueryError as exc:
        messages.error(request, str(exc))
        hits = []
    visible = Response.objects.visible_to(request.user).filter(cycle=found).select_related("participant")
    return render(
        request,
        "reporting/cycle.html",
        {
            "cycle": found,
            "responses": visible.order_by("participant__name_en"),
            "mine": _writable_participants(request, found),
            "standing": _standing(request, found),
            "query": query,
            "hits": hits,
            "can_manage": policy.can(request.user, "reporting.manage"),
        },
    )


def _standing(request: HttpRequest, found: Cycle) -> dict[str, int] | None:
    """For the secretariat: how many in scope submitted, late, are drafting or silent."""
    if not policy.can(request.user, "reporting.manage"):
        return None
    scope = found.scope().count()
    statuses = list(Response.objects.filter(cycle=found).values_list("status", "is_late"))
    submitted = sum(1 for status, _late in statuses if status == Response.Status.SUBMITTED)
    return {
        "scope": scope,
        "submitted": submitted,
        "late": sum(1 for status, late in statuses if status == Response.Status.SUBMITTED and late),
        "drafting": len(statuses) - submitted,
        "silent": scope - len(statuses),
    }


@login_required
@require_POST
def close_cycle(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Cycle, pk=pk)
    services.close_cycle(request.user, found, request=request)
    messages.success(request, _("The cycle is closed."))
    return redirect("reporting:cycle", found.pk)


# --- the response editor ------------------------------------------------------------------------


@login_required
def respond(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    found = get_object_or_404(Cycle, pk=pk)
    participant = get_object_or_404(Participant, code=code)
    response = services.response_for(request.user, found, participant)
    if request.method == "POST":
        return _save(request, response)
    return _editor(request, response, ResponseForm(response=response))


def _editor(request: HttpRequest, response: Response, form: ResponseForm, status: int = 200) -> HttpResponse:
    previous = response.versions.filter(kind=ResponseVersion.Kind.SUBMITTED).first()
    return render(
        request,
        "reporting/respond.html",
        {
            "response": response,
            "form": form,
            "sections": form.sections(),
            "locked": response.status == Response.Status.SUBMITTED,
            "previous": previous,
            "import_form": ImportForm(),
        },
        status=status,
    )


def _save(request: HttpRequest, response: Response) -> HttpResponse:
    form = ResponseForm(request.POST, response=response)
    if not form.is_valid():
        return _editor(request, response, form, status=400)
    submitting = request.POST.get("action") == "submit"
    try:
        services.save_with_evidence(
            request.user,
            response,
            documents=_uploads(request, form),
            keep_version=not submitting,  # the submission is the version
            request=request,
            **_draft(form),
        )
        if submitting:
            version = services.submit(request.user, response, request=request)
            messages.success(request, _("Submitted as version %(number)d.") % {"number": version.number})
            return redirect("reporting:response", response.pk)
    except services.InvalidResponse as exc:
        response.refresh_from_db()
        form.add_service_errors(exc.errors)
        messages.error(request, _("Nothing was submitted: correct the answers marked below."))
        return _editor(request, response, form, status=400)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:respond", response.cycle_id, response.participant.code)
    messages.success(request, _("Draft saved."))
    return redirect("reporting:respond", response.cycle_id, response.participant.code)


def _draft(form: ResponseForm) -> dict[str, Any]:
    """The editor's fields as the arguments of ``services.save_draft``."""
    data = form.cleaned_data
    return {
        "answers": form.answers(),
        "language": data["language"],
        "audience": data["audience"],
        "audience_participants": list(data["audience_participants"]),
        "revision": data["revision"],
    }


def _uploads(request: HttpRequest, form: ResponseForm) -> list[tuple[str, Upload]]:
    return [
        (question.code, Upload(upload.name or "", upload.read()))
        for question in form.definition.questions()
        for upload in request.FILES.getlist(f"e_{question.code}")
    ]


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """The editor's script saves the working copy every few seconds while someone types;
    no version is kept (the buttons keep one)."""
    response = get_object_or_404(Response.objects.select_related("cycle", "participant"), pk=pk)
    form = ResponseForm(request.POST, response=response)
    if not form.is_valid():
        return JsonResponse({"saved": False, "error": _("Check the form.")}, status=400)
    try:
        services.save_draft(request.user, response, keep_version=False, request=request, **_draft(form))
    except services.InvalidResponse as exc:
        return JsonResponse({"saved": False, "error": str(exc)}, status=400)
    except ServiceError as exc:
        return JsonResponse({"saved": False, "error": str(exc)}, status=409)
    return JsonResponse(
        {
            "saved": True,
            "revision": response.revision,
            "at": formats.time_format(timezone.localtime(response.updated_at), "TIME_FORMAT"),
        }
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(Response, pk=pk)
    try:
        services.withdraw(request.user, response, request=request)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The submission is withdrawn; its versions stay in the history."))
    return redirect("reporting:response", response.pk)


@login_required
@require_POST
def import_json(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(Response.objects.select_related("cycle", "participant"), pk=pk)
    form = ImportForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise services.InvalidResponse({"file": [e for errors in form.errors.values() for e in errors]})
        try:
            document = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise services.InvalidResponse({"file": [_("The file is not valid JSON.")]}) from None
        services.import_document(request.user, response, document, request=request)
    except services.InvalidResponse as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The file was imported into the draft."))
    return redirect("reporting:respond", response.cycle_id, response.participant.code)


# --- reading a submission --------------------------------------------------------------------


def _visible(request: HttpRequest, pk: int) -> Response:
    response = get_object_or_404(Response.objects.select_related("cycle", "participant", "submitted"), pk=pk)
    policy.require(request.user, "reporting.view_response", response)
    return response


def _shown_version(request: HttpRequest, response: Response) -> ResponseVersion | None:
    """What a reader sees: the submission; those who may see every version may ask for
    one (``?version=n``)."""
    number = request.GET.get("version")
    if number and policy.can(request.user, "reporting.view_versions", response):
        return get_object_or_404(ResponseVersion, response=response, number=number)
    return response.submitted


def response_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A submission, public ones to anyone; the participant's people also see their draft."""
    response = _visible(request, pk)
    version = _shown_version(request, response)
    own = policy.can(request.user, "reporting.view_draft", response)
    answers = version.answers if version else (response.answers if own else {})
    definition = response.cycle.definition
    context: dict[str, Any] = {
        "response": response,
        "version": version,
        "own": own,
        "entries": _entries(definition, answers, response),
        "versions": list(response.versions.all())
        if policy.can(request.user, "reporting.view_versions", response)
        else [],
        "questions": response.questions.select_related("asked_for", "asked_by"),
        "can_ask": policy.can(request.user, "reporting.ask", response),
        "can_answer": policy.can(request.user, "reporting.answer", response),
        "can_withdraw": response.status == Response.Status.SUBMITTED
        and policy.can(request.user, "reporting.respond", (response.cycle, response.participant)),
        "question_form": QuestionForm(definition=definition),
        "answer_form": AnswerForm(),
    }
    if definition.scoring and answers:
        scored = score(definition, answers)
        context.update(_score_context(definition, [(response.participant.name, scored)]))
        context["gaps"] = _gaps(scored)
    return render(request, "reporting/response.html", context)


def _gaps(scored: Any) -> list[dict[str, Any]]:
    """Unmet indicators with the catalogue items whose guidance addresses them."""
    codes = {code for gap in scored.gaps for code in gap.guidance}
    items = (
        Item.objects.filter(code__in=codes).only("code", "title_en", "title_ar").in_bulk(field_name="code")
    )
    return [{"gap": gap, "items": [items[c] for c in gap.guidance if c in items]} for gap in scored.gaps]


def _entries(definition: Any, answers: dict[str, Any], response: Response) -> list[dict[str, Any]]:
    documents = {e.pk: e for e in response.evidence.all()}
    return [
        {
            "section": section,
            "answers": [
                {
                    "question": q,
                    "answer": answers.get(q.code) or {},
                    "shown": _shown_value(q, (answers.get(q.code) or {}).get("value")),
                    "documents": [
                        documents[i]
                        for i in (answers.get(q.code) or {}).get("evidence", [])
                        if i in documents
                    ],
                }
                for q in section.questions
            ],
        }
        for section in definition.sections
    ]


def _shown_value(question: Any, value: Any) -> str:
    if value is None:
        return ""
    if question.type == "status":
        return {"yes": _("Yes"), "partly": _("Partly"), "no": _("No")}[value]
    if question.type == "choice":
        return question.choice_label(value)
    if question.type == "multichoice":
        return join_list([question.choice_label(v) for v in value])
    if question.type == "number":
        return f"{value:g}"
    return str(value)


def _score_context(definition: Any, scored: list[tuple[str, Any]]) -> dict[str, Any]:
    labels = exports.pillar_labels()
    return {
        "scores": scored,
        "pillar_names": list(zip(PILLARS, labels, strict=True)),
        "radar": exports.radar(definition, scored, _("Scores per pillar")),
        "pillar_max": definition.scoring.pillar_max,
    }


@login_required
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    """The working copy against the previous submission (or any two versions)."""
    response = _visible(request, pk)
    if not policy.can(request.user, "reporting.respond", (response.cycle, response.participant)):
        raise PermissionDenied(_("You are not allowed to do this."))
    previous = response.versions.filter(kind=ResponseVersion.Kind.SUBMITTED).first()
    changes = compare_answers(
        response.cycle.definition, previous.answers if previous else {}, response.answers
    )
    return render(
        request, "reporting/diff.html", {"response": response, "previous": previous, "changes": changes}
    )


@login_required
@require_POST
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    response = _visible(request, pk)
    form = QuestionForm(request.POST, definition=response.cycle.definition)
    if form.is_valid():
        try:
            services.ask(
                request.user,
                response,
                form.cleaned_data["text"],
                about=form.cleaned_data["about"],
                request=request,
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your question was sent to the participant."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("reporting:response", response.pk)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(SubmissionQuestion.objects.select_related("response"), pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer(request.user, question, form.cleaned_data["answer"], request=request)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your answer is published with the question."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("reporting:response", question.response_id)


def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(Evidence.objects.select_related("response"), pk=pk)
    return download(services.read_evidence(request.user, document), document.filename, document.content_type)


def response_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    response = _visible(request, pk)
    version = _shown_version(request, response)
    if version is None and not policy.can(request.user, "reporting.view_draft", response):
        raise Http404
    number = f"v{version.number}" if version else "draft"
    name = f"thiqa-{response.cycle.instrument}-{response.participant.code}-{number}"
    return _export(
        fmt,
        name,
        {
            "json": lambda: services.export_document(response, version),
            "csv": lambda: exports.response_csv(response, version),
            "pdf": lambda: exports.pdf(
                "reporting/pdf/response.html", _pdf_context(response, version), get_language()
            ),
        },
    )


def _pdf_context(response: Response, version: ResponseVersion | None) -> dict[str, Any]:
    answers = version.answers if version else response.answers
    definition = response.cycle.definition
    context = {"response": response, "version": version, "entries": _entries(definition, answers, response)}
    if definition.scoring:
        context.update(_score_context(definition, [(response.participant.name, score(definition, answers))]))
    return context


def _export(fmt: str, name: str, makers: dict[str, Any]) -> HttpResponse:
    """A download in one of the formats ``makers`` can produce (JSON, CSV or PDF)."""
    if fmt not in makers:
        raise Http404
    content = makers[fmt]()
    if fmt == "json":
        reply: HttpResponse = JsonResponse(content, json_dumps_params={"ensure_ascii": False, "indent": 2})
    else:
        reply = HttpResponse(
            content, content_type={"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}[fmt]
        )
    reply["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return reply


# --- compilation ------------------------------------------------------------------------------


@login_required
def compiled(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "reporting.view")
    found = get_object_or_404(Cycle, pk=pk)
    context = exports.compilation_context(compilation.matrix(request.user, found))
    context["pdf"] = compilation_pdfs.current(request.user, found, get_language())
    return render(request, "reporting/compilation.html", context)


@login_required
def compilation_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    policy.require(request.user, "reporting.view")
    found = get_object_or_404(Cycle, pk=pk)
    if fmt == "pdf":  # made in the background now: the compilation page prepares it
        return redirect(reverse("reporting:compilation", args=[found.pk]) + "#pdf")
    return _export(
        fmt,
        f"thiqa-compilation-{found.pk}",
        {
            "json": lambda: exports.matrix_json(compilation.matrix(request.user, found)),
            "csv": lambda: exports.matrix_csv(compilation.matrix(request.user, found)),
        },
    )


@login_required
def compilation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: prepare the compilation PDF (or join the one being prepared for the same
    audience). GET: the status area of the compilation page, which its script polls."""
    found = get_object_or_404(Cycle, pk=pk)
    if request.method == "POST":
        compilation_pdfs.request_pdf(request.user, found, get_language(), request=request)
        messages.success(request, _("The PDF is being prepared; this page shows when it is ready."))
        return redirect(reverse("reporting:compilation", args=[found.pk]) + "#pdf")
    job = compilation_pdfs.current(request.user, found, get_language())
    return render(request, "reporting/_pdf_status.html", {"cycle": found, "pdf": job})


@login_required
def compilation_pdf_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The ready PDF, only to a reader who sees what it shows."""
    found = get_object_or_404(Cycle, pk=pk)
    job = compilation_pdfs.current(request.user, found, get_language())
    if job is None or job.status != job.Status.DONE:
        raise Http404
    try:
        content = compilation_pdfs.read(request.user, job, request=request)
    except FileNotFoundError:
        raise Http404 from None
    return download(content, compilation_pdfs.file_name(job), "application/pdf")


@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "reporting.view")
    found = get_object_or_404(Cycle, pk=pk)
    codes = [c for c in request.GET.getlist("p") if c][: compilation.MAX_COMPARED + 1]
    try:
        compared = compilation.compare(request.user, found, codes)
    except ValueError as exc:
        messages.error(request, str(exc))
        compared = []
    definition = found.definition
    rows = [
        {
            "question": q,
            "values": [_shown_value(q, (s.answers.get(q.code) or {}).get("value")) for s in compared],
        }
        for q in definition.questions()
    ]
    context: dict[str, Any] = {
        "cycle": found,
        "compared": compared,
        "rows": rows,
        "choices": compilation.submissions(request.user, found),
        "slots": ([*codes, "", "", ""])[: compilation.MAX_COMPARED],
    }
    if definition.scoring and compared:
        context.update(
            _score_context(definition, [(s.participant.name, score(definition, s.answers)) for s in compared])
        )
    return render(request, "reporting/compare.html", context)


@login_required
def trend(request: HttpRequest, instrument: str) -> HttpResponse:
    policy.require(request.user, "reporting.view")
    definition = all_instruments().get(instrument)
    if definition is None:
        raise Http404
    points = compilation.trend(request.user, instrument)
    chart = line_chart(
        [(p.cycle.period, p.value) for p in points if p.value is not None],
        title=definition.title,
        maximum=100.0,
        unit="" if definition.scoring else "%",
        rtl=get_language_bidi(),
    )
    return render(
        request, "reporting/trend.html", {"instrument": definition, "points": points, "chart": chart}
    )
