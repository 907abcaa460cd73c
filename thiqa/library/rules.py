"""The document library and the search over it.

The source documents are public texts, read like the catalogue (``catalogue.rules``); adding
one is the secretariat's. The search is open to the same readers, but visitors and people
outside the community search only the public part of the index (catalogue items, passages
and the entries a room marked public), never the entries it holds for the community.

The rules of the library room, registered with the one policy (``accounts/policy.py``),
which decides every request with them."""

from typing import Any

from thiqa.accounts import policy
from thiqa.accounts.policy import Action, User
from thiqa.catalogue.rules import reads_public_texts


def may_read_owned(user: User, record: Any) -> bool:
    """A record a participant owns (``owner_id``, ``audience``, ``audience_participants``):
    public ones by anyone, signed in or not; the others by the owner's people and the
    secretariat, and by every participant's people (``community``) or the chosen
    participants' people (``chosen``). Mirrors ``models.readable_by``; the profiles' national
    positions follow the same rule. A withdrawn record is read by nobody."""
    if getattr(record, "withdrawn_at", None) is not None:
        return False
    if record.audience == "public":
        return True
    if not user.is_authenticated or not policy.in_community(user):
        return False
    own = policy.roles_of(user)
    if record.owner_id in own or policy.is_secretariat(user) or record.audience == "community":
        return True
    return record.audience == "chosen" and record.audience_participants.filter(pk__in=list(own)).exists()


def _may_read_document(user: User, document: Any) -> bool:
    """A source text: whoever reads the library; a national document: its audience."""
    if document.owner_id is None:
        return policy.can(user, "library.view")
    return may_read_owned(user, document)


policy.register(
    {
        "library.view": Action(reads_public_texts, writes=False, public=True),
        "library.view_document": Action(_may_read_document, writes=False, public=True),
        "library.ingest": Action(lambda u, t: policy.is_secretariat(u), writes=True),
        "search.query": Action(reads_public_texts, writes=False, public=True),
        "search.community_entries": Action(lambda u, t: policy.in_community(u), writes=False),
    }
)
