"""Profiles pages: the list of participants, a participant's profile, up to three compared,
the national documents and positions (recording, reading, changing and withdrawing them), and
the positions and documents on one catalogue item."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.catalogue.access import readable
from thiqa.catalogue.models import Item
from thiqa.lib.charts import bar_chart, line_chart
from thiqa.lib.forms import save_valid
from thiqa.lib.http import posted
from thiqa.library.models import Document
from thiqa.profiles import services, standing
from thiqa.profiles.forms import DocumentEditForm, DocumentForm, PositionEditForm, PositionForm, WithdrawForm
from thiqa.profiles.models import NationalDocument, Position
from thiqa.reporting import exports
from thiqa.reporting.instruments import all_instruments

MAX_COMPARED = 3


@dataclass(frozen=True)
class Change:
    """One change page: what saving does with the valid form, the message and page after it,
    and the page's heading, button and way back."""

    save: Callable[[Any], object]
    done: str
    after: str
    heading: str
    button: str
    back: str


GCA = "gca-self-assessment"


def _participant(code: str) -> Participant:
    return get_object_or_404(Participant, code=code, is_active=True)


@readable("profiles.view")
def index(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "profiles.view")
    participants = standing.participants()
    return render(request, "profiles/index.html", {"participants": participants, "slots": ["", "", ""]})


def _trend_chart(found: standing.Standing, rtl: bool) -> str:
    definition = found.instrument
    return line_chart(
        [(p.cycle.period, p.value) for p in found.trend],
        title=definition.title,
        maximum=100.0,
        unit="" if definition.scoring else "%",
        rtl=rtl,
    )


@readable("profiles.view")
def profile(request: HttpRequest, code: str) -> HttpResponse:
    """One participant's profile, built only from what the visitor may see."""
    participant = _participant(code)
    policy.require(request.user, "profiles.view", participant)
    shown = standing.profile(request.user, participant)
    rtl = get_language_bidi()
    return render(
        request,
        "profiles/profile.html",
        {
            "profile": shown,
            "participant": participant,
            "standings": [(s, _trend_chart(s, rtl)) for s in shown.standings],
            "may_record": policy.can(request.user, "profiles.add_document", participant),
        },
    )


def _row(label: str, values: list[Any]) -> dict[str, Any]:
    return {"label": label, "values": values}


def _comparison_rows(profiles: list[standing.Profile]) -> list[dict[str, Any]]:
    rows = []
    for code, definition in all_instruments().items():
        found = [p.standing(code) for p in profiles]
        if any(found):
            rows.append(_row(definition.title, [s.value if s else None for s in found]))
            if definition.scoring:
                rows.append(_row(_("Tier"), [s.score.tier.label if s and s.score else None for s in found]))
    rows.append(_row(_("National documents"), [len(p.documents) for p in profiles]))
    rows.append(_row(_("National positions"), [len(p.positions) for p in profiles]))
    if profiles[0].shows_cirt:
        rows.append(
            _row(_("National CIRT"), [p.cirt.get_status_display() if p.cirt else None for p in profiles])
        )
    if profiles[0].coverage is not None:
        rows.append(_row(_("Contacts in the directory"), [p.coverage.contacts for p in profiles]))
        rows.append(
            _row(
                _("Policy and technical contacts"),
                [_("yes") if p.coverage.complete else _("no") for p in profiles],
            )
        )
    rows.append(_row(_("Published partnerships"), [len(p.partnerships) for p in profiles]))
    rows.append(_row(_("Activities organized"), [len(p.activities) for p in profiles]))
    return rows


def _gca_charts(profiles: list[standing.Profile], rtl: bool) -> dict[str, Any]:
    scored = [(p.participant.name, p.standing(GCA)) for p in profiles]
    scored = [(name, s.score) for name, s in scored if s and s.score]
    if not scored:
        return {}
    definition = all_instruments()[GCA]
    return {
        "radar": exports.radar(definition, scored, _("Scores per pillar")),
        "totals": bar_chart(
            [(name, s.total) for name, s in scored],
            title=_("Total score"),
            maximum=scored[0][1].maximum,
            unit="",
            rtl=rtl,
        ),
    }


@readable("profiles.view")
def compare(request: HttpRequest) -> HttpResponse:
    """Up to three profiles side by side, each as the visitor may see it."""
    policy.require(request.user, "profiles.view")
    codes = list(dict.fromkeys(c for c in request.GET.getlist("p") if c))
    if len(codes) > MAX_COMPARED:
        messages.error(request, _("Compare at most %(limit)d participants.") % {"limit": MAX_COMPARED})
        codes = codes[:MAX_COMPARED]
    chosen = {p.code: p for p in Participant.objects.filter(code__in=codes, is_active=True)}
    profiles = [standing.profile(request.user, chosen[c]) for c in codes if c in chosen]
    context: dict[str, Any] = {
        "profiles": profiles,
        "participants": standing.participants(),
        "slots": ([*codes, "", "", ""])[:MAX_COMPARED],
    }
    if profiles:
        context["rows"] = _comparison_rows(profiles)
        context.update(_gca_charts(profiles, get_language_bidi()))
    return render(request, "profiles/compare.html", context)


@login_required
def add_document(request: HttpRequest, code: str) -> HttpResponse:
    participant = _participant(code)
    policy.require(request.user, "profiles.add_document", participant)
    form = DocumentForm(posted(request), request.FILES if request.method == "POST" else None)
    saved, _added = save_valid(
        request,
        form,
        lambda: services.add_document(
            request.user, participant, form.cleaned_data["file"], form.draft(), request=request
        ),
        _("The national document was added."),
        (services.InvalidProfileInput,),
    )
    if saved:
        return redirect("profiles:profile", participant.code)
    return render(request, "profiles/document_form.html", {"form": form, "participant": participant})


@login_required
def record_position(request: HttpRequest, code: str) -> HttpResponse:
    participant = _participant(code)
    policy.require(request.user, "profiles.record_position", participant)
    form = PositionForm(posted(request), request.FILES if request.method == "POST" else None)
    saved, position = save_valid(
        request,
        form,
        lambda: services.record_position(
            request.user, participant, form.draft(), form.cleaned_data.get("file"), request=request
        ),
        _("The national position was recorded."),
        (services.InvalidProfileInput,),
    )
    if saved:
        return redirect("profiles:position", position.pk)
    return render(request, "profiles/position_form.html", {"form": form, "participant": participant})


@readable("profiles.view")
def position(request: HttpRequest, pk: int) -> HttpResponse:
    found = _position(pk)
    policy.require(request.user, "profiles.view_position", found)
    context = {
        "position": found,
        "may_edit": policy.can(request.user, "profiles.edit_position", found),
        "may_withdraw": policy.can(request.user, "profiles.withdraw_position", found),
    }
    return render(request, "profiles/position.html", context)


@readable("profiles.view")
def document(request: HttpRequest, slug: str) -> HttpResponse:
    """A national document as its audience reads it: its facts and its passages."""
    found = get_object_or_404(Document.objects.select_related("owner"), slug=slug, owner__isnull=False)
    policy.require(request.user, "library.view_document", found)
    context = {
        "document": found,
        "national": NationalDocument.objects.filter(document=found).prefetch_related("items").first(),
        "position": Position.objects.filter(document=found).first(),
        "passages": found.passages.order_by("order"),
        # A position's document changes with its position.
        "may_edit": policy.can(request.user, "profiles.edit_document", found),
        "may_withdraw": policy.can(request.user, "profiles.withdraw_document", found),
    }
    if context["position"] is not None:
        context["may_edit"] = context["may_withdraw"] = False
    return render(request, "profiles/document.html", context)


def _national(slug: str) -> NationalDocument:
    return get_object_or_404(NationalDocument.objects.select_related("document__owner"), document__slug=slug)


def _change_page(request: HttpRequest, form: Any, change: Change) -> HttpResponse:
    """The page of one change (an edit or a withdrawal): the service runs on a valid form, its
    errors are shown beside their fields."""
    saved, _result = save_valid(
        request, form, lambda: change.save(form), change.done, (services.InvalidProfileInput,)
    )
    if saved:
        return redirect(change.after)
    context = {"form": form, "heading": change.heading, "button": change.button, "back": change.back}
    return render(request, "profiles/change.html", context)


@login_required
def edit_document(request: HttpRequest, slug: str) -> HttpResponse:
    national = _national(slug)
    policy.require(request.user, "profiles.edit_document", national.document)
    change = Change(
        save=lambda form: services.edit_document(request.user, national, form.draft(), request=request),
        done=_("The national document was changed."),
        after=reverse("profiles:document", args=[slug]),
        heading=_("Change the national document “%(title)s”") % {"title": national.document.title},
        button=_("Save the changes"),
        back=reverse("profiles:document", args=[slug]),
    )
    return _change_page(request, DocumentEditForm(posted(request), national=national), change)


@login_required
def withdraw_document(request: HttpRequest, slug: str) -> HttpResponse:
    national = _national(slug)
    policy.require(request.user, "profiles.withdraw_document", national.document)
    change = Change(
        save=lambda form: services.withdraw_document(
            request.user, national, form.cleaned_data["reason"], request=request
        ),
        done=_("The national document was withdrawn."),
        after=reverse("profiles:profile", args=[national.document.owner.code]),
        heading=_("Withdraw the national document “%(title)s”") % {"title": national.document.title},
        button=_("Withdraw it"),
        back=reverse("profiles:document", args=[slug]),
    )
    return _change_page(request, WithdrawForm(posted(request)), change)


def _position(pk: int) -> Position:
    return get_object_or_404(Position.objects.select_related("owner", "document"), pk=pk)


@login_required
def edit_position(request: HttpRequest, pk: int) -> HttpResponse:
    found = _position(pk)
    policy.require(request.user, "profiles.edit_position", found)
    change = Change(
        save=lambda form: services.edit_position(request.user, found, form.draft(), request=request),
        done=_("The national position was changed."),
        after=reverse("profiles:position", args=[pk]),
        heading=_("Change the national position “%(title)s”") % {"title": found.title},
        button=_("Save the changes"),
        back=reverse("profiles:position", args=[pk]),
    )
    return _change_page(request, PositionEditForm(posted(request), position=found), change)


@login_required
def withdraw_position(request: HttpRequest, pk: int) -> HttpResponse:
    found = _position(pk)
    policy.require(request.user, "profiles.withdraw_position", found)
    change = Change(
        save=lambda form: services.withdraw_position(
            request.user, found, form.cleaned_data["reason"], request=request
        ),
        done=_("The national position was withdrawn."),
        after=reverse("profiles:profile", args=[found.owner.code]),
        heading=_("Withdraw the national position “%(title)s”") % {"title": found.title},
        button=_("Withdraw it"),
        back=reverse("profiles:position", args=[pk]),
    )
    return _change_page(request, WithdrawForm(posted(request)), change)


@readable("profiles.view")
def item(request: HttpRequest, code: str) -> HttpResponse:
    """The national positions and documents on one catalogue item, State by State."""
    policy.require(request.user, "profiles.view")
    found = get_object_or_404(Item, code=code, is_active=True)
    positions, documents = standing.on_item(request.user, found)
    return render(
        request, "profiles/item.html", {"item": found, "positions": positions, "documents": documents}
    )
