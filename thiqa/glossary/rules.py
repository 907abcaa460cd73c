"""The glossary: who reads and writes national terms and concept entries.

The rules of the glossary room, registered with the one policy (``accounts/policy.py``),
which decides every request with them.

    national term (a submission)        its people   secretariat   audience   others   anonymous
    draft                               yes          no            no         no       no
    submitted, to the secretariat       yes          yes           -          no       no
    submitted, to every participant     yes          yes           community  no       no
    submitted, to chosen participants   yes          yes           chosen     no       no
    submitted, public                   yes          yes           everyone   yes      yes
    withdrawn                           yes          yes           no         no       no

"Its people" hold any role in the submitting participant (observers read). Those who write
for the participant (focal points and members) draft, change, submit and withdraw its terms.
A concept entry is seen by the community while the secretariat works on it, and by anyone,
signed in or not, once agreed. Only the secretariat creates concepts, groups terms into them
and sets their definitions and status; those who write for a participant comment on a
concept that is proposed or under discussion. ``GlossaryTermQuerySet.visible_to`` and
``ConceptQuerySet.visible_to`` mirror the reading rules (a test checks they agree).
"""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.policy import Action, User

DISCUSSED = ("proposed", "discussion")


def _may_see_term(user: User, term: Any) -> bool:
    submitted = term.status == "submitted"
    if submitted and term.audience == "public":
        return True
    if not user.is_authenticated or not policy.in_community(user):
        return False
    own = set(policy.roles_of(user))
    if term.participant_id in own:
        return True
    if policy.is_secretariat(user):
        return term.status != "draft"
    if not submitted:
        return False
    if term.audience == "community":
        return True
    return term.audience == "chosen" and bool(term.audience_ids() & own)


def _may_see_concept(user: User, concept: Any) -> bool:
    if concept is not None and concept.status == "agreed":
        return True
    return user.is_authenticated and policy.in_community(user)


def _may_submit(user: User, participant: Participant | None) -> bool:
    """Draft terms for ``participant`` (``None``: for some participant at all)."""
    writes = policy.written_for(user)
    return bool(writes) if participant is None else participant.pk in writes


def _may_edit_term(user: User, term: Any) -> bool:
    return policy.writes_for(user, term.participant_id)


def _may_comment(user: User, concept: Any) -> bool:
    return bool(policy.written_for(user)) and concept.status in DISCUSSED


policy.register(
    {
        "glossary.view": Action(policy.anyone, writes=False, public=True),
        "glossary.view_concept": Action(_may_see_concept, writes=False, public=True),
        "glossary.view_term": Action(_may_see_term, writes=False, public=True),
        "glossary.submit": Action(_may_submit, writes=True),
        "glossary.edit_term": Action(_may_edit_term, writes=True),
        "glossary.manage": Action(lambda u, t: policy.is_secretariat(u), writes=True),
        "glossary.comment": Action(_may_comment, writes=True),
        "glossary.export": Action(policy.anyone, writes=False, public=True),
        "glossary.import": Action(lambda u, t: bool(policy.written_for(u)), writes=True),
    }
)
