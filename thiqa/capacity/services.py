"""Capacity building: post, edit and close needs and offers; ask to engage, accept, decline,
withdraw; mark an engagement in progress, complete it with its outcome or stop it, and
evaluate it from each side; record the secretariat's capacity-building projects; record a
State's national CIRT status.

Every write asks the policy, is checked whole before anything is written (each field's
problems together, so a page or an API client can show them all), runs in one transaction and
is audited. The audit records name codes and ids, not the texts people wrote.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.accounts.services import InvalidInput, ServiceError
from thiqa.audit.services import record
from thiqa.capacity.models import (
    PARTY_FIELDS,
    CirtStatus,
    Engagement,
    Evaluation,
    Need,
    Offer,
    Posting,
    Project,
    ProjectParty,
)
from thiqa.capacity.vocabulary import LANGUAGES, SupportKind, pillars, regions
from thiqa.catalogue.citing import cited_items
from thiqa.catalogue.models import Item
from thiqa.lib.bilingual import join_list
from thiqa.lib.wordsearch import stored_terms
from thiqa.mail.services import notify_focal_points

MIN_TITLE, MAX_TITLE = 3, 200
MAX_DESCRIPTION = 10_000
MAX_ITEMS = 20
MAX_MESSAGE = 5_000
MAX_SOURCES, MAX_SOURCE = 10, 500
FIRST_ASSESSMENT_YEAR = 1990  # well before the first national CERTs' readiness assessments

PostingT = TypeVar("PostingT", Need, Offer)
Status = Engagement.Status
Side = Engagement.Side


class InvalidCapacityInput(InvalidInput):
    """A need, an offer, a request to engage, an answer or a CIRT status that cannot be saved
    as it is; ``errors`` maps each field to its problems (the API answers 422 with them)."""

    title = gettext_lazy("The capacity-building entry cannot be saved.")


@dataclass
class PostingDraft:
    """A need or an offer as written, before validation."""

    title: str
    description: str
    pillars: list[str]
    regions: list[str]
    languages: list[str]
    kinds: list[str]
    items: list[str] = field(default_factory=list)  # catalogue codes, e.g. "un-gge-2013-32b"
    valid_until: date | None = None


# --- needs and offers -----------------------------------------------------------------------------


def post_need(
    user: User, participant: Participant, draft: PostingDraft, *, request: HttpRequest | None = None
) -> Need:
    return _post(Need, user, participant, draft, request)


def post_offer(
    user: User, participant: Participant, draft: PostingDraft, *, request: HttpRequest | None = None
) -> Offer:
    return _post(Offer, user, participant, draft, request)


def _post(
    model: type[PostingT],
    user: User,
    participant: Participant,
    draft: PostingDraft,
    request: HttpRequest | None,
) -> PostingT:
    policy.require(user, "capacity.post", participant)
    if not participant.is_active:
        raise InvalidCapacityInput({"participant": [_("This participant is no longer active.")]})
    fields, items = clean_posting(draft)
    with transaction.atomic():
        posting = model.objects.create(participant=participant, posted_by=user, **fields)
        posting.items.set(items)
        record(
            f"capacity.{_kind(posting)}_posted",
            actor=user,
            target=posting,
            data=_audit_data(posting, items),
            request=request,
        )
    return posting


def update_posting(
    user: User, posting: PostingT, draft: PostingDraft, *, request: HttpRequest | None = None
) -> PostingT:
    """Replace what a need or an offer says (its participant and history stay)."""
    policy.require(user, "capacity.edit", posting)
    fields, items = clean_posting(draft)
    with transaction.atomic():
        type(posting).objects.filter(pk=posting.pk).update(updated_at=timezone.now(), **fields)
        posting.refresh_from_db()
        posting.items.set(items)
        record(
            f"capacity.{_kind(posting)}_updated",
            actor=user,
            target=posting,
            data=_audit_data(posting, items),
            request=request,
        )
    return posting


def close_posting(user: User, posting: Posting, *, request: HttpRequest | None = None) -> None:
    """Close a need (met, or no longer wanted) or an offer (no longer available). Requests
    still waiting for an answer stay; they can be answered or withdrawn."""
    policy.require(user, "capacity.close", posting)
    with transaction.atomic():
        closed = type(posting).objects.filter(pk=posting.pk, status=Posting.Status.OPEN)
        if not closed.update(status=Posting.Status.CLOSED, closed_at=timezone.now()):
            raise ServiceError(_("This is already closed."))
        record(f"capacity.{_kind(posting)}_closed", actor=user, target=posting, request=request)
    posting.refresh_from_db()


def clean_posting(draft: PostingDraft) -> tuple[dict[str, Any], list[Item]]:
    """The one validation of a need or an offer (pages, API, demo): the fields to store and
    the catalogue items, or :class:`InvalidCapacityInput` naming every problem."""
    errors: dict[str, list[str]] = {}
    title, description = (draft.title or "").strip(), (draft.description or "").strip()
    if not MIN_TITLE <= len(title) <= MAX_TITLE:
        errors["title"] = [
            _("Give a title of %(min)d to %(max)d characters.") % {"min": MIN_TITLE, "max": MAX_TITLE}
        ]
    if not description or len(description) > MAX_DESCRIPTION:
        errors["description"] = [
            _("Describe it in at most %(limit)d characters.") % {"limit": MAX_DESCRIPTION}
        ]
    fields = {
        "title": title,
        "description": description,
        "pillars": _codes(draft.pillars, pillars(), "pillars", errors),
        "regions": _codes(draft.regions, {r.code: r.label for r in regions().values()}, "regions", errors),
        "languages": _codes(draft.languages, LANGUAGES, "languages", errors),
        "kinds": _codes(draft.kinds, dict(SupportKind.choices), "kinds", errors),
        "valid_until": draft.valid_until,
        "search_terms": stored_terms(title, description),
    }
    items = _items(draft.items, errors)
    if draft.valid_until is not None and draft.valid_until < timezone.localdate():
        errors["valid_until"] = [_("The end date cannot be in the past.")]
    if errors:
        raise InvalidCapacityInput(errors)
    return fields, items


def _codes(values: Any, known: dict[str, Any], name: str, errors: dict[str, list[str]]) -> list[str]:
    """Codes from a closed list, in the list's order, without repeats."""
    values = [values] if isinstance(values, str) else list(values or [])
    given = [str(v).strip() for v in values if str(v).strip()]
    unknown = [v for v in given if v not in known]
    if unknown:
        errors[name] = [_unknown_message(name, unknown, list(known))]
    elif not given:
        errors[name] = [_missing_message(name)]
    return [code for code in known if code in given]


def _missing_message(name: str) -> str:
    return {
        "pillars": _("Choose at least one GCA pillar."),
        "regions": _("Choose at least one region."),
        "languages": _("Choose at least one language."),
        "kinds": _("Choose at least one kind of support."),
    }[name]


def _unknown_message(name: str, unknown: list[str], choices: list[str]) -> str:
    values = {"codes": ", ".join(u[:40] for u in unknown[:10]), "choices": ", ".join(choices)}
    return {
        "pillars": _("Unknown GCA pillars: %(codes)s. Choose from: %(choices)s."),
        "regions": _("Unknown regions: %(codes)s. Choose from: %(choices)s."),
        "languages": _("Unknown languages: %(codes)s. Use ISO 639-1 codes from this list: %(choices)s."),
        "kinds": _("Unknown kinds of support: %(codes)s. Choose from: %(choices)s."),
    }[name] % values


def _items(codes: list[str], errors: dict[str, list[str]]) -> list[Item]:
    codes = list(dict.fromkeys(str(c).strip() for c in codes or [] if str(c).strip()))
    if len(codes) > MAX_ITEMS:
        errors["items"] = [_("Name at most %(limit)d catalogue items.") % {"limit": MAX_ITEMS}]
        return []
    return cited_items(codes, errors)


def _kind(posting: Posting) -> str:
    return "need" if isinstance(posting, Need) else "offer"


def _audit_data(posting: Posting, items: list[Item]) -> dict[str, Any]:
    return {
        "participant": posting.participant.code,
        "pillars": posting.pillars,
        "items": [i.code for i in items],
        "regions": posting.regions,
        "languages": posting.languages,
    }


# --- requests to engage ---------------------------------------------------------------------------


def request_engagement(
    user: User,
    need: Need,
    offer: Offer,
    message: str,
    *,
    side: str | None = None,
    request: HttpRequest | None = None,
) -> Engagement:
    """Ask the other side to work together on ``need`` with ``offer``. ``side`` says which
    side the asker writes for ("need" or "offer"); it may be left out when they write for one
    side only."""
    policy.require(user, "capacity.engage", (need, offer))
    if need.participant_id == offer.participant_id:
        raise InvalidCapacityInput({"offer": [_("A participant cannot ask itself to engage.")]})
    side = _asking_side(user, need, offer, side)
    text = (message or "").strip()
    errors: dict[str, list[str]] = {}
    if not text or len(text) > MAX_MESSAGE:
        errors["message"] = [_("Write your message, at most %(limit)d characters.") % {"limit": MAX_MESSAGE}]
    if not need.is_current() or not offer.is_current():
        errors["status"] = [_("Both the need and the offer must be open.")]
    if errors:
        raise InvalidCapacityInput(errors)
    try:
        with transaction.atomic():
            engagement = Engagement.objects.create(
                need=need, offer=offer, side=side, message=text, requested_by=user
            )
            record(
                "capacity.engagement_requested",
                actor=user,
                target=engagement,
                data={"need": need.pk, "offer": offer.pk, "side": side},
                request=request,
            )
            _notify_asked(engagement)
    except IntegrityError:
        raise ServiceError(
            _("A request to engage on this need and offer is already proposed or accepted.")
        ) from None
    return engagement


def _sides(user: User, need: Need, offer: Offer) -> list[str]:
    """The sides ``user`` writes for."""
    writes = set(policy.written_for(user))
    return [s for s, p in ((Side.NEED, need), (Side.OFFER, offer)) if p.participant_id in writes]


def _asking_side(user: User, need: Need, offer: Offer, side: str | None) -> str:
    sides = _sides(user, need, offer)
    if side is None and len(sides) == 1:
        return sides[0]
    if side in sides:
        return str(side)
    raise InvalidCapacityInput(
        {"side": [_("Say whether you ask for the side in need or for the offering side.")]}
    )


def accept(
    user: User, engagement: Engagement, reason: str = "", *, request: HttpRequest | None = None
) -> None:
    """The side that was asked agrees to work together."""
    policy.require(user, "capacity.answer", engagement)
    _settle(user, engagement, Status.ACCEPTED, reason, request, required=False)


def decline(user: User, engagement: Engagement, reason: str, *, request: HttpRequest | None = None) -> None:
    """The side that was asked says no, and why."""
    policy.require(user, "capacity.answer", engagement)
    _settle(user, engagement, Status.DECLINED, reason, request, required=True)


def withdraw(
    user: User, engagement: Engagement, reason: str = "", *, request: HttpRequest | None = None
) -> None:
    """The side that asked takes its request back before it is answered."""
    policy.require(user, "capacity.withdraw", engagement)
    _settle(user, engagement, Status.WITHDRAWN, reason, request, required=False)


def _settle(
    user: User,
    engagement: Engagement,
    status: str,
    reason: str,
    request: HttpRequest | None,
    *,
    required: bool,
) -> None:
    """Move a proposed request to its final state, once: a second answer is refused."""
    reason = (reason or "").strip()
    if (required and not reason) or len(reason) > MAX_MESSAGE:
        raise InvalidCapacityInput(
            {"reason": [_("Give the reason, at most %(limit)d characters.") % {"limit": MAX_MESSAGE}]}
        )
    with transaction.atomic():
        locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
        if locked.status != Status.PROPOSED:
            raise ServiceError(
                _("This request is already %(status)s; it can no longer be answered or withdrawn.")
                % {"status": locked.get_status_display().lower()}
            )
        Engagement.objects.filter(pk=locked.pk).update(
            status=status, reason=reason, answered_by=user, answered_at=timezone.now()
        )
        engagement.refresh_from_db()
        record(
            f"capacity.engagement_{status}",
            actor=user,
            target=engagement,
            data={"need": engagement.need_id, "offer": engagement.offer_id},
            request=request,
        )
        _notify_settled(engagement)


# --- after the answer: in progress, completed, stopped; evaluations ------------------------------

# Each step: the statuses it may start from and the status it leads to.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({Status.ACCEPTED}), Status.IN_PROGRESS),
    "complete": (frozenset({Status.IN_PROGRESS}), Status.COMPLETED),
    "stop": (frozenset({Status.ACCEPTED, Status.IN_PROGRESS}), Status.STOPPED),
}


def start(user: User, engagement: Engagement, *, request: HttpRequest | None = None) -> None:
    """Either side says the work agreed has begun."""
    policy.require(user, "capacity.start", engagement)
    _advance(user, engagement, "start", {}, request)


def complete(user: User, engagement: Engagement, outcome: str, *, request: HttpRequest | None = None) -> None:
    """Either side records that the work is done, and what came of it."""
    policy.require(user, "capacity.complete", engagement)
    text = _required_text(outcome, "outcome", _("Describe the outcome, at most %(limit)d characters."))
    _advance(user, engagement, "complete", {"outcome": text}, request)


def stop(user: User, engagement: Engagement, reason: str, *, request: HttpRequest | None = None) -> None:
    """Either side ends the work before it is done, and says why."""
    policy.require(user, "capacity.stop", engagement)
    text = _required_text(reason, "reason", _("Give the reason, at most %(limit)d characters."))
    _advance(user, engagement, "stop", {"stop_reason": text}, request)


def _required_text(value: str, name: str, message: str) -> str:
    text = (value or "").strip()
    if not text or len(text) > MAX_MESSAGE:
        raise InvalidCapacityInput({name: [message % {"limit": MAX_MESSAGE}]})
    return text


def _refusal(step: str, status: str) -> str:
    """Why ``step`` cannot be taken from ``status``."""
    messages = {
        "start": _("Only an accepted engagement can be marked in progress; this one is %(status)s."),
        "complete": _("Only an engagement in progress can be completed; this one is %(status)s."),
        "stop": _("Only an accepted engagement or one in progress can be stopped; this one is %(status)s."),
    }
    return messages[step] % {"status": Status(status).label.lower()}


def _advance(
    user: User, engagement: Engagement, step: str, fields: dict[str, str], request: HttpRequest | None
) -> None:
    """Take ``step`` (``TRANSITIONS``) once, under a lock: a step from a status it does not
    start from is refused."""
    sources, target = TRANSITIONS[step]
    with transaction.atomic():
        locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
        if locked.status not in sources:
            raise ServiceError(_refusal(step, locked.status))
        now = timezone.now()
        by = (
            {"started_by": user, "started_at": now}
            if step == "start"
            else {"ended_by": user, "ended_at": now}
        )
        Engagement.objects.filter(pk=locked.pk).update(status=target, **by, **fields)
        engagement.refresh_from_db()
        record(
            f"capacity.engagement_{target}",
            actor=user,
            target=engagement,
            data={"need": engagement.need_id, "offer": engagement.offer_id, "previous": locked.status},
            request=request,
        )
        _notify_other_side(user, engagement, f"capacity.engagement_{target}")


def evaluate(
    user: User,
    engagement: Engagement,
    rating: Any,
    text: str,
    *,
    side: str | None = None,
    request: HttpRequest | None = None,
) -> Evaluation:
    """One side's evaluation of a completed engagement (``Evaluation.Rating``'s scale and a
    text), once. ``side`` may be left out by those who write for one side only."""
    side = evaluating_side(user, engagement, side)
    policy.require(user, "capacity.evaluate", (engagement, side))
    errors: dict[str, list[str]] = {}
    if rating not in Evaluation.Rating.values or isinstance(rating, bool):
        low, high = min(Evaluation.Rating.values), max(Evaluation.Rating.values)
        errors["rating"] = [_("Choose a rating from %(low)d to %(high)d.") % {"low": low, "high": high}]
    words = (text or "").strip()
    if not words or len(words) > MAX_MESSAGE:
        errors["text"] = [_("Write your evaluation, at most %(limit)d characters.") % {"limit": MAX_MESSAGE}]
    if errors:
        raise InvalidCapacityInput(errors)
    with transaction.atomic():
        locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
        if locked.status != Status.COMPLETED:
            raise ServiceError(
                _("Only a completed engagement can be evaluated; this one is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        if locked.evaluations.filter(side=side).exists():
            raise ServiceError(
                _("%(participant)s has already evaluated this engagement.")
                % {"participant": engagement.participant_of(side).name}
            )
        evaluation = Evaluation.objects.create(
            engagement=locked, side=side, rating=rating, text=words, evaluated_by=user
        )
        record(
            "capacity.engagement_evaluated",
            actor=user,
            target=engagement,
            data={"side": side, "rating": rating},
            request=request,
        )
        _notify_other_side(user, engagement, "capacity.engagement_evaluated")
    return evaluation


def evaluating_side(user: User, engagement: Engagement, side: str | None) -> str:
    """The side ``user`` evaluates ``engagement`` for: the one asked, else the only one they
    write for (the API asks the policy with it, through the caller's token)."""
    if side is not None and side not in Side.values:
        raise InvalidCapacityInput(
            {"side": [_("Say whether you evaluate for the side in need or the offering side.")]}
        )
    sides = _sides(user, engagement.need, engagement.offer)
    if side is None and len(sides) > 1:
        raise InvalidCapacityInput(
            {"side": [_("Say whether you evaluate for the side in need or the offering side.")]}
        )
    if side is None:
        return sides[0] if sides else Side.NEED  # one who writes for neither side is refused next
    return side


# --- projects (the secretariat's registry) ----------------------------------------------------------

MAX_PARTIES = 30  # per role, participants and outside bodies together
MAX_PARTY_NAME = 200
# Engagements that happened (or are happening) may have fed a project.
FEEDING = (Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED, Status.STOPPED)
Role = ProjectParty.Role


@dataclass
class ProjectDraft:
    """A project as written, before validation. Parties are participants' codes, and the
    names of bodies outside the community, per role."""

    title_en: str
    title_ar: str
    description: str
    start_date: date | None
    status: str
    pillars: list[str]
    end_date: date | None = None
    outcome: str = ""
    items: list[str] = field(default_factory=list)
    funders: list[str] = field(default_factory=list)
    implementers: list[str] = field(default_factory=list)
    beneficiaries: list[str] = field(default_factory=list)
    outside_funders: list[str] = field(default_factory=list)
    outside_implementers: list[str] = field(default_factory=list)
    outside_beneficiaries: list[str] = field(default_factory=list)
    engagements: list[int] = field(default_factory=list)


@dataclass
class CleanProject:
    fields: dict[str, Any]
    items: list[Item]
    parties: list[ProjectParty]  # not saved yet
    engagements: list[Engagement]


def record_project(user: User, draft: ProjectDraft, *, request: HttpRequest | None = None) -> Project:
    """Add a project to the registry (the secretariat)."""
    policy.require(user, "capacity.project_edit")
    clean = clean_project(draft)
    with transaction.atomic():
        project = Project.objects.create(created_by=user, **clean.fields)
        _save_links(project, clean)
        record(
            "capacity.project_recorded",
            actor=user,
            target=project,
            data=_project_audit(project, clean),
            request=request,
        )
    return project


def update_project(
    user: User, project: Project, draft: ProjectDraft, *, request: HttpRequest | None = None
) -> Project:
    """Change a project's record as a whole (the secretariat)."""
    policy.require(user, "capacity.project_edit", project)
    clean = clean_project(draft)
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(updated_at=timezone.now(), **clean.fields)
        project.refresh_from_db()
        project.parties.all().delete()
        _save_links(project, clean)
        record(
            "capacity.project_updated",
            actor=user,
            target=project,
            data=_project_audit(project, clean),
            request=request,
        )
    return project


def _save_links(project: Project, clean: CleanProject) -> None:
    for party in clean.parties:
        party.project = project
    ProjectParty.objects.bulk_create(clean.parties)
    project.items.set(clean.items)
    project.engagements.set(clean.engagements)


def _project_audit(project: Project, clean: CleanProject) -> dict[str, Any]:
    return {
        "status": project.status,
        "pillars": project.pillars,
        "items": [i.code for i in clean.items],
        "parties": {
            role: [p.participant.code for p in clean.parties if p.role == role and p.participant]
            for role in Role.values
        },
        "outside_parties": sum(1 for p in clean.parties if p.participant is None),
        "engagements": [e.pk for e in clean.engagements],
    }


def clean_project(draft: ProjectDraft) -> CleanProject:
    """The one validation of a project (pages, API, demo): what to store, or
    :class:`InvalidCapacityInput` naming every problem."""
    errors: dict[str, list[str]] = {}
    titles = {name: (getattr(draft, name) or "").strip() for name in ("title_en", "title_ar")}
    for name, title in titles.items():
        if not MIN_TITLE <= len(title) <= MAX_TITLE:
            errors[name] = [
                _("Give a title of %(min)d to %(max)d characters.") % {"min": MIN_TITLE, "max": MAX_TITLE}
            ]
    description, outcome = (draft.description or "").strip(), (draft.outcome or "").strip()
    if not description or len(description) > MAX_DESCRIPTION:
        errors["description"] = [
            _("Describe it in at most %(limit)d characters.") % {"limit": MAX_DESCRIPTION}
        ]
    if draft.status not in Project.Status.values:
        errors["status"] = [
            _("Choose the status: %(choices)s.")
            % {"choices": join_list([str(x) for x in Project.Status.labels])}
        ]
    if len(outcome) > MAX_DESCRIPTION:
        errors["outcome"] = [
            _("Describe the outcome, at most %(limit)d characters.") % {"limit": MAX_DESCRIPTION}
        ]
    elif draft.status == Project.Status.COMPLETED and not outcome:
        errors["outcome"] = [_("Describe the outcome of a completed project.")]
    _project_dates(draft, errors)
    fields = {
        **titles,
        "description": description,
        "start_date": draft.start_date,
        "end_date": draft.end_date,
        "status": draft.status,
        "outcome": outcome,
        "pillars": _codes(draft.pillars, pillars(), "pillars", errors),
        "search_terms": stored_terms(titles["title_en"], titles["title_ar"], description, outcome),
    }
    items = _items(draft.items, errors)
    parties = _parties(draft, errors)
    engagements = _feeding(draft.engagements, errors)
    if errors:
        raise InvalidCapacityInput(errors)
    return CleanProject(fields, items, parties, engagements)


def _project_dates(draft: ProjectDraft, errors: dict[str, list[str]]) -> None:
    if draft.start_date is None:
        errors["start_date"] = [_("Give the start date.")]
    elif draft.end_date is not None and draft.end_date <= draft.start_date:
        errors["end_date"] = [_("The end date must be after the start date.")]


def _parties(draft: ProjectDraft, errors: dict[str, list[str]]) -> list[ProjectParty]:
    """Funders, implementers and beneficiaries: known active participants by code, and
    outside bodies by name; at least one beneficiary."""
    codes = {role: _strings(getattr(draft, name)) for role, name in PARTY_FIELDS.items()}
    known = Participant.objects.filter(
        code__in=[c for found in codes.values() for c in found], is_active=True
    ).in_bulk(field_name="code")
    parties: list[ProjectParty] = []
    for role, name in PARTY_FIELDS.items():
        names = _strings(getattr(draft, f"outside_{name}"))
        unknown = [c for c in codes[role] if c not in known]
        if unknown:
            errors[name] = [
                _("Unknown participants: %(codes)s.") % {"codes": ", ".join(u[:40] for u in unknown[:10])}
            ]
        if any(len(body) > MAX_PARTY_NAME for body in names):
            errors[f"outside_{name}"] = [
                _("A name is at most %(limit)d characters long.") % {"limit": MAX_PARTY_NAME}
            ]
        if len(codes[role]) + len(names) > MAX_PARTIES:
            errors[name] = [_("Name at most %(limit)d per role.") % {"limit": MAX_PARTIES}]
        parties += [ProjectParty(role=role, participant=known[c]) for c in codes[role] if c in known]
        parties += [ProjectParty(role=role, name=body) for body in names]
    if not any(p.role == Role.BENEFICIARY for p in parties) and "beneficiaries" not in errors:
        errors["beneficiaries"] = [_("Name at least one beneficiary, in the community or outside it.")]
    return parties


def _strings(values: Any) -> list[str]:
    values = [values] if isinstance(values, str) else list(values or [])
    return list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))


def _feeding(ids: list[int], errors: dict[str, list[str]]) -> list[Engagement]:
    wanted = list(dict.fromkeys(ids or []))
    found = Engagement.objects.filter(pk__in=wanted, status__in=FEEDING).in_bulk()
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        errors["engagements"] = [
            _("These are not engagements that went ahead: %(ids)s.") % {"ids": ", ".join(missing[:10])}
        ]
    return [found[pk] for pk in wanted if pk in found]


# --- notifications -------------------------------------------------------------------------------


def _notify(
    participant: Participant, engagement: Engagement, compose: Callable[[], tuple[str, str]], purpose: str
) -> None:
    """E-mail ``participant``'s focal points, each in their own language, with a link."""
    url = settings.SITE_URL + reverse("capacity:engagement", args=[engagement.pk])

    def with_link() -> tuple[str, str]:
        subject, body = compose()
        return subject, f"{body}\n{url}\n"

    notify_focal_points(participant.pk, with_link, purpose=purpose)


def _notify_asked(engagement: Engagement) -> None:
    asking, need, offer = engagement.asking, engagement.need, engagement.offer

    def compose() -> tuple[str, str]:
        return (
            _("%(participant)s asks to engage on capacity building") % {"participant": asking.name},
            _(
                "%(participant)s asks to work with you on the need “%(need)s” with the offer “%(offer)s”. "
                "Read the request and accept or decline it here:"
            )
            % {"participant": asking.name, "need": need.title, "offer": offer.title},
        )

    _notify(engagement.asked, engagement, compose, "capacity.engagement_requested")


def _notify_settled(engagement: Engagement) -> None:
    """Tell the asker of an answer, and the asked side of a withdrawal."""
    status = engagement.status
    to = engagement.asked if status == Status.WITHDRAWN else engagement.asking
    by = engagement.asking if status == Status.WITHDRAWN else engagement.asked

    def compose() -> tuple[str, str]:
        subjects = {
            Status.ACCEPTED: _("%(participant)s accepted your request to engage"),
            Status.DECLINED: _("%(participant)s declined your request to engage"),
            Status.WITHDRAWN: _("%(participant)s withdrew its request to engage"),
        }
        subject = subjects[Status(status)] % {"participant": by.name}
        body = _("About the need “%(need)s” and the offer “%(offer)s”. See the request here:") % {
            "need": engagement.need.title,
            "offer": engagement.offer.title,
        }
        return subject, body

    _notify(to, engagement, compose, f"capacity.engagement_{status}")


def _notify_other_side(user: User, engagement: Engagement, purpose: str) -> None:
    """Tell the side ``user`` does not write for of a step in the engagement's life."""
    need_side, offer_side = engagement.need.participant, engagement.offer.participant
    for told, by in ((need_side, offer_side), (offer_side, need_side)):
        if policy.writes_for(user, told.pk):
            continue

        def compose(by: Participant = by) -> tuple[str, str]:
            subjects = {
                "capacity.engagement_in_progress": _("%(participant)s marked your engagement in progress"),
                "capacity.engagement_completed": _("%(participant)s completed your engagement"),
                "capacity.engagement_stopped": _("%(participant)s stopped your engagement"),
                "capacity.engagement_evaluated": _("%(participant)s evaluated your engagement"),
            }
            values = {"need": engagement.need.title, "offer": engagement.offer.title}
            if purpose == "capacity.engagement_completed":
                body = _(
                    "About the need “%(need)s” and the offer “%(offer)s”. Read the outcome and evaluate:"
                )
            else:
                body = _("About the need “%(need)s” and the offer “%(offer)s”. See the request here:")
            return subjects[purpose] % {"participant": by.name}, body % values

        _notify(told, engagement, compose, purpose)


# --- national CIRT status ------------------------------------------------------------------------


@dataclass
class CirtDraft:
    status: str
    assessment_done: bool = False
    assessment_year: int | None = None
    sources: list[str] = field(default_factory=list)  # URLs or short references


def set_cirt_status(
    user: User, participant: Participant, draft: CirtDraft, *, request: HttpRequest | None = None
) -> CirtStatus:
    """Record where a State stands with its national CIRT (its focal point or the secretariat)."""
    policy.require(user, "capacity.cirt_edit", participant)
    fields = clean_cirt(draft)
    with transaction.atomic():
        previous = CirtStatus.objects.filter(participant=participant).values_list("status", flat=True).first()
        status, _created = CirtStatus.objects.update_or_create(
            participant=participant,
            defaults={**fields, "updated_by": user, "updated_at": timezone.now(), "is_sample": False},
        )
        record(
            "capacity.cirt_updated",
            actor=user,
            target=status,
            data={
                "participant": participant.code,
                "status": status.status,
                "previous": previous,
                "assessment_done": status.assessment_done,
                "assessment_year": status.assessment_year,
            },
            request=request,
        )
    return status


def clean_cirt(draft: CirtDraft) -> dict[str, Any]:
    """The one validation of a CIRT status (page and API)."""
    errors: dict[str, list[str]] = {}
    if draft.status not in CirtStatus.Level.values:
        errors["status"] = [
            _("Choose the status of the national CIRT: %(choices)s.")
            % {"choices": join_list([str(label) for label in CirtStatus.Level.labels])}
        ]
    year = draft.assessment_year
    this_year = timezone.localdate().year
    if draft.assessment_done and (year is None or not FIRST_ASSESSMENT_YEAR <= year <= this_year):
        errors["assessment_year"] = [
            _("Give the year of the readiness assessment, from %(first)d to %(last)d.")
            % {"first": FIRST_ASSESSMENT_YEAR, "last": this_year}
        ]
    elif not draft.assessment_done and year is not None:
        errors["assessment_year"] = [_("Give a year only when a readiness assessment was done.")]
    sources = _sources(draft.sources, errors)
    if errors:
        raise InvalidCapacityInput(errors)
    return {
        "status": draft.status,
        "assessment_done": draft.assessment_done,
        "assessment_year": year if draft.assessment_done else None,
        "sources": sources,
    }


def split_sources(text: str) -> list[str]:
    """Sources typed one per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


_URL_LIKE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def _sources(values: list[str], errors: dict[str, list[str]]) -> list[str]:
    """References: web addresses (checked) or short texts ("Ministry decree 12/2024")."""
    sources = list(dict.fromkeys(s.strip() for s in values or [] if s and s.strip()))
    problems = []
    if len(sources) > MAX_SOURCES:
        problems.append(_("Give at most %(limit)d sources.") % {"limit": MAX_SOURCES})
    for source in sources:
        if len(source) > MAX_SOURCE:
            problems.append(_("A source is at most %(limit)d characters long.") % {"limit": MAX_SOURCE})
        elif _URL_LIKE.match(source):
            try:
                URLValidator(schemes=["http", "https"])(source)
            except ValidationError:
                problems.append(_("“%(source)s” is not a valid web address.") % {"source": source[:80]})
    if problems:
        errors["sources"] = problems
    return sources
