"""Directory pages: participants' contacts, nominations and their review, compliance."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.accounts.services import ServiceError
from thiqa.directory import services
from thiqa.directory.forms import ContactForm, NominationForm, ReturnForm, StructureForm
from thiqa.directory.models import Contact, ContactRole, Nomination, Structure
from thiqa.lib.charts import bar_chart
from thiqa.lib.http import posted


def _participant(code: str) -> Participant:
    return get_object_or_404(Participant, code=code, is_active=True)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "directory.view")
    visible = Contact.objects.visible_to(request.user)
    group = ParticipantGroup.objects.filter(code=request.GET.get("group", "")).first()
    participants = Participant.objects.filter(is_active=True)
    if group:
        participants = participants.filter(groups=group)
    query = request.GET.get("q", "").strip()
    if query:
        participants = participants.filter(
            Q(name_en__icontains=query) | Q(name_ar__icontains=query) | Q(code__iexact=query)
        )
    participants = participants.annotate(
        policy_contacts=Count("contacts", filter=Q(contacts__in=visible, contacts__role=ContactRole.POLICY)),
        technical_contacts=Count(
            "contacts", filter=Q(contacts__in=visible, contacts__role=ContactRole.TECHNICAL)
        ),
        all_contacts=Count("contacts", filter=Q(contacts__in=visible)),
    ).order_by("name_en")
    return render(
        request,
        "directory/index.html",
        {
            "participants": participants,
            "groups": ParticipantGroup.objects.order_by("name_en"),
            "group": group,
            "query": query,
            "can_review": policy.can(request.user, "directory.review"),
            "can_import": policy.can(request.user, "directory.import"),
            "pending": Nomination.objects.filter(status=Nomination.Status.PENDING).count()
            if policy.can(request.user, "directory.review")
            else 0,
        },
    )


@login_required
def participant(request: HttpRequest, code: str) -> HttpResponse:
    policy.require(request.user, "directory.view")
    target = _participant(code)
    contacts = list(
        Contact.objects.visible_to(request.user).filter(participant=target).select_related("structure")
    )
    bounced = {c.pk: c.last_bounce for c in services.bouncing_contacts([c.pk for c in contacts])}
    for contact in contacts:
        contact.last_bounce = bounced.get(contact.pk)  # type: ignore[attr-defined]
    manages = policy.can(request.user, "directory.nominate", target)
    standing = services.currency([target])[0]
    return render(
        request,
        "directory/participant.html",
        {
            "participant": target,
            "contacts": contacts,
            "structures": target.structures.filter(is_active=True),
            "manages": manages,
            "standing": standing,
            "today": timezone.localdate(),
            "months": services.reconfirm_months(),
            "nominations": target.nominations.select_related("proposed_by", "decided_by", "contact")[:50]
            if manages or policy.can(request.user, "participant.view_people", target)
            else None,
            "pending_about": set(
                target.nominations.filter(status=Nomination.Status.PENDING).values_list(
                    "contact_id", flat=True
                )
            ),
        },
    )


def _nomination_page(
    request: HttpRequest, target: Participant, *, action: str, contact: Contact | None = None
) -> HttpResponse:
    policy.require(request.user, "directory.nominate", target)
    initial = _contact_initial(contact) if contact else None
    details = None
    if action != Nomination.Action.REMOVE:
        details = ContactForm(posted(request), participant=target, initial=initial, prefix="contact")
    about = NominationForm(posted(request), prefix="nomination")
    if request.method == "POST" and about.is_valid() and (details is None or details.is_valid()):
        try:
            nomination = services.propose(
                request.user,
                target,
                action=action,
                contact=contact,
                data=details.cleaned_contact() if details else None,
                effective_on=about.cleaned_data["effective_on"],
                note=about.cleaned_data["note"],
                request=request,
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            if policy.can(request.user, "directory.review", nomination):
                services.publish(request.user, nomination, request=request)
                messages.success(request, _("The change is published in the directory."))
            else:
                messages.success(request, _("Your proposal was sent to the secretariat for review."))
            if nomination.is_late:
                days = services.change_notice_days()
                messages.warning(
                    request,
                    ngettext(
                        "Notified more than %(days)d day after the effective date: flagged as late.",
                        "Notified more than %(days)d days after the effective date: flagged as late.",
                        days,
                    )
                    % {"days": days},
                )
            return redirect("directory:participant", target.code)
    return render(
        request,
        "directory/nominate.html",
        {"participant": target, "contact": contact, "action": action, "details": details, "about": about},
    )


def _contact_initial(contact: Contact) -> dict[str, Any]:
    return {
        "role": contact.role,
        "name": contact.name,
        "position": contact.position,
        "structure": contact.structure_id,
        "emails": ", ".join(contact.emails),
        "phones": ", ".join(contact.phones),
        "languages": ", ".join(contact.languages),
        "time_zone": contact.time_zone,
        "availability": contact.availability,
        "office_hours": contact.office_hours,
        "pgp_key": contact.pgp_key,
        "secretariat_only": contact.secretariat_only,
    }


@login_required
def nominate(request: HttpRequest, code: str) -> HttpResponse:
    return _nomination_page(request, _participant(code), action=Nomination.Action.ADD)


@login_required
def nominate_about(request: HttpRequest, code: str, contact_id: int, action: str) -> HttpResponse:
    target = _participant(code)
    if action not in (Nomination.Action.CHANGE, Nomination.Action.REMOVE):
        raise Http404
    contact = get_object_or_404(Contact.objects.published(), pk=contact_id, participant=target)
    return _nomination_page(request, target, action=action, contact=contact)


@login_required
@require_POST
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    target = _participant(code)
    try:
        count = services.confirm_current(request.user, target, request=request)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d contact confirmed as current.", "%(count)d contacts confirmed as current.", count
            )
            % {"count": count},
        )
    return redirect("directory:participant", target.code)


@login_required
def structures(request: HttpRequest, code: str) -> HttpResponse:
    target = _participant(code)
    policy.require(request.user, "directory.edit_structures", target)
    editing = None
    if request.GET.get("edit"):
        editing = get_object_or_404(Structure, pk=request.GET["edit"], participant=target)
    form = StructureForm(posted(request), initial=_structure_initial(editing))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_structure(request.user, target, form.cleaned_data, editing, request=request)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The structure is saved."))
            return redirect("directory:structures", target.code)
    return render(
        request,
        "directory/structures.html",
        {
            "participant": target,
            "structures": Structure.objects.filter(participant=target),
            "form": form,
            "editing": editing,
        },
    )


def _structure_initial(structure: Structure | None) -> dict[str, Any] | None:
    if structure is None:
        return None
    return {name: getattr(structure, name) for name in StructureForm.Meta.fields}


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "directory.review")
    pending = Nomination.objects.filter(status=Nomination.Status.PENDING).select_related(
        "participant", "contact", "proposed_by"
    )
    decided = Nomination.objects.exclude(status=Nomination.Status.PENDING).select_related(
        "participant", "contact", "proposed_by", "decided_by"
    )[:30]
    return render(
        request, "directory/reviews.html", {"pending": pending.order_by("proposed_at"), "decided": decided}
    )


@login_required
def nomination(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Nomination.objects.select_related("participant", "contact", "proposed_by"), pk=pk
    )
    reviewer = policy.can(request.user, "directory.review", item)
    if not (reviewer or policy.can(request.user, "directory.nominate", item.participant)):
        raise PermissionDenied(_("You are not allowed to do this."))
    form = ReturnForm(request.POST if request.POST.get("decision") == "return" else None)
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "publish":
                services.publish(request.user, item, request=request)
                messages.success(request, _("The change is published in the directory."))
                return redirect("directory:reviews")
            if decision == "return" and form.is_valid():
                services.return_nomination(request.user, item, form.cleaned_data["reason"], request=request)
                messages.success(request, _("The proposal was returned to the focal point."))
                return redirect("directory:reviews")
            if decision == "withdraw":
                services.withdraw(request.user, item, request=request)
                messages.success(request, _("The proposal was withdrawn."))
                return redirect("directory:participant", item.participant.code)
        except ServiceError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "directory/nomination.html",
        {"nomination": item, "changes": _changes(item), "reviewer": reviewer, "form": form},
    )


def _changes(item: Nomination) -> list[dict[str, Any]]:
    """Field by field: the published value and the proposed one."""
    current = _contact_initial(item.contact) if item.contact else {}
    form = ContactForm(participant=item.participant)
    rows = []
    for name, field in form.fields.items():
        if name not in item.data and name != "structure":
            continue
        proposed = item.data.get(name)
        if name == "structure":
            proposed = Structure.objects.filter(pk=proposed).first() if proposed else ""
            old = (
                Structure.objects.filter(pk=current.get("structure")).first()
                if current.get("structure")
                else ""
            )
        else:
            old = current.get(name, "")
        proposed = ", ".join(proposed) if isinstance(proposed, list) else proposed
        if name == "pgp_key":
            proposed, old = (
                item.data.get("pgp_fingerprint", ""),
                item.contact.pgp_fingerprint if item.contact else "",
            )
        rows.append({"label": field.label, "old": old, "new": proposed, "changed": str(old) != str(proposed)})
    return rows


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    """CBM 8 standing: who has a policy and a technical contact, who is overdue, per group."""
    groups = ParticipantGroup.objects.order_by("name_en").prefetch_related("members")
    visible = [g for g in groups if policy.can(request.user, "directory.compliance", g)]
    if not visible and not policy.can(request.user, "directory.compliance", None):
        raise PermissionDenied(_("You are not allowed to do this."))
    chosen = next((g for g in visible if g.code == request.GET.get("group")), None)
    shown = [chosen] if chosen else visible
    members = {g.pk: [m.pk for m in g.members.all() if m.is_active] for g in shown}
    if chosen:
        scope_ids = set(members[chosen.pk])
    elif policy.can(request.user, "directory.compliance", None):  # every group: the whole community
        scope_ids = set(
            Participant.objects.filter(is_active=True, kind=Participant.Kind.STATE).values_list(
                "pk", flat=True
            )
        )
    else:
        scope_ids = {pk for ids in members.values() for pk in ids}
    everyone = scope_ids | {pk for ids in members.values() for pk in ids}
    standing = {
        s.participant.pk: s for s in services.currency(list(Participant.objects.filter(pk__in=everyone)))
    }
    today = timezone.localdate()
    coverage = []
    for group in shown:
        rows = [standing[pk] for pk in members[group.pk]]
        if rows:
            complete = sum(r.complete for r in rows)
            coverage.append(
                {
                    "group": group,
                    "members": len(rows),
                    "complete": complete,
                    "overdue": sum(r.is_overdue(today) for r in rows),
                    "rate": round(100 * complete / len(rows), 1),
                }
            )
    standings = sorted((standing[pk] for pk in scope_ids), key=lambda s: s.participant.name_en)
    return render(
        request,
        "directory/compliance.html",
        {
            "standings": standings,
            "coverage": coverage,
            "groups": visible,
            "chosen": chosen,
            "today": today,
            "totals": {
                "participants": len(standings),
                "complete": sum(s.complete for s in standings),
                "overdue": sum(s.is_overdue(today) for s in standings),
                "late": sum(1 for s in standings if s.late_notices),
                "bouncing": sum(s.bouncing for s in standings),
            },
            "chart": bar_chart(
                [(row["group"].name, row["rate"]) for row in coverage],
                title=_("Participants with a policy and a technical contact, per group"),
                rtl=get_language_bidi(),
            ),
        },
    )
