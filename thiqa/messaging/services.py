"""Secure communications: send, reply, forward, read, acknowledge, close, escalate, export.

Every operation asks the authorization policy, runs in one transaction and is audited;
the audit records say who did what to which message, never its content.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts import policy
from thiqa.accounts.models import ApiToken, Membership, Participant, User
from thiqa.accounts.services import InvalidInput, ServiceError
from thiqa.audit.services import record
from thiqa.catalogue.citing import cited_items
from thiqa.catalogue.models import Item
from thiqa.directory import services as directory
from thiqa.directory.models import Contact
from thiqa.lib import files, tlp
from thiqa.lib.wordsearch import stored_terms
from thiqa.mail.dsn import DeliveryReport
from thiqa.mail.replytext import ReplyText
from thiqa.mail.services import enqueue_many
from thiqa.messaging import rules
from thiqa.messaging.addressing import Addressees, AddressError, contact_row, resolve, user_row
from thiqa.messaging.copies import ACK_SALT, compose
from thiqa.messaging.kinds import FieldErrors, Kind, all_kinds, clean_fields
from thiqa.messaging.models import Attachment, Message, Reading, Recipient

MAX_SUBJECT = 200
MAX_BODY = 20_000
MAX_ACK_HOURS = 30 * 24


class InvalidMessage(InvalidInput):
    """A message that cannot be sent as it is."""

    title = gettext_lazy("The message cannot be sent.")


@dataclass
class Draft:
    """A new message as the sender wrote it, before validation."""

    kind: str
    tlp: str
    subject: str
    body: str
    to: Addressees
    fields: dict[str, Any] = field(default_factory=dict)
    items: list[str] | None = None  # catalogue codes; None takes the type's own
    acknowledge_within_hours: int | None = None
    uploads: list[files.Upload] = field(default_factory=list)
    attachment_tlp: str | None = None  # None: the message's label


# --- sending --------------------------------------------------------------------------------


def send(
    user: User, participant: Participant, draft: Draft, *, request: HttpRequest | None = None
) -> Message:
    """Send ``draft`` on behalf of ``participant``. Returns the message; its
    ``unreached`` attribute lists group members without a contact of the roles."""
    policy.require(user, "messaging.send", participant)
    errors: dict[str, list[str]] = {}
    definition = _definition(draft.kind, errors)
    fields = _fields(definition, draft.fields, errors, participant.pk) if definition else {}
    _check_text(draft, errors)
    codes = draft.items if draft.items is not None else list(definition.item_codes if definition else ())
    items = _items(codes, errors)
    hours = _ack_hours(draft.acknowledge_within_hours, errors)
    uploads = _uploads(draft.uploads, errors)
    try:
        resolved = resolve(draft.to, participant)
    except AddressError as exc:
        errors.setdefault("recipients", []).append(str(exc))
    if errors:
        raise InvalidMessage(errors)
    now = timezone.now()
    due = now + timedelta(hours=hours) if hours else None
    with transaction.atomic():
        message = _create(
            user,
            participant,
            draft.kind,
            draft.tlp,
            draft.subject.strip(),
            draft.body.strip(),
            fields,
            items,
            due,
            now,
        )
        _attach(message, uploads, draft.attachment_tlp or draft.tlp)
        _deliver(message, [contact_row(message, c, due=due) for c in resolved.contacts])
        record(
            "messaging.sent",
            actor=user,
            target=message,
            data={
                "kind": message.kind,
                "tlp": message.tlp,
                "recipients": len(resolved.contacts),
                "participants": sorted({c.participant.code for c in resolved.contacts}),
                "attachments": [u.sha256 for u in uploads],
            },
            request=request,
        )
    message.unreached = resolved.unreached  # type: ignore[attr-defined]
    return message


def _definition(code: str, errors: dict[str, list[str]]) -> Kind | None:
    definition = all_kinds().get(code)
    if definition is None or definition.reply_only:
        errors["kind"] = [_("Choose the type of message.")]
        return None
    return definition


def _fields(
    definition: Kind, values: dict[str, Any], errors: dict[str, list[str]], participant_id: int
) -> dict[str, Any]:
    try:
        return clean_fields(definition, values, participant_id)
    except FieldErrors as exc:
        errors.update({f"fields.{name}": msgs for name, msgs in exc.errors.items()})
        return {}


def _check_text(draft: Draft, errors: dict[str, list[str]]) -> None:
    if draft.tlp not in tlp.ORDER:
        errors["tlp"] = [_("Choose a TLP label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED.")]
    if draft.attachment_tlp and draft.attachment_tlp not in tlp.ORDER:
        errors["attachment_tlp"] = [_("Choose a TLP label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED.")]
    elif (
        draft.attachment_tlp
        and draft.tlp in tlp.ORDER
        and tlp.rank(draft.attachment_tlp) < tlp.rank(draft.tlp)
    ):
        errors["attachment_tlp"] = [_("An attachment may be marked stricter than its message, never looser.")]
    subject, body = draft.subject.strip(), draft.body.strip()
    if not subject or len(subject) > MAX_SUBJECT:
        errors["subject"] = [_("Write a subject of at most %(limit)d characters.") % {"limit": MAX_SUBJECT}]
    if not body or len(body) > MAX_BODY:
        errors["body"] = [_("Write the message, at most %(limit)d characters.") % {"limit": MAX_BODY}]


def _items(codes: list[str], errors: dict[str, list[str]]) -> list[Item]:
    if not codes:
        errors["items"] = [_("Choose at least one catalogue item this message acts under.")]
        return []
    return cited_items(codes, errors)


def _ack_hours(hours: int | None, errors: dict[str, list[str]]) -> int | None:
    if hours is None:
        return None
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= MAX_ACK_HOURS:
        errors["acknowledge_within_hours"] = [
            _("Ask for an acknowledgement within 1 to %(limit)d hours.") % {"limit": MAX_ACK_HOURS}
        ]
        return None
    return hours


def _uploads(uploads: list[files.Upload], errors: dict[str, list[str]]) -> list[files.Checked]:
    try:
        return files.check_all(uploads)
    except ValueError as exc:
        errors["attachments"] = [str(exc)]
        return []


def _create(
    user: User | None,
    participant: Participant,
    kind: str,
    label: str,
    subject: str,
    body: str,
    fields: dict[str, Any],
    items: list[Item],
    due: datetime | None,
    now: datetime,
    **extra: Any,
) -> Message:
    message = Message.objects.create(
        kind=kind,
        tlp=label,
        subject=subject,
        body=body,
        fields=fields,
        sender=user,
        sender_participant=participant,
        created_at=now,
        ack_required=due is not None,
        ack_due_at=due,
        search_terms=_terms(subject, body, fields),
        **extra,
    )
    message.items.set(items)
    return message


def _terms(subject: str, body: str, fields: dict[str, Any]) -> str:
    """The analysed words of a message (Arabic and English), between spaces, for search."""
    values = []
    for value in fields.values():
        for v in value if isinstance(value, list) else [value]:
            values.append(v["value"] if isinstance(v, dict) else str(v))
    return stored_terms(subject, body, *values)


def _attach(message: Message, uploads: list[files.Checked], label: str) -> None:
    """Store the files and their rows; a full disk is the sender's error to read (raised
    inside the message's transaction, so nothing of the message is kept)."""
    try:
        files.store_all(uploads)
    except files.StorageFull as exc:
        raise InvalidMessage({"attachments": [str(exc)]}) from exc
    _add_attachments(message, [(upload, label) for upload in uploads])


def _add_attachments(message: Message, stored: list[tuple[Any, str]]) -> None:
    """Attachment rows for files already stored, each with its own label, made no weaker
    than the message's."""
    Attachment.objects.bulk_create(
        Attachment(
            message=message,
            filename=f.filename,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            tlp=tlp.stricter(label, message.tlp),
        )
        for f, label in stored
    )


def _deliver(message: Message, rows: list[tuple[Recipient, str | None]]) -> list[Recipient]:
    """Store the recipient rows and queue each one's e-mail copy (in this transaction)."""
    recipients = Recipient.objects.bulk_create([row for row, _key in rows])
    for recipient in recipients:
        recipient.message = message
    outbound = enqueue_many(
        (compose(recipient, key) for recipient, (_row, key) in zip(recipients, rows, strict=True)),
        purpose="messaging.copy",
    )
    for recipient, sent in zip(recipients, outbound, strict=True):
        recipient.outbound = sent
    Recipient.objects.bulk_update(recipients, ["outbound"])
    return recipients


# --- replies and forwards ---------------------------------------------------------------------


def reply(
    user: User,
    parent: Message,
    body: str,
    *,
    label: str | None = None,
    uploads: list[files.Upload] | None = None,
    request: HttpRequest | None = None,
) -> Message:
    """Answer ``parent``: to its author, or, from its author, to the same people again. A
    reply keeps the thread's label or a stricter one, and counts as an acknowledgement."""
    policy.require(user, "messaging.reply", parent)
    sender = Participant.objects.get(pk=rules.writing_participant(user, parent))
    return _reply(parent, body, _Author(sender, user), label=label, uploads=uploads or [], request=request)


@dataclass(frozen=True)
class _Author:
    """Who answers: a user, or a contact who replied by e-mail without an account."""

    participant: Participant
    user: User | None = None
    contact: Contact | None = None
    via: str = Recipient.Via.WEB


def _reply(
    parent: Message,
    body: str,
    author: _Author,
    *,
    label: str | None,
    uploads: list[files.Upload],
    request: HttpRequest | None,
) -> Message:
    root = parent.thread or parent
    _require_open(root)
    errors: dict[str, list[str]] = {}
    label = label or parent.tlp
    if label not in tlp.ORDER or tlp.rank(label) < tlp.rank(parent.tlp):
        errors["tlp"] = [_("A reply keeps the label of the message it answers, or a stricter one.")]
    body = body.strip()
    if not body or len(body) > MAX_BODY:
        errors["body"] = [_("Write the message, at most %(limit)d characters.") % {"limit": MAX_BODY}]
    checked = _uploads(uploads, errors)
    if errors:
        raise InvalidMessage(errors)
    now = timezone.now()
    with transaction.atomic():
        message = _create(
            author.user,
            author.participant,
            "reply",
            label,
            _prefixed("Re:", root.subject),
            body,
            {},
            list(parent.items.all()),
            None,
            now,
            thread=root,
            parent=parent,
            sender_contact=author.contact,
        )
        _attach(message, checked, label)
        recipients = _deliver(message, _reply_rows(author, parent, message))
        _answered(parent, author, now)
        record(
            "messaging.replied",
            actor=author.user,
            target=message,
            data={
                "parent": parent.pk,
                "tlp": label,
                "recipients": len(recipients),
                "via": author.via,
                **({"contact": author.contact.pk} if author.contact else {}),
            },
            request=request,
        )
    return message


def _reply_rows(author: _Author, parent: Message, message: Message) -> list[tuple[Recipient, str | None]]:
    if author.user is None or parent.sender_id != author.user.pk:
        if parent.sender is None and parent.sender_contact is not None:
            return [contact_row(message, parent.sender_contact)]
        return [user_row(message, parent.sender, parent.sender_participant, "author")]
    rows = []
    for earlier in parent.recipients.filter(level=Recipient.Level.ADDRESSED).select_related(
        "contact", "user", "participant"
    ):
        if earlier.contact is not None:
            rows.append(contact_row(message, earlier.contact))
        elif earlier.user is not None:
            rows.append(user_row(message, earlier.user, earlier.participant, earlier.role))
    return rows


def _answered(parent: Message, author: _Author, now: datetime) -> None:
    rows = parent.recipients.filter(participant=author.participant)
    rows.filter(answered_at__isnull=True).update(answered_at=now)
    rows.filter(acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_via=author.via, acknowledged_by=author.user
    )


# --- replies by e-mail and delivery reports -----------------------------------------------------


def reply_by_email(recipient: Recipient, text: ReplyText, *, inbound: int) -> Message | None:
    """A reply to ``recipient``'s e-mail copy (matched by its token): it acknowledges the
    copy (the first acknowledgement only counts) and, if the person wrote something, adds it
    to the thread under the message's label, from their user if one holds the address, else
    from the contact. Returns the stored reply, if any. A closed thread changes nothing."""
    message = recipient.message
    root = message.thread or message
    if Message.objects.filter(pk=root.pk, closed_at__isnull=False).exists():
        _refused_by_email(recipient, "closed", inbound)
        return None
    user = _email_user(recipient)
    if user is not None and not policy.can(user, "messaging.reply", message):
        user = None  # an observer, or no longer a party: the reply is the contact's, if any
    if user is not None:
        participant = Participant.objects.get(pk=rules.writing_participant(user, message))
        author = _Author(participant, user, None, Recipient.Via.REPLY)
    else:
        author = _Author(recipient.participant, None, recipient.contact, Recipient.Via.REPLY)
    with transaction.atomic():
        _acknowledge_rows(
            Recipient.objects.filter(pk=recipient.pk), message, Recipient.Via.REPLY, author.user, None
        )
        body = text.text
        if text.encrypted:
            with translation.override(_author_language(message)):
                body = _(
                    "%(name)s answered by an e-mail encrypted to a key other than the platform's, "
                    "so Thiqa cannot read it. The copy is acknowledged; ask them to reply in Thiqa "
                    "or to encrypt to the platform's key."
                ) % {"name": recipient.name}
        if not body:
            return None  # only the quoted original came back: an acknowledgement, no reply
        if author.user is None and author.contact is None:
            _refused_by_email(recipient, "no_author", inbound)
            return None
        try:
            return _reply(message, body, author, label=message.tlp, uploads=[], request=None)
        except InvalidMessage:
            _refused_by_email(recipient, "too_long", inbound)
            return None


def _email_user(recipient: Recipient) -> User | None:
    """The person behind a copy: its user, else the active user holding one of its addresses."""
    if recipient.user is not None:
        return recipient.user
    holds = Q()
    for address in recipient.addresses:
        holds |= Q(email__iexact=address)
    return User.objects.filter(holds, is_active=True).first() if recipient.addresses else None


def _author_language(message: Message) -> str:
    return message.sender.language if message.sender else settings.LANGUAGE_CODE


def _refused_by_email(recipient: Recipient, reason: str, inbound: int) -> None:
    record(
        "messaging.email_reply_refused",
        target=recipient.message,
        data={"recipient": recipient.pk, "reason": reason, "inbound": inbound},
    )


def refuse_email(reason: str, inbound: int) -> None:
    """A reply or report naming no copy of ours (a forged or altered token), or the copy of
    another message: kept in the inbound store, changes nothing, audited."""
    record("messaging.email_refused", data={"reason": reason, "inbound": inbound})


def note_delivery(recipient: Recipient, report: DeliveryReport) -> bool:
    """A delivery status notification about ``recipient``'s copy. ``failed`` marks it not
    delivered (even after the SMTP server's 250) and counts in the directory's health of the
    contact; ``delayed`` is recorded and changes no status; other actions change nothing.
    Returns whether anything was recorded (a report about another address, or one already
    taken, records nothing)."""
    if report.action not in ("failed", "delayed") or report.recipient not in (
        a.lower() for a in recipient.addresses
    ):
        return False
    stamp = "bounced_at" if report.failed else "delayed_at"
    detail = " ".join(p for p in (report.status, report.diagnostic) if p)[:500]
    with transaction.atomic():
        first = Recipient.objects.filter(pk=recipient.pk, **{f"{stamp}__isnull": True}).update(
            **{stamp: timezone.now()}, delivery_report=detail
        )
        if not first:
            return False
        record(
            "messaging.bounced" if report.failed else "messaging.delivery_delayed",
            target=recipient.message,
            data={"recipient": recipient.pk, "address": report.recipient, "status": report.status},
        )
        if report.failed:
            directory.note_bounce(
                recipient.contact,
                report.recipient,
                source="messaging",
                status=report.status,
                diagnostic=report.diagnostic,
            )
    return True


def _prefixed(prefix: str, subject: str) -> str:
    bare = subject
    while bare[:4].lower() in ("re: ", "fw: ") or bare[:5].lower() == "fwd: ":
        bare = bare.split(": ", 1)[1]
    return f"{prefix} {bare}"[:MAX_SUBJECT]


def forward(
    user: User,
    original: Message,
    to: Addressees,
    note: str = "",
    *,
    label: str | None = None,
    request: HttpRequest | None = None,
) -> Message:
    """Pass ``original`` on, within what its label allows (never RED; AMBER and
    AMBER+STRICT only within the forwarder's own organization), as a new thread."""
    policy.require(user, "messaging.forward", original)
    sender = Participant.objects.get(pk=rules.writing_participant(user, original))
    errors: dict[str, list[str]] = {}
    label = label or original.tlp
    if label not in tlp.ORDER or tlp.rank(label) < tlp.rank(original.tlp):
        errors["tlp"] = [_("A forwarded message keeps its label or a stricter one.")]
        label = original.tlp
    try:
        resolved = resolve(to, sender)
    except AddressError as exc:
        errors["recipients"] = [str(exc)]
    else:
        outside = sorted(
            {
                c.participant.name
                for c in resolved.contacts
                if not policy.can(user, "messaging.forward_to", (original, c.participant, label))
            }
        )
        if outside:
            errors["recipients"] = [
                _("%(label)s does not allow passing this message to: %(participants)s.")
                % {"label": tlp.marking(label), "participants": ", ".join(outside)}
            ]
    if len(note) > MAX_BODY:
        errors["body"] = [_("Write the message, at most %(limit)d characters.") % {"limit": MAX_BODY}]
    if errors:
        raise InvalidMessage(errors)
    header = _("Forwarded message from %(sender)s, sent %(when)s:") % {
        "sender": original.sender_participant.name,
        "when": formats.date_format(timezone.localtime(original.created_at), "DATETIME_FORMAT"),
    }
    body = "\n\n".join(p for p in (note.strip(), f"---- {header}\n{original.body}") if p)
    with transaction.atomic():
        message = _create(
            user,
            sender,
            original.kind,
            label,
            _prefixed("Fwd:", original.subject),
            body,
            original.fields,
            list(original.items.all()),
            None,
            timezone.now(),
            forwarded_from=original,
        )
        _add_attachments(message, [(a, a.tlp) for a in original.attachments.all()])
        _deliver(message, [contact_row(message, c) for c in resolved.contacts])
        record(
            "messaging.forwarded",
            actor=user,
            target=message,
            data={
                "original": original.pk,
                "tlp": label,
                "participants": sorted({c.participant.code for c in resolved.contacts}),
            },
            request=request,
        )
    message.unreached = resolved.unreached  # type: ignore[attr-defined]
    return message


# --- reading, acknowledging, closing ------------------------------------------------------------


def open_message(
    user: User, message: Message, *, request: HttpRequest | None = None, via: str = "web"
) -> None:
    """``user`` reads ``message`` (page or API): checked, audited, marked read."""
    policy.require(user, "messaging.read", message)
    now = timezone.now()
    with transaction.atomic():
        Reading.objects.get_or_create(message=message, user=user, defaults={"at": now})
        _own_rows(user, message).filter(read_at__isnull=True).update(read_at=now)
        record(
            "messaging.read",
            actor=user,
            target=message,
            data={"via": via, "tlp": message.tlp},
            request=request,
        )


def _own_rows(user: User, message: Message) -> Any:
    """The recipient rows ``user`` answers for: addressed to them, or, below RED, to a
    participant they write for."""
    rows = [r for r in message.recipients.all() if policy.can(user, "messaging.acknowledge", r)]
    return Recipient.objects.filter(pk__in=[r.pk for r in rows])


def acknowledge(
    user: User,
    message: Message,
    *,
    via: str = Recipient.Via.WEB,
    token: ApiToken | None = None,
    request: HttpRequest | None = None,
) -> int:
    """Acknowledge every copy of ``message`` that ``user`` answers for; returns how many
    were acknowledged now (0: already done, nothing changed)."""
    rows = _own_rows(user, message)
    first = rows.first()
    if first is None:
        raise PermissionDenied(_("This message was not sent to you or to a participant you answer for."))
    policy.require(user, "messaging.acknowledge", first, token)  # a read-only API token never does
    return _acknowledge_rows(rows, message, via, user, request)


def recipient_for_link(signed: str) -> Recipient:
    """The recipient row a signed acknowledgement link names; forged, altered or expired
    links are refused with a clear reason."""
    signer = signing.TimestampSigner(salt=ACK_SALT)
    try:
        token = signer.unsign(signed, max_age=timedelta(days=settings.THIQA_MESSAGE_LINK_DAYS))
    except signing.SignatureExpired:
        raise ServiceError(
            _("This acknowledgement link has expired. Sign in to acknowledge the message in your inbox.")
        ) from None
    except signing.BadSignature:
        token = None
    recipient = (
        token and Recipient.objects.select_related("message__sender_participant").filter(token=token).first()
    )
    if not recipient:
        raise ServiceError(
            _("This acknowledgement link is not valid. Use the link from the e-mail as it is.")
        )
    return recipient


def acknowledge_link(recipient: Recipient, *, request: HttpRequest | None = None) -> int:
    """The button behind the e-mail's link: acknowledges that one copy."""
    rows = Recipient.objects.filter(pk=recipient.pk)
    return _acknowledge_rows(rows, recipient.message, Recipient.Via.LINK, None, request)


def _acknowledge_rows(
    rows: Any, message: Message, via: str, user: User | None, request: HttpRequest | None
) -> int:
    root = message.thread or message
    _require_open(root)
    now = timezone.now()
    with transaction.atomic():
        pending = list(rows.filter(acknowledged_at__isnull=True).values_list("pk", flat=True))
        done = Recipient.objects.filter(pk__in=pending, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_via=via, acknowledged_by=user
        )
        if done:
            record(
                "messaging.acknowledged",
                actor=user,
                target=message,
                data={"recipients": pending, "via": via},
                request=request,
            )
    return done


def close(user: User, message: Message, *, request: HttpRequest | None = None) -> None:
    """The sender's side closes the thread: no more replies or acknowledgements."""
    root = message.thread or message
    policy.require(user, "messaging.close", root)
    _require_open(root)
    now = timezone.now()
    with transaction.atomic():
        thread = Message.objects.filter(pk=root.pk) | Message.objects.filter(thread=root)
        Message.objects.filter(pk=root.pk, closed_at__isnull=True).update(closed_at=now, closed_by=user)
        Recipient.objects.filter(message__in=thread, closed_at__isnull=True).update(closed_at=now)
        record("messaging.closed", actor=user, target=root, request=request)
    root.closed_at, root.closed_by = now, user


def _require_open(root: Message) -> None:
    closed = Message.objects.filter(pk=root.pk).values_list("closed_at", flat=True).first()
    if closed:
        raise ServiceError(
            _("This thread was closed on %(date)s.")
            % {"date": formats.date_format(timezone.localtime(closed), "DATETIME_FORMAT")}
        )


# --- escalation ---------------------------------------------------------------------------------


def escalate_due(now: datetime | None = None) -> int:
    """For each participant that has not acknowledged a message by its deadline, pass it
    one step up: technical → policy contact → secretariat. Returns the steps taken."""
    now = now or timezone.now()
    overdue = (
        Recipient.objects.filter(
            message__ack_required=True,
            message__closed_at__isnull=True,
            escalated_at__isnull=True,
            acknowledged_at__isnull=True,
            ack_due_at__lte=now,
        )
        .values_list("message_id", "participant_id")
        .order_by("message_id", "participant_id")
        .distinct()
    )
    steps = 0
    for message_id, participant_id in list(overdue):
        with transaction.atomic():
            steps += _escalate(message_id, participant_id, now)
    return steps


def _escalate(message_id: int, participant_id: int, now: datetime) -> int:
    message = Message.objects.select_for_update().select_related("sender_participant").get(pk=message_id)
    rows = Recipient.objects.filter(message=message, participant_id=participant_id)
    waiting = rows.filter(escalated_at__isnull=True, ack_due_at__lte=now)
    if rows.exclude(acknowledged_at=None).exists() or not waiting.exists():
        return 0  # acknowledged meanwhile, or another worker took this step
    level = max(r.level for r in waiting)
    waiting.update(escalated_at=now)
    participant = Participant.objects.get(pk=participant_id)
    due = now + timedelta(hours=settings.THIQA_MESSAGE_ESCALATION_HOURS)
    new_rows = _next_level(message, participant, level, rows, due)
    if new_rows:
        _deliver(message, new_rows)
    record(
        "messaging.escalated",
        target=message,
        data={
            "participant": participant.code,
            "from_level": level,
            "to_level": new_rows[0][0].level if new_rows else None,
            "recipients": len(new_rows),
        },
    )
    return 1


def _next_level(
    message: Message, participant: Participant, level: int, rows: Any, due: datetime
) -> list[tuple[Recipient, str | None]]:
    if level < Recipient.Level.POLICY:
        reached = set(rows.exclude(contact=None).values_list("contact_id", flat=True))
        policy_contacts = [
            c
            for c in participant.contacts.published().filter(role="policy").select_related("participant")
            if c.pk not in reached
        ]
        if policy_contacts:
            return [contact_row(message, c, level=Recipient.Level.POLICY, due=due) for c in policy_contacts]
    if level < Recipient.Level.SECRETARIAT:
        staff = User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.SECRETARIAT,
            memberships__is_active=True,
            memberships__participant__is_active=True,
        ).distinct()
        return [
            user_row(message, person, participant, "secretariat", level=Recipient.Level.SECRETARIAT, due=due)
            for person in staff
        ]
    return []  # the secretariat was the last step: the message stays flagged as overdue


# --- export and attachments -------------------------------------------------------------------


def export(user: User, message: Message, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """The message as a JSON document (docs/api.md: "Message export"), if its label allows."""
    policy.require(user, "messaging.export", message)
    record("messaging.exported", actor=user, target=message, data={"tlp": message.tlp}, request=request)
    return document(message)


def document(message: Message) -> dict[str, Any]:
    return {
        "schema": "thiqa.message/1",
        "tlp": tlp.marking(message.tlp),
        "id": message.pk,
        "thread": message.thread_id_or_own,
        "in_reply_to": message.parent_id,
        "forwarded_from": message.forwarded_from_id,
        "type": message.kind,
        "sent_at": message.created_at.isoformat(),
        "sender": {"participant": message.sender_participant.code, "name": message.author_name},
        "subject": message.subject,
        "body": message.body,
        "fields": message.fields,
        "catalogue_items": [i.code for i in message.items.all()],
        "acknowledge_by": message.ack_due_at.isoformat() if message.ack_due_at else None,
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "tlp": tlp.marking(a.tlp),
            }
            for a in message.attachments.all()
        ],
    }


def download(user: User, attachment: Attachment, *, request: HttpRequest | None = None) -> bytes:
    policy.require(user, "messaging.download", attachment)
    data = files.read(attachment.sha256)
    record(
        "messaging.downloaded",
        actor=user,
        target=attachment.message,
        data={"attachment": attachment.pk, "sha256": attachment.sha256, "tlp": attachment.tlp},
        request=request,
    )
    return data
