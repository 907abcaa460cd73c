"""Capacity pages: needs and offers (lists, posting, editing, closing), each with its ranked
matches and the reasons for them; requests to engage, their answers, their course (in
progress, completed, stopped) and both sides' evaluations; the figures of completed
engagements per GCA pillar and region; the project registry (list, page, CSV, the
secretariat's form); the national CIRT overview by region with its chart and priorities, and
the form that updates a State's status."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.services import ServiceError
from thiqa.capacity import listing, matching, services
from thiqa.capacity.forms import (
    AnswerForm,
    CirtFilterForm,
    CirtForm,
    EngageForm,
    EvaluationForm,
    FilterForm,
    OutcomeForm,
    PostingForm,
    ProjectFilterForm,
    ProjectForm,
    StopForm,
)
from thiqa.capacity.models import CirtStatus, Engagement, Need, Offer, Posting, Project
from thiqa.capacity.todo import waiting_for
from thiqa.capacity.vocabulary import SupportKind, language_names, pillars, regions
from thiqa.lib.charts import bar_chart
from thiqa.lib.http import posted

PAGE_SIZE = 50
MATCH_LIMIT = 20
MODELS: dict[str, type[Posting]] = {"need": Need, "offer": Offer}
LIVE = (Engagement.Status.PROPOSED, Engagement.Status.ACCEPTED, Engagement.Status.IN_PROGRESS)


def _room(request: HttpRequest, tab: str, **context: Any) -> dict[str, Any]:
    """What every page of the room shows: its tabs, the waiting count, what may be posted."""
    return {
        "tab": tab,
        "waiting": waiting_for(request.user),
        "can_post": policy.can(request.user, "capacity.post"),
        "can_record_project": policy.can(request.user, "capacity.project_edit"),
        **context,
    }


# --- needs and offers -------------------------------------------------------------------------------


@login_required
def needs(request: HttpRequest) -> HttpResponse:
    return _listing(request, "need")


@login_required
def offers(request: HttpRequest) -> HttpResponse:
    return _listing(request, "offer")


def _listing(request: HttpRequest, kind: str) -> HttpResponse:
    policy.require(request.user, "capacity.view")
    form = FilterForm(request.GET or None)
    found = listing.filtered(MODELS[kind].objects.all(), form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "capacity/list.html",
        _room(request, kind, kind=kind, form=form, page=page, labels=_labels()),
    )


def _labels() -> dict[str, dict[str, str]]:
    """Display names of the codes postings hold, in the active language."""
    return {
        "pillars": pillars(),
        "regions": {code: r.label for code, r in regions().items()},
        "languages": language_names(),
        "kinds": {k.value: str(k.label) for k in SupportKind},
    }


@login_required
def post(request: HttpRequest, kind: str) -> HttpResponse:
    policy.require(request.user, "capacity.post")
    form = PostingForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        publish = services.post_need if kind == "need" else services.post_offer
        try:
            posting = publish(request.user, form.cleaned_data["participant"], form.draft(), request=request)
        except services.InvalidCapacityInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("Posted. The matches are listed below."))
            return redirect(f"capacity:{kind}", posting.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "capacity/post.html", _room(request, kind, kind=kind, form=form), status=status)


@login_required
def edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    posting = get_object_or_404(MODELS[kind], pk=pk)
    policy.require(request.user, "capacity.edit", posting)
    form = PostingForm(posted(request), user=request.user, posting=posting)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_posting(request.user, posting, form.draft(), request=request)
        except services.InvalidCapacityInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"capacity:{kind}", posting.pk)
    status = 400 if request.method == "POST" else 200
    context = _room(request, kind, kind=kind, form=form, posting=posting)
    return render(request, "capacity/post.html", context, status=status)


@login_required
@require_POST
def close(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    posting = get_object_or_404(MODELS[kind], pk=pk)
    try:
        services.close_posting(request.user, posting, request=request)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Closed."))
    return redirect(f"capacity:{kind}", posting.pk)


@login_required
def detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    policy.require(request.user, "capacity.view")
    posting = get_object_or_404(MODELS[kind].objects.select_related("participant", "posted_by"), pk=pk)
    found = (
        matching.offers_for(posting, limit=MATCH_LIMIT)
        if kind == "need"
        else matching.needs_for(posting, limit=MATCH_LIMIT)
    )
    engagements = (
        Engagement.objects.visible_to(request.user)
        .filter(**{kind: posting})
        .select_related("need__participant", "offer__participant", "requested_by")
    )
    live = {(e.need_id, e.offer_id): e for e in Engagement.objects.filter(**{kind: posting}, status__in=LIVE)}
    rows = [_match_row(request, kind, posting, match, live) for match in found]
    return render(
        request,
        "capacity/detail.html",
        _room(
            request,
            kind,
            kind=kind,
            posting=posting,
            items=matching.posting_items(posting),
            labels=_labels(),
            rows=rows,
            engagements=engagements,
            engage_form=EngageForm(),
            weights=matching.weights(),
            can_edit=policy.can(request.user, "capacity.edit", posting),
            can_close=posting.status == Posting.Status.OPEN
            and policy.can(request.user, "capacity.close", posting),
        ),
    )


def _match_row(
    request: HttpRequest, kind: str, posting: Posting, match: matching.Match, live: dict
) -> dict[str, Any]:
    need, offer = (posting, match.posting) if kind == "need" else (match.posting, posting)
    existing = live.get((need.pk, offer.pk))
    return {
        "match": match,
        "need": need,
        "offer": offer,
        "existing": existing
        if existing and policy.can(request.user, "capacity.view_engagement", existing)
        else None,
        "can_engage": existing is None
        and posting.is_current()
        and policy.can(request.user, "capacity.engage", (need, offer)),
    }


# --- requests to engage ---------------------------------------------------------------------------


@login_required
@require_POST
def engage(request: HttpRequest, need_pk: int, offer_pk: int) -> HttpResponse:
    need, offer = get_object_or_404(Need, pk=need_pk), get_object_or_404(Offer, pk=offer_pk)
    back = "need" if request.POST.get("from") != "offer" else "offer"
    form = EngageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your message."))
        return redirect(f"capacity:{back}", need.pk if back == "need" else offer.pk)
    try:
        engagement = services.request_engagement(
            request.user,
            need,
            offer,
            form.cleaned_data["message"],
            side=request.POST.get("side") or None,
            request=request,
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect(f"capacity:{back}", need.pk if back == "need" else offer.pk)
    messages.success(request, _("Your request was sent; the other side's focal points were told by e-mail."))
    return redirect("capacity:engagement", engagement.pk)


@login_required
def engagements(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "capacity.view")
    status = request.GET.get("status", "")
    found = Engagement.objects.visible_to(request.user).select_related(
        "need__participant", "offer__participant", "requested_by"
    )
    if status in Engagement.Status.values:
        found = found.filter(status=status)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"engagement": e, "yours": e.is_open and policy.can(request.user, "capacity.answer", e)}
        for e in page.object_list
    ]
    context = _room(
        request, "engagements", page=page, rows=rows, status=status, statuses=Engagement.Status.choices
    )
    return render(request, "capacity/engagements.html", context)


@login_required
def engagement(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Engagement.objects.select_related(
            "need__participant",
            "offer__participant",
            "requested_by",
            "answered_by",
            "started_by",
            "ended_by",
        ).prefetch_related("evaluations__evaluated_by", "projects"),
        pk=pk,
    )
    user = request.user
    policy.require(user, "capacity.view_engagement", found)
    sources = services.TRANSITIONS
    may = {
        step: found.status in sources[step][0] and policy.can(user, f"capacity.{step}", found)
        for step in sources
    }
    evaluations = [
        {
            "side": side,
            "participant": found.participant_of(side),
            "evaluation": found.evaluation_of(side),
            "can_give": found.status == Engagement.Status.COMPLETED
            and found.evaluation_of(side) is None
            and policy.can(user, "capacity.evaluate", (found, side)),
        }
        for side in Engagement.Side.values
    ]
    return render(
        request,
        "capacity/engagement.html",
        _room(
            request,
            "engagements",
            engagement=found,
            match=matching.compare(found.need, found.offer),
            can_answer=found.is_open and policy.can(user, "capacity.answer", found),
            can_withdraw=found.is_open and policy.can(user, "capacity.withdraw", found),
            can_start=may["start"],
            can_complete=may["complete"],
            can_stop=may["stop"],
            answer_form=AnswerForm(),
            outcome_form=OutcomeForm(),
            stop_form=StopForm(),
            evaluation_form=EvaluationForm(),
            evaluations=evaluations,
            projects=[p for p in found.projects.all() if policy.can(user, "capacity.project_view", p)],
        ),
    )


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Engagement, pk=pk)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    try:
        if action == "accept":
            services.accept(request.user, found, reason, request=request)
            messages.success(request, _("You accepted the request. Both sides see it."))
        elif action == "decline":
            services.decline(request.user, found, reason, request=request)
            messages.success(request, _("You declined the request. The asking side was told why."))
        elif action == "withdraw":
            services.withdraw(request.user, found, reason, request=request)
            messages.success(request, _("You withdrew the request."))
        else:
            messages.error(request, _("Choose to accept or decline."))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("capacity:engagement", found.pk)


@login_required
@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark in progress, complete with the outcome, or stop with the reason."""
    found = get_object_or_404(
        Engagement.objects.select_related("need__participant", "offer__participant"), pk=pk
    )
    action = request.POST.get("action")
    try:
        if action == "start":
            services.start(request.user, found, request=request)
            messages.success(request, _("The engagement is in progress. The other side was told."))
        elif action == "complete":
            services.complete(request.user, found, request.POST.get("outcome", ""), request=request)
            messages.success(
                request, _("The engagement is completed. Each side may now give its evaluation.")
            )
        elif action == "stop":
            services.stop(request.user, found, request.POST.get("reason", ""), request=request)
            messages.success(request, _("The engagement is stopped. The other side was told why."))
        else:
            messages.error(request, _("Choose a step."))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("capacity:engagement", found.pk)


@login_required
@require_POST
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Engagement.objects.select_related("need__participant", "offer__participant"), pk=pk
    )
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating and write your evaluation."))
        return redirect("capacity:engagement", found.pk)
    try:
        services.evaluate(
            request.user,
            found,
            form.cleaned_data["rating"],
            form.cleaned_data["text"],
            side=request.POST.get("side") or None,
            request=request,
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your evaluation is recorded. The other side was told."))
    return redirect(reverse("capacity:engagement", args=[found.pk]) + "#evaluations")


# --- figures -------------------------------------------------------------------------------------------


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "capacity.view")
    found = listing.completed_figures()
    rtl = get_language_bidi()
    by_pillar, by_region = found.by_pillar(), found.by_region()
    charts = {
        "pillar": bar_chart(
            by_pillar,
            title=_("Completed engagements per GCA pillar"),
            maximum=max([n for _label, n in by_pillar] + [1]),
            unit="",
            rtl=rtl,
            empty=_("No data"),
        ),
        "region": bar_chart(
            by_region,
            title=_("Completed engagements per region"),
            maximum=max([n for _label, n in by_region] + [1]),
            unit="",
            rtl=rtl,
            empty=_("No data"),
        ),
    }
    context = _room(request, "figures", figures=found, by_region=by_region, charts=charts)
    return render(request, "capacity/figures.html", context)


# --- projects ----------------------------------------------------------------------------------------


def _filtered_projects(request: HttpRequest) -> tuple[ProjectFilterForm, Any]:
    form = ProjectFilterForm(request.GET or None)
    return form, listing.filtered_projects(Project.objects.all(), form.filters())


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "capacity.project_view")
    form, found = _filtered_projects(request)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.urlencode()
    context = _room(request, "projects", form=form, page=page, labels=_labels(), query=query)
    return render(request, "capacity/projects.html", context)


@login_required
def projects_csv(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV: one row per project; lists are joined with "; "."""
    policy.require(request.user, "capacity.project_view")
    _form, found = _filtered_projects(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="thiqa-capacity-projects.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the UTF-8 (Arabic titles) correctly
    writer = csv.writer(response)
    writer.writerow(listing.PROJECT_COLUMNS)
    for project in found.prefetch_related("engagements"):
        row = listing.project_row(project)
        writer.writerow(
            [
                "; ".join(map(str, v)) if isinstance(v, list) else v
                for v in (row[c] for c in listing.PROJECT_COLUMNS)
            ]
        )
    return response


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "capacity.project_view")
    found = get_object_or_404(
        Project.objects.prefetch_related("parties__participant", "items__citations", "engagements"), pk=pk
    )
    engagements = [
        {"engagement": e, "can_view": policy.can(request.user, "capacity.view_engagement", e)}
        for e in found.engagements.select_related("need__participant", "offer__participant")
    ]
    roles = [(label, found.parties_as(role)) for role, label in services.Role.choices]
    context = _room(
        request,
        "projects",
        project=found,
        roles=roles,
        engagements=engagements,
        items=list(found.items.all()),
        labels=_labels(),
        can_edit=policy.can(request.user, "capacity.project_edit", found),
    )
    return render(request, "capacity/project.html", context)


@login_required
def project_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Record a project, or change one (the secretariat)."""
    found = get_object_or_404(Project, pk=pk) if pk is not None else None
    policy.require(request.user, "capacity.project_edit", found)
    form = ProjectForm(posted(request), project=found)
    if request.method == "POST" and form.is_valid():
        try:
            if found is None:
                found = services.record_project(request.user, form.draft(), request=request)
            else:
                services.update_project(request.user, found, form.draft(), request=request)
        except services.InvalidCapacityInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("The project is saved."))
            return redirect("capacity:project", found.pk)
    status = 400 if request.method == "POST" else 200
    context = _room(request, "projects", form=form, project=found)
    return render(request, "capacity/project_form.html", context, status=status)


# --- national CIRT status ---------------------------------------------------------------------------


@login_required
def cirt(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "capacity.view")
    form = CirtFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    overview = listing.cirt_overview(
        region=chosen.get("region") or "",
        level=chosen.get("status") or "",
        priority=bool(chosen.get("priority")),
    )
    counts = listing.chart_rows(overview)
    chart = bar_chart(
        counts,
        title=listing.chart_title(),
        maximum=max([count for _label, count in counts] + [1]),
        unit="",
        rtl=get_language_bidi(),
        empty=_("No data"),
    )
    editable = {
        row.participant.pk
        for row in overview.rows
        if policy.can(request.user, "capacity.cirt_edit", row.participant)
    }
    context = _room(
        request,
        "cirt",
        form=form,
        overview=overview,
        chart=chart,
        editable=editable,
        levels=listing.levels(),
        shown=len(overview.rows),
        priorities=sum(1 for row in overview.rows if row.is_priority),
    )
    return render(request, "capacity/cirt.html", context)


@login_required
def cirt_edit(request: HttpRequest, code: str) -> HttpResponse:
    state = get_object_or_404(Participant, code=code, kind=Participant.Kind.STATE, is_active=True)
    policy.require(request.user, "capacity.cirt_edit", state)
    current = CirtStatus.objects.filter(participant=state).first()
    initial = (
        {
            "status": current.status,
            "assessment_done": current.assessment_done,
            "assessment_year": current.assessment_year,
            "sources": "\n".join(current.sources),
        }
        if current
        else {}
    )
    form = CirtForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_cirt_status(request.user, state, form.draft(), request=request)
        except services.InvalidCapacityInput as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(
                request, _("The national CIRT status of %(state)s is saved.") % {"state": state.name}
            )
            return redirect(reverse("capacity:cirt") + f"#state-{state.code}")
    status = 400 if request.method == "POST" else 200
    context = _room(request, "cirt", form=form, state=state, current=current)
    return render(request, "capacity/cirt_edit.html", context, status=status)
