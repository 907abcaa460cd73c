"""National reporting: the provider chooses each submission's audience.

The rules of the reporting room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.policy import Action, User
from thiqa.reporting.compilation import audience_key

# --- national reporting: the provider chooses each submission's audience --------------------


def _may_see_response(user: User, response: Any) -> bool:
    """A participant's own people see its drafts and versions; the secretariat every
    submission (and withdrawal); others a submission whose audience includes them; anyone,
    signed in or not, a public one. Mirrors ``ResponseQuerySet.visible_to``."""
    submitted = response.status == "submitted"
    if submitted and response.audience == "public":
        return True
    if not user.is_authenticated or not policy.in_community(user):
        return False
    own = set(policy.roles_of(user))
    if response.participant_id in own:
        return True
    if policy.is_secretariat(user):
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
    if response.participant_id in policy.roles_of(user):
        return True
    return policy.is_secretariat(user) and response.status != "draft"


def _may_respond(user: User, target: tuple[Any, Participant]) -> bool:
    """Those who write for a participant in the cycle's scope draft and submit its response."""
    cycle, participant = target
    if not policy.writes_for(user, participant.pk):
        return False
    return cycle.scope().filter(pk=participant.pk).exists()


def _may_ask(user: User, response: Any) -> bool:
    """Other participants who can see a submission ask about it."""
    writes = set(policy.written_for(user))
    return (
        bool(writes - {response.participant_id})
        and response.status == "submitted"
        and (_may_see_response(user, response))
    )


def _may_answer(user: User, response: Any) -> bool:
    return policy.writes_for(user, response.participant_id)


def _may_read_compilation_pdf(user: User, job: Any) -> bool:
    """A compilation PDF is read by the community members who see exactly what it shows:
    the submitted versions they may read now are those it was made from."""
    return policy.in_community(user) and audience_key(user, job.cycle)[0] == job.audience_key


policy.register(
    {
        "reporting.view": Action(lambda u, t: policy.in_community(u), writes=False),
        "reporting.manage": Action(lambda u, t: policy.is_secretariat(u), writes=True),
        "reporting.respond": Action(_may_respond, writes=True),
        "reporting.view_response": Action(_may_see_response, writes=False, public=True),
        "reporting.view_versions": Action(_may_see_versions, writes=False),
        "reporting.view_draft": Action(lambda u, r: r.participant_id in policy.roles_of(u), writes=False),
        "reporting.ask": Action(_may_ask, writes=True),
        "reporting.answer": Action(_may_answer, writes=True),
        "reporting.prepare_compilation_pdf": Action(lambda u, t: policy.in_community(u), writes=False),
        "reporting.read_compilation_pdf": Action(_may_read_compilation_pdf, writes=False),
    }
)
