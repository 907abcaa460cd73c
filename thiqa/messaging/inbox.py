"""What a person sees of the messages: inbox and sent lists with filters, unread counts,
search, a thread and its recipients. Every list starts from ``readable_by``, so nothing
the policy forbids is ever listed, counted or found."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from thiqa.accounts import policy
from thiqa.accounts.models import User
from thiqa.lib import wordsearch
from thiqa.lib.tlp import TLP
from thiqa.messaging.models import Message, Reading, Recipient, addressed_to


@dataclass
class Filters:
    kind: str = ""
    tlp: str = ""
    state: str = ""  # unread, awaiting (an acknowledgement from me), overdue, open, closed
    participant: str = ""  # the code of the other party
    q: str = ""


STATES = {
    "unread": gettext_lazy("Unread"),
    "awaiting": gettext_lazy("Waiting for my acknowledgement"),
    "overdue": gettext_lazy("Acknowledgement overdue"),
    "open": gettext_lazy("Open threads"),
    "closed": gettext_lazy("Closed threads"),
}


def received(user: User) -> QuerySet[Message]:
    """Messages sent to ``user`` or to a participant they belong to, that they may read."""
    own = list(policy.roles_of(user))
    to_them = Q(pk__in=Recipient.objects.filter(addressed_to(user)).values("message_id")) | Q(
        pk__in=Recipient.objects.filter(participant_id__in=own).values("message_id")
    )
    return Message.objects.readable_by(user).filter(to_them).exclude(sender=user)


def sent(user: User) -> QuerySet[Message]:
    """Messages ``user`` or their participants sent, that they may read."""
    own = list(policy.roles_of(user))
    return Message.objects.readable_by(user).filter(Q(sender=user) | Q(sender_participant_id__in=own))


def everything(user: User) -> QuerySet[Message]:
    """Every message ``user`` may read, TLP:CLEAR ones of the whole community included."""
    return Message.objects.readable_by(user)


BOXES = {"inbox": received, "sent": sent, "all": everything}


def unread(user: User, messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.exclude(pk__in=Reading.objects.filter(user=user).values("message_id"))


def unread_count(user: User) -> int:
    return unread(user, received(user)).count()


def _answerable_rows(user: User) -> QuerySet[Recipient]:
    """Rows ``user`` may acknowledge: addressed to them, or below RED to a participant they
    write for (the rule of the policy's ``messaging.acknowledge``)."""
    writes = policy.written_for(user)
    return Recipient.objects.filter(
        addressed_to(user) | (Q(participant_id__in=writes) & ~Q(message__tlp=TLP.RED))
    )


def awaiting(user: User, messages: QuerySet[Message], *, overdue: bool = False) -> QuerySet[Message]:
    rows = _answerable_rows(user).filter(
        acknowledged_at__isnull=True, ack_due_at__isnull=False, message__closed_at__isnull=True
    )
    if overdue:
        rows = rows.filter(ack_due_at__lt=timezone.now())
    return messages.filter(pk__in=rows.values("message_id"))


def filtered(user: User, messages: QuerySet[Message], filters: Filters) -> QuerySet[Message]:
    if filters.kind:
        messages = messages.filter(kind=filters.kind)
    if filters.tlp:
        messages = messages.filter(tlp=filters.tlp)
    if filters.participant:
        messages = messages.filter(
            Q(sender_participant__code=filters.participant)
            | Q(pk__in=Recipient.objects.filter(participant__code=filters.participant).values("message_id"))
        )
    if filters.state == "unread":
        messages = unread(user, messages)
    elif filters.state in ("awaiting", "overdue"):
        messages = awaiting(user, messages, overdue=filters.state == "overdue")
    elif filters.state == "open":
        messages = messages.filter(
            Q(thread__isnull=True, closed_at__isnull=True) | Q(thread__closed_at__isnull=True)
        )
    elif filters.state == "closed":
        messages = messages.filter(
            Q(thread__isnull=True, closed_at__isnull=False) | Q(thread__closed_at__isnull=False)
        )
    if filters.q:
        messages = search(messages, filters.q)
    return messages.select_related("sender_participant", "sender", "sender_contact").order_by(
        "-created_at", "-pk"
    )


def search(messages: QuerySet[Message], query: str) -> QuerySet[Message]:
    """Messages holding every analysed word of ``query`` (Arabic and English analysis, as
    the catalogue's search), among ``messages`` only: the words of messages a person may
    not read never enter the results or their order."""
    return wordsearch.search(messages, query)


def thread(user: User, root: Message) -> list[Message]:
    """The messages of ``root``'s thread that ``user`` may read, oldest first."""
    members = Message.objects.readable_by(user).filter(Q(pk=root.pk) | Q(thread=root))
    return list(
        members.select_related("sender", "sender_contact", "sender_participant", "parent", "forwarded_from")
        .prefetch_related("items", "attachments", "recipients__outbound", "recipients__participant")
        .order_by("created_at", "pk")
    )


def visible_recipients(user: User, message: Message) -> list[Recipient]:
    """The sender's side sees every recipient and what became of each copy; a recipient
    sees the rows of their own participants and their own."""
    rows = list(message.recipients.all())
    own = set(policy.roles_of(user))
    if message.sender_id == user.pk or (message.tlp != TLP.RED and message.sender_participant_id in own):
        return rows
    return [r for r in rows if r.is_addressed_to(user) or r.participant_id in own]


def can_acknowledge(user: User, message: Message) -> bool:
    """Whether ``user`` has a copy of ``message`` still to acknowledge."""
    return any(
        r.ack_due_at and not r.acknowledged_at and policy.can(user, "messaging.acknowledge", r)
        for r in message.recipients.all()
    )


def summary(messages: Any, user: User) -> list[dict[str, Any]]:
    """What a list row shows of each message, with the reader's unread flag."""
    page = list(messages)
    read = set(Reading.objects.filter(user=user, message__in=page).values_list("message_id", flat=True))
    return [{"message": m, "unread": m.pk not in read} for m in page]
