"""The secretariat's overview of traffic: how many messages of each type, label, sending
participant and month, how many people they went to and how many acknowledged. Counts
only: no subject, body, field or name of a person is read here."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thiqa.accounts.models import Participant
from thiqa.lib import tlp
from thiqa.messaging.kinds import all_kinds
from thiqa.messaging.models import Message, Recipient


@dataclass(frozen=True)
class Row:
    key: str  # a stable code: type, label, participant code or YYYY-MM
    label: str  # in the active language
    messages: int


@dataclass(frozen=True)
class Traffic:
    first_day: date | None
    last_day: date | None
    messages: int
    by_kind: list[Row]
    by_label: list[Row]
    by_participant: list[Row]
    by_month: list[Row]
    recipients: int  # copies sent (one per person)
    asked: int  # copies that asked for an acknowledgement
    acknowledged: int  # of those, acknowledged

    @property
    def acknowledgement_rate(self) -> float | None:
        return round(100 * self.acknowledged / self.asked, 1) if self.asked else None


def traffic(first_day: date | None = None, last_day: date | None = None) -> Traffic:
    """Counts of every message sent between ``first_day`` and ``last_day`` (inclusive)."""
    messages = _period(first_day, last_day)
    copies = Recipient.objects.filter(message__in=messages)
    ack = copies.aggregate(
        asked=Count("pk", filter=Q(message__ack_required=True)),
        acknowledged=Count("pk", filter=Q(message__ack_required=True, acknowledged_at__isnull=False)),
    )
    return Traffic(
        first_day=first_day,
        last_day=last_day,
        messages=messages.count(),
        by_kind=_by_kind(messages),
        by_label=_by_label(messages),
        by_participant=_by_participant(messages),
        by_month=_by_month(messages),
        recipients=copies.count(),
        asked=ack["asked"],
        acknowledged=ack["acknowledged"],
    )


def _period(first_day: date | None, last_day: date | None) -> QuerySet[Message]:
    messages = Message.objects.all()
    if first_day:
        messages = messages.filter(created_at__gte=_midnight(first_day))
    if last_day:
        messages = messages.filter(created_at__lt=_midnight(last_day + timedelta(days=1)))
    return messages


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _counts(messages: QuerySet[Message], field: str) -> list[tuple[str, int]]:
    return list(messages.order_by().values_list(field).annotate(n=Count("pk")).order_by("-n", field))


def _by_kind(messages: QuerySet[Message]) -> list[Row]:
    kinds = all_kinds()
    language = get_language() or "en"
    return [
        Row(code, kinds[code].title_in(language) if code in kinds else code, n)
        for code, n in _counts(messages, "kind")
    ]


def _by_label(messages: QuerySet[Message]) -> list[Row]:
    counts = dict(_counts(messages, "tlp"))
    return [Row(label, tlp.marking(label), counts[label]) for label in tlp.ORDER if label in counts]


def _by_participant(messages: QuerySet[Message]) -> list[Row]:
    counts = _counts(messages, "sender_participant")
    names = Participant.objects.in_bulk([pk for pk, _n in counts])
    return [Row(names[pk].code, names[pk].name, n) for pk, n in counts]


def _by_month(messages: QuerySet[Message]) -> list[Row]:
    counts = (
        messages.order_by()
        .annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return [Row(f"{month:%Y-%m}", formats.date_format(month, "YEAR_MONTH_FORMAT"), n) for month, n in counts]


def as_csv(overview: Traffic) -> str:
    """One line per count: dimension, code, label, messages (then the copies' figures)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["dimension", "key", "label", "messages"])
    for dimension, rows in (
        ("type", overview.by_kind),
        ("tlp", overview.by_label),
        ("participant", overview.by_participant),
        ("month", overview.by_month),
    ):
        for row in rows:
            writer.writerow([dimension, row.key, row.label, row.messages])
    writer.writerow(["total", "messages", _("Messages"), overview.messages])
    writer.writerow(["total", "recipients", _("Copies sent"), overview.recipients])
    writer.writerow(
        ["total", "acknowledgement_asked", _("Copies asking for acknowledgement"), overview.asked]
    )
    writer.writerow(["total", "acknowledged", _("Copies acknowledged"), overview.acknowledged])
    return out.getvalue()
