"""Glossary pages: the concepts (agreed ones readable without signing in), a concept with the
national terms side by side and where they diverge, the national terms, the forms to submit a
term and to create a concept, and the buttons of their life (submit, withdraw, group)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.services import ServiceError
from thiqa.catalogue.access import readable
from thiqa.glossary import listing, services
from thiqa.glossary.forms import CommentForm, ConceptForm, TermForm
from thiqa.glossary.models import Concept, GlossaryTerm
from thiqa.lib import wordsearch
from thiqa.lib.forms import save_valid
from thiqa.lib.http import posted
from thiqa.lib.languages import language_choices


@readable("glossary.view")
def index(request: HttpRequest) -> HttpResponse:
    """The concepts the visitor may read, searched."""
    policy.require(request.user, "glossary.view")
    q, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    chosen = status if status in Concept.Status.values else ""
    found, error = wordsearch.searched(lambda: listing.concepts(request.user, q, chosen), [])
    user = request.user
    return render(
        request,
        "glossary/index.html",
        {
            "concepts": found,
            "q": q,
            "status": status,
            "error": error,
            "statuses": Concept.Status.choices,
            "signed_in": user.is_authenticated,
            "can_submit": policy.can(user, "glossary.submit"),
            "can_manage": policy.can(user, "glossary.manage"),
            "can_import": policy.can(user, "glossary.import"),
        },
    )


@readable("glossary.view")
def concept(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Concept, pk=pk)
    policy.require(request.user, "glossary.view_concept", found)
    user = request.user
    can_manage = policy.can(user, "glossary.manage")
    can_comment = policy.can(user, "glossary.comment", found)
    return render(
        request,
        "glossary/concept.html",
        {
            "concept": found,
            "blocks": listing.side_by_side(found, user),
            "items": found.items.order_by("code"),
            "comments": found.comments.select_related("participant", "author")
            if user.is_authenticated
            else [],
            "comment_form": CommentForm(user=user) if can_comment else None,
            "can_manage": can_manage,
            "ungrouped": listing.ungrouped_submitted(user) if can_manage else [],
        },
    )


@login_required
def terms(request: HttpRequest) -> HttpResponse:
    """National terms the person may read: filtered by participant, language, status."""
    policy.require(request.user, "glossary.view")
    filters = listing.TermFilters(
        q=request.GET.get("q", "").strip(),
        participant=request.GET.get("participant", "").strip(),
        language=request.GET.get("language", "").strip(),
        status=request.GET.get("status", "").strip(),
        concept=request.GET.get("concept", "").strip(),
    )
    found, error = wordsearch.searched(lambda: listing.terms(request.user, filters), [])
    return render(
        request,
        "glossary/terms.html",
        {
            "terms": found,
            "filters": filters,
            "error": error,
            "language_options": language_choices(),
            "statuses": GlossaryTerm.Status.choices,
            "participants": Participant.objects.filter(is_active=True).order_by("name_en"),
            "can_submit": policy.can(request.user, "glossary.submit"),
        },
    )


def _readable(request: HttpRequest, pk: int) -> GlossaryTerm:
    found = get_object_or_404(GlossaryTerm.objects.select_related("participant", "concept"), pk=pk)
    policy.require(request.user, "glossary.view_term", found)
    return found


@readable("glossary.view")
def term(request: HttpRequest, pk: int) -> HttpResponse:
    found = _readable(request, pk)
    user = request.user
    can_edit = policy.can(user, "glossary.edit_term", found)
    can_manage = policy.can(user, "glossary.manage")
    return render(
        request,
        "glossary/term.html",
        {
            "term": found,
            "concept": listing.readable_concept(user, found),
            "items": found.items.order_by("code"),
            "chosen": found.audience_participants.order_by("name_en") if user.is_authenticated else [],
            "versions": found.versions.select_related("created_by") if can_edit or can_manage else [],
            "can_edit": can_edit,
            "can_manage": can_manage,
            "concepts": Concept.objects.exclude(status=Concept.Status.RETIRED) if can_manage else [],
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "glossary.submit")
    form = TermForm(
        posted(request), request.FILES or None, user=request.user, initial={"audience": "community"}
    )
    saved, made = save_valid(
        request,
        form,
        lambda: services.create(
            request.user, form.cleaned_data["participant"], form.draft(), request=request
        ),
        _("The term was saved as a draft. Submit it when it is ready."),
        (ServiceError,),
    )
    if saved:
        return redirect("glossary:term", made.pk)
    return render(request, "glossary/term_form.html", {"form": form, "term": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _readable(request, pk)
    policy.require(request.user, "glossary.edit_term", found)
    form = TermForm(
        posted(request),
        request.FILES or None,
        user=request.user,
        term=found,
        initial=TermForm.initial_for(found),
    )
    saved, _term = save_valid(
        request,
        form,
        lambda: services.update(request.user, found, form.draft(), request=request),
        _("The term was saved as a draft."),
        (ServiceError,),
    )
    if saved:
        return redirect("glossary:term", found.pk)
    return render(request, "glossary/term_form.html", {"form": form, "term": found})


def _act(request: HttpRequest, done: str, operation: object, *args: object) -> None:
    try:
        operation(request.user, *args, request=request)  # type: ignore[operator]
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _readable(request, pk)
    _act(request, _("The term was submitted."), services.submit, found)
    return redirect("glossary:term", found.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = _readable(request, pk)
    _act(request, _("The term was withdrawn."), services.withdraw, found)
    return redirect("glossary:term", found.pk)


@login_required
@require_POST
def group(request: HttpRequest, pk: int) -> HttpResponse:
    """Group national terms into a concept: from the concept's page (several) or a term's (one)."""
    found = get_object_or_404(Concept, pk=pk)
    policy.require(request.user, "glossary.manage")
    ids = [int(i) for i in request.POST.getlist("term") if i.isdigit()]
    chosen = list(GlossaryTerm.objects.visible_to(request.user).filter(pk__in=ids))
    if not chosen:
        messages.error(request, _("Choose the terms to group into this concept."))
    else:
        _act(request, _("The terms were grouped into the concept."), services.group, found, chosen)
    return redirect("glossary:concept", found.pk)


@login_required
@require_POST
def group_term(request: HttpRequest, pk: int) -> HttpResponse:
    """Group one national term into the concept chosen on its page."""
    found = _readable(request, pk)
    policy.require(request.user, "glossary.manage")
    raw = request.POST.get("concept", "")
    concept = Concept.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if concept is None:
        messages.error(request, _("Choose the concept to group the term into."))
        return redirect("glossary:term", found.pk)
    _act(request, _("The terms were grouped into the concept."), services.group, concept, [found])
    return redirect("glossary:concept", concept.pk)


@login_required
@require_POST
def ungroup(request: HttpRequest, pk: int) -> HttpResponse:
    found = _readable(request, pk)
    concept_pk = found.concept_id
    _act(request, _("The term was taken out of the concept."), services.ungroup, found)
    return redirect("glossary:concept", concept_pk) if concept_pk else redirect("glossary:term", found.pk)


@login_required
def create_concept(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "glossary.manage")
    form = ConceptForm(posted(request))
    saved, made = save_valid(
        request,
        form,
        lambda: services.create_concept(request.user, form.draft(), request=request),
        _("The concept was created."),
        (services.InvalidConcept,),
    )
    if saved:
        return redirect("glossary:concept", made.pk)
    return render(request, "glossary/concept_form.html", {"form": form, "concept": None})


@login_required
def edit_concept(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Concept, pk=pk)
    policy.require(request.user, "glossary.manage")
    form = ConceptForm(posted(request), initial=ConceptForm.initial_for(found))
    saved, _concept = save_valid(
        request,
        form,
        lambda: services.update_concept(request.user, found, form.draft(), request=request),
        _("The concept was saved."),
        (services.InvalidConcept,),
    )
    if saved:
        return redirect("glossary:concept", found.pk)
    return render(request, "glossary/concept_form.html", {"form": form, "concept": found})


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Concept, pk=pk)
    policy.require(request.user, "glossary.comment", found)
    form = CommentForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.comment(
                request.user,
                found,
                form.cleaned_data["participant"],
                form.cleaned_data["text"],
                request=request,
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your comment was added."))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("glossary:concept", found.pk)
