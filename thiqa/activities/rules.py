"""Who may see and record activities, following their TLP label.

The rules of the activities room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.policy import Action, User
from thiqa.lib.tlp import TLP

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
    if not policy.in_community(user):
        return False
    if activity.tlp in (TLP.CLEAR, TLP.GREEN):
        return True
    own = set(policy.roles_of(user))
    if activity.organizer_id in own:
        return True
    return activity.tlp != TLP.RED and bool(activity.group_member_ids() & own)


def _may_create_activity(user: User, organizer: Participant | None) -> bool:
    """Record an activity organized by ``organizer`` (``None`` asks whether they may record
    any activity at all): the secretariat for anyone, others for a participant they write for."""
    if policy.is_secretariat(user):
        return True
    writes = set(policy.written_for(user))
    return bool(writes) if organizer is None else organizer.pk in writes


def _may_manage_activity(user: User, activity: Any) -> bool:
    """Change or cancel: those who write for the organizer, or the secretariat, if they see it."""
    if not _may_see_activity(user, activity):
        return False
    return policy.is_secretariat(user) or policy.writes_for(user, activity.organizer_id)


policy.register(
    {
        "activities.view": Action(lambda u, t: policy.in_community(u), writes=False),
        "activities.view_activity": Action(_may_see_activity, writes=False),
        "activities.create": Action(_may_create_activity, writes=True),
        "activities.record_outside": Action(lambda u, t: policy.is_secretariat(u), writes=True),
        "activities.manage": Action(_may_manage_activity, writes=True),
        "activities.subscribe": Action(lambda u, t: policy.in_community(u), writes=True),
        "activities.compliance": Action(lambda u, t: policy.is_secretariat(u), writes=False),
    }
)
