"""Activities: record, change and cancel them; people's calendar feed keys.

Every write asks the authorization policy, runs in one transaction with the audit record
and the search index kept in step, and refuses bad input with every problem named, each
message translated (:class:`InvalidActivity`). The audit says who did what to which activity
(kind, label, organizer, changed fields), never its description.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.accounts.services import InvalidInput, ServiceError
from thiqa.activities import indexing
from thiqa.activities.models import GROUP_LABELS, Activity, FeedKey, new_feed_secret
from thiqa.activities.vocabulary import AUDIENCES, KINDS
from thiqa.audit.services import record
from thiqa.catalogue.citing import cited_items
from thiqa.catalogue.models import Item, Term
from thiqa.lib import tlp
from thiqa.lib.languages import is_language
from thiqa.lib.tlp import TLP

MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
MAX_PLACE = 200
MAX_LINKS = 10
MAX_LINK = 500
MAX_LANGUAGES = 12
FIRST_YEAR, LAST_YEAR = 1990, 2100
FEED_SALT = "thiqa.activities.feed"

Errors = dict[str, list[str]]


class InvalidActivity(InvalidInput):
    """An activity that cannot be saved as it is; ``errors`` maps each field to its problems."""

    title = gettext_lazy("The activity cannot be saved.")


@dataclass
class Draft:
    """An activity as its author wrote it, before validation. ``start`` and ``end`` are dates
    for an all-day activity (``end`` its last day), otherwise date-times, local to
    ``time_zone`` unless they carry their own offset; ISO 8601 strings are read too."""

    kind: str
    title: str
    start: date | datetime | str | None
    end: date | datetime | str | None
    tlp: str = TLP.GREEN
    description: str = ""
    all_day: bool = False
    time_zone: str = "UTC"
    place: str = ""
    online: bool = False
    organizer: Participant | None = None
    organizer_name: str = ""
    groups: list[ParticipantGroup] = field(default_factory=list)
    audience: list[str] = field(default_factory=list)
    pillars: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # catalogue codes
    languages: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


@dataclass
class Checked:
    """A draft that passed every check, ready to be written."""

    fields: dict[str, Any]
    groups: list[ParticipantGroup]
    items: list[Item]


# --- writing --------------------------------------------------------------------------------


def create(user: User, draft: Draft, *, request: HttpRequest | None = None) -> Activity:
    """Record a new activity on behalf of its organizer (or of an outside body)."""
    _require_organizer(user, draft)
    checked = check(draft)
    with transaction.atomic():
        activity = Activity(created_by=user, **checked.fields)
        activity.save()
        _relate(activity, checked)
        _settle(user, activity)
        record("activities.created", actor=user, target=activity, data=_facts(activity), request=request)
    return activity


def update(user: User, activity: Activity, draft: Draft, *, request: HttpRequest | None = None) -> Activity:
    """Change an activity; calendar clients see a new revision (iCalendar SEQUENCE)."""
    policy.require(user, "activities.manage", activity)
    if activity.is_cancelled:
        raise ServiceError(_("This activity was cancelled; it can no longer be changed."))
    if draft.organizer != activity.organizer or draft.organizer_name.strip() != activity.organizer_name:
        _require_organizer(user, draft)
    checked = check(draft)
    with transaction.atomic():
        before = _snapshot(activity)
        for name, value in checked.fields.items():
            setattr(activity, name, value)
        activity.sequence += 1
        activity.updated_at = timezone.now()
        activity.save()
        _relate(activity, checked)
        _settle(user, activity)
        changed = sorted(name for name, value in _snapshot(activity).items() if before[name] != value)
        record(
            "activities.updated",
            actor=user,
            target=activity,
            data={**_facts(activity), "changed": changed},
            request=request,
        )
    return activity


def cancel(user: User, activity: Activity, *, request: HttpRequest | None = None) -> Activity:
    """Mark an activity cancelled: it stays in the repository and the feeds (as cancelled, so
    calendars show it so) and leaves the shared search index."""
    policy.require(user, "activities.manage", activity)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.is_cancelled:
            raise ServiceError(_("This activity was already cancelled. Nothing has changed."))
        now = timezone.now()
        Activity.objects.filter(pk=activity.pk).update(
            cancelled_at=now, cancelled_by=user, updated_at=now, sequence=locked.sequence + 1
        )
        activity.refresh_from_db()
        indexing.refresh(activity)
        record("activities.cancelled", actor=user, target=activity, data=_facts(activity), request=request)
    return activity


def _require_organizer(user: User, draft: Draft) -> None:
    policy.require(user, "activities.create", draft.organizer)
    if draft.organizer is None and draft.organizer_name.strip():
        policy.require(user, "activities.record_outside")


def _relate(activity: Activity, checked: Checked) -> None:
    activity.groups.set(checked.groups)
    activity.items.set(checked.items)
    activity.search_terms = indexing.search_terms(activity)
    activity.save(update_fields=["search_terms"])
    indexing.refresh(activity)


def _settle(user: User, activity: Activity) -> None:
    """Refuse (and so roll back) a change after which its author could no longer see it: a
    label and groups that leave them out would make it impossible to correct."""
    if not policy.can(user, "activities.view_activity", activity):
        raise InvalidActivity(
            {
                "tlp": [
                    _(
                        "With this label and these groups you would no longer see the activity: "
                        "choose a less strict label or a group your participant belongs to."
                    )
                ]
            }
        )


def _snapshot(activity: Activity) -> dict[str, Any]:
    names = [f.attname for f in Activity._meta.concrete_fields if f.name not in ("search_terms", "sequence")]
    values = {name: getattr(activity, name) for name in names if name != "updated_at"}
    values["groups"] = sorted(activity.groups.values_list("pk", flat=True))
    values["items"] = sorted(activity.items.values_list("code", flat=True))
    return values


def _facts(activity: Activity) -> dict[str, Any]:
    return {
        "kind": activity.kind,
        "tlp": activity.tlp,
        "organizer": activity.organizer.code if activity.organizer_id else activity.organizer_name[:100],
        "groups": sorted(activity.groups.values_list("code", flat=True)),
    }


# --- checking a draft -------------------------------------------------------------------------


def check(draft: Draft) -> Checked:
    """Every check of a draft at once; raises :class:`InvalidActivity` naming each problem."""
    errors: Errors = {}
    fields: dict[str, Any] = {}
    fields["kind"] = _kind(draft.kind, errors)
    fields.update(_texts(draft, errors))
    fields.update(_timing(draft, errors))
    fields.update(_organizer(draft, errors))
    fields["tlp"] = _label(draft, errors)
    fields["audience"] = _known(draft.audience, AUDIENCES, "audience", errors)
    fields["pillars"] = _pillars(draft.pillars, errors)
    fields["languages"] = _languages(draft.languages, errors)
    fields["links"] = _links(draft.links, errors)
    items = cited_items(draft.items, errors)
    if errors:
        raise InvalidActivity(errors)
    return Checked(fields=fields, groups=list(dict.fromkeys(draft.groups)), items=items)


def _kind(kind: str, errors: Errors) -> str:
    if kind not in KINDS:
        errors["kind"] = [_("Choose the kind of activity.")]
    return kind


def _texts(draft: Draft, errors: Errors) -> dict[str, Any]:
    title, description, place = draft.title.strip(), draft.description.strip(), draft.place.strip()
    if not title or len(title) > MAX_TITLE:
        errors["title"] = [_("Write a title of at most %(limit)d characters.") % {"limit": MAX_TITLE}]
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = [
            _("The description is too long: at most %(limit)d characters.") % {"limit": MAX_DESCRIPTION}
        ]
    if len(place) > MAX_PLACE:
        errors["place"] = [_("Write the place in at most %(limit)d characters.") % {"limit": MAX_PLACE}]
    elif not place and not draft.online:
        errors["place"] = [_("Give the place, or say that the activity is held online.")]
    return {"title": title, "description": description, "place": place, "online": bool(draft.online)}


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _timing(draft: Draft, errors: Errors) -> dict[str, Any]:
    zone_name = (draft.time_zone or "").strip()
    if zone_name not in time_zones():
        errors["time_zone"] = [_("Choose a time zone such as Africa/Cairo, Europe/Vienna or UTC.")]
        return {}
    start = _moment(draft.start, draft.all_day, "start", errors)
    end = _moment(draft.end, draft.all_day, "end", errors)
    if start is None or end is None:
        return {}
    if draft.all_day:
        starts_at = datetime.combine(start, time(0), tzinfo=UTC)
        ends_at = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)
    else:
        zone = ZoneInfo(zone_name)
        starts_at, ends_at = (_aware(m, zone) for m in (start, end))  # type: ignore[arg-type]
    if ends_at <= starts_at:
        errors["end"] = [
            _("The last day cannot be before the first.")
            if draft.all_day
            else _("The activity must end after it starts.")
        ]
    return {
        "all_day": bool(draft.all_day),
        "time_zone": zone_name,
        "starts_at": starts_at,
        "ends_at": ends_at,
    }


def _moment(value: date | datetime | str | None, all_day: bool, name: str, errors: Errors) -> date | None:
    """A date (all day) or a date-time, read from a string if need be; None after an error."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip()) if all_day else datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if all_day and isinstance(value, datetime):
        value = value.date()
    if value is None or (not all_day and not isinstance(value, datetime)):
        errors[name] = [
            _("Give a day (YYYY-MM-DD).") if all_day else _("Give a date and a time (YYYY-MM-DDTHH:MM).")
        ]
        return None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        errors[name] = [
            _("Give a year between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        ]
        return None
    return value


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    local = moment if timezone.is_aware(moment) else moment.replace(tzinfo=zone)
    return local.astimezone(UTC)


def _organizer(draft: Draft, errors: Errors) -> dict[str, Any]:
    name = draft.organizer_name.strip()
    if draft.organizer is not None and name:
        errors["organizer"] = [_("Choose the organizing participant or name an outside body, not both.")]
    elif draft.organizer is None and not name:
        errors["organizer"] = [_("Choose the organizing participant, or name a body outside the community.")]
    elif draft.organizer is not None and not draft.organizer.is_active:
        errors["organizer"] = [_("This participant no longer takes part.")]
    elif len(name) > MAX_TITLE:
        errors["organizer_name"] = [
            _("Write the organizer's name in at most %(limit)d characters.") % {"limit": MAX_TITLE}
        ]
    return {"organizer": draft.organizer, "organizer_name": "" if draft.organizer else name}


def _label(draft: Draft, errors: Errors) -> str:
    if draft.tlp not in tlp.ORDER:
        errors["tlp"] = [_("Choose a TLP label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED.")]
    elif draft.organizer is None and draft.tlp == TLP.RED:
        errors["tlp"] = [
            _(
                "An activity of a body outside the community has no organizer's people to see it: "
                "it cannot be TLP:RED."
            )
        ]
    elif draft.organizer is None and draft.tlp in GROUP_LABELS and not draft.groups:
        errors["groups"] = [_("Choose the groups whose members may see this TLP:AMBER activity.")]
    return draft.tlp


def _known(codes: list[str], known: dict[str, Any], name: str, errors: Errors) -> list[str]:
    unknown = [str(c) for c in codes if c not in known]
    if unknown:
        errors[name] = [_("Unknown choices: %(codes)s.") % {"codes": ", ".join(unknown[:10])}]
    return [c for c in known if c in codes]


def _pillars(codes: list[str], errors: Errors) -> str:
    known = list(Term.objects.filter(axis=Term.Axis.PILLAR).order_by("order").values_list("code", flat=True))
    unknown = [str(c) for c in codes if c not in known]
    if unknown:
        errors["pillars"] = [_("Unknown GCA pillars: %(codes)s.") % {"codes": ", ".join(unknown[:10])}]
    chosen = [c for c in known if c in codes]
    return f" {' '.join(chosen)} " if chosen else ""


def _languages(codes: list[str], errors: Errors) -> list[str]:
    unknown = [str(c) for c in codes if not is_language(c)]
    if unknown:
        errors["languages"] = [
            _("Unknown language codes: %(codes)s (use ISO 639-1 codes such as ar, en, fr).")
            % {"codes": ", ".join(unknown[:10])}
        ]
    elif len(codes) > MAX_LANGUAGES:
        errors["languages"] = [_("Choose at most %(limit)d languages.") % {"limit": MAX_LANGUAGES}]
    return list(dict.fromkeys(codes))


_URL = URLValidator(schemes=["http", "https"])


def _links(links: list[str], errors: Errors) -> list[str]:
    cleaned = [link.strip() for link in links if link.strip()]
    if len(cleaned) > MAX_LINKS:
        errors["links"] = [_("Give at most %(limit)d links.") % {"limit": MAX_LINKS}]
        return []
    for link in cleaned:
        if not _is_web_address(link):
            errors.setdefault("links", []).append(
                _("“%(link)s” is not a web address (http or https).") % {"link": link[:100]}
            )
    return list(dict.fromkeys(cleaned))


def _is_web_address(link: str) -> bool:
    if len(link) > MAX_LINK:
        return False
    try:
        _URL(link)
    except ValidationError:
        return False
    return True


# --- calendar feed keys -----------------------------------------------------------------------


def feed_key(user: User) -> FeedKey | None:
    return FeedKey.objects.filter(user=user).first()


def feed_token(key: FeedKey) -> str:
    """The token of a person's feed URLs: their key, signed with the site's secret."""
    return signing.Signer(salt=FEED_SALT).sign(f"{key.user_id}.{key.secret}")


def subscriber(token: str) -> User | None:
    """The active person whose current feed key ``token`` carries; None for a forged, old
    (regenerated or revoked) or malformed token."""
    try:
        value = signing.Signer(salt=FEED_SALT).unsign(token)
    except signing.BadSignature:
        return None
    user_id, _dot, secret = value.partition(".")
    key = FeedKey.objects.filter(user_id=user_id, secret=secret).select_related("user").first()
    if key is None or not key.user.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(hours=1):
        FeedKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.user


def regenerate_feed_key(user: User, *, request: HttpRequest | None = None) -> FeedKey:
    """Create the person's feed key, or replace it: every URL given out before stops working."""
    policy.require(user, "activities.subscribe")
    with transaction.atomic():
        key, created = FeedKey.objects.select_for_update().get_or_create(user=user)
        if not created:
            key.secret = new_feed_secret()
            key.created_at = timezone.now()
            key.last_used_at = None
            key.save()
        record(
            "activities.feed_key_" + ("created" if created else "regenerated"), actor=user, request=request
        )
    return key


def revoke_feed_key(user: User, *, request: HttpRequest | None = None) -> bool:
    """Turn the person's feeds off; False when they had none."""
    policy.require(user, "activities.subscribe")
    with transaction.atomic():
        deleted, _rows = FeedKey.objects.filter(user=user).delete()
        if deleted:
            record("activities.feed_key_revoked", actor=user, request=request)
    return bool(deleted)
