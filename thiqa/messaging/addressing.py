"""Who a message goes to: participants (their contacts of the chosen roles), groups (each
member's), named contacts, or platform users; one recipient row per person, with the
e-mail copy their key and the message's label allow."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.directory.models import Contact, ContactRole
from thiqa.lib.openpgp import usable_key
from thiqa.lib.tlp import CLEAR_EMAIL
from thiqa.messaging.models import Message, Recipient, address_key


@dataclass
class Addressees:
    """What the sender chose; ``roles`` applies to participants and groups."""

    participants: list[Participant] = field(default_factory=list)
    groups: list[ParticipantGroup] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.participants or self.groups or self.contacts)


@dataclass
class Resolved:
    contacts: list[Contact]
    unreached: list[Participant]  # members of a chosen group without a contact of the roles


class AddressError(ValueError):
    """The addressees cannot be reached; the message is translated."""


def resolve(to: Addressees, sender: Participant) -> Resolved:
    """The contacts a message goes to. A participant chosen by name must have a published
    contact of one of the roles (else its alternate); a group member without one is
    reported as unreached; the sender's own participant is left out of groups."""
    unknown_roles = set(to.roles) - set(ContactRole.values)
    if unknown_roles:
        raise AddressError(
            _("Unknown contact role: %(roles)s.") % {"roles": ", ".join(sorted(unknown_roles))}
        )
    if to.is_empty():
        raise AddressError(_("Choose at least one recipient: a participant, a group or a contact."))
    if (to.participants or to.groups) and not to.roles:
        raise AddressError(_("Choose the contact roles the message goes to."))
    chosen: dict[int, Contact] = {}
    for participant in to.participants:
        found = _contacts_of(participant, to.roles)
        if not found:
            raise AddressError(
                _("%(participant)s has no published contact for these roles.")
                % {"participant": participant.name}
            )
        chosen.update((c.pk, c) for c in found)
    unreached = []
    for group in to.groups:
        for member in group.members.filter(is_active=True).exclude(pk=sender.pk).order_by("name_en"):
            found = _contacts_of(member, to.roles)
            if not found:
                unreached.append(member)
            chosen.update((c.pk, c) for c in found)
    for contact in to.contacts:
        if contact.removed_at is not None or not contact.participant.is_active:
            raise AddressError(_("%(name)s is no longer in the directory.") % {"name": contact.name})
        chosen[contact.pk] = contact
    if not chosen:
        raise AddressError(_("None of the chosen participants has a published contact for these roles."))
    return Resolved(list(chosen.values()), unreached)


def _contacts_of(participant: Participant, roles: list[str]) -> list[Contact]:
    published = Contact.objects.published().filter(participant=participant).select_related("participant")
    if not participant.is_active:
        return []
    found = list(published.filter(role__in=roles))
    return found or list(published.filter(role=ContactRole.ALTERNATE))


def contact_row(
    message: Message, contact: Contact, *, level: int = 0, due: datetime | None = None
) -> tuple[Recipient, str | None]:
    """A recipient row for a directory contact, and the key its copy is encrypted to."""
    key = usable_key(contact.pgp_key)
    return _row(
        message,
        participant=contact.participant,
        contact=contact,
        name=contact.name,
        role=contact.role,
        addresses=contact.emails,
        language=contact.preferred_language,
        key=key,
        level=level,
        due=due,
    ), key


def user_row(
    message: Message,
    user: User,
    participant: Participant,
    role: str,
    *,
    level: int = 0,
    due: datetime | None = None,
) -> tuple[Recipient, str | None]:
    """A recipient row for a platform user (the author replied to, the secretariat on
    escalation); their copy is encrypted if the directory has a key for their address."""
    key = key_for_address(user.email)
    return _row(
        message,
        participant=participant,
        user=user,
        name=user.full_name,
        role=role,
        addresses=[user.email],
        language=user.language,
        key=key,
        level=level,
        due=due,
    ), key


def key_for_address(address: str) -> str | None:
    contact = Contact.objects.published().exclude(pgp_key="").holding(address)
    return usable_key(contact.pgp_key) if contact else None


def _row(
    message: Message,
    *,
    key: str | None,
    addresses: list[str],
    level: int,
    due: datetime | None,
    **fields: object,
) -> Recipient:
    if key:
        copy = Recipient.Copy.ENCRYPTED
    elif message.tlp in CLEAR_EMAIL:
        copy = Recipient.Copy.CLEAR
    else:
        copy = Recipient.Copy.NOTICE
    return Recipient(
        message=message,
        addresses=list(addresses),
        address_key=address_key(addresses),
        level=level,
        ack_due_at=due,
        copy=copy,
        **fields,
    )
