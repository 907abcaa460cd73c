"""Partnerships: register and change an arrangement, publish its disclosure page, join
(with approval and NDA acceptance for closed ones), decide, leave, name representatives,
goals and progress, discussion. Every write asks the policy, runs in a transaction and is
audited."""

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
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
from thiqa.directory.models import Contact
from thiqa.lib.wordsearch import stored_terms
from thiqa.mail.services import notify_focal_points
from thiqa.partnerships.forms import ArrangementForm
from thiqa.partnerships.models import Arrangement, Goal, Member, Post, Progress, Vetting

MAX_POST = 10_000


class InvalidArrangement(InvalidInput):
    """A record or request of a partnership that cannot be saved."""

    title = gettext_lazy("The arrangement cannot be saved.")


def _validated(data: dict[str, Any], instance: Arrangement | None = None) -> ArrangementForm:
    form = ArrangementForm(data, instance=instance)
    if not form.is_valid():
        raise InvalidArrangement({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return form


def register(
    user: User, owner: Participant, data: dict[str, Any], *, request: HttpRequest | None = None
) -> Arrangement:
    """Record a new arrangement of ``owner`` (the owner is its first member, as chair)."""
    policy.require(user, "partnerships.register", owner)
    form = _validated(data)
    with transaction.atomic():
        arrangement = form.save(commit=False)
        arrangement.owner, arrangement.created_by = owner, user
        arrangement.search_terms = _terms(arrangement)
        arrangement.save()
        Member.objects.create(
            arrangement=arrangement,
            participant=owner,
            role=Member.Role.CHAIR,
            status=Member.Status.ACTIVE,
            requested_by=user,
            decided_by=user,
            decided_at=timezone.now(),
        )
        record(
            "partnerships.registered",
            actor=user,
            target=arrangement,
            data={"owner": owner.code},
            request=request,
        )
    return arrangement


def change(
    user: User, arrangement: Arrangement, data: dict[str, Any], *, request: HttpRequest | None = None
) -> None:
    policy.require(user, "partnerships.edit", arrangement)
    form = _validated(data, Arrangement.objects.get(pk=arrangement.pk))
    with transaction.atomic():
        changed = form.save(commit=False)
        changed.updated_at = timezone.now()
        changed.search_terms = _terms(changed)
        changed.save()
        record(
            "partnerships.changed",
            actor=user,
            target=arrangement,
            data={"fields": sorted(form.changed_data)},
            request=request,
        )
    arrangement.refresh_from_db()


def _terms(arrangement: Arrangement) -> str:
    """The analysed words of the record (never of its members or discussions), for search."""
    texts = [arrangement.name] + [
        str(getattr(arrangement, f.name) or "")
        for f in Arrangement._meta.get_fields()
        if f.get_internal_type() == "TextField" and f.name not in ("search_terms", "nda_text")
    ]
    return stored_terms(*texts)


def publish(
    user: User, arrangement: Arrangement, *, visible: bool, request: HttpRequest | None = None
) -> None:
    """Publish (or withdraw) the arrangement's proactive-disclosure page."""
    policy.require(user, "partnerships.publish", arrangement)
    with transaction.atomic():
        Arrangement.objects.filter(pk=arrangement.pk).update(published_at=timezone.now() if visible else None)
        record(
            "partnerships.published" if visible else "partnerships.unpublished",
            actor=user,
            target=arrangement,
            request=request,
        )
    arrangement.refresh_from_db()


# --- membership ------------------------------------------------------------------------------


def nda_digest(arrangement: Arrangement) -> str:
    return hashlib.sha256(arrangement.nda_text.strip().encode()).hexdigest()


def request_to_join(
    user: User,
    arrangement: Arrangement,
    participant: Participant,
    *,
    nda_accepted: bool = False,
    note: str = "",
    request: HttpRequest | None = None,
) -> Member:
    """Ask to join: an open arrangement takes the participant at once, a closed one after
    its owner approves. Where members sign an NDA, its acceptance is recorded with the
    text's SHA-256, so it is known which text was accepted."""
    policy.require(user, "partnerships.join", (arrangement, participant))
    if arrangement.vetting == Vetting.NDA and not nda_accepted:
        raise InvalidArrangement({"nda_accepted": [_("Accept the non-disclosure agreement to ask to join.")]})
    now = timezone.now()
    status = Member.Status.REQUESTED if arrangement.is_closed else Member.Status.ACTIVE
    nda = (
        {"nda_accepted_at": now, "nda_accepted_by": user, "nda_digest": nda_digest(arrangement)}
        if nda_accepted
        else {}
    )
    try:
        with transaction.atomic():
            member = Member.objects.create(
                arrangement=arrangement,
                participant=participant,
                status=status,
                note=note.strip()[:2000],
                requested_by=user,
                **({"decided_by": user, "decided_at": now} if status == Member.Status.ACTIVE else {}),
                **nda,
            )
            record(
                "partnerships.join_requested",
                actor=user,
                target=arrangement,
                data={"participant": participant.code, "status": status, "nda": bool(nda)},
                request=request,
            )
            if status == Member.Status.REQUESTED:
                _tell_owner(arrangement, participant)
    except IntegrityError:
        raise ServiceError(
            _("%(participant)s is already a member of this arrangement or has asked to join it.")
            % {"participant": participant.name}
        ) from None
    return member


def _tell_owner(arrangement: Arrangement, participant: Participant) -> None:
    url = settings.SITE_URL + reverse("partnerships:arrangement", args=[arrangement.pk])

    def compose() -> tuple[str, str]:
        subject = _("%(participant)s asks to join %(arrangement)s") % {
            "participant": participant.name,
            "arrangement": arrangement.name,
        }
        return subject, _("Accept or decline the request here:") + f"\n{url}\n"

    notify_focal_points(arrangement.owner_id, compose, purpose="partnerships.join_request")


def decide(
    user: User, member: Member, *, accept: bool, reason: str = "", request: HttpRequest | None = None
) -> None:
    """The owner accepts or declines a request (a decline says why)."""
    arrangement = member.arrangement
    policy.require(user, "partnerships.decide", arrangement)
    if not accept and not reason.strip():
        raise InvalidArrangement({"reason": [_("Say why the request is declined.")]})
    status = Member.Status.ACTIVE if accept else Member.Status.DECLINED
    with transaction.atomic():
        if not Member.objects.filter(pk=member.pk, status=Member.Status.REQUESTED).update(
            status=status, decided_by=user, decided_at=timezone.now(), reason=reason.strip()
        ):
            raise ServiceError(_("This request was already decided or withdrawn."))
        record(
            "partnerships.join_decided",
            actor=user,
            target=arrangement,
            data={"participant": member.participant.code, "status": status},
            request=request,
        )
    member.refresh_from_db()


def leave(user: User, member: Member, *, request: HttpRequest | None = None) -> None:
    """A member (or a requester) leaves; the owner cannot leave its own arrangement."""
    if member.participant_id == member.arrangement.owner_id:
        raise ServiceError(_("The owner of an arrangement cannot leave it."))
    policy.require(user, "partnerships.join", (member.arrangement, member.participant))
    with transaction.atomic():
        if not Member.objects.filter(
            pk=member.pk, status__in=[Member.Status.ACTIVE, Member.Status.REQUESTED]
        ).update(status=Member.Status.LEFT):
            raise ServiceError(_("This participant is not a member any more."))
        record(
            "partnerships.left",
            actor=user,
            target=member.arrangement,
            data={"participant": member.participant.code},
            request=request,
        )


def set_representatives(
    user: User, member: Member, contacts: list[Contact], *, request: HttpRequest | None = None
) -> None:
    """A member names the directory contacts that represent it in the arrangement."""
    policy.require(
        user, "partnerships.join", (member.arrangement, member.participant)
    )  # the member's own focal point
    foreign = [c.name for c in contacts if c.participant_id != member.participant_id or c.removed_at]
    if foreign:
        raise InvalidArrangement(
            {
                "representatives": [
                    _("Not current contacts of this participant: %(names)s.") % {"names": ", ".join(foreign)}
                ]
            }
        )
    with transaction.atomic():
        member.representatives.set(contacts)
        record(
            "partnerships.representatives",
            actor=user,
            target=member.arrangement,
            data={"contacts": [c.pk for c in contacts]},
            request=request,
        )


# --- monitoring and discussion ----------------------------------------------------------------


def add_goal(user: User, arrangement: Arrangement, *, title: str, indicator: str, target: str = "") -> Goal:
    policy.require(user, "partnerships.edit", arrangement)
    if not title.strip() or not indicator.strip():
        raise InvalidArrangement({"title": [_("Give the goal and the indicator that measures it.")]})
    with transaction.atomic():
        goal = Goal.objects.create(
            arrangement=arrangement, title=title.strip(), indicator=indicator.strip(), target=target.strip()
        )
        record("partnerships.goal_added", actor=user, target=arrangement, data={"goal": goal.pk})
    return goal


def add_progress(
    user: User, goal: Goal, *, reported_on: date, value: Decimal | None = None, note: str = ""
) -> Progress:
    policy.require(user, "partnerships.edit", goal.arrangement)
    if reported_on > timezone.localdate():
        raise InvalidArrangement({"reported_on": [_("Progress is reported for a day that has come.")]})
    if value is None and not note.strip():
        raise InvalidArrangement({"note": [_("Give the indicator's value or say what happened.")]})
    with transaction.atomic():
        entry = Progress.objects.create(
            goal=goal, reported_on=reported_on, value=value, note=note.strip(), recorded_by=user
        )
        record("partnerships.progress", actor=user, target=goal.arrangement, data={"goal": goal.pk})
    return entry


def post(user: User, arrangement: Arrangement, text: str, *, request: HttpRequest | None = None) -> Post:
    """A message in the discussion, for those inside the arrangement only."""
    policy.require(user, "partnerships.post", arrangement)
    text = text.strip()
    if not text or len(text) > MAX_POST:
        raise InvalidArrangement(
            {"text": [_("Write the message, at most %(limit)d characters.") % {"limit": MAX_POST}]}
        )
    writes = policy.written_for(user)
    author_participant = next(pid for pid in arrangement.active_member_ids() if pid in writes)
    with transaction.atomic():
        entry = Post.objects.create(
            arrangement=arrangement,
            author=user,
            author_participant_id=author_participant,
            text=text,
            search_terms=stored_terms(text),
        )
        record(
            "partnerships.posted", actor=user, target=arrangement, data={"post": entry.pk}, request=request
        )
    return entry
