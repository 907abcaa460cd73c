"""Incidents pages: the list with its filters, an incident with its timeline and alerts,
recording (directly or from a notification), changing, publishing a draft, raising an early
warning, the situation, and the national scales (one participant's versions, and all of
them side by side)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.services import ServiceError
from thiqa.catalogue.models import Item
from thiqa.incidents import scales as scale_services
from thiqa.incidents import services
from thiqa.incidents.forms import (
    AlertForm,
    FilterForm,
    IncidentForm,
    ScaleForm,
    UpdateForm,
    common_level_choices,
)
from thiqa.incidents.models import Incident, Scale
from thiqa.incidents.situation import situation as figures
from thiqa.lib.charts import bar_chart, line_chart
from thiqa.lib.http import posted
from thiqa.lib.links import extras_for
from thiqa.lib.sectors import sector_label
from thiqa.messaging.kinds import defang
from thiqa.messaging.models import Message

PAGE_SIZE = 50


def _readable(request: HttpRequest, pk: int) -> Incident:
    incident = get_object_or_404(
        Incident.objects.select_related("participant", "national_level__scale"), pk=pk
    )
    policy.require(request.user, "incidents.read", incident)
    return incident


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "incidents.view")
    form = FilterForm(request.GET or None)
    found = form.apply(Incident.objects.readable_by(request.user).select_related("participant"))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/list.html",
        {
            "form": form,
            "page": page,
            "can_record": policy.can(request.user, "incidents.record"),
            "can_view_situation": policy.can(request.user, "incidents.view_situation"),
        },
    )


@login_required
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _readable(request, pk))


def _page(request: HttpRequest, found: Incident, update_form: UpdateForm | None = None) -> HttpResponse:
    """The incident page; ``update_form`` is a refused update, shown with its errors."""
    user = request.user
    can_update = policy.can(user, "incidents.update", found)
    if can_update and update_form is None:
        update_form = UpdateForm(user=user, incident=found)
    return render(
        request,
        "incidents/incident.html",
        {
            "incident": found,
            "sectors": [sector_label(code) for code in found.sectors],
            "indicators": [{"type": i["type"], "value": defang(i)} for i in found.indicators],
            "named": found.named_users.order_by("full_name", "email"),
            "timeline": found.updates.select_related("author"),
            "linked": [m for m in found.messages.all() if policy.can(user, "messaging.read", m)],
            "alerts": _alerts(user, found),
            "update_form": update_form if can_update else None,
            "can_update": can_update,
            "can_alert": policy.can(user, "incidents.alert", found),
            "elsewhere": extras_for("incidents.incident", user, found).links,
        },
    )


def _alerts(user: object, incident: Incident) -> list[dict[str, object]]:
    rows = []
    for message in incident.alerts.prefetch_related("recipients__participant"):
        recipients = list(message.recipients.all())
        rows.append(
            {
                "message": message,
                "readable": policy.can(user, "messaging.read", message),
                "recipients": recipients,
                "acknowledged": sum(1 for r in recipients if r.acknowledged_at),
            }
        )
    return rows


@login_required
def record(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "incidents.record")
    form = IncidentForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        participant = values.pop("participant")
        try:
            found = services.record(request.user, participant, request=request, **values)
        except services.InvalidIncident as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("The incident was recorded."))
            return redirect("incidents:incident", found.pk)
    return render(request, "incidents/record.html", {"form": form})


@login_required
@require_POST
def update(request: HttpRequest, pk: int) -> HttpResponse:
    found = _readable(request, pk)
    policy.require(request.user, "incidents.update", found)
    form = UpdateForm(request.POST, user=request.user, incident=found)
    if not form.is_valid():
        return _page(request, found, form)
    try:
        entries = services.update(request.user, found, request=request, **form.changes())
    except services.InvalidIncident as exc:
        form.add_service_errors(exc.errors)
        return _page(request, found, form)
    messages.success(request, _("The incident was updated.") if entries else _("Nothing changed."))
    return redirect("incidents:incident", found.pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    found = _readable(request, pk)
    try:
        services.publish_draft(request.user, found, request=request)
    except (services.InvalidIncident, ServiceError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The incident was published."))
    return redirect("incidents:incident", found.pk)


@login_required
def alert(request: HttpRequest, pk: int) -> HttpResponse:
    found = _readable(request, pk)
    policy.require(request.user, "incidents.alert", found)
    form = AlertForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message = services.raise_alert(
                request.user,
                found,
                text=data["text"],
                participants=data["participants"],
                groups=data["groups"],
                acknowledge_within_hours=data["acknowledge_within_hours"],
                request=request,
            )
        except services.messaging.InvalidMessage as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(
                request,
                _("The early warning was sent to %(count)d contacts.")
                % {"count": message.recipients.count()},
            )
            return redirect("incidents:incident", found.pk)
    return render(request, "incidents/alert.html", {"incident": found, "form": form})


@login_required
def from_notification(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk)
    policy.require(request.user, "messaging.read", message)
    if request.method == "POST":
        try:
            found = services.from_notification(request.user, message, request=request)
        except (services.InvalidIncident, ServiceError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The incident was recorded from the notification."))
            return redirect("incidents:incident", found.pk)
    return render(request, "incidents/from_notification.html", {"message": message})


@login_required
def situation(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "incidents.view_situation")
    found = figures(request.user)
    rtl = get_language_bidi()

    def chart(rows: list, title: str) -> str:
        pairs = [(row.label, row.count) for row in rows]
        top = max([n for _label, n in pairs], default=0) or 1
        return bar_chart(pairs, title=title, maximum=top, unit="", rtl=rtl, empty=_("No open incident."))

    months = [(row.label, row.count) for row in found.by_month]
    return render(
        request,
        "incidents/situation.html",
        {
            "situation": found,
            "severity_chart": chart(found.by_severity, _("Open incidents by common severity")),
            "sector_chart": chart(found.by_sector, _("Open incidents by sector")),
            "region_chart": chart(found.by_region, _("Open incidents by region")),
            "trend_chart": line_chart(
                months,
                title=_("Incidents detected per month"),
                maximum=max([n for _label, n in months], default=0) or 1,
                unit="",
                rtl=rtl,
                empty=_("No incident recorded."),
            ),
        },
    )


# --- national scales ---------------------------------------------------------------------------


def _cbm_15() -> Item | None:
    return Item.objects.filter(code=scale_services.CBM_15, is_active=True).first()


@login_required
def scales(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "scales.view")
    compared = scale_services.compared()
    matrix = [
        (label, [row["by_common"][int(value)] for row in compared]) for value, label in common_level_choices()
    ]
    return render(
        request,
        "incidents/scales.html",
        {
            "compared": compared,
            "matrix": matrix,
            "item": _cbm_15(),
            "registrable": [
                p
                for p in policy.writing_participants(request.user)
                if policy.can(request.user, "scales.register", p)
            ],
        },
    )


@login_required
def scale(request: HttpRequest, code: str) -> HttpResponse:
    policy.require(request.user, "scales.view")
    participant = get_object_or_404(Participant, code=code, is_active=True)
    versions = (
        Scale.objects.filter(participant=participant).prefetch_related("levels").select_related("created_by")
    )
    return render(
        request,
        "incidents/scale.html",
        {
            "participant": participant,
            "versions": versions,
            "current": versions.first(),
            "item": _cbm_15(),
            "can_register": policy.can(request.user, "scales.register", participant),
        },
    )


@login_required
def register_scale(request: HttpRequest, code: str) -> HttpResponse:
    participant = get_object_or_404(Participant, code=code, is_active=True)
    if not policy.can(request.user, "scales.register", participant):
        raise PermissionDenied(_("You are not allowed to do this."))
    current = scale_services.current_scale(participant)
    form = ScaleForm(posted(request), initial=ScaleForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        try:
            scale_services.register_scale(
                request.user,
                participant,
                form.cleaned_data["name"],
                form.cleaned_data["description"],
                form.levels(),
                request=request,
            )
        except scale_services.InvalidScale as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("The new version of the scale was registered."))
            return redirect("incidents:scale", participant.code)
    return render(
        request,
        "incidents/register_scale.html",
        {"participant": participant, "form": form, "current": current},
    )
