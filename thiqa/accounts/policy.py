"""The one authorization policy.

Every permission in Thiqa is decided here: web views, the API and CLI commands all
call :func:`can` or :func:`require` with an action name and, where it applies, the
object acted on. Each action says whether it changes data, so a read-only API token
can never perform it, whatever the user's role.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from thiqa.accounts.models import ApiToken, Membership, Participant, User
from thiqa.lib.tlp import EXPORTABLE, TLP, stricter

Role = Membership.Role
WRITING_ROLES = frozenset({Role.SECRETARIAT, Role.FOCAL_POINT, Role.MEMBER})


def roles_of(user: User) -> dict[int, str]:
    """Active roles of a user, by participant id, cached on the user object."""
    cached = getattr(user, "_thiqa_roles", None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(user=user, is_active=True, participant__is_active=True).values_list(
                "participant_id", "role"
            )
        )
        user._thiqa_roles = cached  # type: ignore[attr-defined]
    return cached


def forget_roles(user: User) -> None:
    """Drop the cached roles after they changed."""
    user.__dict__.pop("_thiqa_roles", None)


def is_secretariat(user: User) -> bool:
    return Role.SECRETARIAT in roles_of(user).values()


def needs_second_factor(user: User) -> bool:
    """Secretariat staff and focal points must sign in with a second factor."""
    return bool({Role.SECRETARIAT, Role.FOCAL_POINT} & set(roles_of(user).values()))


def is_focal_point_of(user: User, participant: Participant) -> bool:
    return roles_of(user).get(participant.pk) == Role.FOCAL_POINT


def in_community(user: User) -> bool:
    """Holds any active role: the directory and participant pages are for them only."""
    return bool(roles_of(user))


def _writes_for(user: User, participant_id: int | None) -> bool:
    """Holds a role that writes (secretariat, focal point, member) in this participant."""
    return participant_id is not None and roles_of(user).get(participant_id) in WRITING_ROLES


def written_for(user: User) -> list[int]:
    """Ids of the participants ``user`` writes for (secretariat, focal point or member role)."""
    return [pid for pid, role in roles_of(user).items() if role in WRITING_ROLES]


def writing_participants(user: User) -> QuerySet[Participant]:
    """The active participants ``user`` writes for, by name."""
    return Participant.objects.filter(pk__in=written_for(user), is_active=True).order_by("name_en")


def _manages_participant(user: User, participant: Participant) -> bool:
    return is_secretariat(user) or is_focal_point_of(user, participant)


def _may_assign(user: User, target: tuple[Participant, str]) -> bool:
    """Focal points add members and observers to their own participant; the
    secretariat assigns any role, and the secretariat role only within a
    participant that runs the platform."""
    participant, role = target
    if role == Role.SECRETARIAT and not participant.is_secretariat:
        return False
    if is_secretariat(user):
        return True
    return is_focal_point_of(user, participant) and role in {Role.MEMBER, Role.OBSERVER}


def _may_change_membership(user: User, membership: Membership) -> bool:
    if membership.user_id == user.pk:
        return False  # nobody changes or removes their own role
    if is_secretariat(user):
        return True
    return is_focal_point_of(user, membership.participant) and membership.role in {
        Role.MEMBER,
        Role.OBSERVER,
    }


def _may_see_contact(user: User, contact: Any) -> bool:
    """Community members see published contacts; one marked for the secretariat only is
    seen by the secretariat and its own participant's people. Mirrors
    ``ContactQuerySet.visible_to``."""
    if not in_community(user) or contact.removed_at is not None:
        return False
    if not contact.secretariat_only or is_secretariat(user):
        return True
    return contact.participant_id in roles_of(user)


def _may_manage_some_participant(user: User, target: Any) -> bool:
    return is_secretariat(user) or Role.FOCAL_POINT in roles_of(user).values()


def _may_see_group_compliance(user: User, group: Any) -> bool:
    """The secretariat sees every group; a focal point sees the groups it belongs to."""
    if is_secretariat(user):
        return True
    if group is None:
        return False
    own = {pid for pid, role in roles_of(user).items() if role == Role.FOCAL_POINT}
    return group.members.filter(pk__in=own).exists()


def _may_see_check_results(user: User, participant: Any) -> bool:
    """The secretariat sees every participant's results (``participant`` None asks for all
    of them); others only their own."""
    if is_secretariat(user):
        return True
    return participant is not None and participant.pk in roles_of(user)


def _is_addressee(user: User, ping: Any) -> bool:
    """A ping is acknowledged in the web inbox by the person it was sent to."""
    return user.email.lower() in {address.lower() for address in ping.addresses}


# --- secure communications: the Traffic Light Protocol, enforced ---------------------------
#
# A person stands in one of three relations to a message: "personal" (sent it, or it was
# addressed to them by name or address, escalations included), "organization" (holds a
# role in the sender's or a recipient's participant) or "community" (holds a role
# anywhere). TLP:RED is read by the personal circle only; AMBER+STRICT, AMBER and GREEN by
# the parties' organizations; CLEAR by the whole community. Observers read but never
# write. ``MessageQuerySet.readable_by`` mirrors the reading rule (a test checks both).


def _standing(user: User, message: Any) -> str | None:
    if not in_community(user):
        return None
    if message.is_personally_for(user):
        return "personal"
    if message.party_ids() & set(roles_of(user)):
        return "organization"
    return "community"


def _may_read_labelled(user: User, message: Any, label: str) -> bool:
    standing = _standing(user, message)
    if standing is None:
        return False
    if label == TLP.RED:
        return standing == "personal"
    return label == TLP.CLEAR or standing in ("personal", "organization")


def _may_read_message(user: User, message: Any) -> bool:
    return _may_read_labelled(user, message, message.tlp)


def _may_download(user: User, attachment: Any) -> bool:
    """An attachment is read under the stricter of its own label and its message's."""
    message = attachment.message
    return _may_read_labelled(user, message, stricter(message.tlp, attachment.tlp))


def writing_participant(user: User, message: Any) -> int | None:
    """The participant on whose behalf ``user`` answers or passes on ``message``: one of the
    parties they write for; else, when it was addressed to them personally or is CLEAR,
    any participant they write for; else None."""
    writes = written_for(user)
    party = message.party_ids()
    for pid in writes:
        if pid in party:
            return pid
    if writes and (message.tlp == TLP.CLEAR or message.is_personally_for(user)):
        return writes[0]
    return None


def _may_reply(user: User, message: Any) -> bool:
    """Parties to a message answer it (a CLEAR message read by others is not theirs to answer)."""
    return (
        _standing(user, message) in ("personal", "organization")
        and _may_read_message(user, message)
        and writing_participant(user, message) is not None
    )


def _may_forward(user: User, message: Any) -> bool:
    return (
        message.tlp != TLP.RED
        and _may_read_message(user, message)
        and writing_participant(user, message) is not None
    )


def _may_forward_to(user: User, target: tuple[Any, Participant, str]) -> bool:
    """May ``user`` pass ``message`` to ``participant`` as a copy labelled ``label`` (the
    message's label or a stricter one)? RED is never forwarded; AMBER and AMBER+STRICT stay
    within the forwarder's own organization; GREEN and CLEAR may go to any participant."""
    message, participant, label = target
    label = stricter(message.tlp, label)
    if not _may_forward(user, message) or not participant.is_active:
        return False
    if label in (TLP.AMBER, TLP.AMBER_STRICT):
        return participant.pk in roles_of(user)
    return label != TLP.RED


def _may_export(user: User, message: Any) -> bool:
    return message.tlp in EXPORTABLE and _may_read_message(user, message)


def _may_send_as(user: User, participant: Any) -> bool:
    """Secretariat staff, focal points and members send on behalf of their participant
    (``None`` asks whether they may send at all)."""
    if participant is None:
        return bool(written_for(user))
    return _writes_for(user, participant.pk)


def _may_acknowledge(user: User, recipient: Any) -> bool:
    """The person a copy went to acknowledges it; for anything but RED, so may anyone who
    writes for the participant it was sent to."""
    if not in_community(user):
        return False
    if recipient.is_addressed_to(user):
        return True
    return recipient.message.tlp != TLP.RED and _writes_for(user, recipient.participant_id)


def _may_close(user: User, message: Any) -> bool:
    if not in_community(user):
        return False
    if message.sender_id == user.pk:
        return True
    return message.tlp != TLP.RED and _writes_for(user, message.sender_participant_id)


# --- national reporting: the provider chooses each submission's audience --------------------


def _may_see_response(user: User, response: Any) -> bool:
    """A participant's own people see its drafts and versions; the secretariat every
    submission (and withdrawal); others a submission whose audience includes them; anyone,
    signed in or not, a public one. Mirrors ``ResponseQuerySet.visible_to``."""
    submitted = response.status == "submitted"
    if submitted and response.audience == "public":
        return True
    if not user.is_authenticated or not in_community(user):
        return False
    own = set(roles_of(user))
    if response.participant_id in own:
        return True
    if is_secretariat(user):
        return response.status != "draft"
    if not submitted:
        return False
    if response.audience == "scope":
        group = response.cycle.group
        return group is None or group.members.filter(pk__in=own).exists()
    if response.audience == "chosen":
        return response.audience_participants.filter(pk__in=own).exists()
    return False


def _may_see_versions(user: User, response: Any) -> bool:
    """Every saved version and draft: the participant's own people; the secretariat once
    something was submitted (a withdrawal included)."""
    if response.participant_id in roles_of(user):
        return True
    return is_secretariat(user) and response.status != "draft"


def _may_respond(user: User, target: tuple[Any, Participant]) -> bool:
    """Those who write for a participant in the cycle's scope draft and submit its response."""
    cycle, participant = target
    if not _writes_for(user, participant.pk):
        return False
    return cycle.scope().filter(pk=participant.pk).exists()


def _may_ask(user: User, response: Any) -> bool:
    """Other participants who can see a submission ask about it."""
    writes = set(written_for(user))
    return (
        bool(writes - {response.participant_id})
        and response.status == "submitted"
        and (_may_see_response(user, response))
    )


def _may_answer(user: User, response: Any) -> bool:
    return _writes_for(user, response.participant_id)


# --- partnerships (rules of the partnerships room) ------------------------------------------
#
# An arrangement's record is seen by the community; a closed arrangement's members only by
# those inside it (the owner's and the active members' people) and the secretariat; its
# discussions only by those inside. Its disclosure page is public once the owner publishes it.


def _inside(user: User, arrangement: Any) -> bool:
    return bool(set(roles_of(user)) & arrangement.active_member_ids())


def _may_register_arrangement(user: User, participant: Any) -> bool:
    if participant is None:
        return bool(written_for(user))
    return _writes_for(user, participant.pk)


def _may_see_arrangement_members(user: User, arrangement: Any) -> bool:
    if not in_community(user):
        return False
    return not arrangement.is_closed or _inside(user, arrangement) or is_secretariat(user)


def _may_post_in_arrangement(user: User, arrangement: Any) -> bool:
    return any(_writes_for(user, pid) for pid in arrangement.active_member_ids())


def _may_join_arrangement(user: User, target: tuple[Any, Participant]) -> bool:
    """A participant's focal point (or the secretariat for it) asks to join; never the
    owner, never twice (the service says which it is)."""
    arrangement, participant = target
    role = roles_of(user).get(participant.pk)
    return role in (Role.FOCAL_POINT, Role.SECRETARIAT) and participant.pk != arrangement.owner_id


def _may_publish_arrangement(user: User, arrangement: Any) -> bool:
    return roles_of(user).get(arrangement.owner_id) in (Role.FOCAL_POINT, Role.SECRETARIAT)


# --- capacity building (rules of the capacity room) ------------------------------------------

# Needs and offers are seen by the whole community; each is posted, edited and closed by those
# who write for its participant (the secretariat may also close one, to keep the lists true).
# A request to engage is made by either side and answered by the other; it is seen by both
# sides' people and the secretariat (which coordinates, GCA guideline 4.8(c)).
# ``EngagementQuerySet.visible_to`` mirrors ``capacity.view_engagement``.


def _may_post_capacity(user: User, participant: Participant | None) -> bool:
    """Post a need or an offer for ``participant`` (``None`` asks whether for any)."""
    if participant is None:
        return bool(written_for(user))
    return _writes_for(user, participant.pk)


def _may_edit_posting(user: User, posting: Any) -> bool:
    return _writes_for(user, posting.participant_id)


def _may_close_posting(user: User, posting: Any) -> bool:
    return is_secretariat(user) or _writes_for(user, posting.participant_id)


def _may_engage(user: User, pair: tuple[Any, Any]) -> bool:
    """Ask the other side to engage: whoever writes for the need's or the offer's participant."""
    need, offer = pair
    return _writes_for(user, need.participant_id) or _writes_for(user, offer.participant_id)


def _may_see_engagement(user: User, engagement: Any) -> bool:
    if not in_community(user):
        return False
    own = roles_of(user)
    return (
        is_secretariat(user)
        or engagement.need.participant_id in own
        or engagement.offer.participant_id in own
    )


def _may_edit_cirt(user: User, participant: Participant | None) -> bool:
    """A State's focal point or the secretariat (``None`` asks whether for any State)."""
    if participant is None:
        return _may_manage_some_participant(user, None)
    return participant.kind == Participant.Kind.STATE and _manages_participant(user, participant)


# --- activities and calendar (rules of the activities room) ----------------------------------
#
# An activity (workshop, seminar, exercise, expert meeting, training, forum, project) is seen
# according to its TLP label and the relation of the person to it: "organizer" (holds a role
# in the organizing participant), "group" (holds a role in a participant that is a member of
# one of the activity's groups) or "community" (holds a role anywhere). Anyone else, signed
# in or not, sees no activity.
#
#     label                  organizer   group   community
#     CLEAR, GREEN           yes         yes     yes
#     AMBER, AMBER+STRICT    yes         yes     no
#     RED                    yes         no      no
#
# The secretariat stands where its own participant stands: it sees the AMBER activity of a
# group it is not in no more than any other participant does (it organizes many meetings
# itself, and then is the organizer). An activity of a body outside the community has no
# organizer's people, so the activities room refuses it RED, and AMBER without a group.
# Focal points and members of the organizing participant record, change and cancel its
# activities; the secretariat records any participant's and outside bodies' activities and
# changes those it may see. Observers read. ``ActivityQuerySet.visible_to`` mirrors the
# seeing rule (a test checks both agree for every role and label).


def _may_see_activity(user: User, activity: Any) -> bool:
    """The table above; the label is read first, so CLEAR and GREEN cost no query."""
    if not in_community(user):
        return False
    if activity.tlp in (TLP.CLEAR, TLP.GREEN):
        return True
    own = set(roles_of(user))
    if activity.organizer_id in own:
        return True
    return activity.tlp != TLP.RED and bool(activity.group_member_ids() & own)


def _may_create_activity(user: User, organizer: Participant | None) -> bool:
    """Record an activity organized by ``organizer`` (``None`` asks whether they may record
    any activity at all): the secretariat for anyone, others for a participant they write for."""
    if is_secretariat(user):
        return True
    writes = set(written_for(user))
    return bool(writes) if organizer is None else organizer.pk in writes


def _may_manage_activity(user: User, activity: Any) -> bool:
    """Change or cancel: those who write for the organizer, or the secretariat, if they see it."""
    if not _may_see_activity(user, activity):
        return False
    return is_secretariat(user) or _writes_for(user, activity.organizer_id)


@dataclass(frozen=True)
class Action:
    rule: Callable[[User, Any], bool]
    writes: bool
    public: bool = False  # also asked for visitors who are not signed in


def _anyone(user: User, target: Any) -> bool:
    return True


ACTIONS: dict[str, Action] = {
    "home.view": Action(_anyone, writes=False),
    "participant.list": Action(lambda u, t: in_community(u), writes=False),
    "participant.view": Action(lambda u, t: in_community(u), writes=False),
    "participant.create": Action(lambda u, t: is_secretariat(u), writes=True),
    "participant.edit": Action(_manages_participant, writes=True),
    "participant.view_people": Action(_manages_participant, writes=False),
    "group.list": Action(lambda u, t: in_community(u), writes=False),
    "group.manage": Action(lambda u, t: is_secretariat(u), writes=True),
    "membership.assign": Action(_may_assign, writes=True),
    "membership.change": Action(_may_change_membership, writes=True),
    "token.manage": Action(_anyone, writes=True),
    "token.revoke": Action(lambda u, token: token is not None and token.user_id == u.pk, writes=True),
    "mail.view_outbox": Action(lambda u, t: is_secretariat(u), writes=False),
    "mail.requeue": Action(lambda u, t: is_secretariat(u), writes=True),
    "audit.view": Action(lambda u, t: is_secretariat(u), writes=False),
    "catalogue.view": Action(lambda u, t: in_community(u), writes=False),
    "catalogue.export": Action(lambda u, t: in_community(u), writes=False),
    "library.view": Action(lambda u, t: in_community(u), writes=False),
    "library.ingest": Action(lambda u, t: is_secretariat(u), writes=True),
    "search.query": Action(lambda u, t: in_community(u), writes=False),
    "directory.view": Action(lambda u, t: in_community(u), writes=False),
    "directory.view_contact": Action(_may_see_contact, writes=False),
    "directory.export": Action(lambda u, t: in_community(u), writes=False),
    "directory.nominate": Action(_manages_participant, writes=True),
    "directory.confirm": Action(_manages_participant, writes=True),
    "directory.edit_structures": Action(_manages_participant, writes=True),
    "directory.import": Action(_may_manage_some_participant, writes=True),
    "directory.review": Action(lambda u, t: is_secretariat(u), writes=True),
    "directory.compliance": Action(_may_see_group_compliance, writes=False),
    "checks.start": Action(lambda u, t: is_secretariat(u), writes=True),
    "checks.list": Action(lambda u, t: in_community(u), writes=False),
    "checks.view_results": Action(_may_see_check_results, writes=False),
    "checks.acknowledge": Action(_is_addressee, writes=True),
    "messaging.view": Action(lambda u, t: in_community(u), writes=False),
    "messaging.send": Action(_may_send_as, writes=True),
    "messaging.read": Action(_may_read_message, writes=False),
    "messaging.download": Action(_may_download, writes=False),
    "messaging.reply": Action(_may_reply, writes=True),
    "messaging.forward": Action(_may_forward, writes=True),
    "messaging.forward_to": Action(_may_forward_to, writes=True),
    "messaging.export": Action(_may_export, writes=False),
    "messaging.acknowledge": Action(_may_acknowledge, writes=True),
    "messaging.close": Action(_may_close, writes=True),
    "reporting.view": Action(lambda u, t: in_community(u), writes=False),
    "reporting.manage": Action(lambda u, t: is_secretariat(u), writes=True),
    "reporting.respond": Action(_may_respond, writes=True),
    "reporting.view_response": Action(_may_see_response, writes=False, public=True),
    "reporting.view_versions": Action(_may_see_versions, writes=False),
    "reporting.view_draft": Action(lambda u, r: r.participant_id in roles_of(u), writes=False),
    "reporting.ask": Action(_may_ask, writes=True),
    "reporting.answer": Action(_may_answer, writes=True),
    # partnerships actions
    "partnerships.view": Action(lambda u, t: in_community(u), writes=False),
    "partnerships.register": Action(_may_register_arrangement, writes=True),
    "partnerships.edit": Action(lambda u, a: _writes_for(u, a.owner_id), writes=True),
    "partnerships.publish": Action(_may_publish_arrangement, writes=True),
    "partnerships.view_members": Action(_may_see_arrangement_members, writes=False),
    "partnerships.view_discussion": Action(_inside, writes=False),
    "partnerships.post": Action(_may_post_in_arrangement, writes=True),
    "partnerships.join": Action(_may_join_arrangement, writes=True),
    "partnerships.decide": Action(lambda u, a: _writes_for(u, a.owner_id), writes=True),
    "partnerships.view_disclosure": Action(lambda u, a: a.is_published, writes=False, public=True),
    # capacity actions
    "capacity.view": Action(lambda u, t: in_community(u), writes=False),
    "capacity.post": Action(_may_post_capacity, writes=True),
    "capacity.edit": Action(_may_edit_posting, writes=True),
    "capacity.close": Action(_may_close_posting, writes=True),
    "capacity.engage": Action(_may_engage, writes=True),
    "capacity.answer": Action(lambda u, e: _writes_for(u, e.asked_id), writes=True),
    "capacity.withdraw": Action(lambda u, e: _writes_for(u, e.asking_id), writes=True),
    "capacity.view_engagement": Action(_may_see_engagement, writes=False),
    "capacity.cirt_edit": Action(_may_edit_cirt, writes=True),
    # activities actions
    "activities.view": Action(lambda u, t: in_community(u), writes=False),
    "activities.view_activity": Action(_may_see_activity, writes=False),
    "activities.create": Action(_may_create_activity, writes=True),
    "activities.record_outside": Action(lambda u, t: is_secretariat(u), writes=True),
    "activities.manage": Action(_may_manage_activity, writes=True),
    "activities.subscribe": Action(lambda u, t: in_community(u), writes=True),
    "activities.compliance": Action(lambda u, t: is_secretariat(u), writes=False),
}


def can(user: User | Any, action: str, target: Any = None, token: ApiToken | None = None) -> bool:
    """May ``user`` perform ``action`` on ``target``, through ``token`` if an API call?"""
    rule = ACTIONS[action]  # an unknown action is a programming error, never a yes
    if user is None or not user.is_authenticated or not user.is_active:
        return rule.public and rule.rule(AnonymousUser(), target)
    if token is not None and rule.writes and not token.allows_writes:
        return False
    return rule.rule(user, target)


def request_token(request: Any) -> ApiToken | None:
    """The API token a request was authenticated with (None for a browser session)."""
    return getattr(request, "api_token", None)


def require_request(request: Any, action: str, target: Any = None) -> None:
    """:func:`require` for the user of an API request, through the token it came with."""
    require(request.user, action, target, request_token(request))


def require(user: User | Any, action: str, target: Any = None, token: ApiToken | None = None) -> None:
    """Raise PermissionDenied unless :func:`can` says yes."""
    if not can(user, action, target, token):
        raise PermissionDenied(_("You are not allowed to do this."))
