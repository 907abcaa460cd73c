"""Check rounds: start, follow, results and trend, acknowledgement by link and web inbox."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thiqa.accounts import policy
from thiqa.accounts.services import ServiceError
from thiqa.audit.services import record
from thiqa.checks import results, services
from thiqa.checks.forms import StartRoundForm
from thiqa.checks.models import CheckRound, Ping
from thiqa.lib.charts import bar_chart, line_chart
from thiqa.lib.http import link_language, posted


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "checks.list")
    return render(
        request,
        "checks/rounds.html",
        {
            "rounds": results.visible_rounds(request.user)[:100],
            "can_start": policy.can(request.user, "checks.start"),
        },
    )


@login_required
def start(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "checks.start")
    form = StartRoundForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = services.start_round(
                request.user,
                title=data["title"],
                roles=data["roles"],
                deadline=data["deadline"],
                group=data["group"],
                participants=list(data["participants"]),
                request=request,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The check round has started; messages are being prepared."))
            return redirect("checks:round", check.pk)
    return render(request, "checks/start.html", {"form": form})


def _round_for(request: HttpRequest, pk: int) -> CheckRound:
    check = get_object_or_404(CheckRound.objects.select_related("group", "started_by"), pk=pk)
    if not results.visible_rounds(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    return check


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "checks.list")
    check = _round_for(request, pk)
    pings = list(results.visible_pings(request.user, check))
    outcome = results.round_results(pings)
    rtl = get_language_bidi()
    return render(
        request,
        "checks/round.html",
        {
            "check": check,
            "pings": pings,
            "results": outcome,
            "prepared": check.pings.count() if check.status == CheckRound.Status.PREPARING else None,
            "can_resend": policy.can(request.user, "mail.requeue"),
            "participant_chart": bar_chart(
                [(p.name, f.rate) for p, f in outcome.by_participant[:40]],
                title=_("Response rate per participant"),
                rtl=rtl,
            ),
            "group_chart": bar_chart(
                [(g.name, f.rate) for g, f in outcome.by_group], title=_("Response rate per group"), rtl=rtl
            ),
        },
    )


@login_required
def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "checks.list")
    check = _round_for(request, pk)
    pings = list(results.visible_pings(request.user, check))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="thiqa-check-{check.pk}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the UTF-8 (Arabic names) correctly
    writer = csv.writer(response)
    writer.writerow(
        [
            "participant",
            "participant_name",
            "role",
            "contact",
            "addresses",
            "status",
            "sent_at",
            "acknowledged_at",
            "acknowledged_via",
            "hours_to_acknowledge",
            "unreachable_addresses",
        ]
    )
    for ping in pings:
        hours = ""
        if ping.acknowledged_at and ping.sent_at:
            hours = f"{(ping.acknowledged_at - ping.sent_at).total_seconds() / 3600:.2f}"
        writer.writerow(
            [
                ping.participant.code,
                ping.participant.name_en,
                ping.role,
                ping.contact.name,
                " ".join(ping.addresses),
                ping.status,
                _iso(ping.sent_at),
                _iso(ping.acknowledged_at),
                ping.acknowledged_via,
                hours,
                " ".join(ping.unreachable_addresses),
            ]
        )
    record("checks.exported", actor=request.user, target=check, data={"rows": len(pings)}, request=request)
    return response


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


@login_required
@require_POST
def resend_uncertain(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat decides to send again the pings a dying worker may not have delivered."""
    check = _round_for(request, pk)
    count = services.resend_uncertain(request.user, check)
    messages.success(
        request,
        ngettext("%(count)d ping is queued again.", "%(count)d pings are queued again.", count)
        % {"count": count},
    )
    return redirect("checks:round", check.pk)


@login_required
def trend(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "checks.list")
    rows = results.trend(request.user)
    return render(
        request,
        "checks/trend.html",
        {
            "rows": rows,
            "chart": line_chart(
                [
                    (formats.date_format(timezone.localtime(c.started_at), "SHORT_DATE_FORMAT"), f.rate)
                    for c, f in rows
                ],
                title=_("Response rate across rounds"),
                rtl=get_language_bidi(),
            ),
        },
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        ping = get_object_or_404(Ping.objects.select_related("round"), pk=request.POST.get("ping") or 0)
        try:
            first = services.acknowledge(ping, Ping.Via.WEB, user=request.user, request=request)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Thank you: your acknowledgement is recorded.")
                if first
                else _("This check was already acknowledged."),
            )
        return redirect("checks:inbox")
    return render(request, "checks/inbox.html", {"pings": services.inbox(request.user)})


def acknowledge(request: HttpRequest, signed: str) -> HttpResponse:
    """The link in the e-mail. Opening it only shows a button: link scanners in mail systems
    open links too, and must not acknowledge on the contact's behalf. The page speaks the
    language of the e-mail unless the visitor chose one."""
    try:
        ping = services.ping_for_link(signed)
    except ServiceError as exc:
        return render(request, "checks/acknowledge.html", {"error": str(exc)}, status=400)
    with link_language(request, ping.language):
        return _acknowledge(request, ping)


def _acknowledge(request: HttpRequest, ping: Ping) -> HttpResponse:
    done = None
    if request.method == "POST":
        try:
            done = services.acknowledge(ping, Ping.Via.LINK, request=request)
        except ServiceError as exc:
            return render(request, "checks/acknowledge.html", {"error": str(exc), "ping": ping}, status=409)
    return render(request, "checks/acknowledge.html", {"ping": ping, "done": done})
