"""Partnership pages: the registry (browse, compare), an arrangement (record, completeness,
members, goals and progress, discussion), registering and changing one, joining and
deciding, and the public disclosure page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.services import ServiceError
from thiqa.directory.models import Contact
from thiqa.lib import wordsearch
from thiqa.lib.bilingual import join_list
from thiqa.lib.charts import line_chart
from thiqa.lib.http import posted
from thiqa.lib.sectors import sector_choices, sector_label
from thiqa.partnerships import registry, services
from thiqa.partnerships.completeness import completeness
from thiqa.partnerships.forms import ArrangementForm, DecisionForm, GoalForm, JoinForm, PostForm, ProgressForm
from thiqa.partnerships.models import Arrangement, Funding, Goal, Member, Model, Purpose


@login_required
def index(request: HttpRequest) -> HttpResponse:
    filters = registry.Filters(
        **{k: request.GET.get(k, "") for k in ("purpose", "sector", "model", "owner", "q")}
    )
    try:
        found = list(registry.browse(request.user, filters)[:300])
    except wordsearch.QueryError as exc:
        messages.error(request, str(exc))
        found = []
    return render(
        request,
        "partnerships/index.html",
        {
            "arrangements": found,
            "filters": filters,
            "purposes": Purpose.choices,
            "sectors": sector_choices(),
            "models": Model.choices,
            "can_register": policy.can(request.user, "partnerships.register"),
        },
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "partnerships.register")
    owners = list(policy.writing_participants(request.user))
    form = ArrangementForm(posted(request))
    if request.method == "POST":
        owner = next((p for p in owners if str(p.pk) == request.POST.get("owner")), None)
        if owner is None:
            form.add_error(None, _("Choose the participant that owns the arrangement."))
        else:
            try:
                arrangement = services.register(request.user, owner, request.POST, request=request)
            except services.InvalidArrangement as exc:
                form.add_service_errors(exc.errors)
            else:
                messages.success(request, _("The arrangement is registered."))
                return redirect("partnerships:arrangement", arrangement.pk)
    return render(request, "partnerships/edit.html", {"form": form, "owners": owners, "arrangement": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    arrangement = get_object_or_404(Arrangement, pk=pk)
    policy.require(request.user, "partnerships.edit", arrangement)
    form = ArrangementForm(posted(request), instance=Arrangement.objects.get(pk=pk))
    if request.method == "POST":
        try:
            services.change(request.user, arrangement, request.POST, request=request)
        except services.InvalidArrangement as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("The arrangement is saved."))
            return redirect("partnerships:arrangement", arrangement.pk)
    return render(request, "partnerships/edit.html", {"form": form, "arrangement": arrangement})


def _labels(arrangement: Arrangement) -> dict[str, str]:
    """The record's coded lists as people read them, in the active language."""
    return {
        "purposes": join_list([str(Purpose(p).label) for p in arrangement.purposes if p in Purpose.values]),
        "sectors": join_list([sector_label(s) for s in arrangement.sectors]),
        "funding": join_list([str(Funding(f).label) for f in arrangement.funding if f in Funding.values]),
    }


@login_required
def arrangement(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "partnerships.view")
    found = get_object_or_404(Arrangement.objects.select_related("owner"), pk=pk)
    user = request.user
    can_members = policy.can(user, "partnerships.view_members", found)
    can_discuss = policy.can(user, "partnerships.view_discussion", found)
    query = request.GET.get("q", "")
    context: dict[str, Any] = {
        "arrangement": found,
        "labels": _labels(found),
        "record": _record(found),
        "completeness": completeness(found),
        "members": found.members.select_related("participant").prefetch_related("representatives")
        if can_members
        else None,
        "posts": (
            registry.discussion_search(user, found, query)
            if query
            else found.posts.select_related("author", "author_participant")
        )
        if can_discuss
        else None,
        "query": query,
        "goals": _goals(found),
        "can_edit": policy.can(user, "partnerships.edit", found),
        "can_publish": policy.can(user, "partnerships.publish", found),
        "can_decide": policy.can(user, "partnerships.decide", found),
        "can_post": policy.can(user, "partnerships.post", found),
        "joinable": [
            p for p in policy.writing_participants(user) if policy.can(user, "partnerships.join", (found, p))
        ],
        "post_form": PostForm(),
        "goal_form": GoalForm(),
        "progress_form": ProgressForm(),
        "decision_form": DecisionForm(),
    }
    if context["joinable"]:
        context["join_form"] = JoinForm(
            participants=Participant.objects.filter(pk__in=[p.pk for p in context["joinable"]])
        )
    return render(request, "partnerships/arrangement.html", context)


def _goals(found: Arrangement) -> list[dict[str, Any]]:
    rtl = get_language_bidi()
    goals = []
    for goal in found.goal_set.prefetch_related("entries"):
        points = [
            (e.reported_on.isoformat(), float(e.value)) for e in goal.entries.all() if e.value is not None
        ]
        top = max([v for _d, v in points] + [1.0])
        chart = (
            line_chart(points, title=goal.indicator, maximum=top * 1.1, unit="", rtl=rtl) if points else None
        )
        goals.append({"goal": goal, "chart": chart})
    return goals


def disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    """The proactive-disclosure page: the record, its scope and progress, for anyone, once
    the owner publishes it. Never the discussion; members only when membership is open."""
    found = get_object_or_404(Arrangement.objects.select_related("owner"), pk=pk)
    policy.require(request.user, "partnerships.view_disclosure", found)
    members = None
    if not found.is_closed:
        members = found.members.filter(status=Member.Status.ACTIVE).select_related("participant")
    return render(
        request,
        "partnerships/disclosure.html",
        {
            "arrangement": found,
            "labels": _labels(found),
            "record": _record(found),
            "members": members,
            "goals": _goals(found),
        },
    )


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "partnerships.view")
    ids = [i for i in request.GET.getlist("a") if i.isdigit()][: registry.MAX_COMPARED]
    chosen = list(Arrangement.objects.filter(pk__in=ids).select_related("owner"))
    rows = []
    for heading, fields in ArrangementForm().headings():
        rows.append(
            {"heading": heading, "fields": [(f.label, [_value(a, f.name) for a in chosen]) for f in fields]}
        )
    return render(
        request,
        "partnerships/compare.html",
        {
            "chosen": chosen,
            "rows": rows,
            "scores": [completeness(a) for a in chosen],
            "all": Arrangement.objects.all()[:300],
        },
    )


def _record(arrangement: Arrangement) -> list[dict[str, Any]]:
    """The record under its four headings: each filled field with its label and value."""
    return [
        {
            "heading": heading,
            "fields": [(f.label, _value(arrangement, f.name)) for f in fields if _value(arrangement, f.name)],
        }
        for heading, fields in ArrangementForm().headings()
    ]


def _value(arrangement: Arrangement, name: str) -> str:
    labels = _labels(arrangement)
    if name in labels:
        return labels[name]
    display = getattr(arrangement, f"get_{name}_display", None)
    value = display() if display else getattr(arrangement, name)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return "" if value in (None, "") else str(value)


# --- actions ----------------------------------------------------------------------------------


def _done(request: HttpRequest, found: Arrangement, action: Any, success: str) -> HttpResponse:
    try:
        action()
    except services.InvalidArrangement as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("partnerships:arrangement", found.pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Arrangement, pk=pk)
    visible = request.POST.get("visible") == "1"
    return _done(
        request,
        found,
        lambda: services.publish(request.user, found, visible=visible, request=request),
        _("The disclosure page is published.") if visible else _("The disclosure page is withdrawn."),
    )


@login_required
@require_POST
def join(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Arrangement, pk=pk)
    participant = get_object_or_404(Participant, pk=request.POST.get("participant") or 0)
    return _done(
        request,
        found,
        lambda: services.request_to_join(
            request.user,
            found,
            participant,
            nda_accepted=request.POST.get("nda_accepted") == "on",
            note=request.POST.get("note", ""),
            request=request,
        ),
        _("Your request is sent to the arrangement's owner.") if found.is_closed else _("You are a member."),
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member.objects.select_related("arrangement", "participant"), pk=pk)
    form = DecisionForm(request.POST)
    accept = form.is_valid() and form.cleaned_data["decision"] == "accept"
    return _done(
        request,
        member.arrangement,
        lambda: services.decide(
            request.user, member, accept=accept, reason=request.POST.get("reason", ""), request=request
        ),
        _("The request is decided."),
    )


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member.objects.select_related("arrangement", "participant"), pk=pk)
    return _done(
        request, member.arrangement, lambda: services.leave(request.user, member, request=request), _("Done.")
    )


@login_required
@require_POST
def representatives(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member.objects.select_related("arrangement", "participant"), pk=pk)
    contacts = list(
        Contact.objects.filter(pk__in=[c for c in request.POST.getlist("contacts") if c.isdigit()])
    )
    return _done(
        request,
        member.arrangement,
        lambda: services.set_representatives(request.user, member, contacts, request=request),
        _("Saved."),
    )


@login_required
@require_POST
def add_goal(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Arrangement, pk=pk)
    form = GoalForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"title": "", "indicator": ""}
    return _done(
        request, found, lambda: services.add_goal(request.user, found, **data), _("The goal is added.")
    )


@login_required
@require_POST
def add_progress(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal.objects.select_related("arrangement"), pk=pk)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("partnerships:arrangement", goal.arrangement_id)
    return _done(
        request,
        goal.arrangement,
        lambda: services.add_progress(request.user, goal, **form.cleaned_data),
        _("Progress is recorded."),
    )


@login_required
@require_POST
def post(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Arrangement, pk=pk)
    return _done(
        request,
        found,
        lambda: services.post(request.user, found, request.POST.get("text", ""), request=request),
        _("Posted."),
    )
