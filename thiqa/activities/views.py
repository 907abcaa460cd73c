"""Activities pages: the list with filters and search, the month calendar, an activity, the
form to record or change one, a group's calendar with its OSCE CBM 11 check, the check
across groups, and the calendar feeds (the page that gives their URLs, and the feeds)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thiqa.accounts import policy
from thiqa.accounts.models import ParticipantGroup
from thiqa.accounts.services import ServiceError
from thiqa.activities import cbm11, ical, listing, services
from thiqa.activities.forms import ActivityForm, FilterForm
from thiqa.activities.models import SHARED_LABELS, Activity
from thiqa.catalogue.parameters import MissingParameter
from thiqa.lib import wordsearch
from thiqa.lib.charts import bar_chart
from thiqa.lib.forms import save_valid
from thiqa.lib.http import posted

PAGE_SIZE = 50
FEED_LIMIT = 2000


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The repository: every activity the person may see, filtered and searched."""
    policy.require(request.user, "activities.view")
    form = FilterForm(request.GET or None)
    found = _filtered(request, form, form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/index.html", {"form": form, "page": page, **_tools(request)})


def _filtered(request: HttpRequest, form: FilterForm, filters: listing.Filters) -> QuerySet[Activity]:
    """The activities the person may see under ``filters``; a search that cannot run shows
    its reason beside the search field."""
    found, error = wordsearch.searched(
        lambda: listing.filtered(request.user, filters), Activity.objects.none()
    )
    if error:
        form.add_error("q", error)
    return found


def _tools(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {
        "can_create": policy.can(user, "activities.create"),
        "can_see_compliance": policy.can(user, "activities.compliance"),
    }


def _chosen_month(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, number = int(request.GET.get("year", today.year)), int(request.GET.get("month", today.month))
    except ValueError:
        return today.year, today.month
    if not (services.FIRST_YEAR <= year <= services.LAST_YEAR and 1 <= number <= 12):
        return today.year, today.month
    return year, number


def _month_context(
    request: HttpRequest, form: FilterForm, group: ParticipantGroup | None = None
) -> dict[str, Any]:
    filters = form.filters()
    filters.when = "all"
    if group is not None:
        filters.group = group.code
    found = _filtered(request, form, filters)
    year, number = _chosen_month(request)
    query = request.GET.copy()
    for name in ("year", "month", "page"):
        query.pop(name, None)
    return {"form": form, "month": listing.month(found, year, number), "query": query.urlencode()}


@login_required
def month_view(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "activities.view")
    form = FilterForm(request.GET or None, with_when=False)
    return render(request, "activities/month.html", {**_month_context(request, form), **_tools(request)})


def _visible(request: HttpRequest, pk: int) -> Activity:
    activity = get_object_or_404(Activity.objects.select_related("organizer", "created_by"), pk=pk)
    policy.require(request.user, "activities.view_activity", activity)
    return activity


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _visible(request, pk)
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "groups": activity.groups.order_by("code"),
            "items": activity.items.order_by("code"),
            "can_manage": policy.can(request.user, "activities.manage", activity)
            and not activity.is_cancelled,
            "in_feeds": activity.tlp in SHARED_LABELS,
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "activities.create")
    form = ActivityForm(posted(request), user=request.user, initial={"tlp": "GREEN", "time_zone": "UTC"})
    saved, activity = save_valid(
        request,
        form,
        lambda: services.create(request.user, form.draft(), request=request),
        _("The activity was recorded."),
        (services.InvalidActivity,),
    )
    if saved:
        return redirect("activities:detail", activity.pk)
    return render(request, "activities/form.html", {"form": form, "activity": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _visible(request, pk)
    policy.require(request.user, "activities.manage", activity)
    form = ActivityForm(posted(request), user=request.user, initial=ActivityForm.initial_for(activity))
    if request.method == "POST" and form.is_valid():
        try:
            services.update(request.user, activity, form.draft(), request=request)
        except services.InvalidActivity as exc:
            form.add_service_errors(exc.errors)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The activity was changed."))
            return redirect("activities:detail", activity.pk)
    return render(request, "activities/form.html", {"form": form, "activity": activity})


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _visible(request, pk)
    try:
        services.cancel(request.user, activity, request=request)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The activity was cancelled."))
    return redirect("activities:detail", activity.pk)


# --- groups and OSCE CBM 11 ----------------------------------------------------------------------


def _cbm11_chart(years: list[cbm11.Year], minimum: int) -> str:
    return bar_chart(
        [(str(y.year), y.meetings) for y in years],
        title=_("Expert meetings per year (at least %(minimum)d)") % {"minimum": minimum},
        maximum=max([minimum, *(y.meetings for y in years)]) or 1,
        unit="",
        rtl=get_language_bidi(),
    )


@login_required
def group_calendar(request: HttpRequest, code: str) -> HttpResponse:
    policy.require(request.user, "activities.view")
    group = get_object_or_404(ParticipantGroup, code=code)
    form = FilterForm(request.GET or None, with_when=False)
    form.fields.pop("group")
    context = _month_context(request, form, group)
    try:
        years = cbm11.years(request.user, group)
        minimum = years[0].minimum
        chart = _cbm11_chart(years, minimum)
    except MissingParameter:
        years, minimum, chart = [], None, ""
    key = services.feed_key(request.user)
    feed = _absolute(request, "activities:group_feed", services.feed_token(key), group.code) if key else ""
    return render(
        request,
        "activities/group.html",
        {**context, "group": group, "years": years, "minimum": minimum, "chart": chart}
        | {"feed_url": feed, **_tools(request)},
    )


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    """OSCE CBM 11 across every group, for the secretariat."""
    policy.require(request.user, "activities.compliance")
    try:
        rows = cbm11.across_groups(request.user)
        minimum = cbm11.minimum()
    except MissingParameter:
        rows, minimum = [], None
    chart = ""
    if rows and minimum is not None:
        chart = bar_chart(
            [(group.name, years[-1].meetings) for group, years in rows],
            title=_("Expert meetings this year per group (at least %(minimum)d)") % {"minimum": minimum},
            maximum=max([minimum, *(years[-1].meetings for _g, years in rows)]) or 1,
            unit="",
            rtl=get_language_bidi(),
        )
    return render(
        request,
        "activities/compliance.html",
        {"rows": rows, "minimum": minimum, "chart": chart, **_tools(request)},
    )


# --- calendar feeds -------------------------------------------------------------------------------


def _absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


@login_required
def feeds(request: HttpRequest) -> HttpResponse:
    """The person's feed URLs; regenerating the key (or turning the feeds off) stops every URL
    given out before."""
    policy.require(request.user, "activities.view")
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_feed_key(request.user, request=request)
            messages.success(
                request, _("Your calendar feeds are turned off; their old addresses no longer work.")
            )
        else:
            services.regenerate_feed_key(request.user, request=request)
            messages.success(request, _("New feed addresses were made; the old ones no longer work."))
        return redirect("activities:feeds")
    key = services.feed_key(request.user)
    token = services.feed_token(key) if key else ""
    groups = ParticipantGroup.objects.order_by("code")
    return render(
        request,
        "activities/feeds.html",
        {
            "key": key,
            "personal": _absolute(request, "activities:feed", token) if key else "",
            "groups": [(g, _absolute(request, "activities:group_feed", token, g.code)) for g in groups]
            if key
            else [],
            "can_subscribe": policy.can(request.user, "activities.subscribe"),
            **_tools(request),
        },
    )


def _feed_response(activities: Any, name: str, language: str, filename: str) -> HttpResponse:
    body = ical.calendar(activities[:FEED_LIMIT], name=name, language=language)
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _feed_activities(token: str) -> tuple[Any, Any]:
    """The subscriber of ``token`` and the activities a feed may carry for them: those they
    may see, labelled CLEAR or GREEN (a URL can be passed on or synced by a calendar
    service outside the organization, so nothing stricter ever goes into a feed)."""
    user = services.subscriber(token)
    if user is None or not policy.can(user, "activities.view"):
        raise Http404
    shared = listing.visible(user).filter(tlp__in=SHARED_LABELS).order_by("starts_at", "pk")
    return user, shared


def feed(request: HttpRequest, token: str) -> HttpResponse:
    user, shared = _feed_activities(token)
    with translation.override(user.language):
        name = _("Thiqa: activities")
    return _feed_response(shared, name, user.language, "thiqa-activities.ics")


def group_feed(request: HttpRequest, token: str, code: str) -> HttpResponse:
    user, shared = _feed_activities(token)
    group = get_object_or_404(ParticipantGroup, code=code)
    with translation.override(user.language):
        name = _("Thiqa: activities of %(group)s") % {"group": group.name}
    return _feed_response(shared.filter(groups=group), name, user.language, f"thiqa-{group.code}.ics")
