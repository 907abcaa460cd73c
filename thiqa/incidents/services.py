"""Incident records: record one (directly, as a draft, or from an incident notification),
change it along its timeline, publish a draft.

Every operation asks the policy, validates everything at once (``InvalidIncident`` maps each
field to its translated problems, as the messaging room's templates do), runs in one
transaction, adds to the incident's timeline and is audited (who did what to which
incident, never its content).

Status moves forward only: reported → confirmed → contained → resolved → closed (steps may
be skipped); a resolved incident may be reopened as confirmed; a closed one is final.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.accounts.services import InvalidInput, ServiceError
from thiqa.audit.services import record as audit
from thiqa.catalogue.citing import cited_items
from thiqa.catalogue.models import Item
from thiqa.incidents.models import COMMON_LEVELS, MAX_TITLE, Incident, IncidentUpdate, ScaleLevel
from thiqa.incidents.scales import current_scale
from thiqa.lib import tlp
from thiqa.lib.sectors import clean_sectors
from thiqa.messaging import services as messaging
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.kinds import all_kinds, clean_cves, clean_indicators, parse_moment
from thiqa.messaging.models import Message
from thiqa.messaging.services import MAX_SUBJECT, Draft

MAX_SUMMARY = 20_000
MAX_TEXT = 20_000
MAX_INDICATORS = 20_000  # a STIX bundle imported as a draft may carry many
FUTURE_SLACK = timedelta(minutes=10)
Status = Incident.Status
ORDER = [Status.REPORTED, Status.CONFIRMED, Status.CONTAINED, Status.RESOLVED, Status.CLOSED]
REOPEN = {(Status.RESOLVED, Status.CONFIRMED)}
# The fields ``update`` may change, each recorded on the timeline by name.
CHANGEABLE = (
    "title",
    "summary",
    "tlp",
    "detected_at",
    "started_at",
    "ended_at",
    "sectors",
    "affected",
    "cross_border",
    "national_level",
    "common_level",
    "indicators",
    "cves",
    "items",
    "messages",
    "shared_participants",
    "shared_groups",
    "named_users",
)
RELATIONS = ("affected", "items", "messages", "shared_participants", "shared_groups", "named_users")


class InvalidIncident(InvalidInput):
    """An incident that cannot be recorded or changed as it is."""

    title = gettext_lazy("The incident cannot be recorded.")


# --- validation ---------------------------------------------------------------------------------


def _keys(values: Any) -> list[Any]:
    if values is None:
        return []
    if isinstance(values, (str, int, Model)):
        return [values]
    return list(values)


def _objects(
    model: type[Model], values: Any, key: str, field: str, errors: dict[str, list[str]], **filters: Any
) -> list[Any]:
    """Model rows named by instance, primary key or ``key`` (a code or an address), each once;
    names that match nothing go to ``errors[field]``."""
    wanted = _keys(values)
    pks = {v.pk for v in wanted if isinstance(v, Model)} | {
        v for v in wanted if isinstance(v, int) and not isinstance(v, bool)
    }
    names = {v for v in wanted if isinstance(v, str)}
    bad = [str(v) for v in wanted if not isinstance(v, (Model, int, str)) or isinstance(v, bool)]
    rows = {o.pk: o for o in model.objects.filter(pk__in=pks, **filters)}
    by_name = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": names}, **filters)}
    rows.update({o.pk: o for o in by_name.values()})
    missing = bad + [str(p) for p in pks if p not in rows] + [n for n in names if n not in by_name]
    if missing:
        errors[field] = [_("Unknown: %(names)s.") % {"names": ", ".join(sorted(missing)[:10])}]
    return list(rows.values())


def _moment(value: Any, field: str, errors: dict[str, list[str]], *, required: bool) -> datetime | None:
    if value is None or value == "":
        if required:
            errors[field] = [_("This field is required.")]
        return None
    try:
        moment = parse_moment(value)
    except ValueError as exc:
        errors[field] = [str(exc)]
        return None
    if moment > timezone.now() + FUTURE_SLACK:
        errors[field] = [_("This time is in the future.")]
    return moment


def _times(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    started, ended = values.get("started_at"), values.get("ended_at")
    if started and ended and ended < started:
        errors["ended_at"] = [_("An incident ends after it started.")]
    if started and values.get("detected_at") and values["detected_at"] < started:
        errors["detected_at"] = [_("An incident is detected after it started.")]


def _text(value: Any, field: str, limit: int, errors: dict[str, list[str]], *, required: bool) -> str:
    text = value.strip() if isinstance(value, str) else None
    if text is None or (required and not text) or len(text) > limit:
        if required:
            errors[field] = [_("Write a %(field)s of at most %(limit)d characters.") % _named(field, limit)]
        else:
            errors[field] = [_("Use at most %(limit)d characters.") % {"limit": limit}]
        return ""
    return text


def _named(field: str, limit: int) -> dict[str, Any]:
    return {"field": Incident._meta.get_field(field).verbose_name, "limit": limit}


def _label(value: Any, errors: dict[str, list[str]]) -> str:
    if value not in tlp.ORDER:
        errors["tlp"] = [_("Choose a TLP label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED.")]
        return tlp.TLP.AMBER
    return value


def _cleaned(cleaner: Any, value: Any, field: str, errors: dict[str, list[str]]) -> Any:
    try:
        return cleaner(value)
    except ValueError as exc:
        errors[field] = [str(exc)]
        return []


def _severity(
    participant: Participant, national: Any, common: Any, errors: dict[str, list[str]], *, required: bool
) -> tuple[ScaleLevel | None, int | None]:
    """The national level (of the participant's current scale) and the common level derived
    from it; without a national level (a participant without a scale, or one classifying a
    notification from another), the common level alone."""
    scale = current_scale(participant)
    if national not in (None, ""):
        level_id = national.pk if isinstance(national, ScaleLevel) else national
        level = None
        if scale is not None and str(level_id).isdigit():
            level = scale.levels.filter(pk=int(level_id)).first()
        if level is None:
            errors["national_level"] = [_("Choose a level of your participant's current national scale.")]
            return None, None
        if common not in (None, "") and str(common) != str(level.common_level):
            errors["common_level"] = [_("The common level follows from the national level's mapping.")]
        return level, level.common_level
    if common in (None, ""):
        if required:
            errors["common_level"] = [
                _("Choose a level of your national scale or of the common five-level scale.")
            ]
        return None, None
    if isinstance(common, bool) or str(common) not in {str(c) for c in COMMON_LEVELS}:
        errors["common_level"] = [_("Choose a level of the common five-level scale.")]
        return None, None
    return None, int(common)


def _named_people(values: Any, errors: dict[str, list[str]]) -> list[User]:
    """The people named on an incident, by instance, primary key or e-mail address (in any
    case: addresses are stored in lower case). Each must hold a role in the community: the
    reading rule gives nobody outside it anything, so naming them would promise a reading
    that never happens."""
    wanted = [v.strip().lower() if isinstance(v, str) else v for v in _keys(values)]
    found = _objects(User, wanted, "email", "named_users", errors, is_active=True)
    outside = sorted(person.email for person in found if not policy.in_community(person))
    if outside:
        errors.setdefault("named_users", []).append(
            _("Only people of the community can be named; these hold no role in it: %(names)s.")
            % {"names": ", ".join(outside[:10])}
        )
    return found


def _readable_messages(user: User, values: Any, errors: dict[str, list[str]]) -> list[Message]:
    found = _objects(Message, values, "pk", "messages", errors)
    if any(not policy.can(user, "messaging.read", m) for m in found):
        errors["messages"] = [_("Link only messages you may read.")]
        return []
    return found


def _check_all(
    user: User, participant: Participant, values: dict[str, Any], *, draft: bool, partial: bool
) -> dict[str, Any]:
    """The given ``values`` validated; raises InvalidIncident listing every problem."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    given = set(values) if partial else set(CHANGEABLE)
    if "title" in given:
        cleaned["title"] = _text(values.get("title"), "title", MAX_TITLE, errors, required=True)
    if "summary" in given:
        cleaned["summary"] = _text(values.get("summary", ""), "summary", MAX_SUMMARY, errors, required=False)
    if "tlp" in given:
        cleaned["tlp"] = _label(values.get("tlp"), errors)
    for name in ("detected_at", "started_at", "ended_at"):
        if name in given:
            cleaned[name] = _moment(values.get(name), name, errors, required=name == "detected_at")
    if "sectors" in given:
        cleaned["sectors"] = _cleaned(clean_sectors, list(values.get("sectors") or []), "sectors", errors)
    if "cross_border" in given:
        cleaned["cross_border"] = bool(values.get("cross_border"))
    if "indicators" in given:
        cleaned["indicators"] = _cleaned(
            lambda v: clean_indicators(v, MAX_INDICATORS),
            values.get("indicators") or [],
            "indicators",
            errors,
        )
    if "cves" in given:
        cleaned["cves"] = _cleaned(clean_cves, values.get("cves") or [], "cves", errors)
    if {"national_level", "common_level"} & given:
        cleaned["national_level"], cleaned["common_level"] = _severity(
            participant, values.get("national_level"), values.get("common_level"), errors, required=not draft
        )
    _relations(user, values, given, cleaned, errors)
    _times(cleaned, errors)
    if errors:
        raise InvalidIncident(errors)
    return cleaned


def _relations(
    user: User, values: dict[str, Any], given: set[str], cleaned: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    active = {"is_active": True}
    if "affected" in given:
        cleaned["affected"] = _objects(Participant, values.get("affected"), "code", "affected", errors)
    if "shared_participants" in given:
        cleaned["shared_participants"] = _objects(
            Participant, values.get("shared_participants"), "code", "shared_participants", errors, **active
        )
    if "shared_groups" in given:
        cleaned["shared_groups"] = _objects(
            ParticipantGroup, values.get("shared_groups"), "code", "shared_groups", errors
        )
    if "named_users" in given:
        cleaned["named_users"] = _named_people(values.get("named_users"), errors)
    if "items" in given:
        codes = [i.code if isinstance(i, Item) else i for i in _keys(values.get("items"))]
        cleaned["items"] = cited_items([str(c) for c in codes], errors)
    if "messages" in given:
        cleaned["messages"] = _readable_messages(user, values.get("messages"), errors)


# --- recording ---------------------------------------------------------------------------------


def record(
    user: User,
    participant: Participant,
    *,
    title: str,
    tlp: str,
    detected_at: datetime | str,
    summary: str = "",
    started_at: datetime | str | None = None,
    ended_at: datetime | str | None = None,
    sectors: Iterable[str] = (),
    affected: Iterable[Any] = (),
    cross_border: bool = False,
    national_level: ScaleLevel | int | str | None = None,
    common_level: int | str | None = None,
    indicators: Any = (),
    cves: Any = (),
    items: Iterable[Any] = (),
    messages: Iterable[Any] = (),
    shared_participants: Iterable[Any] = (),
    shared_groups: Iterable[Any] = (),
    named_users: Iterable[Any] = (),
    draft: bool = False,
    request: HttpRequest | None = None,
) -> Incident:
    """Record an incident on behalf of ``participant``. Relations are named by instance,
    primary key or code (participants, groups, catalogue items) or e-mail address (users);
    indicators and CVEs are validated as in messages. A participant with a national scale
    classifies by its current version (the common level is derived); one without picks
    the common level. A draft needs no severity and is shared with nobody until published."""
    policy.require(user, "incidents.record", participant)
    values = {k: v for k, v in locals().items() if k in CHANGEABLE}
    for name in ("indicators", "cves", "sectors"):
        values[name] = values[name] if isinstance(values[name], str) else list(values[name])
    cleaned = _check_all(user, participant, values, draft=draft, partial=False)
    related = {name: cleaned.pop(name) for name in RELATIONS}
    now = timezone.now()
    with transaction.atomic():
        incident = Incident.objects.create(
            participant=participant,
            created_by=user,
            is_draft=draft,
            created_at=now,
            updated_at=now,
            **cleaned,
        )
        for name, rows in related.items():
            getattr(incident, name).set(rows)
        IncidentUpdate.objects.create(incident=incident, author=user, at=now, status=Status.REPORTED)
        audit("incidents.recorded", actor=user, target=incident, data=_facts(incident), request=request)
    return incident


def _facts(incident: Incident) -> dict[str, Any]:
    return {
        "participant": incident.participant.code,
        "tlp": incident.tlp,
        "draft": incident.is_draft,
        "common_level": incident.common_level,
        "national_level": incident.national_level_id,
    }


# --- changing -----------------------------------------------------------------------------------


def may_move(current: str, new: str) -> bool:
    """Forward along the statuses, or reopening a resolved incident as confirmed."""
    if (current, new) in REOPEN:
        return True
    return current in ORDER and new in ORDER and ORDER.index(new) > ORDER.index(current)


def update(
    user: User,
    incident: Incident,
    *,
    status: str | None = None,
    text: str = "",
    request: HttpRequest | None = None,
    **changes: Any,
) -> list[IncidentUpdate]:
    """Change ``incident``: a new status (forward only, see the module), a note, and any of
    the fields of :data:`CHANGEABLE`. Each change is one entry of the timeline; nothing
    changes when anything is refused. Returns the new entries."""
    policy.require(user, "incidents.update", incident)
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise InvalidIncident({name: [_("This field cannot be changed.")] for name in unknown})
    errors: dict[str, list[str]] = {}
    if status not in (None, "", incident.status) and not may_move(incident.status, status):
        errors["status"] = [
            _("An incident cannot go from “%(current)s” to “%(new)s”.")
            % {
                "current": incident.get_status_display(),
                "new": Status(status).label if status in Status.values else status,
            }
        ]
    note = _text(text or "", "text", MAX_TEXT, errors, required=False)
    if "common_level" in changes and "national_level" not in changes and incident.national_level_id:
        changes["national_level"] = None  # a common level given alone replaces the national one
    try:
        cleaned = _check_all(user, incident.participant, changes, draft=incident.is_draft, partial=True)
    except InvalidIncident as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidIncident(errors)
    return _apply(user, incident, status if status != incident.status else None, note, cleaned, request)


def _apply(
    user: User,
    incident: Incident,
    status: str | None,
    note: str,
    cleaned: dict[str, Any],
    request: HttpRequest | None,
) -> list[IncidentUpdate]:
    now = timezone.now()
    changed = [name for name, value in cleaned.items() if _differs(incident, name, value)]
    entries = []
    with transaction.atomic():
        for name in changed:
            if name in RELATIONS:
                getattr(incident, name).set(cleaned[name])
            else:
                setattr(incident, name, cleaned[name])
            if name != "common_level" or "national_level" not in changed:
                entries.append(IncidentUpdate(incident=incident, author=user, at=now, field=name))
        if status or note:
            entries.append(
                IncidentUpdate(incident=incident, author=user, at=now, status=status or "", text=note)
            )
        if status:
            incident.status = status
        if not entries:
            return []
        incident.updated_at = now
        incident.save()
        IncidentUpdate.objects.bulk_create(entries)
        audit(
            "incidents.updated",
            actor=user,
            target=incident,
            data={"status": status, "fields": changed, "note": bool(note)},
            request=request,
        )
    return entries


def _differs(incident: Incident, name: str, value: Any) -> bool:
    if name in RELATIONS:
        return set(getattr(incident, name).values_list("pk", flat=True)) != {v.pk for v in value}
    return getattr(incident, name) != value


def publish_draft(
    user: User, incident: Incident, *, request: HttpRequest | None = None, **changes: Any
) -> Incident:
    """Publish a draft (an imported bundle, or one not finished): it then needs a severity
    and is shared as recorded. ``changes`` are applied first, as :func:`update` does."""
    policy.require(user, "incidents.update", incident)
    if not incident.is_draft:
        raise ServiceError(_("This incident is already published."))
    values = dict(changes)
    if not {"national_level", "common_level"} & set(values):
        if incident.national_level_id:
            values["national_level"] = incident.national_level_id
        else:
            values["common_level"] = incident.common_level
    cleaned = _check_all(user, incident.participant, values, draft=False, partial=True)
    with transaction.atomic():
        _apply(user, incident, None, "", cleaned, request)
        incident.is_draft = False
        incident.updated_at = timezone.now()
        incident.save(update_fields=["is_draft", "updated_at"])
        IncidentUpdate.objects.create(incident=incident, author=user, text="", field="is_draft")
        audit("incidents.published", actor=user, target=incident, data=_facts(incident), request=request)
    return incident


# --- from an incident notification -------------------------------------------------------------

NOTIFICATION = "incident_notification"


def from_notification(user: User, message: Message, *, request: HttpRequest | None = None) -> Incident:
    """Record the incident an incident notification tells of, on behalf of the party
    ``user`` writes for, linked to the message and read by the same people: the message's
    label, its parties (shared participants) and its personal circle (named people). The
    sender's national level is kept when the sender records it. An incident already
    recorded from this message by that participant is returned as it is."""
    policy.require(user, "messaging.read", message)
    if message.kind != NOTIFICATION:
        raise ServiceError(_("Only an incident notification can be recorded as an incident."))
    owner = _writing_party(user, message)
    existing = Incident.objects.filter(participant=owner, messages=message).first()
    if existing is not None:
        return existing
    fields = message.fields or {}
    own_level = owner.pk == message.sender_participant_id
    recipients = list(message.recipients.select_related("user"))
    return record(
        user,
        owner,
        title=message.subject,
        tlp=message.tlp,
        detected_at=fields.get("detected_at") or message.created_at,
        summary="\n\n".join(p for p in (fields.get("impact", ""), message.body) if p),
        sectors=fields.get("sectors", []),
        national_level=fields.get("national_level") if own_level else None,
        common_level=None if own_level and fields.get("national_level") else fields.get("severity"),
        indicators=fields.get("indicators", []),
        cves=fields.get("cves", []),
        items=list(message.items.all()),
        messages=[message],
        shared_participants=[p for p in message.party_ids() if p != owner.pk],
        named_users=_personal_circle(message, recipients),
        request=request,
    )


def _writing_party(user: User, message: Message) -> Participant:
    writes = policy.written_for(user)
    party = message.party_ids()
    for pid in writes:
        if pid in party:
            return Participant.objects.get(pk=pid)
    raise ServiceError(_("You do not write for a participant this notification was sent by or to."))


def _personal_circle(message: Message, recipients: list[Any]) -> list[User]:
    """The message's sender and the people it was addressed to, those of the community only
    (an address may belong to someone without a role, who could not read the incident)."""
    people = {r.user for r in recipients if r.user is not None and r.user.is_active}
    if message.sender is not None and message.sender.is_active:
        people.add(message.sender)
    by_address = User.objects.filter(
        is_active=True, email__in=[a for r in recipients for a in r.addresses if r.user_id is None]
    )
    return [person for person in {*people, *by_address} if policy.in_community(person)]


# --- early warning -----------------------------------------------------------------------------

EARLY_WARNING = "early_warning"
ALERT_ROLES = ["technical"]  # escalating to the policy contact, then the secretariat


def raise_alert(
    user: User,
    incident: Incident,
    *,
    text: str,
    participants: Iterable[Participant] = (),
    groups: Iterable[ParticipantGroup] = (),
    acknowledge_within_hours: int | None = None,
    request: HttpRequest | None = None,
) -> Message:
    """Warn participants and groups of ``incident``: a message of the ``early_warning`` type
    under the incident's label, sent by the messaging room (acknowledgement and escalation
    included) on behalf of the incident's owner, linked to the incident and on its timeline."""
    policy.require(user, "incidents.alert", incident)
    definition = all_kinds()[EARLY_WARNING]
    draft = Draft(
        kind=EARLY_WARNING,
        tlp=incident.tlp,
        subject=(_("Early warning: %(title)s") % {"title": incident.title})[:MAX_SUBJECT],
        body=text,
        to=Addressees(participants=list(participants), groups=list(groups), roles=ALERT_ROLES),
        fields=_alert_fields(incident),
        acknowledge_within_hours=acknowledge_within_hours or definition.acknowledge_within_hours,
    )
    with transaction.atomic():
        message = messaging.send(user, incident.participant, draft, request=request)
        incident.alerts.add(message)
        IncidentUpdate.objects.create(incident=incident, author=user, field="alerts")
        audit("incidents.alerted", actor=user, target=incident, data={"message": message.pk}, request=request)
    return message


def _alert_fields(incident: Incident) -> dict[str, Any]:
    fields: dict[str, Any] = {"incident_reference": str(incident.uuid)}
    if incident.common_level:
        fields["severity"] = str(incident.common_level)
    if incident.sectors:
        fields["sectors"] = list(incident.sectors)
    if incident.indicators:
        fields["indicators"] = [i["value"] for i in incident.indicators][:500]
    return fields
