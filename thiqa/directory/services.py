"""Every write about the directory: structures, nominations and their review,
re-confirmation, the currency rules of OSCE CBM 8 (read from the catalogue), and the
contacts' health (addresses whose mail bounced)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.accounts.services import ServiceError
from thiqa.audit.services import record
from thiqa.catalogue.parameters import parameter
from thiqa.directory.models import Bounce, Contact, Nomination, Reminder, Structure, due_on
from thiqa.mail.services import enqueue, notify_focal_points

CBM8 = "osce-cbm-8"
CONTACT_FIELDS = [
    "role",
    "name",
    "position",
    "emails",
    "phones",
    "languages",
    "time_zone",
    "availability",
    "office_hours",
    "pgp_key",
    "pgp_fingerprint",
    "pgp_expires_at",
    "secretariat_only",
]


def reconfirm_months() -> int:
    return int(parameter(CBM8, "reconfirm_months"))


def change_notice_days() -> int:
    return int(parameter(CBM8, "change_notice_days"))


# --- structures -------------------------------------------------------------------------


def save_structure(
    user: User,
    participant: Participant,
    fields: dict[str, Any],
    structure: Structure | None = None,
    request: HttpRequest | None = None,
) -> Structure:
    policy.require(user, "directory.edit_structures", participant)
    with transaction.atomic():
        if structure is None:
            structure = Structure(participant=participant)
        elif structure.participant_id != participant.pk:
            raise ServiceError(_("This structure belongs to another participant."))
        duplicate = Structure.objects.filter(participant=participant, name_en=fields["name_en"]).exclude(
            pk=structure.pk
        )
        if duplicate.exists():
            raise ServiceError(
                _("%(name)s already has a structure with this English name.") % {"name": participant.name}
            )
        for name, value in fields.items():
            setattr(structure, name, value)
        structure.save()
        record("directory.structure_saved", actor=user, target=structure, data=fields, request=request)
    return structure


# --- nominations ------------------------------------------------------------------------


def propose(
    user: User,
    participant: Participant,
    *,
    action: str,
    effective_on: date,
    data: dict[str, Any] | None = None,
    contact: Contact | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Nomination:
    """A focal point (or the secretariat) proposes to add, change or remove a contact."""
    policy.require(user, "directory.nominate", participant)
    if action not in Nomination.Action.values:
        raise ServiceError(_("Unknown nomination action."))
    if action == Nomination.Action.ADD:
        contact = None
        if not data:
            raise ServiceError(_("A new contact needs its details."))
    elif contact is None or contact.participant_id != participant.pk or contact.removed_at is not None:
        raise ServiceError(
            _("This contact is not a current contact of %(name)s.") % {"name": participant.name}
        )
    if action == Nomination.Action.CHANGE and not data:
        raise ServiceError(_("A change needs the new details."))
    _check_structure(participant, data)
    with transaction.atomic():
        if contact is not None:
            Contact.objects.select_for_update().filter(pk=contact.pk).first()
            if contact.nominations.filter(status=Nomination.Status.PENDING).exists():
                raise ServiceError(
                    _("A proposal about this contact is already waiting for review. Withdraw it first.")
                )
        nomination = Nomination.objects.create(
            participant=participant,
            contact=contact,
            action=action,
            data=data or {},
            effective_on=effective_on,
            note=note,
            proposed_by=user,
            is_late=(timezone.localdate() - effective_on).days > change_notice_days(),
        )
        record(
            "directory.nominated",
            actor=user,
            target=nomination,
            data={"action": action, "participant": participant.code, "late": nomination.is_late},
            request=request,
        )
    return nomination


def _check_structure(participant: Participant, data: dict[str, Any] | None) -> None:
    structure = (data or {}).get("structure")
    if structure and not Structure.objects.filter(pk=structure, participant=participant).exists():
        raise ServiceError(_("The national structure belongs to another participant."))


def _decidable(nomination: Nomination) -> Nomination:
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if locked.status != Nomination.Status.PENDING:
        raise ServiceError(
            _("This proposal was already decided (%(status)s).") % {"status": locked.get_status_display()}
        )
    return locked


def publish(user: User, nomination: Nomination, request: HttpRequest | None = None) -> Contact:
    """The secretariat verifies a proposal and publishes it in the directory."""
    policy.require(user, "directory.review", nomination)
    with transaction.atomic():
        nomination = _decidable(nomination)
        contact = _apply(nomination)
        nomination.status = Nomination.Status.PUBLISHED
        nomination.contact = contact
        nomination.decided_by, nomination.decided_at = user, timezone.now()
        nomination.save()
        record(
            "directory.published",
            actor=user,
            target=nomination,
            data={
                "action": nomination.action,
                "contact": contact.pk,
                "participant": nomination.participant.code,
            },
            request=request,
        )
        _tell_proposer(nomination)
    return contact


def _apply(nomination: Nomination) -> Contact:
    today = timezone.localdate()
    if nomination.action == Nomination.Action.ADD:
        contact = Contact(participant=nomination.participant)
    else:
        contact = Contact.objects.select_for_update().get(pk=nomination.contact_id)
        if contact.removed_at is not None:
            raise ServiceError(_("This contact was removed in the meantime."))
    if nomination.action == Nomination.Action.REMOVE:
        contact.removed_at = timezone.now()
    else:
        data = nomination.data
        _check_structure(nomination.participant, data)
        for name in CONTACT_FIELDS:
            if name in data:
                setattr(contact, name, data[name])
        expires = data.get("pgp_expires_at")
        contact.pgp_expires_at = datetime.fromisoformat(expires) if expires else None
        contact.structure_id = data.get("structure")
        contact.confirmed_on = today
        contact.published_at = timezone.now()
    contact.save()
    return contact


def return_nomination(
    user: User, nomination: Nomination, reason: str, request: HttpRequest | None = None
) -> None:
    """The secretariat sends a proposal back with the reason."""
    policy.require(user, "directory.review", nomination)
    if not reason.strip():
        raise ServiceError(_("Say why the proposal is returned."))
    with transaction.atomic():
        nomination = _decidable(nomination)
        nomination.status = Nomination.Status.RETURNED
        nomination.reason = reason.strip()
        nomination.decided_by, nomination.decided_at = user, timezone.now()
        nomination.save()
        record(
            "directory.returned",
            actor=user,
            target=nomination,
            data={"reason": nomination.reason},
            request=request,
        )
        _tell_proposer(nomination)


def withdraw(user: User, nomination: Nomination, request: HttpRequest | None = None) -> None:
    policy.require(user, "directory.nominate", nomination.participant)
    with transaction.atomic():
        nomination = _decidable(nomination)
        nomination.status = Nomination.Status.WITHDRAWN
        nomination.decided_by, nomination.decided_at = user, timezone.now()
        nomination.save()
        record("directory.withdrawn", actor=user, target=nomination, request=request)


def _tell_proposer(nomination: Nomination) -> None:
    proposer = nomination.proposed_by
    if proposer.pk == nomination.decided_by_id or not proposer.is_active:
        return
    url = settings.SITE_URL + reverse("directory:participant", args=[nomination.participant.code])
    with translation.override(proposer.language):
        subject = (
            _("Thiqa directory: your proposal was published")
            if nomination.status == Nomination.Status.PUBLISHED
            else _("Thiqa directory: your proposal was returned")
        )
        body = render_to_string("directory/email/decision.txt", {"nomination": nomination, "url": url})
    enqueue(EmailMessage(subject, body, to=[proposer.email]), purpose="directory.decision")


# --- re-confirmation and currency -------------------------------------------------------


def confirm_current(user: User, participant: Participant, request: HttpRequest | None = None) -> int:
    """A focal point confirms that every published contact of its participant is current."""
    policy.require(user, "directory.confirm", participant)
    with transaction.atomic():
        count = (
            Contact.objects.published()
            .filter(participant=participant)
            .update(confirmed_on=timezone.localdate())
        )
        if not count:
            raise ServiceError(_("There is no published contact to confirm. Nominate one first."))
        record(
            "directory.confirmed", actor=user, target=participant, data={"contacts": count}, request=request
        )
    return count


@dataclass(frozen=True)
class Currency:
    """Where a participant stands with CBM 8."""

    participant: Participant
    has_policy: bool
    has_technical: bool
    contacts: int
    due_on: date | None
    pending: int
    late_notices: int
    bouncing: int = 0  # published contacts with an address that bounced recently

    @property
    def complete(self) -> bool:
        return self.has_policy and self.has_technical

    def is_overdue(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today

    def is_due_soon(self, today: date) -> bool:
        lead = timedelta(days=settings.THIQA_DIRECTORY_REMINDER_DAYS)
        return self.due_on is not None and today <= self.due_on <= today + lead


def currency(participants: Any) -> list[Currency]:
    """CBM 8 standing of each participant, in a fixed number of queries."""
    ids = [p.pk for p in participants]
    roles: dict[int, set[str]] = {}
    oldest: dict[int, date] = {}
    counts: dict[int, int] = {}
    for pid, role, confirmed in (
        Contact.objects.published()
        .filter(participant_id__in=ids)
        .values_list("participant_id", "role", "confirmed_on")
    ):
        roles.setdefault(pid, set()).add(role)
        counts[pid] = counts.get(pid, 0) + 1
        oldest[pid] = min(oldest.get(pid, confirmed), confirmed)
    pending = _count_by_participant(
        Nomination.objects.filter(status=Nomination.Status.PENDING, participant_id__in=ids)
    )
    year_ago = timezone.now() - timedelta(days=365)
    months = reconfirm_months() if oldest else 0
    late = _count_by_participant(
        Nomination.objects.filter(is_late=True, proposed_at__gte=year_ago, participant_id__in=ids)
    )
    bouncing: dict[int, int] = {}
    for contact in bouncing_contacts(Contact.objects.published().filter(participant_id__in=ids)):
        bouncing[contact.participant_id] = bouncing.get(contact.participant_id, 0) + 1
    return [
        Currency(
            participant=p,
            has_policy="policy" in roles.get(p.pk, set()),
            has_technical="technical" in roles.get(p.pk, set()),
            contacts=counts.get(p.pk, 0),
            due_on=due_on(oldest[p.pk], months) if p.pk in oldest else None,
            pending=pending.get(p.pk, 0),
            late_notices=late.get(p.pk, 0),
            bouncing=bouncing.get(p.pk, 0),
        )
        for p in participants
    ]


# --- health: addresses whose mail bounced -------------------------------------------------------


def note_bounce(
    contact: Contact | None, address: str, *, source: str, status: str = "", diagnostic: str = ""
) -> Bounce | None:
    """Record that mail to ``address`` bounced (a later delivery failure report). Without a
    ``contact`` (a message copy to a platform user), the published contact holding the
    address, if any, is the one concerned. Called inside the sending room's transaction."""
    address = address.lower()
    contact = contact or Contact.objects.published().holding(address)
    if contact is None:
        return None
    bounce = Bounce.objects.create(
        contact=contact, address=address, source=source, status=status[:20], diagnostic=diagnostic[:500]
    )
    record(
        "directory.bounced",
        target=contact,
        data={"address": address, "source": source, "status": bounce.status},
    )
    return bounce


def bouncing_contacts(contacts: Any) -> list[Contact]:
    """Those of ``contacts`` (a queryset) with an address that bounced within
    ``THIQA_DIRECTORY_BOUNCE_DAYS`` and is still theirs; each carries ``last_bounce``."""
    since = timezone.now() - timedelta(days=settings.THIQA_DIRECTORY_BOUNCE_DAYS)
    latest: dict[int, Bounce] = {}
    for bounce in Bounce.objects.filter(contact__in=contacts, at__gte=since).select_related("contact"):
        if bounce.contact_id not in latest and bounce.address in (e.lower() for e in bounce.contact.emails):
            latest[bounce.contact_id] = bounce
    found = []
    for bounce in latest.values():
        bounce.contact.last_bounce = bounce  # type: ignore[attr-defined]
        found.append(bounce.contact)
    return found


def _count_by_participant(queryset: Any) -> dict[int, int]:
    counts: dict[int, int] = {}
    for pid in queryset.values_list("participant_id", flat=True):
        counts[pid] = counts.get(pid, 0) + 1
    return counts


def participant_due_on(participant: Participant) -> date | None:
    return currency([participant])[0].due_on


def send_reminders(today: date | None = None) -> int:
    """E-mail focal points once before their re-confirmation falls due and once when it is
    overdue (per due date). Returns how many reminders were recorded."""
    today = today or timezone.localdate()
    participants = Participant.objects.filter(is_active=True, contacts__removed_at__isnull=True).distinct()
    sent = 0
    for standing in currency(list(participants)):
        if standing.is_overdue(today):
            kind = Reminder.Kind.OVERDUE
        elif standing.is_due_soon(today):
            kind = Reminder.Kind.DUE_SOON
        else:
            continue
        with transaction.atomic():
            _reminder, created = Reminder.objects.get_or_create(
                participant=standing.participant, kind=kind, due_on=standing.due_on
            )
            if created:
                _remind(standing, kind)
                sent += 1
    return sent


def _remind(standing: Currency, kind: str) -> None:
    url = settings.SITE_URL + reverse("directory:participant", args=[standing.participant.code])
    overdue = kind == Reminder.Kind.OVERDUE

    def compose() -> tuple[str, str]:
        subject = (
            _("Thiqa directory: re-confirmation of your contacts is overdue")
            if overdue
            else _("Thiqa directory: please re-confirm your contacts")
        )
        context = {"standing": standing, "overdue": overdue, "url": url}
        return subject, render_to_string("directory/email/reminder.txt", context)

    notify_focal_points(standing.participant.pk, compose, purpose="directory.reminder")
    record(
        "directory.reminded", target=standing.participant, data={"kind": kind, "due_on": str(standing.due_on)}
    )
