"""Communication checks: start a round, prepare its pings, take acknowledgements (link,
reply, web inbox), record bounces, remind before the deadline, close."""

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.accounts.services import ServiceError
from thiqa.audit.services import record
from thiqa.checks.models import CheckRound, Ping
from thiqa.directory import services as directory
from thiqa.directory.models import Contact, ContactRole
from thiqa.lib import shutdown
from thiqa.mail.inbound import tagged_address
from thiqa.mail.models import OutboundMessage
from thiqa.mail.services import enqueue_many, requeue
from thiqa.scheduler import registry

ACK_SALT = "thiqa.checks.acknowledge"
REPLY_TAG, BOUNCE_TAG = "ping", "bounce"  # ping+TOKEN@ (Reply-To), bounce+TOKEN@ (envelope sender)
Status = CheckRound.Status


# --- starting and preparing a round ------------------------------------------------------


def start_round(
    user: User,
    *,
    title: str,
    roles: list[str],
    deadline: datetime | None = None,
    group: ParticipantGroup | None = None,
    participants: list[Participant] | None = None,
    request: HttpRequest | None = None,
) -> CheckRound:
    """The secretariat starts a check; the worker then prepares one ping per contact."""
    policy.require(user, "checks.start")
    now = timezone.now()
    deadline = deadline or now + timedelta(hours=settings.THIQA_CHECK_DEADLINE_HOURS)
    if deadline <= now + timedelta(minutes=30):
        raise ServiceError(_("The deadline must be at least 30 minutes from now."))
    if deadline > now + timedelta(days=60):
        raise ServiceError(_("The deadline must be within 60 days from now."))
    unknown = set(roles) - set(ContactRole.values)
    if not roles or unknown:
        raise ServiceError(_("Choose at least one contact role."))
    with transaction.atomic():
        check = CheckRound.objects.create(
            title=title.strip() or _("Communication check"),
            group=group,
            roles=sorted(roles),
            started_by=user,
            deadline=deadline,
        )
        if participants:
            check.participants.set(participants)
        check.planned = scope_contacts(check).count()
        if not check.planned:
            raise ServiceError(_("No published contact matches these participants and roles."))
        check.save(update_fields=["planned"])
        record(
            "checks.started",
            actor=user,
            target=check,
            data={
                "contacts": check.planned,
                "roles": check.roles,
                "group": group.code if group else None,
                "participants": [p.code for p in participants or []],
            },
            request=request,
        )
        transaction.on_commit(lambda: _enqueue_preparation(check.pk))
    return check


def _enqueue_preparation(round_id: int) -> None:
    registry.enqueue("thiqa.checks.tasks.prepare_round_task", round_id)


def scope_contacts(check: CheckRound) -> Any:
    """The published contacts a round pings: its roles, within its group and/or participants."""
    contacts = Contact.objects.published().filter(role__in=check.roles, participant__is_active=True)
    chosen = list(check.participants.values_list("pk", flat=True))
    if chosen:
        contacts = contacts.filter(participant_id__in=chosen)
    if check.group_id:
        contacts = contacts.filter(participant__groups=check.group_id)
    return contacts.order_by("pk")


def prepare_round(check: CheckRound, progress: Callable[[int], None] | None = None) -> int:
    """Create the pings and queue their messages, a batch per transaction. Safe to run again
    or twice at once (after a worker died): a contact already pinged is skipped, and a
    batch that collides with another worker's rolls back whole."""
    with _fewer_collections():
        return _prepare_batches(check, progress)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Keep Python's garbage collector from walking the same objects over and over while a
    round is prepared: it spent a sixth of the time. Every batch allocates many thousands of
    objects (the messages and their MIME parts), so collections came often, and each full
    one walked every object the process held, though what existed before the round is
    long-lived (frozen here, out of the collector's sight until the round is prepared)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, *threshold[1:])  # the youngest generation: 700 allocations by default
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _prepare_batches(check: CheckRound, progress: Callable[[int], None] | None) -> int:
    created = 0
    while check.status == Status.PREPARING and not shutdown.requested():  # the sweep resumes it
        pinged = Ping.objects.filter(round=check).values("contact_id")
        batch = list(
            scope_contacts(check)
            .exclude(pk__in=pinged)
            .select_related("participant")[: settings.THIQA_CHECK_BATCH]
        )
        if not batch:
            CheckRound.objects.filter(pk=check.pk, status=Status.PREPARING).update(status=Status.OPEN)
            check.status = Status.OPEN
            break
        try:
            with transaction.atomic():
                _ping(check, batch)
        except IntegrityError:
            continue  # another worker pinged some of these contacts first: look again
        created += len(batch)
        if progress:
            progress(len(batch))
    return created


def _ping(check: CheckRound, contacts: list[Contact]) -> None:
    pings = [
        Ping(
            round=check,
            contact=c,
            participant=c.participant,
            role=c.role,
            addresses=c.emails,
            language=c.preferred_language,
        )
        for c in contacts
    ]
    wordings: dict[tuple[str, bool], _Wording] = {}
    # Composed one at a time as the outbox stores them: a batch's messages never all wait in memory.
    messages = (compose(check, ping, reminder=False, wordings=wordings) for ping in pings)
    for ping, outbound in zip(pings, enqueue_many(messages, purpose="checks.ping"), strict=True):
        ping.message = outbound
    Ping.objects.bulk_create(pings)


def acknowledgement_url(ping: Ping, link: tuple[str, str] | None = None) -> str:
    """The ping's acknowledgement link; ``link`` is :func:`_acknowledgement_link`, kept
    across a round's pings."""
    before, after = link or _acknowledgement_link()
    return before + signing.Signer(salt=ACK_SALT).sign(ping.token) + after


def _acknowledgement_link() -> tuple[str, str]:
    """The acknowledgement URL before and after the signed token: reverse() cost a round
    more than signing its links did. (The token and its signature are URL-safe base64 and a
    colon, which reverse() would leave as they are.)"""
    before, after = reverse("checks:acknowledge", args=["SIGNED"]).split("SIGNED")
    return settings.SITE_URL + before, after


def reply_address(ping: Ping) -> str:
    return tagged_address(REPLY_TAG, ping.token)


def bounce_address(ping: Ping) -> str:
    return tagged_address(BOUNCE_TAG, ping.token)


def _text(reminder: bool) -> str:
    """The ping's text in the active language, with %(...)s where each contact's details go:
    translated once per language and round, then filled in for each contact."""
    parts = [_("Reminder: we have not yet received your acknowledgement of this communication check.")]
    parts = parts if reminder else []
    parts += [
        _(
            "Dear %(name)s,\n\nThis is a communication check of the points-of-contact directory "
            "(%(participant)s, %(role)s). Please acknowledge that you received it by %(deadline)s."
        ),
        _("Acknowledge by opening this link and pressing the button:") + "\n%(url)s",
        _("You can also simply reply to this e-mail, or acknowledge in your Thiqa inbox."),
        "%(title)s",
    ]
    return "\n\n".join(parts) + "\n"


@dataclass(frozen=True)
class _Wording:
    subject: str
    text: str
    deadline: str
    roles: dict[str, str]
    link: tuple[str, str]  # the acknowledgement URL before and after the signed token


def _wording(check: CheckRound, language: str, reminder: bool) -> _Wording:
    link = _acknowledgement_link()
    with translation.override(language):
        deadline = formats.date_format(timezone.localtime(check.deadline), "DATETIME_FORMAT")
        subject = (
            _("Reminder: communication check, please acknowledge by %(deadline)s")
            if reminder
            else _("Communication check: please acknowledge by %(deadline)s")
        ) % {"deadline": deadline}
        roles = {role: str(label) for role, label in ContactRole.choices}
        return _Wording(subject, _text(reminder), deadline, roles, link)


def compose(
    check: CheckRound, ping: Ping, *, reminder: bool, wordings: dict[tuple[str, bool], _Wording] | None = None
) -> EmailMessage:
    """The ping (or reminder) e-mail for ``ping``, in its language. ``wordings`` keeps the
    translated text across one round's pings, so it is prepared once per language."""
    wordings = {} if wordings is None else wordings
    key = (ping.language, reminder)
    if key not in wordings:
        wordings[key] = _wording(check, ping.language, reminder)
    wording = wordings[key]
    body = wording.text % {
        "name": ping.contact.name,
        "participant": ping.participant.name_ar if ping.language == "ar" else ping.participant.name_en,
        "role": wording.roles[ping.contact.role],
        "deadline": wording.deadline,
        "url": acknowledgement_url(ping, wording.link),
        "title": check.title,
    }
    return EmailMessage(
        wording.subject,
        body,
        from_email=bounce_address(ping),  # the envelope sender: bounces come back to us
        to=ping.addresses,
        reply_to=[reply_address(ping)],
        headers={"From": settings.DEFAULT_FROM_EMAIL, "Auto-Submitted": "auto-generated"},
    )


# --- acknowledgements ---------------------------------------------------------------------


def ping_for_link(signed: str) -> Ping:
    """The ping a signed acknowledgement link names; a forged or altered link is refused."""
    try:
        token = signing.Signer(salt=ACK_SALT).unsign(signed)
    except signing.BadSignature:
        token = None
    ping = (
        token and Ping.objects.select_related("round", "contact", "participant").filter(token=token).first()
    )
    if not ping:
        raise ServiceError(
            _("This acknowledgement link is not valid. Use the link from the e-mail as it is.")
        )
    return ping


def acknowledge(
    ping: Ping, via: str, *, user: User | None = None, request: HttpRequest | None = None, detail: str = ""
) -> bool:
    """Record the first acknowledgement of ``ping``; return False if it was already
    acknowledged (a second acknowledgement, by any path, changes nothing)."""
    if via == Ping.Via.WEB:
        policy.require(user, "checks.acknowledge", ping)
    check = ping.round
    if check.status == Status.CLOSED:
        raise ServiceError(
            _("This communication check closed on %(date)s; it can no longer be acknowledged.")
            % {"date": formats.date_format(timezone.localtime(check.deadline), "DATETIME_FORMAT")}
        )
    with transaction.atomic():
        now = timezone.now()
        first = Ping.objects.filter(pk=ping.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_via=via
        )
        if first:
            ping.acknowledged_at, ping.acknowledged_via = now, via
            record(
                "checks.acknowledged",
                actor=user,
                target=ping,
                data={"round": check.pk, "contact": ping.contact_id, "via": via, "detail": detail[:200]},
                request=request,
            )
    return bool(first)


def resend_uncertain(user: User, check: CheckRound) -> int:
    """Queue again the round's pings whose delivery is uncertain (each through the outbox's
    own requeue, which the policy allows the secretariat only and which is audited)."""
    uncertain = OutboundMessage.objects.filter(ping__round=check, status=OutboundMessage.Status.UNCERTAIN)
    for message in uncertain:
        requeue(message, actor=user)
    return len(uncertain)


def note_bounce(ping: Ping, address: str, *, status: str = "", diagnostic: str = "") -> None:
    """A delivery failure report for one of the ping's addresses; it also counts in the
    directory's health of the contact."""
    address = address.lower()
    with transaction.atomic():
        locked = Ping.objects.select_for_update().select_related("contact").get(pk=ping.pk)
        if address in locked.bounced or address not in [a.lower() for a in locked.addresses]:
            return
        locked.bounced = [*locked.bounced, address]
        locked.save(update_fields=["bounced"])
        record(
            "checks.bounced",
            target=locked,
            data={"address": address, "round": locked.round_id, "status": status},
        )
        directory.note_bounce(locked.contact, address, source="checks", status=status, diagnostic=diagnostic)


def inbox(user: User) -> list[Ping]:
    """Open pings addressed to the signed-in person, for the web inbox."""
    candidates = Ping.objects.filter(
        round__status=Status.OPEN, acknowledged_at__isnull=True, addresses__icontains=user.email
    ).select_related("round", "participant", "contact")
    return [ping for ping in candidates if policy.can(user, "checks.acknowledge", ping)]


# --- reminders and closing ------------------------------------------------------------------


def reminder_due_at(check: CheckRound) -> datetime:
    window = check.deadline - check.started_at
    lead = min(timedelta(hours=settings.THIQA_CHECK_REMINDER_HOURS), window / 2)
    return check.deadline - lead


def send_reminders(now: datetime | None = None) -> int:
    """Remind every contact that has not acknowledged, once per round."""
    now = now or timezone.now()
    sent = 0
    for check in CheckRound.objects.filter(status=Status.OPEN, reminded_at__isnull=True, deadline__gt=now):
        if now < reminder_due_at(check):
            continue
        with transaction.atomic():
            if not CheckRound.objects.filter(pk=check.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another worker took it
            waiting = [
                ping
                for ping in check.pings.filter(
                    acknowledged_at__isnull=True, reminder__isnull=True
                ).select_related("contact", "message", "participant")
                if ping.status == "sent"
            ]
            wordings: dict[tuple[str, bool], _Wording] = {}
            messages = [compose(check, ping, reminder=True, wordings=wordings) for ping in waiting]
            for ping, outbound in zip(
                waiting, enqueue_many(messages, purpose="checks.reminder") if messages else [], strict=True
            ):
                ping.reminder = outbound
            Ping.objects.bulk_update(waiting, ["reminder"])
            record("checks.reminded", target=check, data={"contacts": len(waiting)})
            sent += len(waiting)
    return sent


def close_due(now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = CheckRound.objects.filter(status=Status.OPEN, deadline__lte=now)
    closed = 0
    for check in due:
        if CheckRound.objects.filter(pk=check.pk, status=Status.OPEN).update(status=Status.CLOSED):
            record("checks.closed", target=check)
            closed += 1
    return closed
