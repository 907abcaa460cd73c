"""Writing and verifying the audit log. Every room records events through :func:`record`."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from thiqa.audit.models import GENESIS, AuditEvent

# PostgreSQL advisory lock key that serializes appends to the chain.
_CHAIN_LOCK = 0x7468_6971  # "thiq"


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction if there is one.

    Never put secrets (passwords, tokens, TOTP codes or keys) into ``data``.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    for attempt in range(5):
        try:
            with transaction.atomic():
                return _append(action, actor, target, data or {}, client_ip(request))
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _append(
    action: str, actor: Any, target: models.Model | None, data: dict[str, Any], ip: str | None
) -> AuditEvent:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    event = AuditEvent(
        seq=(last["seq"] + 1) if last else 1,
        at=timezone.now(),
        actor=actor,
        actor_label=getattr(actor, "email", "") if actor else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
        ip=ip,
        prev_hash=last["hash"] if last else GENESIS,
    )
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify(progress: Callable[[int], None] | None = None) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order; return how many events were checked and the first break."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for event in _in_order():
        if event.seq != expected_seq:
            return checked, ChainBreak(expected_seq, "missing event (sequence gap)")
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(event.seq, "link to the previous event does not match")
        if event.compute_hash() != event.hash:
            return checked, ChainBreak(event.seq, "content does not match its hash")
        expected_prev, expected_seq = event.hash, event.seq + 1
        checked += 1
        if progress:
            progress(1)
    return checked, None


def _in_order(chunk: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:chunk])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq
