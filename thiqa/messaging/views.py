"""Messaging pages: inbox and sent lists, composing, a thread with its replies and
recipients, acknowledging, forwarding, exporting, attachments, the link in the e-mail."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thiqa.accounts import policy
from thiqa.accounts.services import ServiceError
from thiqa.lib import files, tlp, wordsearch
from thiqa.lib.charts import bar_chart
from thiqa.lib.files import Upload
from thiqa.lib.http import link_language, posted
from thiqa.lib.links import extras_for
from thiqa.lib.openpgp import platform_key
from thiqa.messaging import inbox, services
from thiqa.messaging import traffic as overview
from thiqa.messaging.forms import ComposeForm, FilterForm, ForwardForm, PeriodForm, ReplyForm
from thiqa.messaging.kinds import all_kinds, display_values, sendable
from thiqa.messaging.models import Attachment, Message

PAGE_SIZE = 50


def _listing(request: HttpRequest, box: str) -> HttpResponse:
    policy.require(request.user, "messaging.view")
    form = FilterForm(request.GET or None)
    everything = inbox.BOXES[box](request.user)
    try:
        found = inbox.filtered(request.user, everything, form.filters())
    except wordsearch.QueryError as exc:
        form.add_error("q", str(exc))
        found = everything.none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/list.html",
        {
            "box": box,
            "form": form,
            "page": page,
            "rows": inbox.summary(page.object_list, request.user),
            "unread": inbox.unread_count(request.user),
            "can_send": policy.can(request.user, "messaging.send"),
            "can_view_traffic": policy.can(request.user, "messaging.view_traffic"),
        },
    )


@login_required
def received(request: HttpRequest) -> HttpResponse:
    return _listing(request, "inbox")


@login_required
def sent(request: HttpRequest) -> HttpResponse:
    return _listing(request, "sent")


@login_required
def readable(request: HttpRequest) -> HttpResponse:
    return _listing(request, "all")


@login_required
def choose_kind(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "messaging.send")
    return render(request, "messaging/choose.html", {"kinds": sendable()})


def _uploads(request: HttpRequest, name: str = "attachments") -> list[Upload]:
    return [Upload(f.name or "", f.read()) for f in request.FILES.getlist(name)]


@login_required
def compose(request: HttpRequest, kind: str) -> HttpResponse:
    policy.require(request.user, "messaging.send")
    definition = all_kinds().get(kind)
    if definition is None or definition.reply_only:
        raise Http404
    form = ComposeForm(posted(request), request.FILES or None, user=request.user, kind=definition)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.send(
                request.user, form.cleaned_data["sender"], form.draft(_uploads(request)), request=request
            )
        except services.InvalidMessage as exc:
            form.add_service_errors(exc.errors)
        else:
            _sent_notice(request, message)
            return redirect("messaging:thread", message.pk)
    return render(
        request,
        "messaging/compose.html",
        {"form": form, "kind": definition, "max_size": filesizeformat(settings.THIQA_ATTACHMENT_MAX_BYTES)},
    )


def _sent_notice(request: HttpRequest, message: Message) -> None:
    count = message.recipients.count()
    messages.success(
        request,
        ngettext(
            "The message was sent to %(count)d contact.", "The message was sent to %(count)d contacts.", count
        )
        % {"count": count},
    )
    unreached = getattr(message, "unreached", [])
    if unreached:
        messages.warning(
            request,
            _("These participants have no contact for the chosen roles and did not receive it: %(names)s.")
            % {"names": ", ".join(p.name for p in unreached)},
        )


def _readable(request: HttpRequest, pk: int) -> Message:
    message = get_object_or_404(Message.objects.select_related("sender_participant", "sender"), pk=pk)
    policy.require(request.user, "messaging.read", message)
    return message


@login_required
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    root = get_object_or_404(Message, pk=pk)
    policy.require(request.user, "messaging.read", root)
    if root.thread_id:
        return redirect("messaging:thread", root.thread_id)
    shown = inbox.thread(request.user, root)
    if not shown:
        raise PermissionDenied(_("You are not allowed to do this."))
    for message in shown:
        services.open_message(request.user, message, request=request)
    user = request.user
    entries = [
        {
            "message": m,
            "fields": list(display_values(m.definition, m.fields)),
            "recipients": inbox.visible_recipients(user, m),
            "can_acknowledge": inbox.can_acknowledge(user, m) and not root.closed_at,
            "can_reply": policy.can(user, "messaging.reply", m) and not root.closed_at,
            "can_forward": policy.can(user, "messaging.forward", m),
            "can_export": policy.can(user, "messaging.export", m),
            "elsewhere": extras_for("messaging.message", user, m).links,
            "reply_form": ReplyForm(parent_label=m.tlp, prefix=f"r{m.pk}"),
        }
        for m in shown
    ]
    return render(
        request,
        "messaging/thread.html",
        {
            "root": root,
            "entries": entries,
            "can_close": policy.can(user, "messaging.close", root) and not root.closed_at,
        },
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    message = _readable(request, pk)
    try:
        done = services.acknowledge(request.user, message, request=request)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(request, _("Thank you: your acknowledgement is recorded."))
        else:
            messages.info(request, _("This message was already acknowledged. Nothing has changed."))
    return redirect("messaging:thread", message.thread_id_or_own)


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _readable(request, pk)
    form = ReplyForm(request.POST, parent_label=parent.tlp, prefix=f"r{parent.pk}")
    if form.is_valid():
        try:
            services.reply(
                request.user,
                parent,
                form.cleaned_data["body"],
                label=form.cleaned_data["tlp"],
                uploads=_uploads(request, f"r{parent.pk}-attachments"),
                request=request,
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your reply was sent."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("messaging:thread", parent.thread_id_or_own)


@login_required
def forward(request: HttpRequest, pk: int) -> HttpResponse:
    original = _readable(request, pk)
    policy.require(request.user, "messaging.forward", original)
    form = ForwardForm(posted(request), user=request.user, label=original.tlp)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.forward(
                request.user,
                original,
                form.addressees(),
                form.cleaned_data["note"],
                label=form.cleaned_data["tlp"],
                request=request,
            )
        except services.InvalidMessage as exc:
            form.add_service_errors(exc.errors)
        else:
            _sent_notice(request, message)
            return redirect("messaging:thread", message.pk)
    return render(request, "messaging/forward.html", {"form": form, "original": original})


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    root = _readable(request, pk)
    try:
        services.close(request.user, root, request=request)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The thread is closed."))
    return redirect("messaging:thread", root.thread_id_or_own)


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    message = _readable(request, pk)
    document = services.export(request.user, message, request=request)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="thiqa-message-{message.pk}.json"'
    return response


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("message"), pk=pk)
    data = services.download(request.user, attachment, request=request)
    return files.download(data, attachment.filename, attachment.content_type, tlp.marking(attachment.tlp))


def acknowledge_link(request: HttpRequest, signed: str) -> HttpResponse:
    """The link in the e-mail. Opening it shows a button (mail scanners open links too);
    pressing it acknowledges that copy. The page shows nothing of the content."""
    try:
        recipient = services.recipient_for_link(signed)
    except ServiceError as exc:
        return render(request, "messaging/acknowledge.html", {"error": str(exc)}, status=400)
    with link_language(request, recipient.language):
        context = {"recipient": recipient, "message": recipient.message}
        if request.method == "POST":
            try:
                context["done"] = bool(services.acknowledge_link(recipient, request=request))
            except ServiceError as exc:
                return render(
                    request, "messaging/acknowledge.html", {**context, "error": str(exc)}, status=409
                )
            recipient.refresh_from_db()
        return render(request, "messaging/acknowledge.html", context)


def public_key(request: HttpRequest) -> HttpResponse:
    """The platform's OpenPGP public key, which signs every e-mail copy."""
    response = HttpResponse(platform_key().public, content_type="application/pgp-keys")
    response["Content-Disposition"] = 'inline; filename="thiqa-platform-key.asc"'
    return response


# --- the secretariat's traffic overview ---------------------------------------------------------


def _traffic(request: HttpRequest) -> tuple[PeriodForm, overview.Traffic]:
    policy.require(request.user, "messaging.view_traffic")
    form = PeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_valid() else {}
    return form, overview.traffic(period.get("first_day"), period.get("last_day"))


@login_required
def traffic(request: HttpRequest) -> HttpResponse:
    """Counts of messages per type, label, participant and month: never their content."""
    form, figures = _traffic(request)
    months = [(row.label, row.messages) for row in figures.by_month]
    return render(
        request,
        "messaging/traffic.html",
        {
            "form": form,
            "traffic": figures,
            "query": request.GET.urlencode(),
            "chart": bar_chart(
                months,
                title=_("Messages per month"),
                maximum=max([n for _label, n in months], default=0) or 1,
                unit="",
                rtl=get_language_bidi(),
                empty=_("No message in this period."),
            ),
        },
    )


@login_required
def traffic_csv(request: HttpRequest) -> HttpResponse:
    _form, figures = _traffic(request)
    response = HttpResponse(
        ("\ufeff" + overview.as_csv(figures)).encode(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="thiqa-traffic.csv"'
    return response
